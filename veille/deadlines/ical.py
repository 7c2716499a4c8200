"""Obligations as an iCalendar file (RFC 5545), written with the icalendar library; pure.

One all-day event per obligation: its sentence and source URL in the
description, a UID that stays when the date moves, and a SEQUENCE that
grows each time it does. Confirmed obligations are CONFIRMED, those not yet
reviewed TENTATIVE, and an obligation gone from its page CANCELLED, so that
subscribed calendars update rather than duplicate.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from veille.deadlines.wording import date_fr

PRODID = "-//Veille IA//Échéances réglementaires//FR"
SUMMARY_CHARS = 140


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """What one calendar event shows of an obligation."""

    uid: str
    day: date
    text: str
    reference: str | None
    source_name: str | None
    url: str | None
    sequence: int
    confirmed: bool
    cancelled: bool
    modified: datetime
    previous_day: date | None = None


def build_calendar(name: str, entries: Iterable[CalendarEntry]) -> bytes:
    """The whole calendar, ready to serve as ``text/calendar``."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_event(entry))
    return bytes(calendar.to_ical())


def _event(entry: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", entry.modified)
    event.add("last-modified", entry.modified)
    event.add("dtstart", entry.day)
    event.add("dtend", entry.day + timedelta(days=1))
    event.add("sequence", entry.sequence)
    event.add("summary", summary(entry))
    event.add("description", description(entry))
    event.add("status", _status(entry))
    event.add("transp", "TRANSPARENT")
    if entry.url:
        event.add("url", entry.url)
    return event


def summary(entry: CalendarEntry) -> str:
    lead = " — ".join(part for part in (entry.reference, entry.source_name) if part)
    text = f"{lead} : {entry.text}" if lead else entry.text
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def description(entry: CalendarEntry) -> str:
    lines = [entry.text]
    if entry.previous_day is not None:
        lines.append(f"Date précédente : {date_fr(entry.previous_day)}.")
    if entry.cancelled:
        lines.append("Cette échéance n'apparaît plus dans le texte suivi.")
    elif not entry.confirmed:
        lines.append("Extraite automatiquement, pas encore vérifiée par l'équipe de veille.")
    if entry.url:
        lines.append(f"Source : {entry.url}")
    return "\n".join(lines)


def _status(entry: CalendarEntry) -> str:
    if entry.cancelled:
        return "CANCELLED"
    return "CONFIRMED" if entry.confirmed else "TENTATIVE"
