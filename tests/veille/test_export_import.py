"""Export, import and backup: SQLite → PostgreSQL → SQLite gives back every row."""

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select, text

from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import Base, Delivery, JobRun, User
from tests.conftest import postgres_answers, postgres_schema
from tests.newsletter.factories import sample_week, subscriber
from veille.cli import main

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2VsZGVtZXI$ZW1wcmVpbnRl"


def run(url: str, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.setenv("VEILLE_DATABASE_URL", url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def populate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        sample_week(session)
        reader = subscriber(session, "agent@exemple.fr", themes=("juridique",))
        session.add(User(email="admin@exemple.fr", role="admin", password_hash=HASH))
        edition_id = session.execute(text("SELECT id FROM editions")).scalar_one()
        moment = datetime(2026, 11, 30, 7, 0, 1, 123456, tzinfo=UTC)
        session.add(Delivery(edition_id=edition_id, subscriber_id=reader.id, status="sent",
                             sent_at=moment, message_id="<1@exemple.fr>"))  # fmt: skip
        session.add(JobRun(job_id="envoi", slot=moment, owner="w", started_at=moment, outcome="ok"))
        session.commit()
    engine.dispose()


def every_row(url: str) -> dict[str, list[dict[str, Any]]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    dict(row._mapping)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if not postgres_answers():
        pytest.skip("PostgreSQL ne répond pas")
    with postgres_schema() as url:
        yield url


@pytest.mark.postgres
def test_round_trip_sqlite_postgresql_sqlite_keeps_every_row(
    cli_env: dict[str, str], postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    populate(first)
    original = every_row(first)
    assert all(original[name] for name in ("articles", "labels", "deliveries", "users"))
    steps = [(first, "export", "un"), (postgres_url, "import", "un"),
             (postgres_url, "export", "deux"), (last, "import", "deux")]  # fmt: skip
    for url, command, folder in steps:
        extra = ["--with-secrets"] if command == "export" else []
        result = run(url, command, str(tmp_path / folder), *extra, monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
    assert every_row(postgres_url) == original
    assert every_row(last) == original
    # the sequences moved: a new row after the import gets a fresh id
    engine = make_engine(postgres_url)
    with make_session_factory(engine)() as session:
        session.add(User(email="nouveau@exemple.fr", role="curator", password_hash=HASH))
        session.commit()
    engine.dispose()


def test_export_leaves_password_hashes_out_unless_asked(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    populate(url)
    result = run(url, "export", str(tmp_path / "sortie"), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    users = (tmp_path / "sortie" / "users.jsonl").read_text(encoding="utf-8")
    assert HASH not in users and '"password_hash": ""' in users
    manifest = json.loads((tmp_path / "sortie" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["articles"]["rows"] == 7 and manifest["with_secrets"] is False


def test_import_refuses_a_database_that_is_not_empty_and_an_altered_export(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    populate(url)
    assert run(url, "export", str(tmp_path / "e"), monkeypatch=monkeypatch).exit_code == 0
    busy = run(url, "import", str(tmp_path / "e"), monkeypatch=monkeypatch)
    assert busy.exit_code == 1 and "la base n'est pas vide" in busy.output
    with (tmp_path / "e" / "users.jsonl").open("a", encoding="utf-8") as users:
        users.write('{"id": 99}\n')
    fresh = f"sqlite:///{tmp_path / 'b.db'}"
    altered = run(fresh, "import", str(tmp_path / "e"), monkeypatch=monkeypatch)
    assert altered.exit_code == 1 and "export altéré" in altered.output


def test_db_backup_copies_a_live_sqlite_database(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    populate(url)
    copy = tmp_path / "copie.db"
    result = run(url, "db", "backup", str(copy), monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert every_row(f"sqlite:///{copy}") == every_row(url)
    with sqlite3.connect(copy) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = run(url, "db", "backup", str(copy), monkeypatch=monkeypatch)
    assert again.exit_code == 1 and "existe déjà" in again.output
