"""The data an edition is made of, as immutable values crossing module lines.

``EditionContent`` is what ``edition.build_edition`` reads from the database;
``personalise.pick_for`` narrows it to a ``PersonalEdition``; ``render`` turns
that into HTML and text. Label titles come from the caller (``LabelCatalog``):
the newsletter does not read the taxonomy itself.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from newsletter.weeks import IsoWeek

REGULATION_SECTION = "reglementation"
OTHER_SECTION = "autres"
REGULATION_TITLE = "Évolutions réglementaires"
OTHER_TITLE = "Autres actualités"
DEADLINES_TITLE = "Échéances à venir"


@dataclass(frozen=True, slots=True)
class LabelInfo:
    id: str
    kind: str  # "theme" or "job"
    title: str


@dataclass(frozen=True, slots=True)
class LabelCatalog:
    """Label ids and their French titles, in taxonomy order."""

    labels: tuple[LabelInfo, ...] = ()

    @classmethod
    def of(cls, triples: Iterable[tuple[str, str, str]]) -> "LabelCatalog":
        return cls(tuple(LabelInfo(id_, kind, title) for id_, kind, title in triples))

    def title(self, label_id: str) -> str:
        for label in self.labels:
            if label.id == label_id:
                return label.title
        return label_id

    def ids_of(self, kind: str) -> tuple[str, ...]:
        return tuple(label.id for label in self.labels if label.kind == kind)

    @property
    def themes(self) -> tuple[LabelInfo, ...]:
        return tuple(label for label in self.labels if label.kind == "theme")

    @property
    def jobs(self) -> tuple[LabelInfo, ...]:
        return tuple(label for label in self.labels if label.kind == "job")

    def section_title(self, key: str) -> str:
        if key == REGULATION_SECTION:
            return REGULATION_TITLE
        if key in ("", OTHER_SECTION):
            return OTHER_TITLE
        return self.title(key)


@dataclass(frozen=True, slots=True)
class Item:
    """An article as the newsletter shows it."""

    article_id: int
    title: str
    url: str
    source: str
    published_at: datetime
    summary: str = ""
    comment: str = ""
    themes: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    relevance: float = 0.0
    regulation: bool = False
    untriaged: bool = False  # nobody on the team has retained or rejected it yet

    def concerns(self, themes: frozenset[str], jobs: frozenset[str]) -> bool:
        return bool(themes.intersection(self.themes) or jobs.intersection(self.jobs))


@dataclass(frozen=True, slots=True)
class Deadline:
    """A regulatory obligation as the newsletter shows it; ``previous`` when it moved."""

    day: date
    text: str
    reference: str | None
    source: str
    url: str
    confirmed: bool = False
    previous: date | None = None


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class EditionContent:
    """One week's edition: sections in display order and the unselected candidates."""

    week: IsoWeek
    status: str
    automatic: bool
    editorial_md: str
    sections: tuple[Section, ...]
    candidates: tuple[Item, ...] = ()
    published_at: datetime | None = None
    deadlines: tuple[Deadline, ...] = ()

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


@dataclass(frozen=True, slots=True)
class Profile:
    """What a subscriber asked for: no theme and no job means the whole edition."""

    themes: frozenset[str] = frozenset()
    jobs: frozenset[str] = frozenset()

    @classmethod
    def of(cls, themes: Iterable[str], jobs: Iterable[str]) -> "Profile":
        return cls(frozenset(themes), frozenset(jobs))

    @property
    def whole_edition(self) -> bool:
        return not self.themes and not self.jobs


@dataclass(frozen=True, slots=True)
class PersonalEdition:
    """The part of an edition one profile receives."""

    edition: EditionContent
    profile: Profile
    sections: tuple[Section, ...]
    also: tuple[Item, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.sections and not self.also
