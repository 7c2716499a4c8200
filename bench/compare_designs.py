"""Compare model designs by repeated grouped cross-validation on the training corpus.

Run with ``uv run python bench/compare_designs.py [--only NAME]… [--repeats 3] [--folds 5]``.

A group is a source site (host of ``source_url``) or, for written examples
without a source, their corpus file: one group is never on both sides of a
split (see ``classement.model_selection``). ``train`` runs on the training
folds only (its own inner cross-validation calibrates probabilities and picks
the per-label thresholds there) and the held-out groups are predicted. Each
line printed is one design: mean macro-F1 of themes and jobs over the
repeats (and their spread), on all examples and on the real-press examples
(those with a ``source_url``), and the weakest label. No evaluation set is
read here: the final exam file never chooses a design.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from cooccurrence import stacked_trainer

from classement import load_corpus, load_taxonomy, train
from classement.model_selection import Predictor, Trainer, corpus_groups, grouped_cv
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams

BASE = TrainingParams()
DESIGNS: dict[str, TrainingParams] = {
    "default": BASE,
    "themes_logreg": replace(BASE, theme_learner=None),
    "nblr_everywhere": replace(BASE, learner="nblr"),
    "unweighted": replace(BASE, class_weight=None),
    "svm": replace(BASE, learner="svm", theme_learner="svm", c=0.5),
    "no_taxonomy_examples": replace(BASE, taxonomy_examples=False),
    "words_only": replace(BASE, features=replace(BASE.features, char_ngrams=None)),
    "char_weight_1.0": replace(BASE, features=replace(BASE.features, char_weight=1.0)),
    "c1": replace(BASE, c=1.0),
    "c10": replace(BASE, c=10.0),
    "threshold_0.5": replace(BASE, thresholds="fixed"),
    "class_weight_sqrt": replace(BASE, class_weight="sqrt"),
    "title_x2": replace(BASE, features=replace(BASE.features, title_repeat=2)),
    "title_x3": replace(BASE, features=replace(BASE.features, title_repeat=3)),
    "word_lemmas": replace(BASE, features=replace(BASE.features, word_lemmas=True)),
}


def real_weighted(weight: float) -> Callable[[TrainingParams, Taxonomy], Trainer]:
    """Real-press examples (ids ``real-…``) count ``weight`` times, as curator labels do."""

    def make(params: TrainingParams, taxonomy: Taxonomy) -> Trainer:
        def fit(records: Sequence[LabelledArticle]) -> Predictor:
            real = [r for r in records if r.id.startswith("real-")]
            written = [r for r in records if not r.id.startswith("real-")]
            weighted = replace(params, curator_weight=weight)
            return Predictor(train(written, real, params=weighted, taxonomy=taxonomy))

        return fit

    return make


SPECIAL: dict[str, Callable[[TrainingParams, Taxonomy], Trainer]] = {
    "cooccurrence_stacking": stacked_trainer,
    "real_press_weight_2": real_weighted(2.0),
}


def trainer(name: str, taxonomy: Taxonomy) -> Trainer:
    if name in SPECIAL:
        return SPECIAL[name](BASE, taxonomy)
    params = DESIGNS[name]
    return lambda records: Predictor(train(records, params=params, taxonomy=taxonomy))


def row(name: str, scores: dict[str, Any]) -> dict[str, Any]:
    per_label = scores["all"]["per_label"]
    worst = min(per_label, key=lambda k: per_label[k])
    short = {k: {m: v for m, v in s.items() if m != "per_label"} for k, s in scores.items()}
    return {
        "design": name,
        **short,
        "worst": f"{worst}={per_label[worst]:.2f}",
        "per_label": per_label,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", default=[], help="design name(s) to run")
    parser.add_argument("--repeats", type=int, default=3, help="shuffles of the groups")
    parser.add_argument("--folds", type=int, default=5, help="folds per repeat")
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    records = load_corpus(taxonomy)
    groups = corpus_groups()
    real = np.array([not g.startswith("fichier:") for g in groups])
    print(f"corpus: {len(records)} records, {len(set(groups))} groups, {real.sum()} real-press")
    for name in args.only or [*DESIGNS, *SPECIAL]:
        started = time.perf_counter()
        fit = trainer(name, taxonomy)
        scores = grouped_cv(records, groups, fit, taxonomy, args.repeats, args.folds, real)
        line = row(name, scores.summary())
        line["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
