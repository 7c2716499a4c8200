"""The dashboard's figures and the geometry of its SVG charts; pure functions.

articles per theme per week = effective theme labels (a curator's row decides,
    else the model's from ``min_score``), by ISO week, over the last 12 weeks
sources by health          = count of each state of ``veille.health.status_of``
subscribers per theme      = active subscribers who chose each theme
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from db.repos.dashboard import LabelRow
from newsletter.weeks import IsoWeek, week_of

BAR_HEIGHT, BAR_GAP, BAR_WIDTH = 22, 6, 360
COLUMN_WIDTH, COLUMN_GAP, COLUMN_HEIGHT = 18, 4, 60


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, value and place in the SVG (x, y, width, height)."""

    label: str
    value: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int
    height: int


def horizontal(values: Sequence[tuple[str, int]]) -> Chart:
    """Horizontal bars, one per (label, value), as long as the value is large."""
    top = max((value for _label, value in values), default=0) or 1
    bars = tuple(
        Bar(label, value, 0, i * (BAR_HEIGHT + BAR_GAP), round(BAR_WIDTH * value / top), BAR_HEIGHT)
        for i, (label, value) in enumerate(values)
    )
    return Chart(bars, BAR_WIDTH, max(1, len(values) * (BAR_HEIGHT + BAR_GAP)))


def columns(values: Sequence[tuple[str, int]], top: int) -> Chart:
    """Vertical columns of a series (one per week) against a shared maximum ``top``."""
    top = top or 1
    bars = []
    for i, (label, value) in enumerate(values):
        height = round(COLUMN_HEIGHT * value / top)
        x = i * (COLUMN_WIDTH + COLUMN_GAP)
        bars.append(Bar(label, value, x, COLUMN_HEIGHT - height, COLUMN_WIDTH, height))
    return Chart(tuple(bars), len(values) * (COLUMN_WIDTH + COLUMN_GAP), COLUMN_HEIGHT)


def last_weeks(current: IsoWeek, count: int = 12) -> list[IsoWeek]:
    """The ``count`` weeks ending with ``current``, oldest first."""
    weeks = []
    for back in range(count - 1, -1, -1):
        year, number, _ = (current.monday - timedelta(weeks=back)).isocalendar()
        weeks.append(IsoWeek(year, number))
    return weeks


def themes_per_week(
    rows: Iterable[LabelRow], weeks: Sequence[IsoWeek], timezone: str, min_score: float
) -> dict[str, list[int]]:
    """Theme -> articles per week (in the order of ``weeks``)."""
    decided: dict[tuple[int, str], LabelRow] = {}
    for row in rows:
        key = (row.article_id, row.label)
        if key not in decided or row.origin == "curator":
            decided[key] = row
    index = {str(week): i for i, week in enumerate(weeks)}
    series: dict[str, list[int]] = {}
    for row in decided.values():
        keep = row.score >= 0.5 if row.origin == "curator" else row.score >= min_score
        position = index.get(str(week_of(row.published_at, timezone)))
        if keep and position is not None:
            series.setdefault(row.label, [0] * len(weeks))[position] += 1
    return series
