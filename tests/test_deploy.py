"""deploy/: the systemd units, the compose file and the image parse and run commands that exist."""

import configparser
import json
import shlex
from pathlib import Path

import click
import pytest
import yaml

from veille.cli import main

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def assert_runs_a_real_command(argv: list[str]) -> None:
    """``veille COMMAND --option…``: the command exists and takes every option given."""
    assert Path(argv[0]).name == "veille", argv
    command = main.get_command(click.Context(main), argv[1])
    assert isinstance(command, click.Command), f"commande inconnue : {argv[1]}"
    known = {name for param in command.params for name in getattr(param, "opts", [])}
    for word in argv[2:]:
        if word.startswith("--"):
            assert word in known, f"{argv[1]} n'a pas d'option {word}"


def test_there_is_a_unit_for_the_web_app_and_one_for_the_worker() -> None:
    assert [unit.name for unit in UNITS] == ["veille-web.service", "veille-worker.service"]


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_units_parse_and_run_a_dedicated_user_with_an_environment_file(unit: Path) -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(unit, encoding="utf-8")
    service = parser["Service"]
    assert service["User"] == "veille" and service["Group"] == "veille"
    assert service["EnvironmentFile"].startswith("/etc/veille/")
    assert service["Restart"] == "on-failure"
    assert parser["Install"]["WantedBy"] == "multi-user.target"
    assert_runs_a_real_command(shlex.split(service["ExecStart"]))


def test_compose_has_postgresql_16_web_and_worker() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert services["db"]["image"] == "postgres:16"
    assert services["web"]["command"][1] == "web" and services["worker"]["command"][1] == "worker"
    for name in ("web", "worker"):
        assert_runs_a_real_command(services[name]["command"])
        url = services[name]["environment"]["VEILLE_DATABASE_URL"]
        assert url.startswith("postgresql+psycopg://") and "@db:5432/" in url
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"


def test_the_image_runs_a_real_command() -> None:
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
    [cmd] = [line for line in lines if line.startswith("CMD ")]
    assert_runs_a_real_command(json.loads(cmd.removeprefix("CMD ")))


def test_the_proxy_example_speaks_tls_and_forwards_to_the_web_unit() -> None:
    nginx = (DEPLOY / "proxy" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl;" in nginx and "ssl_certificate " in nginx
    assert "proxy_pass http://127.0.0.1:8000;" in nginx
    assert "X-Forwarded-Proto" in nginx


def test_the_environment_example_names_settings_that_exist_and_no_usable_secret() -> None:
    from veille.errors import ConfigError
    from veille.settings import check_secret_key, describe

    known = {variable for _name, variable, *_ in describe()} | {"HTTPS_PROXY", "POSTGRES_PASSWORD"}
    lines = (DEPLOY / "veille.env.example").read_text(encoding="utf-8").splitlines()
    values = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert set(values) <= known
    with pytest.raises(ConfigError, match="exemple de la documentation"):
        check_secret_key(values["VEILLE_SECRET_KEY"])
    assert values["VEILLE_TRUSTED_PROXIES"] == "127.0.0.1/32"  # nginx on the same machine
