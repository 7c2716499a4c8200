"""Near-duplicate detection across sources: similar title and similar text; pure.

Exact duplicates (same canonical URL or GUID) are found by the database.
Near-duplicates — the same press release carried by several sources — are
found here with a small MinHash/LSH index over title words, so each new entry
is compared with a handful of candidates instead of every recent article;
candidates are then confirmed with Jaccard similarities of titles and texts.
"""

import re
import struct
import unicodedata
import zlib
from collections import Counter, defaultdict
from hashlib import shake_128

from veille.types import Fingerprint

_WORD = re.compile(r"\w+")
_STOPWORD_TEXT = """
le la les un une des du de d l et ou en au aux a à pour par sur dans avec ce ces cette
est sont qui que quoi dont son sa ses leur leurs plus the an of to in on for and or is
are with by at from as its it be this that new
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_ROWS, _BAND_COUNT = 3, 8
_DIGEST = 4 * _ROWS * _BAND_COUNT
_WORD_HASHES = struct.Struct(f"<{_ROWS * _BAND_COUNT}I")
_BANDS = tuple(tuple(range(b * _ROWS, (b + 1) * _ROWS)) for b in range(_BAND_COUNT))
TITLE_THRESHOLD = 0.7
TEXT_THRESHOLD = 0.3
TEXT_WORDS = 80
SKETCH_SIZE = 24
MIN_BANDS = 2
MAX_BUCKET = 50


def tokens(text: str) -> list[str]:
    """Lower-case words without accents or stop words."""
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return [word for word in _WORD.findall(plain) if word not in _STOPWORDS]


def fingerprint(title: str, text: str) -> Fingerprint:
    """Title words, and a bottom-k sketch of the text's 3-word shingles (small in memory)."""
    words = tokens(text[: TEXT_WORDS * 12])[:TEXT_WORDS]
    hashes = {zlib.crc32(" ".join(words[i : i + 3]).encode()) for i in range(len(words) - 2)}
    title_words = frozenset(tokens(title))
    sketch = tuple(sorted(hashes)[:SKETCH_SIZE])
    return Fingerprint(title_words, sketch, _band_keys(title_words))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def sketch_similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Jaccard estimate from two bottom-k sketches."""
    if not a or not b:
        return 0.0
    union = sorted(set(a) | set(b))[:SKETCH_SIZE]
    common = set(a) & set(b)
    return sum(value in common for value in union) / len(union)


def similar(a: Fingerprint, b: Fingerprint) -> bool:
    """Same story? Titles alike, and texts alike when both have some."""
    title = jaccard(a.title_words, b.title_words)
    if len(a.title_words) < 3 or len(b.title_words) < 3:
        return title == 1.0 and sketch_similarity(a.text_sketch, b.text_sketch) >= 0.5
    if title < TITLE_THRESHOLD:
        return False
    if not a.text_sketch or not b.text_sketch:
        return title >= 0.85
    return title >= 0.95 or sketch_similarity(a.text_sketch, b.text_sketch) >= TEXT_THRESHOLD


def _band_keys(words: frozenset[str]) -> tuple[int, ...]:
    """LSH keys: titles sharing a key are candidates (likely when Jaccard ≥ 0.7)."""
    if not words:
        return ()
    # One keyed hash per word gives all the MinHash functions at once.
    rows = [_WORD_HASHES.unpack(shake_128(word.encode()).digest(_DIGEST)) for word in words]
    minima = [min(column) for column in zip(*rows, strict=True)]
    return tuple(hash((band, *(minima[i] for i in members))) for band, members in enumerate(_BANDS))


class NearDuplicateIndex:
    """Recent original articles, searchable for a near-duplicate from another source."""

    def __init__(self) -> None:
        self._buckets: dict[int, list[int]] = defaultdict(list)
        self._entries: dict[int, tuple[int, Fingerprint]] = {}
        self._titles: dict[frozenset[str], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, article_id: int, source_id: int, print_: Fingerprint) -> None:
        self._entries[article_id] = (source_id, print_)
        self._titles[print_.title_words].append(article_id)
        for key in print_.title_keys:
            self._buckets[key].append(article_id)

    def find(self, source_id: int, print_: Fingerprint) -> int | None:
        """The oldest similar article from another source, if any.

        Candidates share the same title words, or at least two LSH bands:
        in a field where most titles say "IA" and "collectivités", one band
        in common is frequent and would make every search scan many titles.
        A band shared by more than ``MAX_BUCKET`` titles says as little as a
        stop word and is not scanned.
        """
        buckets = [self._buckets.get(key, ()) for key in print_.title_keys]
        hits = Counter(found for bucket in buckets if len(bucket) <= MAX_BUCKET for found in bucket)
        candidates = {found for found, count in hits.items() if count >= MIN_BANDS}
        candidates.update(self._titles.get(print_.title_words, ()))
        matches = [found for found in candidates if self._is_match(found, source_id, print_)]
        return min(matches, default=None)

    def _is_match(self, candidate: int, source_id: int, print_: Fingerprint) -> bool:
        other_source, other = self._entries[candidate]
        return other_source != source_id and similar(print_, other)
