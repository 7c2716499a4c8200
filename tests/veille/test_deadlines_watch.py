"""Collecting the AI Act page yields its obligations; an amended copy moves one of them."""

from datetime import date, timedelta

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_of
from db.models import Article, Obligation, PageChange
from db.repos import obligations as repo
from tests.veille.conftest import NOW, data
from veille.catalogue import SourceSpec
from veille.pipeline import collect_once
from veille.settings import Settings
from veille.types import Collected

HTML = "text/html; charset=utf-8"
NAME = "Règlement (UE) 2024/1689 — EUR-Lex"
APPLICATION_DATES = [date(2025, 2, 2), date(2025, 8, 2), date(2026, 8, 2), date(2027, 8, 2)]


def collect(
    server: HTTPServer, settings: Settings, factory: sessionmaker[Session], page: str, hours: int
) -> Collected:
    server.clear()
    server.expect_request("/eli/reg/2024/1689/oj").respond_with_data(
        data(f"pages/{page}"), content_type=HTML
    )
    spec = SourceSpec(
        kind="page", name=NAME, url=server.url_for("/eli/reg/2024/1689/oj"), hints=("juridique",)
    )
    [outcome] = collect_once(
        settings, engine_of(factory), [spec], now=NOW + timedelta(hours=hours), workers=0
    )
    assert isinstance(outcome.value, Collected)
    return outcome.value


def rows(factory: sessionmaker[Session]) -> list[Obligation]:
    with factory() as session:
        return list(session.scalars(select(Obligation).order_by(Obligation.id)))


def test_the_ai_act_page_yields_the_application_dates_of_article_113(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 0)
    found = rows(session_factory)
    assert sorted(row.due_on for row in found) == APPLICATION_DATES
    assert {row.reference for row in found} == {"Article 113"}
    assert {row.status for row in found} == {"active"}
    assert all(row.url and row.url.endswith("/eli/reg/2024/1689/oj") for row in found)
    assert all(row.themes == ["juridique"] and not row.confirmed for row in found)

    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 12)
    assert len(rows(session_factory)) == 4


def test_a_moved_date_supersedes_the_obligation_and_is_named_in_the_update(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 0)
    changed = collect(
        server, collect_settings, session_factory, "eurlex-ai-act-fr-modifie.html", 24
    )
    assert changed.changed and changed.new == 1

    with session_factory() as session:
        article = session.scalars(select(Article)).one()
        change = session.scalars(select(PageChange)).one()
        assert "Article 113 : 2 août 2026 → 2 décembre 2027" in article.summary_html
        assert article.full_text is not None
        assert article.full_text.startswith("Article 113 : 2 août 2026 → 2 décembre 2027")
        [old] = session.scalars(select(Obligation).where(Obligation.status == "superseded"))
        assert old.due_on == date(2026, 8, 2) and old.superseded_change_id == change.id
        new = repo.get(session, old.superseded_by_id or 0)
        assert (new.due_on, new.status, new.previous_on) == (
            date(2027, 12, 2),
            "active",
            date(2026, 8, 2),
        )
        assert new.uid == old.uid and new.sequence == old.sequence + 1
        assert new.change_id == change.id and new.text.endswith("2 décembre 2027.")
        active = repo.listing(session, repo.ObligationFilter())
        assert [row.due_on for row in active] == [
            date(2025, 2, 2), date(2025, 8, 2), date(2027, 8, 2), date(2027, 12, 2)
        ]  # fmt: skip


def test_a_curated_obligation_is_never_overwritten_by_extraction(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 0)
    with session_factory() as session:
        [target] = [row for row in repo.listing(session, repo.ObligationFilter())
                    if row.due_on == date(2026, 8, 2)]  # fmt: skip
        repo.edit(
            session, target, due_on=date(2026, 8, 2), text="Application générale du RIA.",
            reference="Article 113", themes=["juridique"], now=NOW,
        )  # fmt: skip
        session.commit()
        target_id = target.id

    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr-modifie.html", 24)
    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr-modifie.html", 36)
    with session_factory() as session:
        kept = repo.get(session, target_id)
        assert (kept.status, kept.text, kept.due_on) == (
            "active",
            "Application générale du RIA.",
            date(2026, 8, 2),
        )
        beside = [row for row in repo.listing(session, repo.ObligationFilter())
                  if row.due_on == date(2027, 12, 2)]  # fmt: skip
        assert len(beside) == 1 and beside[0].previous_on == date(2026, 8, 2)
        assert len(repo.listing(session, repo.ObligationFilter())) == 5


def test_a_page_watched_before_obligations_existed_gets_them_on_the_next_pass(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 0)
    with session_factory() as session:
        for row in session.scalars(select(Obligation)):
            session.delete(row)
        session.commit()
    assert collect(server, collect_settings, session_factory, "eurlex-ai-act-fr.html", 12) == (
        Collected()
    )
    assert sorted(row.due_on for row in rows(session_factory)) == APPLICATION_DATES


def test_a_calendar_page_that_moves_a_line_names_both_dates(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    collect(server, collect_settings, session_factory, "reglement-v1.html", 0)
    collect(server, collect_settings, session_factory, "reglement-v2.html", 24)
    with session_factory() as session:
        article = session.scalars(select(Article)).one()
        heading = "Calendrier d&#x27;application du règlement sur l&#x27;IA"
        assert f"{heading} : 2 août 2026 → 2 décembre 2027" in article.summary_html
        [old] = session.scalars(select(Obligation).where(Obligation.status == "superseded"))
        assert old.due_on == date(2026, 8, 2) and old.superseded_by_id is not None
