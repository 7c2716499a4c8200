"""Dates and moved dates as the watch team reads them, in French; pure."""

from datetime import date

from babel.dates import format_date

ARROW = "→"


def date_fr(day: date) -> str:
    """« 2 août 2026 », « 1er janvier 2027 »."""
    text = format_date(day, "d MMMM y", locale="fr")
    return "1er" + text[1:] if day.day == 1 else text


def move_line(reference: str | None, old: date, new: date) -> str:
    """« Article 113 : 2 août 2026 → 2 décembre 2027 »."""
    label = reference or "Échéance"
    return f"{label} : {date_fr(old)} {ARROW} {date_fr(new)}"
