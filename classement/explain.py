"""The few words that justify each label, for a whole batch at once.

A word's contribution to a label is its TF-IDF weight in the article times
the label's coefficient for it. Character n-grams also weigh in the decision
but are not shown: curators read words, not fragments.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

#: How many terms justify each label shown to curators.
EXPLANATION_TERMS = 5

Explanations = dict[str, tuple[str, ...]]


def explain_batch(
    words: sp.csr_matrix,
    decided: npt.NDArray[np.bool_],
    word_weights: npt.NDArray[np.float32],
    terms: Sequence[str],
    label_ids: Sequence[str],
) -> list[Explanations]:
    """For each row, label id → its top positive words, for the labels decided."""
    found: list[dict[str, list[str]]] = [{} for _ in range(words.shape[0])]
    row_of = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
    for j, label in enumerate(label_ids):
        for row in np.flatnonzero(decided[:, j]).tolist():
            found[row][label] = []
        for row, column in _top_entries(words, row_of, decided[:, j], word_weights[:, j]):
            found[row][label].append(terms[column])
    return [{label: tuple(kept) for label, kept in item.items()} for item in found]


def _top_entries(
    words: sp.csr_matrix,
    row_of: npt.NDArray[np.intp],
    rows_wanted: npt.NDArray[np.bool_],
    weights: npt.NDArray[np.float32],
) -> zip[tuple[int, int]]:
    """(row, column) of the best positive contributions, at most N per row, best first."""
    entries = rows_wanted[row_of]
    rows, columns = row_of[entries], words.indices[entries]
    contribution = words.data[entries] * weights[columns]
    positive = contribution > 0
    rows, columns, contribution = rows[positive], columns[positive], contribution[positive]
    order = np.lexsort((-contribution, rows))
    rows, columns = rows[order], columns[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
    rank = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    keep = rank < EXPLANATION_TERMS
    return zip(rows[keep].tolist(), columns[keep].tolist(), strict=True)
