"""Dated obligations stated by a regulation page: the date, its sentence, its article; pure.

The input is the watched text of a page (``collect.pages.extract_page``):
one line per text node, so an inline tag may split a sentence over lines.
Lines are first joined back into paragraphs, headings (« Article 113 »,
« Chapitre II ») kept apart as the current reference; paragraphs are cut
into clauses (sentences and « ; »-separated list items), and every clause is
searched for a sentence frame followed by a date:

    EN  shall apply from / as from / by / no later than / until / enter into force on …
        2 August 2026
    FR  à compter du / à partir du / au plus tard le / avant le / jusqu'au / en vigueur le /
        applicable le / prend effet le … 2 août 2026
    and calendar lines that start with a date: « 2 février 2025 : interdictions… »

Dates in words (month names from Babel, French and English) or in numbers
(02/08/2026, 2.8.2026, 2026-08-02). No model: the same text always gives
the same obligations, in page order.
"""

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from babel.dates import get_month_names

MAX_TEXT_CHARS = 600
MAX_HEADING = 120
_LOCALES = ("fr", "en")
_FRAMES_EN = (
    r"(?:shall\s+)?(?:apply|applies|be\s+applicable)\s+(?:as\s+)?from",
    r"with\s+effect\s+from", r"as\s+from", r"from", r"no\s+later\s+than",
    r"not\s+later\s+than", r"by", r"until", r"(?:enters?|entered|enter)\s+into\s+force\s+on",
    r"takes?\s+effect\s+on",
)  # fmt: skip
_FRAMES_FR = (
    r"à\s+compter\s+du", r"à\s+partir\s+du", r"au\s+plus\s+tard\s+(?:le|au)", r"avant\s+le",
    r"jusqu['’]au", r"dès\s+le", r"d['’]ici\s+(?:le|au)", r"en\s+vigueur\s+le",
    r"applicables?\s+le", r"effet\s+le",
)  # fmt: skip
_HEADING = re.compile(
    r"^(?P<ref>(?:article|art\.)\s+(?:premier|(?:[LRDA]\.?\s*)?\d+(?:[-.]\d+)*\s*(?:er|bis|ter)?)"
    r"|(?:chapitre|chapter|section|titre|title|annexe|annex|partie|part)\s+[IVXLC\d]+)"
    r"(?:\s*[-–—:.]\s*.{0,100})?$",
    re.IGNORECASE,
)
_LIST_MARK = re.compile(r"^\(?[a-z0-9]{1,4}\)$|^[-–•]$", re.IGNORECASE)
_CLAUSE_END = re.compile(
    r"(?<=[.;!?])\s+(?=[(«\"A-ZÀ-Ý]|[a-z]{1,3}\)\s)|(?<=:)\s+(?=\(?[a-z]{1,3}\)\s)"
)
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,.)])|(?<=['’])\s+")


@dataclass(frozen=True, slots=True)
class ExtractedObligation:
    """A date a page binds its readers to, with the clause that states it."""

    date: date
    text: str
    reference: str | None

    @property
    def key(self) -> str:
        """What identifies the obligation across versions of its page: its clause, dateless.

        Only an article-like reference counts: a plain heading may be reworded.
        """
        numbered = self.reference if _HEADING.match(self.reference or "") else None
        return f"{(numbered or '').casefold()}|{mask_dates(self.text)}"


def extract_obligations(page_text: str) -> tuple[ExtractedObligation, ...]:
    """Every dated obligation of a page's watched text, in page order, without repeats."""
    found: dict[tuple[date, str, str | None], ExtractedObligation] = {}
    for reference, paragraph in paragraphs(page_text.splitlines()):
        for clause in clauses(paragraph):
            for day in clause_dates(clause):
                item = ExtractedObligation(day, _shorten(clause), reference)
                found.setdefault((item.date, item.text, item.reference), item)
    return tuple(found.values())


def paragraphs(lines: Iterable[str]) -> Iterator[tuple[str | None, str]]:
    """(current heading reference, paragraph): lines joined until one ends a sentence.

    « Article 113 », « Chapitre II »… set the reference; until the page has
    one, a plain heading (« Quand le RIA entre-t-il en application ? ») does.
    """
    cleaned = [line for line in (_SPACES.sub(" ", raw).strip() for raw in lines) if line]
    reference: str | None = None
    numbered = titled = False
    pending: list[str] = []
    for index, line in enumerate(cleaned):
        following = cleaned[index + 1] if index + 1 < len(cleaned) else ""
        heading = _HEADING.match(line)
        is_heading = heading is not None and len(line) <= MAX_HEADING
        if (is_heading and not _mid_sentence(pending)) or (
            not numbered and _is_title(line, following, pending)
        ):
            if pending:
                yield reference, _join(pending)
                pending = []
            numbered = numbered or heading is not None
            reference = _reference(heading.group("ref")) if heading is not None else line
            titled = heading is not None
            continue
        if titled and _is_title(line, following, pending):
            titled = False  # « Article 113 » then its title « Entry into force and application »
            continue
        titled = False
        if pending and _starts_block(line):
            yield reference, _join(pending)
            pending = []
        pending.append(line)
        if line[-1] in ".;!?" and not _LIST_MARK.match(line):
            yield reference, _join(pending)
            pending = []
    if pending:
        yield reference, _join(pending)


def _is_title(line: str, following: str, pending: list[str]) -> bool:
    """A short line without digits nor final stop, followed by a capital: a heading."""
    return (
        len(line) <= MAX_HEADING
        and line[0].isupper()
        and line[-1] not in ".;:,!'’("
        and not any(char.isdigit() for char in line)
        and not _mid_sentence(pending)
        and bool(following)
        and (following[0].isupper() or following[0].isdigit())
    )


def clauses(paragraph: str) -> list[str]:
    """Sentences and list items (« ; »), each a clause of its own."""
    return [part.strip() for part in _CLAUSE_END.split(paragraph) if part.strip()]


def clause_dates(clause: str) -> list[date]:
    """The dates the clause binds by a frame (« from », « au plus tard le »…) or by a lead."""
    days = [_to_date(match) for match in _framed().finditer(clause)]
    lead = _leading().match(clause)
    if lead is not None:
        days.insert(0, _to_date(lead))
    return [day for day in days if day is not None]


def mask_dates(text: str) -> str:
    """The text with every date replaced by « … », folded: stable when only a date moves."""
    return _SPACES.sub(" ", _any_date().sub("…", text)).strip().casefold()


def _starts_block(line: str) -> bool:
    """A calendar line (« 2 février 2025 : … », or the date alone in bold) opens a paragraph."""
    return _leading().match(line) is not None or _any_date().fullmatch(line) is not None


def _mid_sentence(pending: list[str]) -> bool:
    """A link « Article 5 » inside a sentence is not a heading: the sentence is still open."""
    return bool(pending) and (pending[-1][-1].islower() or pending[-1][-1] in ",('’")


def _join(lines: list[str]) -> str:
    return _SPACE_BEFORE_PUNCT.sub("", " ".join(lines))


def _reference(raw: str) -> str:
    text = _SPACES.sub(" ", raw).strip()
    return text[0].upper() + text[1:]


def _shorten(clause: str) -> str:
    if len(clause) <= MAX_TEXT_CHARS:
        return clause
    return clause[: MAX_TEXT_CHARS - 1].rsplit(" ", 1)[0] + "…"


@cache
def _months() -> dict[str, int]:
    """Month names and abbreviations, French and English, accented or not, folded."""
    names: dict[str, int] = {}
    for locale in _LOCALES:
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                folded = name.casefold().rstrip(".")
                names[folded] = number
                names[_strip_accents(folded)] = number
    names["sept"] = 9
    return names


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _date_pattern() -> str:
    months = "|".join(re.escape(name) for name in sorted(_months(), key=len, reverse=True))
    return (
        rf"(?:(?P<d1>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m1>{months})\.?\s+(?P<y1>\d{{4}})"
        rf"|(?P<m2>{months})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
        r"|(?P<d3>\d{1,2})[/.](?P<m3>\d{1,2})[/.](?P<y3>\d{4})"
        r"|(?P<y4>\d{4})-(?P<m4>\d{2})-(?P<d4>\d{2}))"
    )


@cache
def _framed() -> re.Pattern[str]:
    frames = "|".join((*_FRAMES_EN, *_FRAMES_FR))
    return re.compile(rf"(?<!\w)(?:{frames})\s+(?:the\s+)?{_date_pattern()}(?!\w)", re.IGNORECASE)


@cache
def _leading() -> re.Pattern[str]:
    return re.compile(
        rf"^(?:\(?[a-z0-9]{{1,3}}\)\s*)?(?:(?:le|dès le|on)\s+)?{_date_pattern()}\s*[:–—-]\s*\S",
        re.IGNORECASE,
    )


@cache
def _any_date() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){_date_pattern()}(?!\w)", re.IGNORECASE)


def _to_date(match: re.Match[str]) -> date | None:
    parts = match.groupdict()
    for index in "1234":
        day, month, year = parts[f"d{index}"], parts[f"m{index}"], parts[f"y{index}"]
        if day is None or month is None or year is None:
            continue
        number = int(month) if month.isdigit() else _months().get(month.casefold().rstrip("."))
        try:
            return date(int(year), number or 0, int(day))
        except ValueError:
            return None
    return None
