"""Text → sparse TF-IDF features: word uni/bigrams plus hashed character n-grams.

A ``Featuriser`` is fitted once on the training texts (vocabulary, document
frequencies) and then turns any batch of articles into a CSR matrix whose rows
are the concatenation of two L2-normalised blocks:

* words: accent-folded tokens of 2+ characters starting with a letter, French
  and English stop words removed, unigrams and bigrams, sublinear TF × IDF;
* characters: n-grams inside words (like scikit-learn's ``char_wb``) hashed into
  buckets, sublinear TF × IDF, which makes the model robust to inflections and
  typos (``algorithme``/``algorithmique``, ``reglementaire``/``reglementation``).

All of its state is plain arrays, so it can be saved without pickle.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement._charhash import count_pairs, hashed_ngrams
from classement._stopwords import STOP_WORDS
from classement.records import Article
from classement.text import normalise_batch

_TOKEN = re.compile(r"\b[^\W\d_]\w+")
_BATCH = 1024

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FeatureParams:
    """How texts become features; stored with the model."""

    word_bigrams: bool = True
    min_df: int = 2
    max_word_features: int = 60_000
    char_ngrams: tuple[int, int] | None = (3, 5)
    char_bits: int = 20
    max_char_features: int = 120_000
    char_weight: float = 1.0


@dataclass(slots=True)
class Featuriser:
    """Fitted vocabularies and IDF weights; ``transform`` is the hot path."""

    params: FeatureParams
    word_terms: list[str]
    word_idf: FloatArray
    char_buckets: IntArray
    char_idf: FloatArray
    _word_index: dict[str, int] = field(init=False, repr=False)
    _bucket_to_column: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._word_index = {term: i for i, term in enumerate(self.word_terms)}
        table = np.full((1 << self.params.char_bits) + 1, -1, dtype=np.int64)
        table[self.char_buckets] = np.arange(len(self.char_buckets))
        self._bucket_to_column = table

    @property
    def n_word_features(self) -> int:
        return len(self.word_terms)

    @property
    def n_features(self) -> int:
        return len(self.word_terms) + len(self.char_buckets)

    def transform(self, articles: Sequence[Article]) -> sp.csr_matrix:
        """Features of a batch; rows align with ``articles``."""
        docs = normalise_batch([(article.title, article.text) for article in articles])
        return self.transform_normalised(docs)

    def transform_normalised(self, docs: Sequence[str]) -> sp.csr_matrix:
        parts = [self._transform_batch(docs[i : i + _BATCH]) for i in range(0, len(docs), _BATCH)]
        if not parts:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        return sp.vstack(parts, format="csr")

    def _transform_batch(self, docs: Sequence[str]) -> sp.csr_matrix:
        words = _tfidf(self._word_counts(docs), self.word_idf)
        if self.params.char_ngrams is None:
            return words
        chars = _tfidf(self._char_counts(docs), self.char_idf) * self.params.char_weight
        return sp.hstack([words, chars], format="csr")

    def _word_counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        index = self._word_index
        columns: list[int] = []
        indptr = [0]
        for doc in docs:
            columns.extend(
                index[f] for f in word_features(doc, self.params.word_bigrams) if f in index
            )
            indptr.append(len(columns))
        return _counts_matrix(indptr, columns, len(docs), self.n_word_features)

    def _char_counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        assert self.params.char_ngrams is not None
        rows, buckets = hashed_ngrams(docs, self.params.char_ngrams, self.params.char_bits)
        columns = self._bucket_to_column[buckets]
        known = columns >= 0
        bits = max(len(self.char_buckets) - 1, 1).bit_length()
        rows, columns, counts = count_pairs(rows[known], columns[known], bits)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=len(docs)))))
        return sp.csr_matrix(
            (counts.astype(np.float32), columns.astype(np.int32), indptr),
            shape=(len(docs), len(self.char_buckets)),
        )


def word_features(doc: str, bigrams: bool) -> list[str]:
    """Unigrams (stop words removed) and, optionally, bigrams of what remains."""
    tokens = [token for token in _TOKEN.findall(doc) if token not in STOP_WORDS]
    if bigrams:
        return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    return tokens


def fit_featuriser(articles: Sequence[Article], params: FeatureParams) -> Featuriser:
    """Learn vocabularies and document frequencies from training texts."""
    docs = normalise_batch([(article.title, article.text) for article in articles])
    terms, word_idf = _fit_words(docs, params)
    buckets, char_idf = _fit_chars(docs, params)
    return Featuriser(params, terms, word_idf, buckets, char_idf)


def _fit_words(docs: Sequence[str], params: FeatureParams) -> tuple[list[str], FloatArray]:
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(word_features(doc, params.word_bigrams)))
    kept = [(term, count) for term, count in df.items() if count >= params.min_df]
    kept.sort(key=lambda item: (-item[1], item[0]))
    kept = sorted(kept[: params.max_word_features])
    counts = np.array([count for _, count in kept], dtype=np.float64)
    return [term for term, _ in kept], _idf(counts, len(docs))


def _fit_chars(docs: Sequence[str], params: FeatureParams) -> tuple[IntArray, FloatArray]:
    if params.char_ngrams is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    rows, buckets = hashed_ngrams(docs, params.char_ngrams, params.char_bits)
    real = buckets < 1 << params.char_bits
    _, unique_buckets, _ = count_pairs(rows[real], buckets[real], params.char_bits)
    df = np.bincount(unique_buckets, minlength=1 << params.char_bits)
    candidates = np.flatnonzero(df >= params.min_df)
    order = np.lexsort((candidates, -df[candidates]))[: params.max_char_features]
    buckets = np.sort(candidates[order]).astype(np.int64)
    return buckets, _idf(df[buckets].astype(np.float64), len(docs))


def _idf(document_frequency: npt.NDArray[np.float64], n_docs: int) -> FloatArray:
    """Smoothed IDF, as scikit-learn's ``smooth_idf=True``."""
    return (np.log((1 + n_docs) / (1 + document_frequency)) + 1).astype(np.float32)


def _counts_matrix(indptr: list[int], columns: list[int], rows: int, cols: int) -> sp.csr_matrix:
    data = np.ones(len(columns), dtype=np.float32)
    matrix = sp.csr_matrix(
        (data, np.asarray(columns, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(rows, cols),
    )
    matrix.sum_duplicates()
    return matrix


def _tfidf(counts: sp.csr_matrix, idf: FloatArray) -> sp.csr_matrix:
    """Sublinear TF × IDF, each row scaled to unit L2 norm (empty rows stay zero)."""
    counts.data = (1.0 + np.log(counts.data)).astype(np.float32)
    weighted = counts.multiply(idf).tocsr() if counts.nnz else counts
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms.astype(np.float32)) @ weighted)
