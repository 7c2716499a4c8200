"""Settings come from the environment or veille.toml; secrets only from the environment."""

import re
from pathlib import Path

import pytest

from veille.errors import ConfigError
from veille.settings import describe, load_settings

README = Path(__file__).parents[2] / "README.md"


def test_defaults_without_environment(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "absent.toml")
    assert settings.database_url == "sqlite:///veille.db"
    assert settings.sources == "sources.toml"
    assert settings.smtp_security == "none"


def test_environment_overrides_file(tmp_path: Path) -> None:
    config = tmp_path / "veille.toml"
    config.write_text('smtp_host = "smtp.fichier.example"\nsmtp_port = 2525\n', encoding="utf-8")
    settings = load_settings({"VEILLE_SMTP_HOST": "smtp.env.example"}, config)
    assert settings.smtp_host == "smtp.env.example"
    assert settings.smtp_port == 2525


def test_user_agent_names_the_contact(tmp_path: Path) -> None:
    settings = load_settings({"VEILLE_CONTACT_URL": "https://reims.example/veille"}, tmp_path / "x")
    assert settings.user_agent.startswith("VeilleIA/")
    assert "+https://reims.example/veille" in settings.user_agent


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"VEILLE_SMTP_PORT": "vingt-cinq"}, "VEILLE_SMTP_PORT : 'vingt-cinq' n'est pas un nombre"),
        ({"VEILLE_SMTP_SECURITY": "ssl"}, "none, starttls ou tls"),
        ({"VEILLE_BACKOFF_CAP": "demain"}, "VEILLE_BACKOFF_CAP : durée invalide"),
    ],
)
def test_invalid_values_are_named(environ: dict[str, str], message: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(environ, tmp_path / "absent.toml")


def test_secret_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "veille.toml"
    config.write_text('smtp_password = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="VEILLE_SMTP_PASSWORD"):
        load_settings({}, config)


def test_unknown_key_in_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "veille.toml"
    config.write_text('smtp_hots = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="réglage inconnu 'smtp_hots'"):
        load_settings({}, config)


def test_every_setting_is_documented_in_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    missing = [variable for _name, variable, *_ in describe() if variable not in readme]
    assert missing == []
