"""Public subscription pages: subscribe (double opt-in), preferences, unsubscribe.

No page says whether an address is subscribed: the subscribe form always
answers « check your mailbox », and the email itself carries either the
confirmation link or, for an address already active, its preferences link.
Preference and unsubscribe pages are reached only through signed links.
The RFC 8058 one-click POST carries no CSRF token: its signed URL is the
authorisation.
"""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from db.models import Subscriber
from db.repos import subscribers as repo
from db.types import utcnow
from newsletter.errors import DeliveryError, ImportFileError, LinkError
from newsletter.links import (
    CONFIRM,
    MANAGE,
    REVOKED,
    UNSUBSCRIBE,
    LinkClaim,
    SubscriptionRequest,
)
from newsletter.subscriptions import (
    confirmation_email,
    read_csv_file,
    valid_email,
    write_csv,
)
from veille import newsletter_config as config
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession, SettingsDep
from veille.web.templating import templates
from veille.web.throttle import WindowLimit
from veille.web.views import FLASH_KEY, page

router = APIRouter(prefix="/abonnement")
admin_router = APIRouter(prefix="/admin/abonnes")
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
SENT = "Si cette adresse peut recevoir la lettre, un courriel vient de lui être envoyé."
MAIL_FAILED = "Le courriel n'a pas pu être envoyé. Réessayez dans quelques minutes."
GONE = "Ce lien ne correspond à aucun abonnement."
LINKS_RENEWED = (
    "Vos anciens liens ne fonctionnent plus. L'adresse de cette page est votre nouveau lien ; "
    "les prochaines lettres le contiendront."
)


def _page(request: Request, name: str, status: int = 200, **context: object) -> Response:
    catalog = config.label_catalog()
    context.setdefault("themes", catalog.themes)
    context.setdefault("jobs", catalog.jobs)
    return templates.TemplateResponse(request, f"public/{name}", context, status_code=status)


def _message(request: Request, title: str, message: str, status: int = 200) -> Response:
    return _page(request, "message.html", status, title=title, message=message)


def _claim(
    request: Request, db: DbSession, action: str, token: str
) -> tuple[Subscriber, LinkClaim]:
    settings = request.app.state.settings
    max_age = config.confirm_max_age(settings) if action == CONFIRM else None
    claim = config.signer(settings).read(action, token, max_age=max_age)
    subscriber = repo.get(db, claim.subscriber_id)
    if subscriber is None:
        raise LinkError(GONE)
    if action == MANAGE and claim.version != subscriber.token_version:
        raise LinkError(REVOKED)
    return subscriber, claim


def _subscriber(request: Request, db: DbSession, action: str, token: str) -> Subscriber:
    return _claim(request, db, action, token)[0]


def _known(ids: list[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(label_id for label_id in allowed if label_id in ids)


@router.get("")
def subscribe_form(request: Request) -> Response:
    return _page(request, "subscribe.html", values={}, error="")


@router.post("", dependencies=[CSRF])
def subscribe(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    email: FormText = "",
    name: FormText = "",
    direction: FormText = "",
    themes: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    jobs: FormList = [],  # noqa: B006
) -> Response:
    values = {"email": email, "name": name, "direction": direction, "themes": themes, "jobs": jobs}
    if not valid_email(email):
        error = "Adresse électronique invalide."
        return _page(request, "subscribe.html", 400, values=values, error=error)
    catalog = config.label_catalog()
    asked = SubscriptionRequest(
        name=name.strip()[:200],
        direction=direction.strip()[:200],
        themes=_known(themes, catalog.ids_of("theme")),
        jobs=_known(jobs, catalog.ids_of("job")),
    )
    subscriber = repo.request(db, _data(email, asked))
    db.commit()
    if _throttled(request, subscriber.email):
        return _message(request, "Vérifiez votre messagerie", SENT)  # the same answer
    return _send_confirmation(request, settings, subscriber, asked)


def _data(email: str, asked: SubscriptionRequest) -> repo.SubscriberData:
    return repo.SubscriberData(email, asked.name, asked.direction, asked.themes, asked.jobs)


def _throttled(request: Request, email: str) -> bool:
    """At most 3 confirmation emails an hour per address and 30 per client (in memory),
    so that the form cannot be used to flood someone's mailbox."""
    state = request.app.state
    if not hasattr(state, "subscribe_throttles"):
        state.subscribe_throttles = (WindowLimit(3, 3600.0), WindowLimit(30, 3600.0))
    by_address, by_client = state.subscribe_throttles
    client = request.client.host if request.client else "?"
    if by_address.blocked(email) or by_client.blocked(client):
        return True
    by_address.record(email)
    by_client.record(client)
    return False


def _send_confirmation(
    request: Request, settings: SettingsDep, subscriber: Subscriber, asked: SubscriptionRequest
) -> Response:
    message = confirmation_email(
        subscriber,
        asked,
        config.signer(settings),
        settings.mail_from,
        config.confirm_max_age(settings),
        utcnow(),
    )
    sender = config.smtp_sender(settings)
    envelope = config.list_headers(settings).mail_from
    try:
        sender.send(_address(envelope), subscriber.email, message)
    except DeliveryError:
        return _message(request, "Envoi impossible", MAIL_FAILED, 503)
    finally:
        sender.close()
    return _message(request, "Vérifiez votre messagerie", SENT)


def _address(mail_from: str) -> str:
    from email.utils import parseaddr

    return parseaddr(mail_from)[1]


@router.get("/confirmer/{token}")
def confirm_page(request: Request, db: DbSession, token: str) -> Response:
    try:
        _subscriber(request, db, CONFIRM, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    return _page(request, "confirm.html", token=token)


@router.post("/confirmer/{token}", dependencies=[CSRF])
def confirm(request: Request, db: DbSession, settings: SettingsDep, token: str) -> Response:
    try:
        subscriber, claim = _claim(request, db, CONFIRM, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    repo.confirm(db, subscriber, utcnow(), _data(subscriber.email, claim.request))
    db.commit()
    return _preferences_page(request, settings, subscriber, "Votre abonnement est confirmé.")


def _preferences_page(
    request: Request, settings: SettingsDep, subscriber: Subscriber, flash: str = ""
) -> Response:
    links = config.signer(settings).for_recipient(subscriber.id, subscriber.token_version)
    manage_url = _path(links.manage_url)
    return _page(
        request,
        "preferences.html",
        subscriber=subscriber,
        manage_url=manage_url,
        renew_url=manage_url + "/renouveler",
        unsubscribe_url=_path(links.unsubscribe_url),
        flash=flash,
    )


def _path(url: str) -> str:
    """Forms post to this same site, whatever the public address in emails."""
    return urlsplit(url).path


@router.get("/preferences/{token}")
def preferences(request: Request, db: DbSession, settings: SettingsDep, token: str) -> Response:
    try:
        subscriber = _subscriber(request, db, MANAGE, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    return _preferences_page(request, settings, subscriber)


@router.post("/preferences/{token}", dependencies=[CSRF])
def save_preferences(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    token: str,
    themes: FormList = [],  # noqa: B006
    jobs: FormList = [],  # noqa: B006
    paused: FormText = "",
    resubscribe: FormText = "",
) -> Response:
    try:
        subscriber = _subscriber(request, db, MANAGE, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    catalog = config.label_catalog()
    chosen_themes = _known(themes, catalog.ids_of("theme"))
    chosen_jobs = _known(jobs, catalog.ids_of("job"))
    repo.set_preferences(db, subscriber, chosen_themes, chosen_jobs, paused=bool(paused))
    if resubscribe:
        repo.confirm(db, subscriber, utcnow())
    db.commit()
    return _preferences_page(request, settings, subscriber, "Vos préférences sont enregistrées.")


@router.post("/preferences/{token}/renouveler", dependencies=[CSRF])
def renew_links(request: Request, db: DbSession, settings: SettingsDep, token: str) -> Response:
    """Revoke the preference links sent so far (a forwarded email, a shared inbox)."""
    try:
        subscriber = _subscriber(request, db, MANAGE, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    repo.renew_links(db, subscriber)
    db.commit()
    return _preferences_page(request, settings, subscriber, LINKS_RENEWED)


@router.get("/desabonnement/{token}")
def unsubscribe_page(request: Request, db: DbSession, token: str) -> Response:
    try:
        _subscriber(request, db, UNSUBSCRIBE, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    return _page(request, "unsubscribe.html", token=token)


@router.post("/desabonnement/{token}")
def unsubscribe(request: Request, db: DbSession, settings: SettingsDep, token: str) -> Response:
    """The RFC 8058 one-click target, also used by the page's button."""
    try:
        subscriber = _subscriber(request, db, UNSUBSCRIBE, token)
    except LinkError as error:
        return _message(request, "Lien invalide", str(error), 400)
    repo.unsubscribe(db, subscriber, utcnow())
    db.commit()
    manage_url = _path(config.signer(settings).manage_url(subscriber.id, subscriber.token_version))
    return _page(request, "unsubscribed.html", manage_url=manage_url)


# --- administrator: CSV import and export ---------------------------------------------------


def _admin_page(
    request: Request, user: AdminUser, db: DbSession, error: str = "", status: int = 200
) -> Response:
    counts = repo.counts_by_status(db)
    context = {"nav": "subscribers", "counts": counts, "error": error}
    return page(request, "public/subscribers_admin.html", context, user, status)


@admin_router.get("")
def subscribers_admin(request: Request, user: AdminUser, db: DbSession) -> Response:
    return _admin_page(request, user, db)


@admin_router.get("/export.csv")
def export_csv(user: AdminUser, db: DbSession) -> Response:
    body = write_csv(repo.active_by_email(db))
    headers = {"Content-Disposition": 'attachment; filename="abonnes.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@admin_router.post("/import", dependencies=[CSRF])
async def import_csv(
    request: Request, user: AdminUser, db: DbSession, file: Annotated[UploadFile, File()]
) -> Response:
    """Import, then redirect (POST-redirect-GET): reloading the result imports nothing."""
    try:
        rows = read_csv_file(await file.read(), config.label_catalog())
    except ImportFileError as error:
        return _admin_page(request, user, db, str(error), 400)
    report = repo.import_active(db, rows, utcnow())
    db.commit()
    request.session[FLASH_KEY] = report.describe()
    return RedirectResponse("/admin/abonnes", status_code=303)
