"""Previews of the week's letter: the whole edition or as a referent profile would
receive it, in the browser or as a test message to the signed-in curator."""

import time
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from db.types import utcnow
from newsletter.content import Profile
from newsletter.errors import DeliveryError
from newsletter.proof import send_proof
from newsletter.render import Rendered
from veille import newsletter_config
from veille.web.csrf import CSRF
from veille.web.deps import CurrentUser, DbSession
from veille.web.edition import week_content
from veille.web.views import back_to, flash, labels_of, week_param

router = APIRouter()
PREVIEW_POLICY = (  # the email's inlined styles, and nothing else
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
Choices = Annotated[list[str], Query()]
FormChoices = Annotated[list[str], Form()]


def _profile(request: Request, themes: list[str], jobs: list[str]) -> Profile:
    """The chosen themes and jobs, unknown ids left out; none means the whole edition."""
    labels = labels_of(request)
    return Profile.of(
        [theme for theme in themes if theme in labels.themes],
        [job for job in jobs if job in labels.jobs],
    )


def _render(request: Request, db: DbSession, week: str, profile: Profile) -> Rendered:
    """The letter as ``send`` would make it now (with the automatic draft past the
    deadline, which is not kept)."""
    settings = request.app.state.settings
    content = week_content(request, db, week_param(request, week), draft_automatically=True)
    db.rollback()
    personal = newsletter_config.personal_edition(settings, content, profile)
    return newsletter_config.renderer(settings).render(personal)


@router.get("/edition/apercu")
def preview(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    week: str | None = None,
    themes: Choices = [],  # noqa: B006 - FastAPI copies query defaults
    jobs: Choices = [],  # noqa: B006
) -> Response:
    """The email as the whole edition's readers, or one profile, will get it."""
    rendered = _render(request, db, week or "", _profile(request, themes, jobs))
    return HTMLResponse(rendered.html, headers={"Content-Security-Policy": PREVIEW_POLICY})


@router.post("/edition/test", dependencies=[CSRF])
def send_test(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    week: Annotated[str, Form()] = "",
    themes: FormChoices = [],  # noqa: B006
    jobs: FormChoices = [],  # noqa: B006
) -> Response:
    """« M'envoyer un test »: the letter (whole or for a profile) to the curator's address."""
    chosen = week_param(request, week)
    settings = request.app.state.settings
    rendered = _render(request, db, str(chosen), _profile(request, themes, jobs))
    options = newsletter_config.send_options(settings)
    sender = newsletter_config.smtp_sender(settings)
    try:
        send_proof(rendered, user.email, settings.public_url, options, sender, utcnow(), time.sleep)
    except DeliveryError as error:
        flash(request, f"Envoi du test impossible : {error}.")
    else:
        flash(request, f"Un message de test est parti vers {user.email}.")
    return back_to(f"/edition?week={chosen}")
