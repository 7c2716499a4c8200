"""Bootstrap confidence intervals of F1, so a score on a small set says how far it may be off.

An evaluation set of about a hundred articles holds a dozen or two positives
per label: one article more or less found moves that label's F1 by several
points. Resampling the articles with replacement (the percentile bootstrap)
shows the range the score would take on other sets drawn the same way.

The resampling is seeded: the same files give the same intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from classement.taxonomy import Kind

BoolMatrix = npt.NDArray[np.bool_]
FloatMatrix = npt.NDArray[np.float64]
Interval = tuple[float, float]

RESAMPLES = 1000
LEVEL = 0.95


@dataclass(frozen=True, slots=True)
class F1Intervals:
    """Intervals of each label's F1 and of the macro-F1 of each kind."""

    per_label: dict[str, Interval]  # labels with at least one positive
    macro: dict[Kind, Interval]
    level: float


def f1_intervals(
    truth: BoolMatrix,
    predicted: BoolMatrix,
    label_ids: Sequence[str],
    kinds: Sequence[Kind],
    *,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
    seed: int = 0,
) -> F1Intervals:
    """Percentile-bootstrap intervals, resampling articles (rows) with replacement.

    A label without positives in the set gets no interval, and a resample where a
    label has none leaves it out, as the macro-F1 of ``classement.evaluate`` leaves
    out labels without support. A perfect or a null score gives a degenerate
    interval (1–1, 0–0): the bootstrap cannot say more from such a set.
    """
    rows = np.random.default_rng(seed).integers(0, len(truth), size=(resamples, len(truth)))
    f1 = np.stack(
        [_resampled_f1(truth[:, j][rows], predicted[:, j][rows]) for j in range(truth.shape[1])],
        axis=1,
    )
    present = [bool(truth[:, j].any()) for j in range(truth.shape[1])]
    per_label = {
        label: _percentiles(f1[:, j], level) for j, label in enumerate(label_ids) if present[j]
    }
    macro: dict[Kind, Interval] = {}
    for kind in ("theme", "job"):
        columns = [j for j, k in enumerate(kinds) if k == kind and present[j]]
        if columns:
            macro[kind] = _percentiles(_nanmean_rows(f1[:, columns]), level)
    return F1Intervals(per_label, macro, level)


def _resampled_f1(truth: BoolMatrix, predicted: BoolMatrix) -> npt.NDArray[np.float64]:
    """F1 = 2TP / (positives + predictions) per resample; NaN where the label is absent."""
    true_positives = (truth & predicted).sum(axis=1)
    positives = truth.sum(axis=1)
    total = positives + predicted.sum(axis=1)
    f1 = np.divide(2 * true_positives, total, out=np.zeros(len(truth)), where=total > 0)
    return np.where(positives > 0, f1, np.nan)


def _nanmean_rows(values: FloatMatrix) -> npt.NDArray[np.float64]:
    present = ~np.isnan(values)
    counts = present.sum(axis=1)
    sums = np.where(present, values, 0.0).sum(axis=1)
    means: npt.NDArray[np.float64] = np.divide(
        sums, counts, out=np.full(len(values), np.nan), where=counts > 0
    )
    return means


def _percentiles(values: npt.NDArray[np.float64], level: float) -> Interval:
    defined = values[~np.isnan(values)]
    if not len(defined):
        return (0.0, 0.0)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return (float(low), float(high))
