"""Which label signal the relevance heuristic should read, measured by grouped CV.

Run with ``uv run python bench/relevance_gate.py [--repeats 1] [--folds 5]``.

The inbox ranks articles by relevance (``classement.relevance``): mentions of
AI, mentions of public bodies, and a label signal. For every held-out article
of a grouped cross-validation (a site or corpus file never on both sides),
the heuristic is computed with each candidate label signal, and scored by how
well it ranks the articles that carry at least one label above those that
carry none (articles not about AI, AI news with no stake and no job): ROC AUC
and average precision, the mean over the repeats. The shipped heuristic reads
the best label probability times the gate's.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from sklearn.metrics import average_precision_score, roc_auc_score

from classement import load_corpus, load_taxonomy, train
from classement.evaluate import label_matrix
from classement.model_selection import corpus_groups, group_folds
from classement.relevance import heuristic_scores

FloatArray = npt.NDArray[np.float32]
Signal = Callable[[FloatArray, FloatArray], FloatArray]

#: label signal from (label probabilities, gate probability), one column or one per label
SIGNALS: dict[str, Signal] = {
    "best label": lambda proba, gate: proba,
    "gate": lambda proba, gate: gate[:, None],
    "best label × gate": lambda proba, gate: proba * gate[:, None],
    "min(best label, gate)": lambda proba, gate: np.minimum(proba, gate[:, None]),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    groups = corpus_groups()
    relevant = label_matrix(records, taxonomy.ids).any(axis=1)
    scores = {name: np.zeros((args.repeats, len(records))) for name in SIGNALS}
    for repeat in range(args.repeats):
        fold_of = group_folds(groups, args.folds, seed=repeat)
        for fold in range(args.folds):
            test = np.flatnonzero(fold_of == fold)
            classifier = train([r for r, f in zip(records, fold_of, strict=True) if f != fold])
            articles = [records[i].article for i in test.tolist()]
            blocks = classifier.featuriser.transform_articles(articles)
            proba, gate = classifier._proba(blocks), classifier._gate_proba(blocks)
            assert gate is not None, "the shipped model has a gate"
            for name, signal in SIGNALS.items():
                label_signal = signal(proba, gate)
                scores[name][repeat, test] = heuristic_scores(
                    blocks.words, classifier.keywords, label_signal
                )
    print(f"{len(records)} articles, {relevant.sum()} with at least one label")
    print("| label signal | ROC AUC | average precision |\n|---|---|---|")
    for name, by_repeat in scores.items():
        auc = np.mean([roc_auc_score(relevant, s) for s in by_repeat])
        ap = np.mean([average_precision_score(relevant, s) for s in by_repeat])
        print(f"| {name} | {auc:.3f} | {ap:.3f} |", flush=True)


if __name__ == "__main__":
    main()
