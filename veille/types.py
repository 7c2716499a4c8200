"""Frozen values that cross module lines in the collection pipeline.

fetch ─▶ ``Fetched`` | ``NotModified``
parse ─▶ ``ParsedFeed`` (``Candidate`` entries, already normalised)
pages ─▶ ``PageText``
pipeline ─▶ one ``CollectOutcome`` per source
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class _PickledByFields:
    """Pickled as ``(class, field values)``: a parse worker sends thousands of these.

    A frozen dataclass with slots pickles its state as a list, which is
    restored field by field through ``dataclasses.fields()``, twice as slow.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        fields: tuple[str, ...] = type(self).__slots__  # the dataclass's, in field order
        return type(self), tuple(getattr(self, name) for name in fields)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A successful response: the body and what the scheduler needs from it."""

    url: str
    final_url: str
    body: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: bool = False
    max_age_seconds: int | None = None
    status_code: int = 200


@dataclass(frozen=True, slots=True)
class NotModified:
    """A 304: nothing to parse."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    max_age_seconds: int | None = None


@dataclass(frozen=True, slots=True)
class Fingerprint(_PickledByFields):
    """What near-duplicate detection keeps of an article (see ``collect.dedup``).

    Packed 32-bit hashes rather than sets of words: a pass keeps one per
    recent article in memory, and each crosses from a parsing process.
    """

    title_words: bytes
    text_sketch: bytes
    title_keys: bytes = b""


@dataclass(frozen=True, slots=True)
class Candidate(_PickledByFields):
    """One feed entry, normalised: canonical URL, clean HTML, UTC date."""

    guid: str
    title: str
    url: str | None
    canonical_url: str | None
    summary_html: str
    author: str | None
    language: str | None
    published_at: datetime
    published_estimated: bool
    content_hash: str
    fingerprint: Fingerprint


@dataclass(frozen=True, slots=True)
class ParsedFeed(_PickledByFields):
    """A parsed feed: its entries and what it says about itself."""

    title: str | None
    site_url: str | None
    language: str | None
    ttl_seconds: int | None
    entries: tuple[Candidate, ...]
    warning: str | None = None


@dataclass(frozen=True, slots=True)
class PageText:
    """The watched region of a page, reduced to comparable text."""

    text: str
    raw_hash: str
    text_hash: str


@dataclass(frozen=True, slots=True)
class Collected:
    """What one source brought."""

    new: int = 0
    updated: int = 0
    duplicates: int = 0
    new_article_ids: tuple[int, ...] = ()
    warning: str | None = None
    changed: bool = False


@dataclass(frozen=True, slots=True)
class Skipped:
    """A source not fetched this time (another process holds it, Retry-After…)."""

    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """A source that failed, with the French reason shown to users."""

    reason: str
    kind: str = "fetch"


@dataclass(frozen=True, slots=True)
class CollectOutcome:
    """The result of one source in one pass; errors are values, never raised."""

    source: str
    kind: str
    value: Collected | NotModified | Skipped | Failed
    elapsed: float = 0.0
    notes: tuple[str, ...] = field(default=())

    @property
    def new_article_ids(self) -> tuple[int, ...]:
        return self.value.new_article_ids if isinstance(self.value, Collected) else ()
