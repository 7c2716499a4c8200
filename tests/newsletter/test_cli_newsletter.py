"""``veille newsletter`` and ``veille subscribers`` end to end through click."""

from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Subscriber
from tests.newsletter.factories import WEEK, sample_week, subscriber
from tests.newsletter.smtp_server import RecordingHandler
from veille.cli import main

CSV = (
    "email,name,direction,themes,jobs\n"
    "Agent.Un@Exemple.fr,Agent Un,DSI,,\n"
    "referente@exemple.fr,Référente,Juridique,juridique;technique,juriste\n"
)


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.fixture
def week(cli_env: dict[str, str], session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        sample_week(session)
        subscriber(session, "agent@exemple.fr")
        subscriber(session, "ref@exemple.fr", themes=("technique",))
        session.commit()


def test_import_then_export_round_trips(
    cli_env: dict[str, str], tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "abonnes.csv"
    path.write_text(CSV, encoding="utf-8")
    result = run("subscribers", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "2 abonné(s) créé(s), 0 mis à jour" in result.output
    again = run("subscribers", "import", str(path))
    assert "0 abonné(s) créé(s), 2 mis à jour" in again.output
    with session_factory() as session:
        rows = session.scalars(select(Subscriber).order_by(Subscriber.email)).all()
        assert [(r.email, r.status, r.themes, r.jobs) for r in rows] == [
            ("agent.un@exemple.fr", "active", [], []),
            ("referente@exemple.fr", "active", ["juridique", "technique"], ["juriste"]),
        ]
    exported = run("subscribers", "export")
    expected = CSV.replace("Agent.Un@Exemple.fr", "agent.un@exemple.fr")
    assert exported.output == expected  # the test runner reads CRLF back as LF


def test_a_bad_file_imports_nothing_and_says_why(
    cli_env: dict[str, str], tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "abonnes.csv"
    path.write_text(CSV + "pas-une-adresse,,,,\nx@exemple.fr,,,robotique,\n", encoding="utf-8")
    result = run("subscribers", "import", str(path))
    assert result.exit_code == 1
    assert "rien n'a été importé" in result.output
    assert "ligne 4 : adresse invalide" in result.output
    assert "ligne 5 : thème(s) inconnu(s) : robotique" in result.output
    with session_factory() as session:
        assert session.scalars(select(Subscriber)).all() == []


def test_a_french_excel_file_imports_from_the_command_line(
    cli_env: dict[str, str], tmp_path: Path, session_factory: sessionmaker[Session]
) -> None:
    path = tmp_path / "abonnes.csv"
    body = "email;name;direction;themes;jobs\r\nréf@exemple.fr;Référente;Santé;juridique;\r\n"
    path.write_bytes(body.encode("cp1252"))
    result = run("subscribers", "import", str(path))
    assert result.exit_code == 0, result.output
    with session_factory() as session:
        row = session.scalars(select(Subscriber)).one()
        assert (row.email, row.name, row.themes) == ("réf@exemple.fr", "Référente", ["juridique"])


def test_a_wrong_header_is_refused(cli_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "abonnes.csv"
    path.write_text("mail,nom\nx@exemple.fr,X\n", encoding="utf-8")
    result = run("subscribers", "import", str(path))
    assert (
        result.exit_code == 1
        and "en-tête attendu : email,name,direction,themes,jobs" in result.output
        and "séparateur lu : « , »" in result.output
    )


def test_build_writes_the_edition_and_a_referent_sample(week: None, tmp_path: Path) -> None:
    out = tmp_path / "apercu"
    result = run("newsletter", "build", "--week", WEEK, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Édition 2026-W48 (brouillon) : 4 article(s)" in result.output
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        f"{WEEK}-edition.html",
        f"{WEEK}-edition.txt",
        f"{WEEK}-referent.html",
        f"{WEEK}-referent.txt",
    ]
    referent = (out / f"{WEEK}-referent.txt").read_text(encoding="utf-8")
    assert "Votre sélection : Technique." in referent
    assert "veille.invalid" not in (out / f"{WEEK}-edition.html").read_text(encoding="utf-8")


def test_build_refuses_a_malformed_week(cli_env: dict[str, str]) -> None:
    result = run("newsletter", "build", "--week", "2026-48")
    assert result.exit_code == 1 and "semaine invalide" in result.output


def test_an_empty_week_is_not_sent(cli_env: dict[str, str]) -> None:
    result = run("newsletter", "build", "--week", "2020-W10")
    assert result.exit_code == 0 and "0 article(s)" in result.output
    assert "automatique" not in result.output
    sent = run("newsletter", "send", "--week", "2020-W10", "--dry-run")
    assert sent.exit_code == 1 and "Erreur : l'édition 2020-W10 est vide" in sent.output


def test_send_to_outbox_writes_eml_files_once(week: None, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    result = run("newsletter", "send", "--week", WEEK, "--outbox", str(outbox))
    assert result.exit_code == 0, result.output
    assert "2 message(s) envoyé(s)" in result.output
    assert "0 déjà envoyé(s) avant" in result.output
    files = sorted(outbox.glob("*.eml"))
    assert [f.name for f in files] == [f"{WEEK}-agent@exemple.fr.eml", f"{WEEK}-ref@exemple.fr.eml"]
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    again = run("newsletter", "send", "--week", WEEK, "--outbox", str(outbox))
    assert "0 message(s) envoyé(s)" in again.output
    assert "2 déjà envoyé(s) avant" in again.output


def test_send_over_smtp_dry_run_and_test_message(
    week: None, smtp: tuple[RecordingHandler, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    handler, port = smtp
    monkeypatch.setenv("VEILLE_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("VEILLE_SMTP_PORT", str(port))
    monkeypatch.setenv("VEILLE_SMTP_RATE", "0")
    dry = run("newsletter", "send", "--week", WEEK, "--dry-run")
    assert "Simulation : 2 destinataire(s), 2 profil(s)" in dry.output and handler.messages == []
    test = run("newsletter", "send", "--week", WEEK, "--test-to", "moi@exemple.fr")
    assert test.exit_code == 0 and handler.recipients() == ["moi@exemple.fr"]
    sent = run("newsletter", "send", "--week", WEEK)
    assert sent.exit_code == 0, sent.output
    assert sorted(handler.recipients()) == ["agent@exemple.fr", "moi@exemple.fr", "ref@exemple.fr"]
    run("newsletter", "send", "--week", WEEK)
    assert len(handler.messages) == 3


def test_send_without_secret_key_is_a_clear_error(
    week: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILLE_SECRET_KEY", "")
    result = run("newsletter", "send", "--week", WEEK, "--outbox", str(tmp_path))
    assert result.exit_code == 1 and "VEILLE_SECRET_KEY" in result.output
