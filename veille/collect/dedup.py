"""Near-duplicate detection across sources: similar title AND near-identical text; pure.

Exact duplicates (same canonical URL or GUID) are found by the database.
Near-duplicates — the same press release carried by several sources — are
found here with a small MinHash/LSH index over title words, so each new entry
is compared with a handful of candidates instead of every recent article;
candidates are then confirmed by their texts. A title is never enough: real
sources publish « Édito » or « Revue de presse IA » every week, and two
different articles may share a title word for word. Without enough text on
both sides to compare (a dozen words), nothing is merged.
"""

import unicodedata
from array import array
from collections import Counter, defaultdict
from itertools import chain, filterfalse, repeat
from typing import Literal
from zlib import crc32

from veille.types import Fingerprint

# Every byte but letters and digits becomes a space: words are then a split away.
_NOT_ALNUM = bytes(
    byte if chr(byte).isascii() and chr(byte).isalnum() else ord(" ") for byte in range(256)
)
_STOPWORD_TEXT = """
le la les un une des du de d l et ou en au aux a à pour par sur dans avec ce ces cette
est sont qui que quoi dont son sa ses leur leurs plus the an of to in on for and or is
are with by at from as its it be this that new
"""
_STOPWORDS = frozenset(
    unicodedata.normalize("NFKD", _STOPWORD_TEXT).encode("ascii", "ignore").split()
)
_ROWS, _BAND_COUNT = 3, 8
_SEEDS = tuple(range(_ROWS * _BAND_COUNT))
TITLE_THRESHOLD = 0.5
TEXT_THRESHOLD = 0.45
TEXT_WORDS = 120
TEXT_CHARS = TEXT_WORDS * 12  # enough characters for TEXT_WORDS words
SKETCH_SIZE = 48
MIN_SHINGLES = 10  # fewer 3-word shingles than this: too little text to say "same text"
MIN_BANDS = 2
MAX_BUCKET = 50


def tokens(text: str) -> list[bytes]:
    """Lower-case words without accents or stop words, as ASCII bytes (ready to hash)."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore")
    return list(filterfalse(_STOPWORDS.__contains__, plain.translate(_NOT_ALNUM).split()))


def fingerprint(title: str, text: str) -> Fingerprint:
    """Title word hashes, and a bottom-k sketch of the text's 3-word shingles.

    Words are hashed with CRC-32, and shingles with the hash of a tuple of
    integers: both give the same value in every process (the hash of a string
    does not), which matters since fingerprints are made in parsing processes.
    """
    words = list(map(crc32, tokens(text[:TEXT_CHARS])[:TEXT_WORDS]))
    shingles = set(map(hash, zip(words, words[1:], words[2:], strict=False)))
    if len(shingles) < MIN_SHINGLES:
        shingles = set()
    title_words = sorted(set(map(crc32, tokens(title))))
    return Fingerprint(
        title_words=_pack(title_words, "I"),
        text_sketch=_pack(sorted(shingles)[:SKETCH_SIZE], "q"),
        title_keys=_band_keys(title_words),
    )


# Packed integers: "I" for 32-bit word hashes, "q" for 64-bit hashes.
IntCode = Literal["I", "q"]


def _pack(values: list[int], code: IntCode) -> bytes:
    return array(code, values).tobytes()


def _ints(packed: bytes, code: IntCode) -> "memoryview[int]":
    return memoryview(packed).cast(code)


class Comparison:
    """One fingerprint, unpacked once to be compared with many candidates."""

    __slots__ = ("print_", "sketch", "words")

    def __init__(self, print_: Fingerprint) -> None:
        self.print_ = print_
        self.words = set(_ints(print_.title_words, "I"))
        self.sketch = set(_ints(print_.text_sketch, "q"))

    def similar(self, other: Fingerprint) -> bool:
        """Same story? Titles alike and texts nearly identical; never the title alone."""
        if not self.sketch or not other.text_sketch:
            return False
        other_words = _ints(other.title_words, "I")
        common = len(self.words.intersection(other_words))
        title = common / (len(self.words) + len(other_words) - common or 1)
        return title >= TITLE_THRESHOLD and self._text(other) >= TEXT_THRESHOLD

    def _text(self, other: Fingerprint) -> float:
        """Jaccard estimate of the texts from the two bottom-k sketches."""
        theirs = _ints(other.text_sketch, "q")
        common = self.sketch.intersection(theirs)
        if not common:  # most same-title pairs: nothing in common, no sort
            return 0.0
        union = sorted(self.sketch.union(theirs))[:SKETCH_SIZE]
        return len(common.intersection(union)) / len(union)


def similar(a: Fingerprint, b: Fingerprint) -> bool:
    """Same story? Titles alike and texts nearly identical; never the title alone."""
    return Comparison(a).similar(b)


def _band_keys(word_hashes: list[int]) -> bytes:
    """LSH keys: titles sharing a key are candidates (likely when Jaccard ≥ 0.7)."""
    if not word_hashes:
        return b""
    # MinHash function i maps a word to hash((i, word)): a tuple of integers
    # hashes alike in every process, and map() keeps the loop in C.
    rows = [tuple(map(hash, zip(_SEEDS, repeat(value)))) for value in word_hashes]
    minima = list(map(min, *rows)) if len(rows) > 1 else list(rows[0])
    # A band's key hashes its number and its rows' minima (the hash of a tuple
    # of integers is the same in every process, unlike that of a string).
    keys = [
        hash((band, *minima[start : start + _ROWS]))
        for band, start in enumerate(range(0, _ROWS * _BAND_COUNT, _ROWS))
    ]
    return _pack(keys, "q")


def band_keys(print_: Fingerprint) -> tuple[int, ...]:
    return tuple(_ints(print_.title_keys, "q"))


class NearDuplicateIndex:
    """Recent original articles, searchable for a near-duplicate from another source."""

    def __init__(self) -> None:
        self._buckets: dict[int, list[int]] = defaultdict(list)
        self._entries: dict[int, tuple[int, Fingerprint]] = {}
        self._titles: dict[bytes, list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article_id: int, source_id: int, print_: Fingerprint) -> None:
        self._entries[article_id] = (source_id, print_)
        self._titles[print_.title_words].append(article_id)
        for key in band_keys(print_):
            self._buckets[key].append(article_id)

    def find(self, source_id: int, print_: Fingerprint) -> int | None:
        """The oldest similar article from another source, if any.

        Candidates share the same title words, or at least two LSH bands:
        in a field where most titles say "IA" and "collectivités", one band
        in common is frequent and would make every search scan many titles.
        A band shared by more than ``MAX_BUCKET`` titles says as little as a
        stop word and is not scanned.
        """
        buckets = [self._buckets.get(key, ()) for key in band_keys(print_)]
        hits = Counter(
            chain.from_iterable(bucket for bucket in buckets if len(bucket) <= MAX_BUCKET)
        )
        candidates = {found for found, count in hits.items() if count >= MIN_BANDS}
        # The same title word for word: the most recent ones only, so that a title
        # every source repeats (« Édito ») costs a bounded number of comparisons.
        candidates.update(self._titles.get(print_.title_words, ())[-MAX_BUCKET:])
        query = Comparison(print_)
        matches = [found for found in candidates if self._is_match(found, source_id, query)]
        return min(matches, default=None)

    def _is_match(self, candidate: int, source_id: int, query: Comparison) -> bool:
        other_source, other = self._entries[candidate]
        return other_source != source_id and query.similar(other)
