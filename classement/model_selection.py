"""Model selection by repeated grouped cross-validation.

A group is the site an example was drawn from (the host of its ``source_url``),
or, for written examples without a source, the corpus file they belong to:
the examples of one group are never on both sides of a split, so a model is
never scored on a site (or a writer) whose wording it has learned. Each
repeat shuffles the groups differently; ``train`` runs on the training part
only, so its per-label thresholds are chosen inside the training folds, and
the held-out part is predicted once with them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from classement.corpus import DEFAULT_CORPUS_DIR, corpus_files
from classement.evaluate import EvaluationReport, label_matrix, score_matrices
from classement.model import Classifier
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy

IntArray = npt.NDArray[np.int64]
BoolMatrix = npt.NDArray[np.bool_]


class Decider(Protocol):
    """What grouped CV needs from a trained model: decisions for a batch of records."""

    def decide(self, records: Sequence[LabelledArticle]) -> BoolMatrix: ...


Trainer = Callable[[Sequence[LabelledArticle]], Decider]


class Predictor:
    """A trained ``Classifier`` as a ``Decider``: the labels it gives."""

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    def decide(self, records: Sequence[LabelledArticle]) -> BoolMatrix:
        return self.classifier.decide([record.article for record in records])


def source_host(url: str) -> str:
    """The site of a URL: its host without ``www.`` (``""`` when there is none)."""
    host = (urlsplit(url.strip()).hostname or "").lower()
    return host.removeprefix("www.")


def corpus_groups(directory: Path = DEFAULT_CORPUS_DIR) -> list[str]:
    """The group of every corpus example, in ``load_corpus`` order."""
    groups = []
    for path in corpus_files(directory):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                url = json.loads(line).get("source_url") or ""
                groups.append(source_host(url) or f"fichier:{path.stem}")
    return groups


def group_folds(groups: Sequence[str], n_folds: int, seed: int) -> IntArray:
    """A fold per example: groups roughly largest first, each given to the smallest fold
    so far. Sizes are jittered (× 0.5 to 1.5) by the seed, so that each repeat pairs
    the large groups differently, and the many small groups even the folds out."""
    names, sizes = np.unique(np.asarray(groups), return_counts=True)
    jitter = np.random.default_rng(seed).uniform(0.5, 1.5, size=len(names))
    order = np.argsort(-sizes * jitter, kind="stable")
    load = np.zeros(n_folds, dtype=np.int64)
    fold_of_group = np.zeros(len(names), dtype=np.int64)
    for index in order:
        fold = int(np.argmin(load))
        fold_of_group[index] = fold
        load[fold] += sizes[index]
    position = {name: i for i, name in enumerate(names.tolist())}
    return np.array([fold_of_group[position[g]] for g in groups], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class GroupedScores:
    """One evaluation report per repeat, on all examples and on a subset (real press)."""

    reports: list[EvaluationReport]
    subset_reports: list[EvaluationReport]

    def summary(self) -> dict[str, Any]:
        return {"all": mean_scores(self.reports), "real": mean_scores(self.subset_reports)}


def grouped_cv(
    records: Sequence[LabelledArticle],
    groups: Sequence[str],
    fit: Trainer,
    taxonomy: Taxonomy,
    repeats: int = 3,
    n_folds: int = 5,
    subset: npt.NDArray[np.bool_] | None = None,
) -> GroupedScores:
    """Scores of the out-of-fold decisions of every repeat, on all examples and on ``subset``."""
    decisions = out_of_fold_decisions(records, groups, fit, taxonomy, repeats, n_folds)
    every = np.ones(len(records), dtype=bool)
    subset = subset if subset is not None else every
    return GroupedScores(
        score_decisions(records, decisions, taxonomy, every),
        score_decisions(records, decisions, taxonomy, subset),
    )


def score_decisions(
    records: Sequence[LabelledArticle],
    decisions: Sequence[BoolMatrix],
    taxonomy: Taxonomy,
    rows: npt.NDArray[np.bool_],
) -> list[EvaluationReport]:
    """One report per repeat's decisions, on the examples of ``rows``."""
    truth = label_matrix(records, taxonomy.ids)[rows]
    kinds = tuple(label.kind for label in taxonomy.labels)
    return [score_matrices(truth, d[rows], taxonomy.ids, kinds) for d in decisions]


def out_of_fold_decisions(
    records: Sequence[LabelledArticle],
    groups: Sequence[str],
    fit: Trainer,
    taxonomy: Taxonomy,
    repeats: int = 3,
    n_folds: int = 5,
) -> list[BoolMatrix]:
    """Per repeat, the decisions on every example of a model trained without its fold's groups."""
    decisions = []
    for repeat in range(repeats):
        fold_of = group_folds(groups, n_folds, seed=repeat)
        predicted = np.zeros((len(records), len(taxonomy.ids)), dtype=bool)
        for fold in range(n_folds):
            test_rows = np.flatnonzero(fold_of == fold)
            model = fit([r for r, f in zip(records, fold_of, strict=True) if f != fold])
            predicted[test_rows] = model.decide([records[i] for i in test_rows.tolist()])
        decisions.append(predicted)
    return decisions


def relabelled(
    records: Sequence[LabelledArticle], earlier: Sequence[LabelledArticle]
) -> dict[str, LabelledArticle]:
    """The records whose labels differ in ``earlier`` (matched by id), with those labels."""
    before = {record.id: record for record in earlier}
    changed = {}
    for record in records:
        old = before.get(record.id)
        if old is not None and old.labels != record.labels:
            changed[record.id] = LabelledArticle(record.article, old.themes, old.jobs)
    return changed


def mean_scores(reports: Sequence[EvaluationReport]) -> dict[str, Any]:
    """Mean macro-F1 per kind (with its spread over repeats) and mean F1 per label."""
    themes = [report.themes.macro_f1 for report in reports]
    jobs = [report.jobs.macro_f1 for report in reports]
    per_label: dict[str, list[float]] = {}
    for report in reports:
        for group in (report.themes, report.jobs):
            for label, score in group.per_label.items():
                per_label.setdefault(label, []).append(score.f1)
    return {
        "themes_macro": round(float(np.mean(themes)), 3),
        "themes_sd": round(float(np.std(themes)), 3),
        "jobs_macro": round(float(np.mean(jobs)), 3),
        "jobs_sd": round(float(np.std(jobs)), 3),
        "per_label": {label: round(float(np.mean(f1)), 3) for label, f1 in per_label.items()},
    }
