"""Text → sparse TF-IDF features: word uni/bigrams plus hashed character n-grams.

A ``Featuriser`` is fitted once on the training texts (vocabulary, document
frequencies) and then turns any batch of articles into two CSR blocks, each
row L2-normalised:

* words: accent-folded tokens of 2+ characters not starting with a digit,
  French and English stop words removed, unigrams and bigrams, sublinear TF × IDF;
* characters: n-grams inside words (like scikit-learn's ``char_wb``) hashed into
  buckets, sublinear TF × IDF, which makes the model robust to inflections and
  typos (``algorithme``/``algorithmique``, ``reglementaire``/``reglementation``);
* title (``title_block_weight`` > 0): the title's words alone, over the word
  vocabulary and IDF, so that a word gets a weight of its own when it is in the
  title (where a job is often named) instead of only counting more often.

Fitting counts words as Python strings (the vocabulary must be readable, for
explanations); transforming hashes them with numpy (see ``_hashing``). All
state is plain arrays, so it can be saved without pickle.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement import lemmas
from classement._hashing import (
    Counts,
    KeyArray,
    Layout,
    char_ngrams,
    count_pairs,
    layout,
    term_keys,
    token_keys,
    tokens,
    word_keys,
)
from classement._stopwords import STOP_WORDS
from classement.records import Article
from classement.text import normalise_batch

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
    title_repeat: int = 2
    word_lemmas: bool = True
    sublinear_tf: bool = True
    #: > 0: a third block, the title's word terms alone, L2-normalised then scaled by this
    title_block_weight: float = 0.0


class Blocks(NamedTuple):
    """Feature blocks of a batch, in the column order of the model's weights."""

    words: sp.csr_matrix
    chars: sp.csr_matrix
    #: the title's word terms (as many columns as ``words``); ``None`` without a title block
    title: sp.csr_matrix | None = None

    def matrix(self) -> sp.csr_matrix:
        """All blocks side by side."""
        parts = [self.words, self.chars] + ([] if self.title is None else [self.title])
        return sp.hstack(parts, format="csr")


@dataclass(slots=True)
class WordVocabulary:
    """Terms (unigrams, and bigrams as "a b") with a fast hashed lookup."""

    terms: list[str]
    bigrams: bool
    lemma_table: tuple[KeyArray, KeyArray] | None = None
    _keys: KeyArray = field(init=False, repr=False)
    _columns: IntArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        keys = term_keys(self.terms)
        order = np.argsort(keys, kind="stable")
        self._keys, self._columns = keys[order], order.astype(np.int64)

    def counts(self, batch: Layout, n_docs: int) -> sp.csr_matrix:
        """Raw counts of the known terms in each document of the batch."""
        table = self.lemma_table
        remap = None if table is None else (lambda keys: lemmas.remap(keys, table))
        rows, keys = word_keys(batch, _stop_keys(), self.bigrams, remap)
        shape = (n_docs, len(self.terms))
        if not len(self.terms) or not len(keys):
            return sp.csr_matrix(shape, dtype=np.float32)
        position = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        columns = np.where(self._keys[position] == keys, self._columns[position], -1)
        return _csr(count_pairs(rows, columns, *shape), shape)


@dataclass(slots=True)
class Featuriser:
    """Fitted vocabularies and IDF weights; ``transform_blocks`` is the hot path."""

    params: FeatureParams
    word_terms: list[str]
    word_idf: FloatArray
    char_buckets: IntArray
    char_idf: FloatArray
    #: sorted surface-form keys and their lemma's keys (``word_lemmas``), else empty
    lemma_table: tuple[KeyArray, KeyArray] = field(default_factory=lemmas.empty_table)
    _words: WordVocabulary = field(init=False, repr=False)
    _bucket_to_column: npt.NDArray[np.int32] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lemma_table = self.lemma_table if self.params.word_lemmas else None
        self._words = WordVocabulary(self.word_terms, self.params.word_bigrams, lemma_table)
        # int32 halves the table (cache misses dominate the lookup)
        table = np.full((1 << self.params.char_bits) + 1, -1, dtype=np.int32)
        table[self.char_buckets] = np.arange(len(self.char_buckets), dtype=np.int32)
        self._bucket_to_column = table

    @property
    def n_word_features(self) -> int:
        return len(self.word_terms)

    @property
    def n_features(self) -> int:
        title = len(self.word_terms) if self.has_title_block else 0
        return len(self.word_terms) + len(self.char_buckets) + title

    @property
    def has_title_block(self) -> bool:
        return self.params.title_block_weight > 0

    def documents(self, articles: Sequence[Article]) -> list[str]:
        """The normalised text the features of each article are computed from."""
        return normalise_articles(articles, self.params.title_repeat)

    def titles(self, articles: Sequence[Article]) -> list[str] | None:
        """Normalised titles for the title block (``None`` without one)."""
        return normalise_titles(articles) if self.has_title_block else None

    def transform(self, articles: Sequence[Article]) -> sp.csr_matrix:
        """Features of a batch as one matrix; rows align with ``articles``."""
        return self.transform_articles(articles).matrix()

    def transform_articles(self, articles: Sequence[Article]) -> Blocks:
        """Feature blocks of a batch of articles."""
        return self.transform_blocks(self.documents(articles), self.titles(articles))

    def transform_blocks(self, docs: Sequence[str], titles: Sequence[str] | None = None) -> Blocks:
        """Blocks of normalised documents (see ``normalise_articles``) and, with a title
        block, of their normalised titles (see ``normalise_titles``)."""
        pairs = [self._batch_counts(docs[i : i + _BATCH]) for i in range(0, len(docs), _BATCH)]
        if not pairs:
            words, chars = self._batch_counts([])
        else:
            sublinear = self.params.sublinear_tf
            words = _tfidf(_stack([w for w, _ in pairs]), self.word_idf, sublinear)
            chars = _tfidf(_stack([c for _, c in pairs]), self.char_idf, sublinear)
        return Blocks(words, chars * self.params.char_weight, self._title_block(titles, len(docs)))

    def _title_block(self, titles: Sequence[str] | None, n_docs: int) -> sp.csr_matrix | None:
        if not self.has_title_block:
            return None
        if titles is None or len(titles) != n_docs:
            raise ValueError("le bloc du titre demande un titre par document")
        counts = self._words.counts(layout(titles), n_docs)
        title = _tfidf(counts, self.word_idf, self.params.sublinear_tf)
        return title * self.params.title_block_weight

    def _batch_counts(self, docs: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        batch = layout(docs)
        return self._words.counts(batch, len(docs)), self._char_counts(batch, len(docs))

    def _char_counts(self, batch: Layout, n_docs: int) -> sp.csr_matrix:
        shape = (n_docs, len(self.char_buckets))
        if self.params.char_ngrams is None or not len(self.char_buckets):
            return sp.csr_matrix(shape, dtype=np.float32)
        rows, buckets = char_ngrams(batch, self.params.char_ngrams, self.params.char_bits)
        columns = self._bucket_to_column[buckets]
        return _csr(count_pairs(rows, columns, *shape), shape)


def word_features(doc: str, bigrams: bool, lemma_of: Mapping[str, str] | None = None) -> list[str]:
    """Kept tokens of a normalised document (replaced by their lemma, with ``lemma_of``)
    and, optionally, bigrams of them."""
    kept = [t for t in tokens(doc) if len(t) >= 2 and not "0" <= t[0] <= "9"]
    kept = [t for t in kept if t not in _stop_tokens()]
    if lemma_of is not None:
        kept = [lemma_of.get(t, t) for t in kept]
    if bigrams:
        return kept + [f"{a} {b}" for a, b in pairwise(kept)]
    return kept


def normalise_articles(articles: Sequence[Article], title_repeat: int = 1) -> list[str]:
    """Normalised texts; ``title_repeat`` > 1 counts the title's words that many times."""
    return normalise_batch(
        [(" . ".join([article.title] * title_repeat), article.text) for article in articles]
    )


def normalise_titles(articles: Sequence[Article]) -> list[str]:
    """Normalised titles alone (no body), for the title block."""
    return normalise_batch([(article.title, "") for article in articles])


def fit_featuriser(articles: Sequence[Article], params: FeatureParams) -> Featuriser:
    """Learn vocabularies and document frequencies from training texts."""
    docs = normalise_articles(articles, params.title_repeat)
    terms, word_idf = fit_word_vocabulary(docs, params)
    buckets, char_idf = _fit_chars(docs, params)
    table = lemmas.lemma_table(terms) if params.word_lemmas else lemmas.empty_table()
    return Featuriser(params, terms, word_idf, buckets, char_idf, table)


def fit_word_vocabulary(docs: Sequence[str], params: FeatureParams) -> tuple[list[str], FloatArray]:
    """Word terms kept by document frequency (most frequent first, then sorted) and their IDF."""
    df: Counter[str] = Counter()
    lemma_of = lemmas.folded_lemmas() if params.word_lemmas else None
    for doc in docs:
        df.update(set(word_features(doc, params.word_bigrams, lemma_of)))
    kept = [(term, count) for term, count in df.items() if count >= params.min_df]
    kept.sort(key=lambda item: (-item[1], item[0]))
    kept = sorted(kept[: params.max_word_features])
    counts = np.array([count for _, count in kept], dtype=np.float64)
    return [term for term, _ in kept], _idf(counts, len(docs))


def word_tfidf(docs: Sequence[str], vocabulary: WordVocabulary, idf: FloatArray) -> sp.csr_matrix:
    """TF-IDF rows of normalised documents over a fixed word vocabulary."""
    return _tfidf(vocabulary.counts(layout(docs), len(docs)), idf)


def _fit_chars(docs: Sequence[str], params: FeatureParams) -> tuple[IntArray, FloatArray]:
    if params.char_ngrams is None:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    bits = params.char_bits
    rows, buckets = char_ngrams(layout(docs), params.char_ngrams, bits)
    real = np.where(buckets < 1 << bits, buckets.astype(np.int64), -1)
    df = np.bincount(count_pairs(rows, real, len(docs), 1 << bits).indices, minlength=1 << bits)
    candidates = np.flatnonzero(df >= params.min_df)
    order = np.lexsort((candidates, -df[candidates]))[: params.max_char_features]
    kept = np.sort(candidates[order]).astype(np.int64)
    return kept, _idf(df[kept].astype(np.float64), len(docs))


@cache
def _stop_tokens() -> frozenset[str]:
    return frozenset(t for word in STOP_WORDS for t in tokens(word))


@cache
def _stop_keys() -> KeyArray:
    return np.sort(token_keys(sorted(_stop_tokens())))


def _idf(document_frequency: npt.NDArray[np.float64], n_docs: int) -> FloatArray:
    """Smoothed IDF, as scikit-learn's ``smooth_idf=True``."""
    return (np.log((1 + n_docs) / (1 + document_frequency)) + 1).astype(np.float32)


def _csr(counts: Counts, shape: tuple[int, int]) -> sp.csr_matrix:
    return sp.csr_matrix((counts.data, counts.indices, counts.indptr), shape=shape)


def _stack(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    return blocks[0] if len(blocks) == 1 else sp.vstack(blocks, format="csr")


def _tfidf(counts: sp.csr_matrix, idf: FloatArray, sublinear: bool = True) -> sp.csr_matrix:
    """(Sublinear) TF × IDF, each row scaled to unit L2 norm (empty rows stay zero)."""
    weighted = counts.copy()
    tf = 1.0 + np.log(weighted.data) if sublinear else weighted.data
    weighted.data = tf * idf[weighted.indices]
    norms = np.sqrt(np.bincount(_row_ids(weighted), weighted.data**2, minlength=weighted.shape[0]))
    norms[norms == 0] = 1.0
    weighted.data = (weighted.data / norms[_row_ids(weighted)]).astype(np.float32)
    return weighted


def _row_ids(matrix: sp.csr_matrix) -> IntArray:
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
