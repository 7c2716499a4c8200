"""Hashed words and character n-grams computed with numpy, batch by batch.

Building every token and n-gram as a Python string caps prediction near 2,000
articles per second. Here a batch of normalised documents is one array of
code points in which every ASCII character that is not a letter or a digit
is a space (other code points are kept as letters). Then:

* a *token* is a maximal run of non-space code points; its 64-bit key is a
  polynomial hash computed for all tokens at once from prefix sums;
* a *character n-gram* is a window that crosses no space (words are padded
  by one space on each side, like scikit-learn's ``char_wb``); its 32-bit
  rolling hash is reduced to ``2**bits`` buckets by Fibonacci hashing. Windows
  that cross a space go to the extra bucket ``2**bits``, which is never learned.

``tokens()`` is the same tokenisation in plain Python, used when fitting the
vocabulary: the two must agree, and the tests check that they do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

_SPACE = 32
_ASCII_SEPARATOR = np.array([not chr(c).isalnum() for c in range(128)], dtype=bool)
_TO_SPACE = {c: " " for c in range(128) if not chr(c).isalnum()}

_PRIME32 = np.uint32(1_000_003)
_GOLDEN32 = np.uint32(0x9E3779B1)
_PRIME64 = 0x100000001B3
_INVERSE64 = pow(_PRIME64, -1, 1 << 64)
_BIGRAM_MIX = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM_SALT = np.uint64(0xD6E8FEB86659FD93)

IntArray = npt.NDArray[np.int64]
UIntArray = npt.NDArray[np.uint32]
KeyArray = npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class Layout:
    """A batch as code points (separators as spaces) and the document of each."""

    codes: UIntArray
    doc_of: npt.NDArray[np.int32]


def layout(docs: Sequence[str]) -> Layout:
    """All documents in one array, with a space around each."""
    joined = "".join(f" {doc} " for doc in docs)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).copy()
    separator = _ASCII_SEPARATOR[np.minimum(codes, 127)] & (codes < 128)
    codes[separator] = _SPACE
    lengths = np.fromiter((len(doc) + 2 for doc in docs), dtype=np.int64, count=len(docs))
    return Layout(codes, np.repeat(np.arange(len(docs), dtype=np.int32), lengths))


def tokens(doc: str) -> list[str]:
    """The tokens of one document, as ``layout`` + ``word_keys`` see them."""
    return [token for token in doc.translate(_TO_SPACE).split(" ") if token]


# --- words -------------------------------------------------------------------------------


def word_keys(
    batch: Layout,
    stop_keys: KeyArray,
    bigrams: bool,
    remap: Callable[[KeyArray], KeyArray] | None = None,
) -> tuple[npt.NDArray[np.int32], KeyArray]:
    """(document, key) of every kept token and, optionally, of every bigram of kept tokens.

    Kept tokens have two characters or more, do not start with a digit and are
    not stop words; ``remap`` then changes their keys (to their lemma's);
    bigrams join consecutive kept tokens of the same document.
    """
    starts, ends = _token_bounds(batch.codes)
    keys = _token_hashes(batch.codes, starts, ends)
    first = batch.codes[starts]
    kept = (ends - starts >= 2) & ~((first >= 48) & (first <= 57))
    kept &= ~np.isin(keys, stop_keys)
    rows, keys = batch.doc_of[starts[kept]], keys[kept]
    if remap is not None:
        keys = remap(keys)
    if not bigrams or len(keys) < 2:
        return rows, keys
    same_doc = rows[1:] == rows[:-1]
    pairs = bigram_keys(keys[:-1][same_doc], keys[1:][same_doc])
    return np.concatenate((rows, rows[:-1][same_doc])), np.concatenate((keys, pairs))


def token_keys(words: Sequence[str]) -> KeyArray:
    """The key of each string taken as one token (for vocabularies and stop words)."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    batch = layout(words)
    starts, ends = _token_bounds(batch.codes)
    if len(starts) != len(words):
        raise ValueError("each string must be exactly one token")
    return _token_hashes(batch.codes, starts, ends)


def bigram_keys(first: KeyArray, second: KeyArray) -> KeyArray:
    mixed: KeyArray = (first * _BIGRAM_MIX + second) ^ _BIGRAM_SALT
    return mixed


def term_keys(terms: Sequence[str]) -> KeyArray:
    """Keys of vocabulary terms: one token, or two tokens joined by a space (a bigram)."""
    parts = [term.split(" ") for term in terms]
    keys = np.empty(len(terms), dtype=np.uint64)
    single = np.array([len(p) == 1 for p in parts], dtype=bool)
    keys[single] = token_keys([p[0] for p in parts if len(p) == 1])
    pairs = [p for p in parts if len(p) == 2]
    if len(pairs) != int((~single).sum()):
        raise ValueError("a term has at most two tokens")
    keys[~single] = bigram_keys(
        token_keys([a for a, _ in pairs]), token_keys([b for _, b in pairs])
    )
    return keys


def _token_bounds(codes: UIntArray) -> tuple[IntArray, IntArray]:
    edges = np.diff((codes != _SPACE).astype(np.int8), prepend=0, append=0)
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def _token_hashes(codes: UIntArray, starts: IntArray, ends: IntArray) -> KeyArray:
    """sum(c[j] · P^(end-1-j)) mod 2^64 for each token, from one prefix sum."""
    n = len(codes)
    inverse_powers = _powers(_INVERSE64, n)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(codes.astype(np.uint64) * inverse_powers[:n], dtype=np.uint64, out=prefix[1:])
    powers = _powers(_PRIME64, n)
    hashes: KeyArray = (prefix[ends] - prefix[starts]) * powers[ends - 1]
    return hashes


def _powers(base: int, count: int) -> KeyArray:
    """base^0 … base^(count) modulo 2^64."""
    factors = np.full(count + 1, base, dtype=np.uint64)
    factors[0] = 1
    return np.cumprod(factors, dtype=np.uint64)


# --- character n-grams -------------------------------------------------------------------


def char_ngrams(
    batch: Layout, ngram_range: tuple[int, int], bits: int
) -> tuple[npt.NDArray[np.int32], UIntArray]:
    """(document, bucket) per n-gram position; ``2**bits`` marks a non-n-gram."""
    codes = batch.codes
    spaces = np.concatenate(([0], np.cumsum(codes == _SPACE)))
    low, high = ngram_range
    rows: list[npt.NDArray[np.int32]] = []
    buckets: list[UIntArray] = []
    rolling = codes
    for n in range(2, high + 1):
        rolling = rolling[:-1] * _PRIME32 + codes[n - 1 :]
        if n >= low and len(rolling):
            inside = _inside_words(codes, spaces, n, len(rolling))
            rows.append(batch.doc_of[: len(rolling)])
            buckets.append(np.where(inside, _bucket(rolling, n, bits), np.uint32(1 << bits)))
    if not rows:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.uint32)
    return np.concatenate(rows), np.concatenate(buckets)


def _inside_words(codes: UIntArray, spaces: IntArray, n: int, count: int) -> npt.NDArray[np.bool_]:
    """No space strictly inside the window (so " ia " is kept), and never two spaces."""
    inside: npt.NDArray[np.bool_]
    if n == 2:
        inside = (codes[:count] != _SPACE) | (codes[1 : 1 + count] != _SPACE)
    else:
        inside = spaces[n - 1 : n - 1 + count] == spaces[1 : 1 + count]
    return inside


def _bucket(value: UIntArray, n: int, bits: int) -> UIntArray:
    """Fibonacci hashing of the rolling hash, salted by the n-gram size."""
    mixed: UIntArray = (value ^ np.uint32(n * 0x27D4EB2F & 0xFFFFFFFF)) * _GOLDEN32
    return mixed >> np.uint32(32 - bits)


# --- counting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Counts:
    """CSR parts of a (rows, columns) count matrix, columns sorted within each row."""

    data: npt.NDArray[np.float32]
    indices: npt.NDArray[np.int32]
    indptr: npt.NDArray[np.int64]


def count_pairs(
    rows: npt.NDArray[np.integer[Any]],
    columns: npt.NDArray[np.integer[Any]],
    n_rows: int,
    n_columns: int,
) -> Counts:
    """Count equal (row, column) pairs; pairs whose column is negative are dropped.

    One sort of ``row << bits | column`` keys groups them; unknown pairs get the
    largest key and are cut off after the sort, which is cheaper than masking.
    """
    bits = max(n_columns - 1, 1).bit_length()
    dtype: type[np.unsignedinteger[Any]] = np.uint32 if n_rows < 1 << (32 - bits) else np.uint64
    sentinel = int(np.iinfo(dtype).max)
    keys = np.left_shift(rows.astype(dtype), bits) | columns.astype(dtype)
    keys[columns < 0] = sentinel
    keys.sort()
    keys = keys[: np.searchsorted(keys, sentinel)]
    edge = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=edge[1:])
    starts = np.flatnonzero(edge)
    unique = keys[starts]
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount((unique >> bits).astype(np.intp), minlength=n_rows), out=indptr[1:])
    return Counts(
        data=np.diff(np.append(starts, len(keys))).astype(np.float32),
        indices=(unique & ((1 << bits) - 1)).astype(np.int32),
        indptr=indptr,
    )
