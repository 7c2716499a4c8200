"""Compare rules for the per-label thresholds by the same repeated grouped CV.

Run with ``uv run python bench/threshold_rules.py [--design NAME] [--repeats 3] [--folds 5]``.

The rules only change how a threshold is read from the out-of-fold
probabilities of the training folds (``train``'s inner cross-validation), so
a design (``--design``, by default the shipped one) is trained once per fold
and every rule decides on the same held-out probabilities: one line per rule,
as in ``compare_designs.py`` (``threshold_f1`` is the shipped rule).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt
from compare_designs import DESIGNS, row

from classement import load_corpus, load_taxonomy
from classement.corpus import taxonomy_examples
from classement.evaluate import label_matrix, score_matrices
from classement.model_selection import GroupedScores, corpus_groups, group_folds
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import (
    TrainingParams,
    _base_rate_threshold,
    _best_threshold,
    train_with_oof,
)

FloatArray = npt.NDArray[np.float64]
Rule = Callable[[FloatArray, npt.NDArray[np.bool_]], float]


RULES: dict[str, Rule] = {
    "threshold_f1": _best_threshold,
    "threshold_f1.25": lambda p, y: _best_threshold(p, y, 1.25),
    "threshold_f1.5": lambda p, y: _best_threshold(p, y, 1.5),
    "threshold_minus_0.05": lambda p, y: max(_best_threshold(p, y) - 0.05, 0.05),
    "threshold_plus_0.03": lambda p, y: min(_best_threshold(p, y) + 0.03, 0.95),
    "threshold_plus_0.05": lambda p, y: min(_best_threshold(p, y) + 0.05, 0.95),
    "threshold_f0.8": lambda p, y: _best_threshold(p, y, 0.8),
    "threshold_min_positive_rate": lambda p, y: min(
        _best_threshold(p, y), _base_rate_threshold(p, y)
    ),
}


def fold_probabilities(
    train_records: Sequence[LabelledArticle],
    test_records: Sequence[LabelledArticle],
    taxonomy: Taxonomy,
    params: TrainingParams,
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Held-out probabilities, and the thresholds each rule reads from the inner CV."""
    classifier, oof = train_with_oof(train_records, params=params, taxonomy=taxonomy)
    truth = label_matrix([*train_records, *taxonomy_examples(taxonomy)], taxonomy.ids)
    thresholds = {}
    for name, rule in RULES.items():
        values = [rule(oof[:, j], truth[:, j]) for j in range(truth.shape[1])]
        thresholds[name] = np.where(classifier.thresholds >= 1.0, 1.0, values)
    proba = classifier.predict_proba([record.article for record in test_records])
    return proba.astype(np.float64), thresholds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=3, help="shuffles of the groups")
    parser.add_argument("--folds", type=int, default=5, help="folds per repeat")
    parser.add_argument("--design", default="current", help="a design of compare_designs.py")
    args = parser.parse_args()
    # the rules decide from the label thresholds alone, as before the gate existed
    params = replace(DESIGNS[args.design].params, gate="none")
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    groups = corpus_groups()
    real = np.array([not g.startswith("fichier:") for g in groups])
    truth = label_matrix(records, taxonomy.ids)
    kinds = tuple(label.kind for label in taxonomy.labels)
    reports: dict[str, tuple[list, list]] = {name: ([], []) for name in RULES}
    for repeat in range(args.repeats):
        fold_of = group_folds(groups, args.folds, seed=repeat)
        predicted = {name: np.zeros_like(truth) for name in RULES}
        for fold in range(args.folds):
            test = np.flatnonzero(fold_of == fold)
            training = [r for r, f in zip(records, fold_of, strict=True) if f != fold]
            proba, thresholds = fold_probabilities(
                training, [records[i] for i in test], taxonomy, params
            )
            for name in RULES:
                predicted[name][test] = proba >= thresholds[name]
        for name, (every, subset) in reports.items():
            every.append(score_matrices(truth, predicted[name], taxonomy.ids, kinds))
            subset.append(score_matrices(truth[real], predicted[name][real], taxonomy.ids, kinds))
    for name, (every, subset) in reports.items():
        label = name if args.design == "current" else f"{args.design}+{name}"
        print(json.dumps(row(label, GroupedScores(every, subset).summary())), flush=True)


if __name__ == "__main__":
    main()
