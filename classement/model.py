"""The fitted multi-label classifier: probabilities, decisions and explanations.

A ``Classifier`` is deliberately just arrays: a featuriser, one calibrated
linear model per label (``sigmoid(x·w + b)``, whatever learner produced it)
and one decision threshold per label. Prediction is a sparse-dense product,
which is what makes thousands of articles per second possible on a CPU.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from classement.explain import Explanations, explain_batch
from classement.features import Blocks, Featuriser
from classement.records import Article
from classement.relevance import KeywordColumns, RelevanceModel, keyword_columns, relevance_scores
from classement.taxonomy import Kind

FloatArray = npt.NDArray[np.float32]

#: Half-width of the band of probabilities around a label's threshold in which
#: the decision is called uncertain (a curator should check it).
UNCERTAIN_BAND = 0.1


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model says about one article."""

    id: str
    themes: tuple[str, ...]
    jobs: tuple[str, ...]
    scores: dict[str, float]
    explanations: Explanations
    relevance: float
    uncertain: tuple[str, ...] = ()
    #: probability that the article carries any label (``None``: the model has no gate)
    any_label: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "themes": list(self.themes),
            "jobs": list(self.jobs),
            "scores": self.scores,
            "explanations": {label: list(terms) for label, terms in self.explanations.items()},
            "relevance": self.relevance,
            "uncertain": list(self.uncertain),
            "any_label": self.any_label,
        }


@dataclass(frozen=True, slots=True)
class Gate:
    """A linear model of "this article carries at least one label" (``sigmoid(x·w + b)``).

    A fifth of the corpus carries no label (news on AI that concerns no stake
    and no job, articles not about AI), and a quarter of the labels' false
    positives fell on such articles. A label is kept only when the gate's
    probability reaches the label's entry in ``thresholds`` (0: never cleared).
    """

    weights: FloatArray
    intercept: float
    thresholds: FloatArray


@dataclass(slots=True)
class Classifier:
    """Label ids and kinds in model order, weights of shape (features, labels)."""

    label_ids: tuple[str, ...]
    label_kinds: tuple[Kind, ...]
    featuriser: Featuriser
    weights: FloatArray
    intercepts: FloatArray
    thresholds: FloatArray
    info: dict[str, Any] = field(default_factory=dict)
    relevance_model: RelevanceModel | None = None
    gate: Gate | None = None
    _keywords: KeywordColumns | None = field(default=None, init=False, repr=False, compare=False)

    def predict_proba(self, articles: Sequence[Article]) -> FloatArray:
        """Probability of every label for every article, shape (articles, labels)."""
        return self._proba(self.featuriser.transform_articles(articles))

    def decide(self, articles: Sequence[Article]) -> npt.NDArray[np.bool_]:
        """Which labels every article carries, shape (articles, labels)."""
        blocks = self.featuriser.transform_articles(articles)
        return self._decided(self._proba(blocks), self._gate_proba(blocks))

    def predict(
        self, articles: Sequence[Article], explain: bool = True, band: float = UNCERTAIN_BAND
    ) -> list[Prediction]:
        """Decisions, probabilities, explanations and relevance for a batch.

        A label is uncertain when its probability is within ``band`` of its
        threshold, on either side (kept or left out by a small margin); labels
        the model cannot predict (threshold 1, no examples) never are. A label
        whose fate hangs on the gate (its probability is past its threshold
        and the gate's is within ``band`` of the gate threshold) is uncertain too.
        """
        docs = self.featuriser.documents(articles)
        blocks = self.featuriser.transform_blocks(docs, self.featuriser.titles(articles))
        words = blocks.words
        proba = self._proba(blocks)
        gate = self._gate_proba(blocks)
        decided = self._decided(proba, gate)
        uncertain = self._uncertain(proba, gate, band)
        relevance = relevance_scores(docs, words, proba, self.keywords, self.relevance_model, gate)
        explanations = (
            explain_batch(
                words, decided, self._word_weights, self.featuriser.word_terms, self.label_ids
            )
            if explain
            else [{} for _ in articles]
        )
        any_label = [None] * len(articles) if gate is None else _rounded(gate)
        return [
            self._prediction(
                article,
                scores,
                (decided[i], uncertain[i]),
                (relevance[i], any_label[i]),
                explanations[i],
            )
            for i, (article, scores) in enumerate(zip(articles, _rounded(proba), strict=True))
        ]

    @property
    def keywords(self) -> KeywordColumns:
        """Vocabulary columns of AI and public-sector terms, for the relevance heuristic."""
        if self._keywords is None:
            self._keywords = keyword_columns(self.featuriser.word_terms)
        return self._keywords

    @property
    def _word_weights(self) -> FloatArray:
        return self.weights[: self.featuriser.n_word_features]

    def _proba(self, blocks: Blocks) -> FloatArray:
        return self._linear(blocks, self.weights, self.intercepts)

    def _gate_proba(self, blocks: Blocks) -> FloatArray | None:
        if self.gate is None:
            return None
        return self._linear(blocks, self.gate.weights, np.float32(self.gate.intercept))

    def _linear(self, blocks: Blocks, weights: FloatArray, intercepts: Any) -> FloatArray:
        """``sigmoid(x·w + b)`` for weights of one column or one per label."""
        n_words = self.featuriser.n_word_features
        n_text = n_words + len(self.featuriser.char_buckets)
        logits = blocks.words @ weights[:n_words] + blocks.chars @ weights[n_words:n_text]
        logits = logits + intercepts
        if blocks.title is not None:
            logits = logits + blocks.title @ weights[n_text:]
        proba: FloatArray = (1.0 / (1.0 + np.exp(-np.clip(np.asarray(logits), -30, 30)))).astype(
            np.float32
        )
        return proba

    def _decided(self, proba: FloatArray, gate: FloatArray | None) -> npt.NDArray[np.bool_]:
        decided: npt.NDArray[np.bool_] = proba >= self.thresholds
        if gate is not None and self.gate is not None:
            decided &= gate[:, None] >= self.gate.thresholds
        return decided

    def _uncertain(
        self, proba: FloatArray, gate: FloatArray | None, band: float
    ) -> npt.NDArray[np.bool_]:
        trained = self.thresholds < 1.0
        near: npt.NDArray[np.bool_] = (np.abs(proba - self.thresholds) <= band) & trained
        if gate is None or self.gate is None:
            return near
        gated = self.gate.thresholds > 0
        gate_near = (np.abs(gate[:, None] - self.gate.thresholds) <= band) & gated
        gate_open = gate[:, None] >= self.gate.thresholds
        past: npt.NDArray[np.bool_] = (proba >= self.thresholds) & trained
        uncertain: npt.NDArray[np.bool_] = (near & (gate_open | gate_near)) | (past & gate_near)
        return uncertain

    def _prediction(
        self,
        article: Article,
        scores: list[float],
        flags: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
        article_scores: tuple[float, float | None],
        explanations: Explanations,
    ) -> Prediction:
        """``flags``: which labels are decided, and which are uncertain, for this article;
        ``article_scores``: its relevance and the gate's probability."""
        ids, kinds = self.label_ids, self.label_kinds
        decided, uncertain = flags
        relevance, any_label = article_scores
        positive = np.flatnonzero(decided).tolist()
        return Prediction(
            id=article.id,
            themes=tuple(ids[j] for j in positive if kinds[j] == "theme"),
            jobs=tuple(ids[j] for j in positive if kinds[j] == "job"),
            scores=dict(zip(ids, scores, strict=True)),
            explanations=explanations,
            relevance=relevance,
            uncertain=tuple(ids[j] for j in np.flatnonzero(uncertain).tolist()),
            any_label=any_label,
        )


def _rounded(values: FloatArray) -> Any:
    """Scores as printed and stored: Python floats, four decimals."""
    return values.astype(np.float64).round(4).tolist()
