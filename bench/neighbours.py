"""A design for the comparison: the linear model blended with a vote of the nearest examples.

Each label's probability becomes ``(1 - a) · p + a · v``, where ``v`` is the
similarity-weighted share of the ``k`` most similar training examples that
carry the label (cosine on the model's word block, optionally with its
character block). The weight ``a`` (0, no vote, among the candidates) and
every label's threshold are chosen on the training part alone, from the
linear model's out-of-fold probabilities and from votes whose neighbours lie
outside the example's own group (source site or corpus file, as the outer
folds do) or, as a packaged model would without groups, outside its fold of
a random five-fold split. The gate of the linear model then clears labels as
it does in the shipped model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement.evaluate import label_matrix, score_matrices
from classement.features import Blocks
from classement.model_selection import Trainer
from classement.records import LabelledArticle
from classement.taxonomy import Taxonomy
from classement.train import TrainingParams, _best_threshold, train_with_oof

FloatArray = npt.NDArray[np.float64]
BoolMatrix = npt.NDArray[np.bool_]
BLEND_WEIGHTS = (0.0, 0.15, 0.3, 0.45, 0.6)
BATCH = 400


@dataclass(frozen=True)
class NeighbourParams:
    k: int = 50
    power: float = 2.0  # similarities are raised to this power before the vote
    chars: bool = False  # the character block too (a memory of ~100 MB for the corpus)
    exclude: Literal["group", "fold"] = "group"  # which neighbours a training vote leaves out


def _vectors(blocks: Blocks, chars: bool) -> sp.csr_matrix:
    if not chars:
        return blocks.words.tocsr()
    return sp.hstack([blocks.words, blocks.chars], format="csr") * (1 / np.sqrt(2))


def _votes(
    queries: sp.csr_matrix,
    memory: sp.csr_matrix,
    truth: BoolMatrix,
    params: NeighbourParams,
    groups: npt.NDArray[np.int64] | None = None,
) -> FloatArray:
    """Similarity-weighted label shares of each query's ``k`` nearest memory rows;
    with ``groups`` (queries are the memory), rows of a query's own group are left out."""
    memory_t = memory.T.tocsc()
    out = np.zeros((queries.shape[0], truth.shape[1]))
    for start in range(0, queries.shape[0], BATCH):
        sims = (queries[start : start + BATCH] @ memory_t).toarray()
        if groups is not None:
            sims[groups[start : start + BATCH, None] == groups[None, :]] = -1.0
        top = np.argpartition(-sims, params.k, axis=1)[:, : params.k]
        weight = np.clip(np.take_along_axis(sims, top, axis=1), 0, None) ** params.power
        shares = (weight[:, :, None] * truth[top]).sum(axis=1)
        out[start : start + BATCH] = shares / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9)
    return out


class NeighbourPredictor:
    def __init__(
        self,
        records: Sequence[LabelledArticle],
        params: TrainingParams,
        taxonomy: Taxonomy,
        group_of: Mapping[str, str],
        neighbours: NeighbourParams,
    ) -> None:
        self.params = neighbours
        self.classifier, oof = train_with_oof(records, params=params, taxonomy=taxonomy)
        proba = oof[: len(records)]
        self.truth = label_matrix(records, taxonomy.ids)
        blocks = self.classifier.featuriser.transform_articles([r.article for r in records])
        self.memory = _vectors(blocks, neighbours.chars)
        votes = _votes(
            self.memory, self.memory, self.truth, neighbours, _groups(records, group_of, neighbours)
        )
        best = (-1.0, 0.0, self.classifier.thresholds)
        for a in BLEND_WEIGHTS:
            blended = (1 - a) * proba + a * votes
            thresholds = np.array(
                [_best_threshold(blended[:, j], self.truth[:, j]) for j in range(proba.shape[1])]
            )
            report = score_matrices(
                self.truth, blended >= thresholds, taxonomy.ids, self.classifier.label_kinds
            )
            score = report.themes.macro_f1 + report.jobs.macro_f1
            if score > best[0]:
                best = (score, a, thresholds)
        _, self.weight, self.thresholds = best

    def decide(self, records: Sequence[LabelledArticle]) -> BoolMatrix:
        """The blended probabilities against their thresholds, then the linear model's gate."""
        model = replace(self.classifier, thresholds=self.thresholds)
        blocks = model.featuriser.transform_articles([r.article for r in records])
        votes = _votes(_vectors(blocks, self.params.chars), self.memory, self.truth, self.params)
        blended = (1 - self.weight) * model._proba(blocks) + self.weight * votes
        return model._decided(blended, model._gate_proba(blocks))


def _groups(
    records: Sequence[LabelledArticle], group_of: Mapping[str, str], params: NeighbourParams
) -> npt.NDArray[np.int64]:
    if params.exclude == "fold":
        return np.random.default_rng(0).permutation(len(records)) % 5
    names = [group_of.get(r.id, r.id) for r in records]
    index = {name: i for i, name in enumerate(dict.fromkeys(names))}
    return np.array([index[name] for name in names])


def neighbour_trainer(
    params: TrainingParams,
    taxonomy: Taxonomy,
    group_of: Mapping[str, str],
    neighbours: NeighbourParams,
) -> Trainer:
    return lambda records: NeighbourPredictor(records, params, taxonomy, group_of, neighbours)
