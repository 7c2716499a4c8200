"""How much an article matters to an AI watch for the public sector.

The score ranks the curation inbox. It starts as a heuristic (does the text
talk about AI? about public bodies? did the classifier recognise one of our
themes or jobs?) and, once curators have selected and rejected enough
articles, is blended with a small model learned from those decisions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement.features import WordVocabulary, word_tfidf

FloatArray = npt.NDArray[np.float32]

#: Decisions of each kind (selected, rejected) needed before learning.
MIN_DECISIONS_PER_CLASS = 20

# Matched against whole vocabulary terms (unigrams and bigrams), already accent-folded.
_AI = re.compile(
    r"(ia|ai|intelligences? artificielles?|artificial intelligence|ia generatives?"
    r"|generative ai|genai|llms?|large language models?|grands? modeles? de langage"
    r"|modeles? de langage|language models?|chatgpt|gpt-?\d*|openai|mistral|copilot|gemini"
    r"|claude|llama|chatbots?|agents? conversationnels?|apprentissage automatique"
    r"|machine learning|deep learning|reseaux? de neurones|neural networks?|algorithm\w*"
    r"|algorithmes?|algorithmiques?|reconnaissance faciale|facial recognition|deepfakes?"
    r"|hypertrucages?|ai act|automatisation|automated decision\w*)"
)
_PUBLIC = re.compile(
    r"(collectivites?|territoriales?|communes?|mairies?|municipal\w*|maires?|metropoles?"
    r"|intercommunal\w*|agglomerations?|departements?|conseils? (?:regional|departemental"
    r"|municipal)\w*|regions?|service public|services publics|fonction publique"
    r"|agents? publics?|agents?|administrations?|etat|ministeres?|prefectures?|usagers"
    r"|public sector|public services?|government\w*|local authorit\w*|councils?|cities"
    r"|civil serv\w*|public bodies|public administration\w*|cnil|dinum|anssi)"
)


@dataclass(frozen=True, slots=True)
class RelevanceModel:
    """A linear model over words learned from curators' decisions."""

    terms: tuple[str, ...]
    idf: FloatArray
    weights: FloatArray
    intercept: float
    n_selected: int
    n_rejected: int

    def probability(self, docs: Sequence[str]) -> FloatArray:
        """P(selected) for already normalised documents."""
        features = word_tfidf(docs, WordVocabulary(list(self.terms), bigrams=True), self.idf)
        logits = np.asarray(features @ self.weights).ravel() + self.intercept
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))).astype(np.float32)


@dataclass(frozen=True, slots=True)
class KeywordColumns:
    """Columns of a word vocabulary that name AI, and that name public bodies."""

    ai: npt.NDArray[np.bool_]
    public: npt.NDArray[np.bool_]


def keyword_columns(terms: Sequence[str]) -> KeywordColumns:
    """Mark the vocabulary terms (unigrams and bigrams) that the patterns match whole."""
    return KeywordColumns(
        ai=np.array([_AI.fullmatch(term) is not None for term in terms], dtype=bool),
        public=np.array([_PUBLIC.fullmatch(term) is not None for term in terms], dtype=bool),
    )


def heuristic_scores(
    words: sp.csr_matrix,
    keywords: KeywordColumns,
    label_proba: FloatArray,
    gate: FloatArray | None = None,
) -> FloatArray:
    """0.45 × AI mention + 0.25 × public-sector mention + 0.30 × label signal.

    A mention signal is 0 without a matching term, 0.6 with one, 1 with two or
    more. The label signal is the best label probability, times the gate's
    probability that the article carries any label when the model has a gate:
    a label the gate would clear no longer lifts its article (measured by
    ``bench/relevance_gate.py``).
    """
    rows = np.repeat(np.arange(words.shape[0]), np.diff(words.indptr))
    ai = _signal(np.bincount(rows[keywords.ai[words.indices]], minlength=words.shape[0]))
    public = _signal(np.bincount(rows[keywords.public[words.indices]], minlength=words.shape[0]))
    best_label = label_proba.max(axis=1) if label_proba.size else np.zeros(words.shape[0])
    if gate is not None:
        best_label = best_label * gate
    return (0.45 * ai + 0.25 * public + 0.30 * best_label).astype(np.float32)


def relevance_scores(
    docs: Sequence[str],
    words: sp.csr_matrix,
    label_proba: FloatArray,
    keywords: KeywordColumns,
    learned: RelevanceModel | None,
    gate: FloatArray | None = None,
) -> list[float]:
    """Heuristic score, averaged with the learned one when there is one, rounded."""
    scores = heuristic_scores(words, keywords, label_proba, gate)
    if learned is not None:
        scores = 0.5 * scores + 0.5 * learned.probability(docs)
    return scores.astype(np.float64).round(4).tolist()  # type: ignore[no-any-return]


def _signal(hits: npt.NDArray[np.int64]) -> FloatArray:
    return np.where(hits >= 2, 1.0, np.where(hits == 1, 0.6, 0.0)).astype(np.float32)
