"""The AI Act page, watched then amended, stored through the real extraction code."""

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Source
from db.repos import pages
from tests.veille.conftest import data
from veille.collect.pages import extract_page
from veille.obligations import PageVersion, apply_plan, plan_for

PAGE_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
FIRST = datetime(2026, 5, 11, 8, tzinfo=UTC)
AMENDED = datetime(2026, 5, 13, 8, tzinfo=UTC)


def page_text(name: str) -> str:
    return extract_page(data(f"pages/{name}"), "text/html; charset=utf-8", None).text


def watch_ai_act(factory: sessionmaker[Session], *, amended: bool = True) -> int:
    """Store the page's obligations (and the amended version's); returns the source id."""
    with session_scope(factory) as session:
        source = Source(
            kind="page", name="Règlement IA (EUR-Lex)", url=PAGE_URL, catalogue_url=PAGE_URL,
            interval_seconds=86400, hints=["juridique"],
        )  # fmt: skip
        session.add(source)
        session.flush()
        versions = [("eurlex-ai-act-fr.html", FIRST)]
        if amended:
            versions.append(("eurlex-ai-act-fr-modifie.html", AMENDED))
        for name, moment in versions:
            store(session, source.id, page_text(name), moment)
        return source.id


def store(session: Session, source_id: int, text: str, moment: datetime) -> None:
    snapshot = pages.add_snapshot(
        session, source_id, raw_hash="r", text_hash=str(moment), text=text, now=moment
    )
    version = PageVersion(source_id, PAGE_URL, snapshot.id, moment)
    apply_plan(session, plan_for(session, source_id, text), version, None)
