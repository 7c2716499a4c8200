"""The one Jinja2 environment of the web app, shared by every router.

Autoescape is on for every template. Fetched HTML (article summaries, page
diffs) is only ever shown through the ``safe_html`` filter, which cleans it
again with nh3 even though the collectors already did: the database is not
trusted to hold only clean markup.
"""

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import nh3
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup

from newsletter.weeks import IsoWeek
from veille.web.csrf import csrf_field

TEMPLATES_DIR = Path(__file__).with_name("templates")
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "i", "ins",
    "li", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "span": {"class"}}


def safe_html(value: str | None) -> Markup:
    """Clean fetched HTML (again) and mark it safe for the template."""
    if not value:
        return Markup("")
    cleaned = nh3.clean(
        value,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # cleaned by nh3 just above


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
    templates.env.filters["safe_html"] = safe_html
    templates.env.filters["local_datetime"] = local_datetime
    templates.env.filters["shift_week"] = shift_week
    return templates


templates = _build()
