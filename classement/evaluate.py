"""Per-label precision, recall, F1 and support; micro and macro F1 per kind.

Macro-F1 averages the labels that occur in the evaluated set (support > 0):
a label absent from a small set would otherwise count as 0 or 1 arbitrarily.
Its false positives still lower the micro-F1 of its kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from classement.intervals import F1Intervals, Interval, f1_intervals
from classement.records import LabelledArticle
from classement.taxonomy import Kind

BoolMatrix = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class LabelScore:
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int

    def to_json(self, f1_interval: Interval | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "support": self.support,
            "predicted": self.predicted,
        }
        if f1_interval is not None:
            payload["f1_interval"] = _rounded(f1_interval)
        return payload


@dataclass(frozen=True, slots=True)
class GroupReport:
    """Scores of the labels of one kind (themes or jobs)."""

    per_label: dict[str, LabelScore]
    micro_precision: float
    micro_recall: float
    micro_f1: float
    macro_f1: float

    def to_json(self, kind: Kind, intervals: F1Intervals | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "micro_precision": round(self.micro_precision, 4),
            "micro_recall": round(self.micro_recall, 4),
            "micro_f1": round(self.micro_f1, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_label": {
                label: score.to_json(intervals.per_label.get(label) if intervals else None)
                for label, score in self.per_label.items()
            },
        }
        if intervals is not None and kind in intervals.macro:
            payload["macro_f1_interval"] = _rounded(intervals.macro[kind])
        return payload


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    n_articles: int
    themes: GroupReport
    jobs: GroupReport
    intervals: F1Intervals | None = None

    def to_json(self) -> dict[str, Any]:
        """The object printed by ``veille classify evaluate --json``."""
        themes = self.themes.to_json("theme", self.intervals)
        jobs = self.jobs.to_json("job", self.intervals)
        payload: dict[str, Any] = {
            "n_articles": self.n_articles,
            "themes": themes,
            "jobs": jobs,
            "per_label": themes["per_label"] | jobs["per_label"],
        }
        if self.intervals is not None:
            payload["interval_level"] = self.intervals.level
        return payload

    def worst_label_f1(self) -> float:
        scores = [s.f1 for g in (self.themes, self.jobs) for s in g.per_label.values() if s.support]
        return min(scores, default=0.0)


def label_matrix(records: Sequence[LabelledArticle], label_ids: Sequence[str]) -> BoolMatrix:
    """Boolean (records, labels) matrix of the human labels."""
    matrix = np.zeros((len(records), len(label_ids)), dtype=bool)
    column = {label: j for j, label in enumerate(label_ids)}
    for i, record in enumerate(records):
        for label in record.labels:
            if label in column:
                matrix[i, column[label]] = True
    return matrix


def score_matrices(
    truth: BoolMatrix,
    predicted: BoolMatrix,
    label_ids: Sequence[str],
    kinds: Sequence[Kind],
    *,
    with_intervals: bool = False,
) -> EvaluationReport:
    """Compare two boolean (articles, labels) matrices, with bootstrap intervals if asked."""
    groups = {
        kind: _group(truth, predicted, label_ids, [j for j, k in enumerate(kinds) if k == kind])
        for kind in ("theme", "job")
    }
    intervals = f1_intervals(truth, predicted, label_ids, kinds) if with_intervals else None
    return EvaluationReport(len(truth), groups["theme"], groups["job"], intervals)


def _group(
    truth: BoolMatrix, predicted: BoolMatrix, label_ids: Sequence[str], columns: list[int]
) -> GroupReport:
    tp = (truth & predicted)[:, columns].sum(axis=0)
    support = truth[:, columns].sum(axis=0)
    n_predicted = predicted[:, columns].sum(axis=0)
    per_label = {
        label_ids[j]: _score(int(tp[k]), int(support[k]), int(n_predicted[k]))
        for k, j in enumerate(columns)
    }
    micro = _score(int(tp.sum()), int(support.sum()), int(n_predicted.sum()))
    present = [score.f1 for score in per_label.values() if score.support]
    macro = float(np.mean(present)) if present else 0.0
    return GroupReport(per_label, micro.precision, micro.recall, micro.f1, macro)


def _rounded(interval: Interval) -> list[float]:
    return [round(interval[0], 4), round(interval[1], 4)]


def _score(true_positives: int, support: int, predicted: int) -> LabelScore:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / support if support else 0.0
    total = precision + recall
    f1 = 2 * precision * recall / total if total else 0.0
    return LabelScore(precision, recall, f1, support, predicted)


def evaluate(classifier: Any, records: Sequence[LabelledArticle]) -> EvaluationReport:
    """Score a classifier (anything with ``decide`` and label ids and kinds) on labelled records.

    The report carries 95 % bootstrap intervals of every F1 (see ``classement.intervals``).
    """
    predicted = classifier.decide([record.article for record in records])
    truth = label_matrix(records, classifier.label_ids)
    return score_matrices(
        truth, predicted, classifier.label_ids, classifier.label_kinds, with_intervals=True
    )
