"""Regulation page watcher: baseline, change, no-op changes, selector lost."""

from datetime import timedelta

from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_of
from db.models import Article, PageChange, PageSnapshot
from db.repos.articles import by_source
from tests.veille.conftest import NOW, data
from veille.catalogue import SourceSpec
from veille.health import SELECTOR, health_report
from veille.pipeline import collect_once
from veille.settings import Settings
from veille.types import Collected, Failed

HTML = "text/html; charset=utf-8"
NAME = "AI Act — calendrier"
SELECTOR_CSS = "#calendrier"


def watch(
    server: HTTPServer,
    settings: Settings,
    factory: sessionmaker[Session],
    page: str,
    hours: int,
    selector: str | None = None,
) -> Collected | Failed:
    server.clear()
    server.expect_request("/calendrier").respond_with_data(data(f"pages/{page}"), content_type=HTML)
    spec = SourceSpec(
        kind="page",
        name=NAME,
        url=server.url_for("/calendrier"),
        selector=selector,
        ignore=(r"^Mis à jour le",),
        authority="Commission européenne",
    )
    [outcome] = collect_once(
        settings, engine_of(factory), [spec], now=NOW + timedelta(hours=hours), workers=0
    )
    assert isinstance(outcome.value, Collected | Failed)
    return outcome.value


def counts(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (PageSnapshot, PageChange, Article)
        )


def test_first_snapshot_is_the_baseline_then_a_change_becomes_an_article(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    first = watch(server, collect_settings, session_factory, "reglement-v1.html", 0)
    assert isinstance(first, Collected) and first.new == 0 and not first.changed
    assert "référence" in (first.warning or "")
    assert counts(session_factory) == (1, 0, 0)

    same = watch(server, collect_settings, session_factory, "reglement-v1.html", 12)
    assert same == Collected()
    assert counts(session_factory) == (1, 0, 0)

    changed = watch(server, collect_settings, session_factory, "reglement-v2.html", 24)
    assert isinstance(changed, Collected) and changed.changed and changed.new == 1
    assert len(changed.new_article_ids) == 1
    assert counts(session_factory) == (2, 1, 1)
    with session_factory() as session:
        [article] = by_source(session, NAME)
        assert article.kind == "regulation_update"
        assert article.title == f"Mise à jour : {NAME}"
        assert "décembre 2027" in article.summary_html and "Retiré" in article.summary_html
        assert article.full_text is not None and "omnibus" in article.full_text
        change = session.scalars(select(PageChange)).one()
        assert change.article_id == article.id
        assert "+2 décembre 2027" in change.diff_unified
        assert "<ins>décembre 2027</ins>" in change.diff_html
        assert change.added_words > 0 and change.removed_words > 0

    reordered = watch(server, collect_settings, session_factory, "reglement-v2-reordered.html", 36)
    assert reordered == Collected()
    assert counts(session_factory) == (2, 1, 1)


def test_lost_selector_is_flagged_not_reported_as_a_change(
    server: HTTPServer, collect_settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    watch(server, collect_settings, session_factory, "reglement-v1.html", 0, "#calendrier")
    for run in range(1, 4):
        lost = watch(
            server,
            collect_settings,
            session_factory,
            "reglement-sans-zone.html",
            run,
            "#calendrier",
        )
        assert isinstance(lost, Failed) and "ne trouve plus rien" in lost.reason
    assert counts(session_factory) == (1, 0, 0)
    [health] = health_report(session_factory, collect_settings.failure_threshold)
    assert health.status == SELECTOR
    back = watch(server, collect_settings, session_factory, "reglement-v1.html", 5, "#calendrier")
    assert back == Collected()
    [health] = health_report(session_factory, collect_settings.failure_threshold)
    assert health.status == "ok"
