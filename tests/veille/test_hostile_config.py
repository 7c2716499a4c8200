"""Hostile or mistaken configuration: one French line, never a traceback."""

import string

import httpx
import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import POSTGRES_URL
from veille.catalogue import parse_catalogue
from veille.cli import main
from veille.errors import ConfigError
from veille.settings import DOCUMENTED_SECRET_EXAMPLE

FEED = '[[feeds]]\nname = "x"\nurl = "{url}"\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def check_catalogue(cli_env: dict[str, str], text: str) -> Result:
    with open(cli_env["VEILLE_SOURCES"], "w", encoding="utf-8") as file:
        file.write(text)
    return run("sources", "check")


def one_french_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.startswith("Erreur : ")
    return result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://[::1/feed", "adresse mal formée"),
        ("https://exemple.fr:99999/flux", "adresse mal formée"),
        ("https://exemple.fr/flux\\n", "caractères de contrôle"),
        ("https://exemple.fr/un flux", "espaces"),
        ("ftp://exemple.fr/flux", "pas une adresse http(s)"),
    ],
)
def test_bad_addresses_are_refused_by_check(
    cli_env: dict[str, str], url: str, expected: str
) -> None:
    output = one_french_line(check_catalogue(cli_env, FEED.format(url=url)))
    assert 'flux "x" : url : ' in output and expected in output


def test_an_enormous_interval_is_refused(cli_env: dict[str, str]) -> None:
    text = FEED.format(url="https://exemple.fr/flux") + 'interval = "99999999999999999999d"\n'
    assert "interval : durée invalide" in one_french_line(check_catalogue(cli_env, text))


def test_a_deeply_nested_catalogue_is_refused(cli_env: dict[str, str]) -> None:
    text = "x = " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert "imbriqués trop profondément" in one_french_line(check_catalogue(cli_env, text))


def test_a_database_url_that_is_not_one(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEILLE_DATABASE_URL", "not a url")
    assert "adresse de base de données invalide" in one_french_line(run("stats"))


def test_postgres_urls_as_most_tools_write_them(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = cli_env["VEILLE_DATABASE_URL"]
    if not url.startswith(POSTGRES_URL):
        pytest.skip("cas PostgreSQL seulement")
    monkeypatch.setenv("VEILLE_DATABASE_URL", url.replace("postgresql+psycopg://", "postgres://"))
    result = run("stats", "--json")
    assert result.exit_code == 0, result.output


def test_click_speaks_french_for_a_missing_file(cli_env: dict[str, str]) -> None:
    result = run("subscribers", "import", "absent.csv")
    assert result.exit_code == 2
    assert (
        "Erreur : Valeur invalide pour 'FILE' : Fichier 'absent.csv' introuvable." in result.output
    )


@pytest.mark.parametrize("key", ["abc", DOCUMENTED_SECRET_EXAMPLE, "x" * 31])
def test_weak_secret_keys_are_refused(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("VEILLE_SECRET_KEY", key)
    output = one_french_line(run("serve", "--no-scheduler"))
    assert "VEILLE_SECRET_KEY" in output and "secrets.token_urlsafe(32)" in output


catalogue_values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.printable + "é[]\\:/@%#?\x00\x7f\u2028", max_size=40),
    st.from_regex(r"https?://[a-z0-9.\[\]:-]{0,20}(:\d{1,7})?/[ -~]{0,10}", fullmatch=True),
    st.from_regex(r"\d{1,25}[smhdj]", fullmatch=True),
    st.integers(),
    st.booleans(),
    st.lists(st.text(max_size=8), max_size=3),
)
FIELDS = ["url", "interval", "language", "hints", "enabled", "fulltext", "category"]


@settings(max_examples=300, deadline=None)
@given(values=st.fixed_dictionaries({}, optional={field: catalogue_values for field in FIELDS}))
def test_no_catalogue_value_makes_a_traceback(values: dict[str, object]) -> None:
    import tomlkit

    entry = {"name": "Source", "url": "https://exemple.fr/flux", **values}
    document = tomlkit.document()
    table = tomlkit.aot()
    table.append(tomlkit.item(entry))
    document["feeds"] = table
    try:
        specs = parse_catalogue(tomlkit.dumps(document))
    except ConfigError:
        return
    for spec in specs:  # accepted: the collector must be able to fetch it
        httpx.URL(spec.url)
