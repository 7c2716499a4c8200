"""What the watch team's routers share: page rendering, flash messages, weeks, labels."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response

from db.models import User
from newsletter.content import LabelCatalog
from newsletter.edition import section_order
from newsletter.errors import WeekError
from newsletter.weeks import IsoWeek, parse_week, week_of
from veille.newsletter_config import edition_options
from veille.settings import Settings
from veille.web.safety import safe_next
from veille.web.templating import templates

FLASH_KEY = "flash"
# Row ids are INTEGER (32-bit on PostgreSQL): a larger value can match nothing
# and must be refused (400) before it reaches the database driver.
MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
STATUS_NAMES = {
    "new": "À trier",
    "selected": "Retenu",
    "rejected": "Écarté",
    "archived": "Archivé",
}
STATUS_TABS = {
    "new": "À trier",
    "selected": "Retenus",
    "rejected": "Écartés",
    "archived": "Archivés",
}
KIND_NAMES = {"article": "Articles", "regulation_update": "Mises à jour réglementaires"}


@dataclass(frozen=True, slots=True)
class Labels:
    """The taxonomy as the pages need it: ids by kind, French names, edition sections.

    Sections and their order are the newsletter's (VEILLE_NEWSLETTER_SECTIONS),
    so the edition page shows what the email will show.
    """

    catalog: LabelCatalog
    sections: tuple[str, ...]
    min_score: float = 0.0

    @classmethod
    def load(cls, settings: Settings) -> "Labels":
        options = edition_options(settings)
        return cls(options.labels, tuple(section_order((), options)), options.min_score)

    @property
    def themes(self) -> tuple[str, ...]:
        return self.catalog.ids_of("theme")

    @property
    def jobs(self) -> tuple[str, ...]:
        return self.catalog.ids_of("job")

    @property
    def kinds(self) -> dict[str, str]:
        return {label.id: label.kind for label in self.catalog.labels}

    def name(self, key: str) -> str:
        """French title of a label or of an edition section."""
        return self.catalog.section_title(key)


def labels_of(request: Request) -> Labels:
    labels: Labels = request.app.state.labels
    return labels


def require_section(request: Request, section: str) -> None:
    """Refuse (400) an edition section that is neither a theme nor a known extra."""
    if section not in labels_of(request).sections:
        raise HTTPException(status_code=400, detail=f"Rubrique inconnue : {section!r}.")


def flash(request: Request, message: str) -> None:
    request.session[FLASH_KEY] = message


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    user: User | None,
    status_code: int = 200,
) -> Response:
    """Render a watch-team page with the user, the pending flash message and the labels."""
    full = {
        "user": user,
        "flash": request.session.pop(FLASH_KEY, None),
        "labels": labels_of(request),
        "status_names": STATUS_NAMES,
        "status_tabs": STATUS_TABS,
        "kind_names": KIND_NAMES,
        **context,
    }
    return templates.TemplateResponse(request, name, full, status_code=status_code)


def back_to(target: str | None, default: str = "/") -> RedirectResponse:
    """Redirect after a form; only to a path of this site."""
    return RedirectResponse(safe_next(target) if target else default, status_code=303)


def week_param(request: Request, value: str | None) -> IsoWeek:
    """The ``week`` query or form value, by default the current week; 400 when invalid."""
    timezone = request.app.state.settings.timezone
    if not value:
        return week_of(datetime.now(UTC), timezone)
    try:
        return parse_week(value)
    except WeekError as error:
        raise HTTPException(status_code=400, detail=sentence(str(error))) from error


def sentence(message: str) -> str:
    """The message with a capital initial, the rest as written (examples keep their case)."""
    return message[:1].upper() + message[1:]
