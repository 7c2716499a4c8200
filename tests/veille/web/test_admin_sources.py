"""Sources in the browser: edit, disable, enable, « collecter maintenant ».

``sources.toml`` is the reference: each change is read back from the file,
and the database must agree with it.
"""

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_of, session_scope
from db.models import Article, Source
from db.repos.sources import get_by_name
from tests.veille.conftest import data
from tests.veille.web.conftest import Client, add_article
from veille.catalogue import load_catalogue
from veille.pipeline import collect_once
from veille.settings import Settings
from veille.source_admin import sync_catalogue
from veille.types import Skipped

RSS = "application/rss+xml"
SOURCES = "/admin/sources"


def write_catalogue(
    settings: Settings, session_factory: sessionmaker[Session], server: HTTPServer
) -> Path:
    path = Path(settings.sources)
    path.write_text(
        f"""# Catalogue de la métropole
[defaults]
interval = "6h"

[[feeds]]
# réf. : page de l'éditeur, vérifiée en novembre
name = "Presse locale"
url = "{server.url_for("/presse.xml")}"

[[feeds]]
name = "CNIL"
url = "{server.url_for("/cnil.xml")}"  # flux officiel
""",
        encoding="utf-8",
    )
    with session_scope(session_factory) as session:
        sync_catalogue(session, path)
    return path


def source_id(session_factory: sessionmaker[Session], name: str) -> int:
    with session_scope(session_factory) as session:
        return get_by_name(session, name).id


@pytest.fixture
def catalogue(
    settings: Settings, session_factory: sessionmaker[Session], server: HTTPServer
) -> Path:
    return write_catalogue(settings, session_factory, server)


def test_an_edit_is_written_to_sources_toml_and_the_source_keeps_its_history(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session], server: HTTPServer
) -> None:
    presse = source_id(session_factory, "Presse locale")
    with session_scope(session_factory) as session:
        add_article(session, session.get(Source, presse), "Un article déjà collecté")
    form = admin.get(f"{SOURCES}/{presse}/modifier")
    assert form.status_code == 200 and 'value="Presse locale"' in form.text
    new_url = server.url_for("/grand-reims.xml")
    saved = admin.form(
        f"{SOURCES}/{presse}/modifier",
        {"name": "Presse du Grand Reims", "url": new_url, "kind": "feed",
         "category": "Presse", "interval": "2h", "hints": ["juridique", "juriste"]},
        f"{SOURCES}/{presse}/modifier",
    )  # fmt: skip
    assert saved.status_code == 303, saved.text
    assert "« Presse du Grand Reims » enregistrée dans sources.toml." in admin.get(SOURCES).text

    text = catalogue.read_text(encoding="utf-8")
    assert "# réf. : page de l'éditeur, vérifiée en novembre" in text
    assert "# flux officiel" in text and "Presse locale" not in text
    spec = {spec.name: spec for spec in load_catalogue(catalogue)}["Presse du Grand Reims"]
    assert (spec.url, spec.category, spec.interval_seconds) == (new_url, "Presse", 7200)
    assert spec.hints == ("juridique", "juriste")
    with session_scope(session_factory) as session:
        source = session.get(Source, presse)
        assert source is not None and source.name == "Presse du Grand Reims"
        assert (source.url, source.interval_seconds, source.hints) == (
            new_url, 7200, ["juridique", "juriste"]
        )  # fmt: skip
        assert session.scalar(select(func.count()).select_from(Source)) == 2, "no leftover"
        assert session.scalar(select(Article.source_id)) == presse


def test_an_edit_can_turn_a_feed_into_a_watched_page(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session]
) -> None:
    cnil = source_id(session_factory, "CNIL")
    url = load_catalogue(catalogue)[1].url
    admin.form(f"{SOURCES}/{cnil}/modifier", {"name": "CNIL", "url": url, "kind": "page"}, SOURCES)
    assert "[[pages]]" in catalogue.read_text(encoding="utf-8")
    assert [spec.kind for spec in load_catalogue(catalogue)] == ["feed", "page"]
    with session_scope(session_factory) as session:
        assert get_by_name(session, "CNIL").kind == "page"


def test_a_refused_edit_says_why_and_changes_nothing(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session]
) -> None:
    presse = source_id(session_factory, "Presse locale")
    before = catalogue.read_text(encoding="utf-8")
    url = load_catalogue(catalogue)[0].url
    path = f"{SOURCES}/{presse}/modifier"
    slow = admin.form(path, {"name": "Presse locale", "url": url, "interval": "3x"}, path)
    assert slow.status_code == 422 and "interval" in slow.text
    assert 'value="3x"' in slow.text, "the form keeps what was typed"
    taken = admin.form(path, {"name": "cnil", "url": url}, path)
    assert taken.status_code == 422 and "nom en double" in taken.text
    bad_url = admin.form(path, {"name": "Presse locale", "url": "ftp://presse.example/"}, path)
    assert bad_url.status_code == 422 and "pas une adresse http(s)" in bad_url.text
    assert catalogue.read_text(encoding="utf-8") == before
    with session_scope(session_factory) as session:
        assert session.get(Source, presse).name == "Presse locale"  # type: ignore[union-attr]


def test_a_disabled_source_is_not_collected_until_enabled_again(
    admin: Client,
    catalogue: Path,
    settings: Settings,
    session_factory: sessionmaker[Session],
    server: HTTPServer,
) -> None:
    server.expect_request("/presse.xml").respond_with_data(data("feeds/rss2.xml"), content_type=RSS)
    server.expect_request("/cnil.xml").respond_with_data(data("feeds/atom.xml"), content_type=RSS)
    presse = source_id(session_factory, "Presse locale")
    assert admin.form(f"{SOURCES}/{presse}/desactiver", {}, SOURCES).status_code == 303
    page = admin.get(SOURCES).text
    assert "« Presse locale » désactivée dans sources.toml." in page
    assert "Réactiver Presse locale" in page
    assert "enabled = false" in catalogue.read_text(encoding="utf-8")
    with session_scope(session_factory) as session:
        assert not get_by_name(session, "Presse locale").enabled

    outcomes = collect_once(
        settings, engine_of(session_factory), load_catalogue(catalogue), workers=0
    )
    assert isinstance(outcomes[0].value, Skipped)
    assert [request.path for request, _ in server.log] == ["/cnil.xml"]

    admin.form(f"{SOURCES}/{presse}/activer", {}, SOURCES)
    assert "enabled = true" in catalogue.read_text(encoding="utf-8")
    assert load_catalogue(catalogue)[0].enabled
    with session_scope(session_factory) as session:
        assert get_by_name(session, "Presse locale").enabled


@contextmanager
def immutable(directory: Path) -> Iterator[None]:
    """The directory cannot be written, even by root (ext4 immutable attribute)."""
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", str(directory)]).returncode != 0:
        pytest.skip("chattr +i indisponible sur ce système de fichiers")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(directory)], check=True)


def test_a_catalogue_that_cannot_be_written_refuses_the_change(
    admin: Client, catalogue: Path, session_factory: sessionmaker[Session]
) -> None:
    presse = source_id(session_factory, "Presse locale")
    before = catalogue.read_text(encoding="utf-8")
    with immutable(catalogue.parent):
        admin.form(f"{SOURCES}/{presse}/desactiver", {}, SOURCES)
        page = admin.get(SOURCES).text
    assert "« Presse locale » inchangée : sources.toml ne peut pas être écrit" in page
    assert "rien n&#39;a été modifié" in page
    assert catalogue.read_text(encoding="utf-8") == before
    with session_scope(session_factory) as session:
        assert get_by_name(session, "Presse locale").enabled
