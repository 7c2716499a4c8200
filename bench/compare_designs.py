"""Compare model designs by nested cross-validation on the training corpus.

Run with ``uv run python bench/compare_designs.py [--only NAME]… [--report FILE]``.

The outer split holds out a fifth of the corpus (or, with ``--by-writer``, one
corpus file: a harder test, closer to texts written by someone else); ``train`` runs on the
rest (its own inner cross-validation calibrates probabilities and picks
thresholds) and the held-out fifth is predicted. ``--report FILE``
additionally prints the scores on a labelled file of real articles. A design
is kept only if it does not lower the cross-validated figures; the report
then tells whether a gain on the corpus, or a change that cross-validation
cannot tell apart, also holds on real texts (the corpus is written for the
project, and its wording can mislead cross-validation). The report never
trains a model nor sets a threshold.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classement import evaluate, load_corpus, load_taxonomy, read_labelled, train
from classement.evaluate import EvaluationReport, label_matrix, score_matrices
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams

BASE = TrainingParams()
DESIGNS: dict[str, TrainingParams] = {
    "default": BASE,
    "themes_logreg": replace(BASE, theme_learner=None),
    "themes_logreg_char_weight_1.0": replace(
        BASE, theme_learner=None, features=replace(BASE.features, char_weight=1.0)
    ),
    "nblr_everywhere": replace(BASE, learner="nblr"),
    "nb_alpha_0.3": replace(BASE, nb_alpha=0.3),
    "nb_alpha_3": replace(BASE, nb_alpha=3.0),
    "no_taxonomy_examples": replace(BASE, taxonomy_examples=False),
    "words_only": replace(BASE, features=replace(BASE.features, char_ngrams=None)),
    "chars_3_5": replace(BASE, features=replace(BASE.features, char_ngrams=(3, 5))),
    "no_bigrams": replace(BASE, features=replace(BASE.features, word_bigrams=False)),
    "unweighted": replace(BASE, class_weight=None),
    "svm": replace(BASE, learner="svm", theme_learner="svm", c=0.5),
    "threshold_0.5": replace(BASE, thresholds="fixed"),
    "c1": replace(BASE, c=1.0),
    "c10": replace(BASE, c=10.0),
    "char_weight_1.0": replace(BASE, features=replace(BASE.features, char_weight=1.0)),
    "char_weight_2.0": replace(BASE, features=replace(BASE.features, char_weight=2.0)),
}


def random_folds(records: list[LabelledArticle]) -> npt.NDArray[np.int64]:
    return np.random.default_rng(0).permutation(len(records)) % 5


def writer_folds(records: list[LabelledArticle]) -> npt.NDArray[np.int64]:
    """One fold per corpus file (id prefix): a model never sees the held-out writer's style."""
    prefixes = sorted({record.id.split("-")[0] for record in records})
    return np.array([prefixes.index(record.id.split("-")[0]) for record in records])


def nested_cv(
    records: list[LabelledArticle],
    params: TrainingParams,
    taxonomy: Taxonomy,
    fold_of: npt.NDArray[np.int64],
) -> EvaluationReport:
    """Out-of-fold decisions of models trained without the fold."""
    predicted = np.zeros((len(records), len(taxonomy.ids)), dtype=bool)
    for fold in np.unique(fold_of):
        train_part = [r for r, f in zip(records, fold_of, strict=True) if f != fold]
        test_rows = np.flatnonzero(fold_of == fold)
        model = train(train_part, params=params, taxonomy=taxonomy)
        proba = model.predict_proba([records[i].article for i in test_rows])
        predicted[test_rows] = proba >= model.thresholds
    truth = label_matrix(records, taxonomy.ids)
    kinds = tuple(label.kind for label in taxonomy.labels)
    return score_matrices(truth, predicted, taxonomy.ids, kinds)


def summary(report: EvaluationReport) -> dict[str, Any]:
    per_label = {k: v.f1 for g in (report.themes, report.jobs) for k, v in g.per_label.items()}
    worst = min(per_label, key=lambda k: per_label[k])
    return {
        "themes_macro": round(report.themes.macro_f1, 3),
        "jobs_macro": round(report.jobs.macro_f1, 3),
        "worst": f"{worst}={per_label[worst]:.2f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="design name(s) to run")
    parser.add_argument("--report", type=Path, help="labelled file reported, never used to choose")
    parser.add_argument(
        "--by-writer", action="store_true", help="hold out one corpus file at a time"
    )
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    held_out = read_labelled(args.report, taxonomy) if args.report else None
    folds = writer_folds(records) if args.by_writer else random_folds(records)
    print(f"corpus: {len(records)} records, {len(np.unique(folds))} folds")
    for name in args.only or list(DESIGNS):
        params = DESIGNS[name]
        started = time.perf_counter()
        row: dict[str, Any] = {
            "design": name,
            "nested_cv": summary(nested_cv(records, params, taxonomy, folds)),
        }
        if held_out is not None:
            model = train(records, params=params, taxonomy=taxonomy)
            row["report"] = summary(evaluate(model, held_out))
        row["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
