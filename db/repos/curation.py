"""Queries of the watch team's work: labels, triage decisions, the draft edition.

The inbox's listing itself is in ``db.repos.inbox``.

A label is *effective* on an article when a curator set it (score 1.0), or
when the model proposed it (scored at least ``min_score``) and no curator
said otherwise. A curator's
removal is kept as a row with score 0.0, so retraining can learn from it.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from db.errors import DbError, NotFoundError
from db.models import Article, Edition, EditionItem, Label, PageChange, Source, User

CURATOR = "curator"
REGULATION_SECTION = "reglementation"
_LOCKED = "l'édition de la semaine {week} est déjà publiée : elle ne peut plus être modifiée"


class EditionNotEditable(DbError):
    """The week's edition is published or sent: its content is frozen."""


def database_answers(session: Session) -> bool:
    """True when a trivial query succeeds (for /healthz)."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def end_sessions(session: Session, user: User) -> None:
    """Revoke every signed-in session of ``user`` (their cookies carry the old version)."""
    user.session_version += 1
    session.flush()


def record_login(
    session: Session, user: User, when: datetime, new_password_hash: str | None = None
) -> None:
    """Note the sign-in; store a stronger hash when the parameters changed."""
    user.last_login_at = when
    if new_password_hash is not None:
        user.password_hash = new_password_hash
    session.flush()


def effective_labels(article: Article, min_score: float = 0.0) -> dict[str, Label]:
    """Label id -> the row that decides it (a curator's row wins over the model's)."""
    curator = {label.label: label for label in article.labels if label.origin == CURATOR}
    chosen = {label_id: row for label_id, row in curator.items() if row.score >= 0.5}
    for label in article.labels:
        if label.origin != CURATOR and label.label not in curator and label.score >= min_score:
            chosen[label.label] = label
    return chosen


def get_article(session: Session, article_id: int) -> Article:
    article = session.get(Article, article_id)
    if article is None:
        raise NotFoundError(f"aucun article n° {article_id}")
    return article


def feed_sources(session: Session) -> list[Source]:
    return list(session.scalars(select(Source).order_by(Source.name)))


# --- label corrections -------------------------------------------------------------------


def correct_labels(
    session: Session,
    article: Article,
    kinds: Mapping[str, str],
    wanted: Iterable[str],
    min_score: float = 0.0,
) -> None:
    """Record the curator's labels among ``kinds`` (label id -> theme|job).

    Only what changes is written: a wanted label the article did not carry gets
    a curator row scored 1.0, a carried label no longer wanted a curator row
    scored 0.0. Every other label stays as it was, the model's with its score
    and explanation.
    """
    desired = set(wanted)
    effective = effective_labels(article, min_score)
    curator = {label.label: label for label in article.labels if label.origin == CURATOR}
    for label_id, kind in kinds.items():
        if (label_id in desired) == (label_id in effective):
            continue
        score = 1.0 if label_id in desired else 0.0
        _set_curator_label(article, curator.get(label_id), label_id, kind, score)
    session.flush()


def _set_curator_label(
    article: Article, row: Label | None, label_id: str, kind: str, score: float
) -> None:
    if row is None:
        article.labels.append(
            Label(label=label_id, kind=kind, score=score, origin=CURATOR, explanation=[])
        )
    else:
        row.score = score


# --- the week's edition ------------------------------------------------------------------


def edition_for_week(session: Session, week: str) -> Edition | None:
    query = (
        select(Edition)
        .where(Edition.week == week)
        .options(selectinload(Edition.items).selectinload(EditionItem.article))
    )
    return session.scalar(query)


def draft_edition(session: Session, week: str) -> Edition:
    """The week's edition, created as a draft; refused once published."""
    edition = edition_for_week(session, week)
    if edition is None:
        edition = Edition(week=week, status="draft", editorial_md="")
        session.add(edition)
        session.flush()
    elif edition.status != "draft":
        raise EditionNotEditable(_LOCKED.format(week=week))
    return edition


def select_article(
    session: Session, article: Article, week: str, section: str, comment: str
) -> EditionItem:
    """Put the article in the week's draft edition (or update its section and comment)."""
    edition = draft_edition(session, week)
    item = next((i for i in edition.items if i.article_id == article.id), None)
    if item is None:
        item = EditionItem(
            article=article, section=section, position=_next_position(edition, section)
        )
        edition.items.append(item)
    elif item.section != section:
        item.section, item.position = section, _next_position(edition, section)
    item.comment = comment.strip()
    article.status = "selected"
    session.flush()
    return item


def _next_position(edition: Edition, section: str) -> int:
    positions = [item.position for item in edition.items if item.section == section]
    return max(positions, default=0) + 1


def reject_article(session: Session, article: Article, week: str) -> None:
    """Mark the article rejected and take it out of the week's draft."""
    _remove_from_draft(session, article, week)
    article.status = "rejected"
    session.flush()


def reset_article(session: Session, article: Article, week: str) -> None:
    """Back to the inbox: neither selected nor rejected."""
    _remove_from_draft(session, article, week)
    article.status = "new"
    session.flush()


def _remove_from_draft(session: Session, article: Article, week: str) -> None:
    edition = edition_for_week(session, week)
    if edition is None:
        return
    item = next((i for i in edition.items if i.article_id == article.id), None)
    if item is None:
        return
    if edition.status != "draft":
        raise EditionNotEditable(_LOCKED.format(week=week))
    edition.items.remove(item)


def update_item(
    session: Session, week: str, item_id: int, section: str, comment: str, position: int
) -> None:
    """Change an item's section, comment or position in the week's draft."""
    edition = draft_edition(session, week)
    item = next((i for i in edition.items if i.id == item_id), None)
    if item is None:
        raise NotFoundError(f"aucun élément n° {item_id} dans l'édition {week}")
    item.section, item.comment, item.position = section, comment.strip(), position
    session.flush()


def set_editorial(session: Session, week: str, editorial_md: str) -> None:
    draft_edition(session, week).editorial_md = editorial_md.strip()
    session.flush()


def publish_edition(session: Session, week: str, when: datetime) -> Edition:
    """draft -> published; refused when the edition is empty."""
    edition = draft_edition(session, week)
    if not edition.items:
        raise EditionNotEditable(f"l'édition {week} est vide : sélectionnez d'abord des articles")
    edition.status, edition.published_at = "published", when
    session.flush()
    return edition


# --- regulation changes and source health ------------------------------------------------


def page_changes(
    session: Session, start: datetime, end: datetime
) -> list[tuple[PageChange, Source]]:
    query = (
        select(PageChange, Source)
        .join(Source, Source.id == PageChange.source_id)
        .where(PageChange.detected_at >= start, PageChange.detected_at < end)
        .order_by(PageChange.detected_at.desc())
    )
    return [(change, source) for change, source in session.execute(query)]


def sources_by_health(session: Session) -> list[Source]:
    """Failing sources first, then by name."""
    query = select(Source).order_by(Source.consecutive_failures.desc(), Source.kind, Source.name)
    return list(session.scalars(query))
