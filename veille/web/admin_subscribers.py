"""Administrator page « Abonnés »: find, edit and erase the newsletter's subscribers.

    GET  /admin/abonnes/liste                 search (address, name), filter by theme, job
                                              and state, 50 a page; counts per theme and job
    GET  /admin/abonnes/{id}/modifier         the edit form
    POST /admin/abonnes/{id}/modifier         save name, direction, themes, jobs, state
    GET  /admin/abonnes/{id}/effacer          the confirmation step
    POST /admin/abonnes/{id}/effacer          erase: the row and its delivery records go

CSV import and export stay on ``/admin/abonnes``.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from db.models import SUBSCRIBER_STATUSES, Subscriber, User
from db.repos import subscriber_admin as repo
from db.types import utcnow
from veille.web.csrf import CSRF
from veille.web.deps import AdminUser, DbSession
from veille.web.views import MAX_PAGE, RowId, flash, labels_of, page

router = APIRouter(prefix="/admin/abonnes")
FormText = Annotated[str, Form()]
FormList = Annotated[list[str], Form()]
STATE_NAMES = {
    "pending": "en attente de confirmation",
    "active": "actif",
    "unsubscribed": "désabonné",
    "bounced": "en erreur de remise",
}
LIST = "/admin/abonnes/liste"


def _known(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value and value not in allowed:
        raise HTTPException(status_code=400, detail=f"{what} inconnu : {value!r}.")
    return value


def _filter(request: Request, q: str, theme: str, job: str, state: str) -> repo.SubscriberFilter:
    labels = labels_of(request)
    return repo.SubscriberFilter(
        q.strip()[:200],
        _known(theme, labels.themes, "Thème"),
        _known(job, labels.jobs, "Métier"),
        _known(state, SUBSCRIBER_STATUSES, "État"),
    )


@router.get("/liste")
def subscribers(
    request: Request,
    user: AdminUser,
    db: DbSession,
    q: str = "",
    theme: str = "",
    job: str = "",
    state: str = "",
    page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    wanted = _filter(request, q, theme, job, state)
    found = repo.search(db, wanted, page_number)
    query = {"q": wanted.text, "theme": theme, "job": job, "state": state}
    context = {
        "nav": "subscribers",
        "wanted": wanted,
        "found": found,
        "query": urlencode({key: value for key, value in query.items() if value}),
        "counts": repo.label_counts(db, labels_of(request).themes, labels_of(request).jobs),
        "state_names": STATE_NAMES,
    }
    return page(request, "pages/admin_subscribers.html", context, user)


def _edit_page(request: Request, user: User, subscriber: Subscriber) -> Response:
    context = {"nav": "subscribers", "subscriber": subscriber, "state_names": STATE_NAMES}
    return page(request, "pages/admin_subscriber_edit.html", context, user)


@router.get("/{subscriber_id}/modifier")
def edit_form(request: Request, subscriber_id: RowId, user: AdminUser, db: DbSession) -> Response:
    return _edit_page(request, user, repo.get(db, subscriber_id))


@router.post("/{subscriber_id}/modifier", dependencies=[CSRF])
def edit(
    request: Request,
    subscriber_id: RowId,
    user: AdminUser,
    db: DbSession,
    name: FormText = "",
    direction: FormText = "",
    state: FormText = "",
    themes: FormList = [],  # noqa: B006 - FastAPI copies form defaults
    jobs: FormList = [],  # noqa: B006
) -> Response:
    labels = labels_of(request)
    change = repo.SubscriberChange(
        name[:200],
        direction[:200],
        tuple(_known(theme, labels.themes, "Thème") for theme in themes),
        tuple(_known(job, labels.jobs, "Métier") for job in jobs),
        _known(state, SUBSCRIBER_STATUSES, "État") or "active",
    )
    subscriber = repo.get(db, subscriber_id)
    repo.update(db, subscriber, change, utcnow())
    db.commit()
    flash(request, f"Abonné {subscriber.email} enregistré.")
    return RedirectResponse(f"{LIST}?{urlencode({'q': subscriber.email})}", status_code=303)


@router.get("/{subscriber_id}/effacer")
def erase_form(request: Request, subscriber_id: RowId, user: AdminUser, db: DbSession) -> Response:
    context = {"nav": "subscribers", "subscriber": repo.get(db, subscriber_id)}
    return page(request, "pages/admin_subscriber_erase.html", context, user)


@router.post("/{subscriber_id}/effacer", dependencies=[CSRF])
def erase(request: Request, subscriber_id: RowId, user: AdminUser, db: DbSession) -> Response:
    subscriber = repo.get(db, subscriber_id)
    repo.erase(db, subscriber)
    db.commit()
    flash(request, "L'abonné et son historique d'envoi sont effacés.")
    return RedirectResponse(LIST, status_code=303)
