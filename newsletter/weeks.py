"""ISO weeks (``2026-W48``): parsing, bounds in a time zone, deadline, French labels."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from babel.dates import format_date

from newsletter.errors import WeekError

# « 2026-W49 » (ISO 8601) and its French spelling « 2026-S49 », in either case.
_WEEK = re.compile(r"^(\d{4})-[WS](\d{1,2})$", re.IGNORECASE)
# Years a week may belong to: beyond them the week's bounds and its neighbours
# would leave what dates can hold.
FIRST_YEAR, LAST_YEAR = 1970, 2999
WEEK_FORMAT = "AAAA-Wnn, par exemple 2026-W49"
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
LOCALE = "fr_FR"


@dataclass(frozen=True, slots=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 7)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[Monday 00:00, next Monday 00:00) local time, as UTC datetimes."""
        zone = ZoneInfo(timezone)
        start = datetime.combine(self.monday, time(), zone)
        end = datetime.combine(self.monday + timedelta(days=7), time(), zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def label(self) -> str:
        """« semaine 48, du 23 au 29 novembre 2026 »."""
        return f"semaine {self.week}, {date_range_fr(self.monday, self.sunday)}"


def parse_week(text: str) -> IsoWeek:
    """An ISO week from « 2026-W49 », « 2026-w49 », « 2026-S49 » or « 2026-s49 »."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise WeekError(f"semaine invalide : {text!r} (attendu : {WEEK_FORMAT})")
    year, week = int(match[1]), int(match[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = f"semaine invalide : {text!r} (année entre {FIRST_YEAR} et {LAST_YEAR})"
        raise WeekError(message)
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError as error:
        message = f"semaine invalide : {text!r} (l'année {year} n'a pas de semaine {week})"
        raise WeekError(message) from error
    return IsoWeek(year, week)


def week_of(moment: datetime, timezone: str) -> IsoWeek:
    local = moment.astimezone(ZoneInfo(timezone))
    year, week, _ = local.isocalendar()
    return IsoWeek(year, week)


def parse_deadline(spec: str) -> tuple[int, time]:
    """« vendredi 10:00 » -> (4, 10:00): weekday index (Monday = 0) and local time."""
    parts = spec.strip().lower().split()
    if len(parts) != 2 or parts[0] not in FRENCH_WEEKDAYS:
        raise WeekError(
            f"échéance invalide : {spec!r} (attendu : un jour et une heure, « vendredi 10:00 »)"
        )
    try:
        moment = time.fromisoformat(parts[1])
    except ValueError as error:
        raise WeekError(f"échéance invalide : {spec!r} (heure attendue HH:MM)") from error
    return FRENCH_WEEKDAYS.index(parts[0]), moment


def deadline_of(week: IsoWeek, spec: str, timezone: str) -> datetime:
    """The moment, in UTC, after which an uncurated week gets an automatic draft."""
    weekday, moment = parse_deadline(spec)
    day = week.monday + timedelta(days=weekday)
    return datetime.combine(day, moment, ZoneInfo(timezone)).astimezone(UTC)


@cache
def date_fr(day: date) -> str:
    """« 23 novembre 2026 » (cached: Babel is slow and a newsletter repeats its dates)."""
    return format_date(day, "d MMMM y", locale=LOCALE)


def date_range_fr(start: date, end: date) -> str:
    """« du 23 au 29 novembre 2026 », « du 30 novembre au 6 décembre 2026 »."""
    if start.year != end.year:
        return f"du {date_fr(start)} au {date_fr(end)}"
    if start.month != end.month:
        return f"du {format_date(start, 'd MMMM', locale=LOCALE)} au {date_fr(end)}"
    return f"du {start.day} au {date_fr(end)}"
