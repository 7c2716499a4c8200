"""« Collecter maintenant »: one source collected at once from a real loopback feed,
its new articles classified right after the answer."""

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_admin_sources import RSS, SOURCES, source_id, write_catalogue

from db.engine import session_scope
from db.models import Article
from tests.veille.conftest import data
from tests.veille.web.conftest import Client
from veille.settings import Settings


def flash_of(html: str) -> str:
    found = re.search(r'<p class="flash" role="status">(.*?)</p>', html, re.S)
    return found.group(1) if found else "(pas de message)"


@pytest.fixture
def settings(settings: Settings, corpus_model: Path, tmp_path: Path) -> Settings:
    models = tmp_path / "modeles-admin"
    shutil.copytree(corpus_model, models)
    return dataclasses.replace(settings, model_dir=str(models))


@pytest.fixture
def catalogue(
    settings: Settings, session_factory: sessionmaker[Session], server: HTTPServer
) -> Path:
    return write_catalogue(settings, session_factory, server)


def test_collect_now_stores_the_articles_of_a_real_feed(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session], server: HTTPServer
) -> None:
    server.expect_request("/presse.xml").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    presse = source_id(session_factory, "Presse locale")
    done = admin.form(f"{SOURCES}/{presse}/collecter", {}, SOURCES)
    assert done.status_code == 303
    message = flash_of(admin.get(SOURCES).text)
    assert message.startswith("« Presse locale » collectée : 2 nouvel(s) article(s)"), message
    with session_scope(session_factory) as session:
        stored = session.scalars(select(Article).where(Article.source_id == presse)).all()
        assert len(stored) == 2
        assert all(article.classified_at is not None for article in stored), "classified too"
    assert [request.path for request, _ in server.log] == ["/presse.xml"], "only that source"


def test_collect_now_reports_a_failure(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session], server: HTTPServer
) -> None:
    server.expect_request("/cnil.xml").respond_with_data("absent", status=404)
    cnil = source_id(session_factory, "CNIL")
    admin.form(f"{SOURCES}/{cnil}/collecter", {}, SOURCES)
    message = flash_of(admin.get(SOURCES).text)
    assert message.startswith("« CNIL » : échec de la collecte (") and "404" in message, message
