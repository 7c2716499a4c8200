"""/healthz, the administrator's source health page, the regulation changes page."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory, session_scope
from db.models import PageChange, PageSnapshot
from tests.veille.web.conftest import ADMIN_EMAIL, WEEK, Client, add_source, open_client, when
from veille.settings import Settings
from veille.web.app import create_app


def test_healthz_answers_200_when_the_database_answers(client: Client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")


@pytest.mark.parametrize(
    "dead_url",
    ["sqlite:///{tmp}/absent/veille.db", "postgresql+psycopg://postgres@127.0.0.1:1/test"],
    ids=["sqlite", "postgresql"],
)
def test_healthz_answers_503_when_the_database_does_not(
    settings: Settings, tmp_path: Path, dead_url: str
) -> None:
    options = {} if dead_url.startswith("sqlite") else {"connect_args": {"connect_timeout": 2}}
    engine = make_engine(dead_url.format(tmp=tmp_path), **options)
    with open_client(create_app(settings, make_session_factory(engine))) as client:
        response = client.get("/healthz")
    engine.dispose()
    assert response.status_code == 503
    assert "injoignable" in response.text


def test_admin_sees_source_health_and_curator_is_refused(
    client: Client, accounts: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        broken = add_source(session, "Flux en panne")
        broken.consecutive_failures, broken.last_error = 6, "HTTP 500 : erreur du serveur"
        healthy = add_source(session, "Flux en forme")
        healthy.last_success_at = datetime(2026, 5, 12, 8, 30, tzinfo=UTC)
    client.login()
    assert client.get("/admin/sources").status_code == 403
    client.form("/logout", {})
    client.login(email=ADMIN_EMAIL)
    page = client.get("/admin/sources").text
    assert page.index("Flux en panne") < page.index("Flux en forme")
    assert "en panne" in page
    assert "HTTP 500 : erreur du serveur" in page
    assert "12/05/2026 10:30" in page  # shown in Europe/Paris time


def test_regulation_changes_show_the_diff_with_page_text_escaped(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    from veille.collect.diff import diff_texts

    diff = diff_texts("avant", "après <script>alert(1)</script>")
    with session_scope(session_factory) as session:
        page = add_source(session, "Questions fréquentes CNIL", kind="page")
        old = PageSnapshot(source_id=page.id, raw_hash="a", text_hash="a", text="avant")
        new = PageSnapshot(source_id=page.id, raw_hash="b", text_hash="b", text="après")
        session.add_all([old, new])
        session.flush()
        session.add(
            PageChange(
                source_id=page.id,
                old_snapshot_id=old.id,
                new_snapshot_id=new.id,
                detected_at=when(13),
                diff_unified="-avant\n+après",
                diff_html=diff.html,
                added_words=1,
                removed_words=1,
            )
        )
    text = curator.get(f"/changements?week={WEEK}").text
    assert "Questions fréquentes CNIL" in text
    assert "<del>avant</del>" in text and "<ins>après &lt;script&gt;" in text
    assert "<script>alert(1)" not in text
