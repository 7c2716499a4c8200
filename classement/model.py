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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "themes": list(self.themes),
            "jobs": list(self.jobs),
            "scores": self.scores,
            "explanations": {label: list(terms) for label, terms in self.explanations.items()},
            "relevance": self.relevance,
            "uncertain": list(self.uncertain),
        }


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
    _keywords: KeywordColumns | None = field(default=None, init=False, repr=False, compare=False)

    def predict_proba(self, articles: Sequence[Article]) -> FloatArray:
        """Probability of every label for every article, shape (articles, labels)."""
        return self._proba(self.featuriser.transform_articles(articles))

    def predict(
        self, articles: Sequence[Article], explain: bool = True, band: float = UNCERTAIN_BAND
    ) -> list[Prediction]:
        """Decisions, probabilities, explanations and relevance for a batch.

        A label is uncertain when its probability is within ``band`` of its
        threshold, on either side (kept or left out by a small margin); labels
        the model cannot predict (threshold 1, no examples) never are.
        """
        docs = self.featuriser.documents(articles)
        blocks = self.featuriser.transform_blocks(docs, self.featuriser.titles(articles))
        words = blocks.words
        proba = self._proba(blocks)
        decided = proba >= self.thresholds
        uncertain = (np.abs(proba - self.thresholds) <= band) & (self.thresholds < 1.0)
        relevance = relevance_scores(docs, words, proba, self.keywords, self.relevance_model)
        explanations = (
            explain_batch(
                words, decided, self._word_weights, self.featuriser.word_terms, self.label_ids
            )
            if explain
            else [{} for _ in articles]
        )
        return [
            self._prediction(
                article, scores, (decided[i], uncertain[i]), relevance[i], explanations[i]
            )
            for i, (article, scores) in enumerate(
                zip(articles, proba.astype(np.float64).round(4).tolist(), strict=True)
            )
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
        n_words = self.featuriser.n_word_features
        n_text = n_words + len(self.featuriser.char_buckets)
        logits = (
            blocks.words @ self.weights[:n_words]
            + blocks.chars @ self.weights[n_words:n_text]
            + self.intercepts
        )
        if blocks.title is not None:
            logits = logits + blocks.title @ self.weights[n_text:]
        proba: FloatArray = (1.0 / (1.0 + np.exp(-np.clip(np.asarray(logits), -30, 30)))).astype(
            np.float32
        )
        return proba

    def _prediction(
        self,
        article: Article,
        scores: list[float],
        flags: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
        relevance: float,
        explanations: Explanations,
    ) -> Prediction:
        """``flags``: which labels are decided, and which are uncertain, for this article."""
        ids, kinds = self.label_ids, self.label_kinds
        decided, uncertain = flags
        positive = np.flatnonzero(decided).tolist()
        return Prediction(
            id=article.id,
            themes=tuple(ids[j] for j in positive if kinds[j] == "theme"),
            jobs=tuple(ids[j] for j in positive if kinds[j] == "job"),
            scores=dict(zip(ids, scores, strict=True)),
            explanations=explanations,
            relevance=relevance,
            uncertain=tuple(ids[j] for j in np.flatnonzero(uncertain).tolist()),
        )
