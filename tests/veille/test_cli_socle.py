"""The CLI of the socle, run as an administrator would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from veille.cli import main

CATALOGUE = """
[[feeds]]
name = "CNIL — actualités"
url = "https://www.cnil.fr/fr/rss.xml"
category = "Autorités"
[[feeds]]
name = "Gazette des communes"
url = "https://www.lagazettedescommunes.com/rss"
[[pages]]
name = "AI Act"
url = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
"""


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def catalogue(cli_env: dict[str, str]) -> Path:
    path = Path(cli_env["VEILLE_SOURCES"])
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def test_help_is_in_french() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Catalogue des sources" in result.output


def test_python_dash_m_and_console_script_work(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEILLE_")}
    done = subprocess.run(
        [sys.executable, "-m", "veille", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "veille" in done.stdout


def test_sources_check_and_list(catalogue: Path) -> None:
    result = run("sources", "check")
    assert result.exit_code == 0, result.output
    assert "2 flux, 1 pages" in result.output
    listed = run("sources", "list")
    assert "CNIL — actualités" in listed.output and "AI Act" in listed.output


def test_malformed_catalogue_is_one_line_and_changes_nothing(
    catalogue: Path, cli_env: dict[str, str]
) -> None:
    assert run("sources", "sync").exit_code == 0
    catalogue.write_text(CATALOGUE + '[[feeds]]\nname = "Gazette des communes"\nurl = "x"\n')
    result = run("sources", "sync")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert 'flux "Gazette des communes" : url : pas une adresse http(s)' in result.output
    stats = json.loads(run("stats", "--json").output)
    assert stats["sources"]["total"] == 3


def test_missing_catalogue_fails_clearly(cli_env: dict[str, str]) -> None:
    result = run("sources", "check", "--sources", "nulle-part.toml")
    assert result.exit_code == 1
    assert result.output.strip() == "Erreur : nulle-part.toml : fichier introuvable"


def test_opml_export_then_import_round_trip(catalogue: Path, tmp_path: Path) -> None:
    exported = tmp_path / "veille.opml"
    assert run("sources", "export-opml", "-o", str(exported)).exit_code == 0
    assert 'xmlUrl="https://www.cnil.fr/fr/rss.xml"' in exported.read_text()
    other = tmp_path / "autre.toml"
    other.write_text("# Mon catalogue\n", encoding="utf-8")
    result = run("sources", "import-opml", str(exported), "--sources", str(other))
    assert "2 flux ajouté(s), 0 déjà présent(s)" in result.output
    again = run("sources", "import-opml", str(exported), "--sources", str(other))
    assert "0 flux ajouté(s), 2 déjà présent(s)" in again.output
    text = other.read_text(encoding="utf-8")
    assert text.startswith("# Mon catalogue")
    assert 'category = "Autorités"' in text
    assert run("sources", "check", "--sources", str(other)).exit_code == 0


def test_import_of_a_broken_opml_is_refused(catalogue: Path, tmp_path: Path) -> None:
    broken = tmp_path / "cassé.opml"
    broken.write_text("<opml><body><outline", encoding="utf-8")
    before = catalogue.read_text()
    result = run("sources", "import-opml", str(broken))
    assert result.exit_code == 1 and "XML invalide" in result.output
    assert catalogue.read_text() == before


def test_disable_and_enable(catalogue: Path) -> None:
    run("sources", "sync")
    assert "désactivée" in run("sources", "disable", "AI Act").output
    assert "désactivée par un administrateur" in run("sources", "list").output
    assert run("sources", "enable", "AI Act").exit_code == 0
    unknown = run("sources", "disable", "Inconnue")
    assert unknown.exit_code == 1 and "aucune source nommée 'Inconnue'" in unknown.output


def test_users_add_reads_password_from_stdin(cli_env: dict[str, str]) -> None:
    result = run(
        "users", "add", "veille@reims.example", "--role", "curator", stdin="un mot de passe long\n"
    )
    assert result.exit_code == 0, result.output
    assert "créé" in result.output
    short = run("users", "add", "b@reims.example", "--role", "admin", stdin="court\n")
    assert short.exit_code == 1 and "trop court" in short.output


def test_users_disable_ends_the_account(cli_env: dict[str, str]) -> None:
    from db.engine import make_engine, make_session_factory
    from db.repos.users import get_by_email

    run("users", "add", "veille@reims.example", "--role", "curator", stdin="un mot de passe long\n")
    result = run("users", "disable", "veille@reims.example")
    assert result.exit_code == 0 and "sessions sont fermées" in result.output
    engine = make_engine(cli_env["VEILLE_DATABASE_URL"])
    with make_session_factory(engine)() as session:
        user = get_by_email(session, "veille@reims.example")
        assert user is not None and not user.active and user.session_version == 1
    engine.dispose()
    unknown = run("users", "disable", "personne@reims.example")
    assert unknown.exit_code == 1 and "aucun compte" in unknown.output


def test_config_masks_secrets(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEILLE_SMTP_PASSWORD", "s3cr3t-smtp")
    result = run("config")
    assert result.exit_code == 0
    assert "s3cr3t-smtp" not in result.output
    assert "clé de test" not in result.output
    assert "VEILLE_SMTP_PASSWORD" in result.output


def test_db_upgrade_is_idempotent(cli_env: dict[str, str]) -> None:
    first = run("db", "upgrade")
    assert first.exit_code == 0
    assert "Base déjà à jour" in run("db", "upgrade").output


def test_unreachable_database_is_one_line(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILLE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    result = run("stats", "--json")
    assert result.exit_code == 1
    assert result.output.startswith("Erreur : base de données injoignable")


def test_commands_run_with_the_garbage_collector_on_after_their_imports() -> None:
    """Imports pause it (start-up speed); a long-running command must not stay without it."""
    script = (
        "import gc, click; from veille.cli import main\n"
        "ctx = click.Context(main)\n"
        "for name in ('collect', 'worker', 'serve'):\n"
        "    assert main.get_command(ctx, name) is not None and gc.isenabled(), name\n"
        "print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
