"""The one Jinja2 environment of the web app, shared by every router.

Autoescape is on for every template. Fetched HTML is sanitised once, when it
is collected (``veille.collect.normalise.clean_html``, bounded in size and
depth), and page diffs are built from escaped text: both are stored clean and
shown through the ``stored_html`` filter as they are. Cleaning them again on
every view cost as much as collecting them, on every page load.
"""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from newsletter.weeks import IsoWeek
from veille.web.csrf import csrf_field
from veille.web.highlight import highlight, highlight_html

TEMPLATES_DIR = Path(__file__).with_name("templates")


def stored_html(value: str | None) -> Markup:
    """HTML that was sanitised before it was stored, marked safe for the template."""
    return Markup(value or "")  # sanitised at collection, or built from escaped text


@pass_context
def local_datetime(context: Any, value: datetime | None, with_time: bool = True) -> str:
    """A UTC datetime shown in the configured time zone, French style (28/11/2026 14:05)."""
    if value is None:
        return "—"
    settings = context["request"].app.state.settings
    local = value.astimezone(ZoneInfo(settings.timezone))
    return local.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def shift_week(week: IsoWeek, weeks: int) -> IsoWeek:
    """The ISO week ``weeks`` before (negative) or after this one."""
    year, number, _ = (week.monday + timedelta(weeks=weeks)).isocalendar()
    return IsoWeek(year, number)


def _build() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.autoescape = True
    templates.env.globals["csrf_field"] = csrf_field
    templates.env.filters["stored_html"] = stored_html
    templates.env.filters["local_datetime"] = local_datetime
    templates.env.filters["shift_week"] = shift_week
    templates.env.filters["highlight"] = highlight
    templates.env.filters["highlight_html"] = highlight_html
    return templates


templates = _build()
