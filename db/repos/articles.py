"""Articles: lookup by the deduplication keys, insertion, updates."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.errors import AlreadyExistsError
from db.models import Article, Source

_CHUNK = 500
ARTICLES = cast(Table, Article.__table__)


# Built once: a collection asks these for every source, and building a
# statement costs SQLAlchemy more than SQLite takes to run it.
_BY_GUID = select(ARTICLES.c.guid, ARTICLES.c.id, ARTICLES.c.content_hash).where(
    ARTICLES.c.source_id == bindparam("source_id"),
    ARTICLES.c.guid.in_(bindparam("guids", expanding=True)),
)
_BY_CANONICAL = select(
    ARTICLES.c.canonical_url, ARTICLES.c.id, ARTICLES.c.duplicate_of_id, ARTICLES.c.source_id
).where(ARTICLES.c.canonical_url.in_(bindparam("urls", expanding=True)))
_INSERT_RETURNING_IDS = insert(ARTICLES).returning(
    ARTICLES.c.source_id, ARTICLES.c.guid, ARTICLES.c.id
)


def existing_by_guid(
    session: Session, source_id: int, guids: Iterable[str]
) -> dict[str, tuple[int, str]]:
    """Articles of the source already stored, by GUID: (id, content hash)."""
    found: dict[str, tuple[int, str]] = {}
    connection = session.connection()
    for chunk in _chunks(list(guids)):
        rows = connection.execute(_BY_GUID, {"source_id": source_id, "guids": chunk})
        found.update({str(guid): (id_, digest) for guid, id_, digest in rows})
    return found


def owners_by_canonical(session: Session, urls: Iterable[str]) -> dict[str, tuple[int, int]]:
    """For each canonical URL already stored: (id of the original article, source id).

    The original is the article itself, or the one it duplicates.
    """
    found: dict[str, tuple[int, int]] = {}
    connection = session.connection()
    for chunk in _chunks(list(urls)):
        rows = connection.execute(_BY_CANONICAL, {"urls": chunk})
        found.update({str(url): (dup or id_, source) for url, id_, dup, source in rows})
    return found


def insert_articles(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert articles (each with a GUID); returns their ids in order."""
    if not rows:
        return []
    try:
        # Batched INSERT … RETURNING (not in parameter order, which SQLite
        # would run row by row): ids come back with their source and GUID.
        returned = session.connection().execute(_INSERT_RETURNING_IDS, list(rows))
        ids = {(source_id, guid): id_ for source_id, guid, id_ in returned}
    except IntegrityError as error:
        raise AlreadyExistsError("article déjà enregistré par une autre collecte") from error
    return [ids[(row["source_id"], row["guid"])] for row in rows]


def update_article(session: Session, article_id: int, values: Mapping[str, Any]) -> None:
    session.execute(
        update(Article)
        .where(Article.id == article_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def recent_originals(session: Session, since: datetime) -> list[tuple[int, int, str, str]]:
    """(id, source id, title, summary HTML) of recent articles that are not duplicates."""
    rows = session.execute(
        select(Article.id, Article.source_id, Article.title, Article.summary_html).where(
            Article.kind == "article",
            Article.duplicate_of_id.is_(None),
            or_(Article.published_at >= since, Article.collected_at >= since),
        )
    )
    return [(id_, source_id, title, summary) for id_, source_id, title, summary in rows]


def carried_by(session: Session, article_id: int) -> list[str]:
    """Names of every source that carried the story: the original's, then its duplicates'."""
    original = session.get_one(Article, article_id)
    root = original.duplicate_of_id or original.id
    rows = session.execute(
        select(Source.name)
        .join(Article, Article.source_id == Source.id)
        .where(or_(Article.id == root, Article.duplicate_of_id == root))
        .order_by(Article.id)
    )
    names: list[str] = []
    for (name,) in rows:
        if name not in names:
            names.append(name)
    return names


def by_source(session: Session, source_name: str) -> list[Article]:
    """A source's articles, oldest first (for tests and inspection)."""
    return list(
        session.scalars(
            select(Article).join(Source).where(Source.name == source_name).order_by(Article.id)
        )
    )


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
