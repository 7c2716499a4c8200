"""Every setting in one place: name, environment variable, default and help.

Values come from the environment (``VEILLE_*``), else from an optional
``veille.toml`` (path in ``VEILLE_CONFIG``, default ``./veille.toml``), else
from the default below. Secrets are read from the environment only: a secret
found in ``veille.toml`` is refused, so it never ends up in a file.
"""

import dataclasses
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from veille.durations import parse_duration
from veille.errors import ConfigError
from veille.networks import parse_networks

CONFIG_FILE_VARIABLE = "VEILLE_CONFIG"
DEFAULT_CONFIG_FILE = "veille.toml"


def _setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help, "secret": secret})


@dataclass(frozen=True, slots=True)
class Settings:
    """The effective configuration; build it with ``load_settings``."""

    database_url: str = _setting(
        "sqlite:///veille.db", "URL SQLAlchemy de la base (SQLite ou postgresql+psycopg://…)"
    )
    sources: str = _setting("sources.toml", "Chemin du catalogue des sources")
    secret_key: str = _setting(
        "", "Clé de signature des liens et des sessions (obligatoire pour serve)", secret=True
    )
    public_url: str = _setting("http://127.0.0.1:8000", "Adresse publique, base des liens")
    contact_url: str = _setting(
        "", "Adresse de contact annoncée dans le User-Agent (par défaut l'adresse publique)"
    )
    timezone: str = _setting("Europe/Paris", "Fuseau horaire des dates affichées")
    http_timeout: str = _setting("20s", "Délai maximal de connexion et de lecture HTTP")
    max_response_bytes: int = _setting(10_000_000, "Taille maximale d'une réponse HTTP (octets)")
    max_concurrency: int = _setting(40, "Téléchargements simultanés au plus")
    max_per_host: int = _setting(2, "Téléchargements simultanés au plus par hôte")
    parse_workers: int = _setting(
        1, "Processus d'analyse des flux pendant une collecte (0 : dans le processus principal)"
    )
    backoff_cap: str = _setting("1d", "Attente maximale entre deux essais d'une source en échec")
    failure_threshold: int = _setting(5, "Échecs consécutifs avant de signaler une source en panne")
    collect_every: str = _setting(
        "15m", "Fréquence à laquelle le planificateur cherche les sources dues"
    )
    model_dir: str = _setting("modeles", "Dossier du modèle de classement entraîné")
    uncertain_band: float = _setting(
        0.1,
        "Écart entre la probabilité d'une étiquette et son seuil en deçà duquel elle est "
        "« à vérifier »",
    )
    smtp_host: str = _setting("localhost", "Serveur SMTP")
    smtp_port: int = _setting(25, "Port SMTP")
    smtp_user: str = _setting("", "Identifiant SMTP")
    smtp_password: str = _setting("", "Mot de passe SMTP", secret=True)
    smtp_security: str = _setting("none", "Sécurité SMTP : none, starttls ou tls")
    smtp_rate: float = _setting(20.0, "Messages envoyés par seconde au plus")
    mail_from: str = _setting("Veille IA <veille@localhost>", "Expéditeur des courriels")
    bounce_threshold: int = _setting(3, "Rejets définitifs avant de marquer un abonné en erreur")
    smtp_retries: int = _setting(3, "Nouveaux essais d'un envoi refusé temporairement (4xx)")
    smtp_backoff: float = _setting(
        2.0, "Attente avant le premier nouvel essai SMTP, en secondes (doublée ensuite)"
    )
    mail_unsubscribe: str = _setting(
        "", "Adresse de désabonnement par courriel (défaut : celle de l'expéditeur)"
    )
    newsletter_title: str = _setting("Veille IA", "Titre de la lettre de veille")
    newsletter_sections: str = _setting(
        "",
        "Ordre des sections de la lettre : identifiants de thèmes séparés par des virgules, "
        "reglementation et autres compris (vide : ordre de la taxonomie)",
    )
    newsletter_deadline: str = _setting(
        "vendredi 10:00",
        "Échéance de la sélection : sans article choisi à ce moment de la semaine, "
        "une sélection automatique est proposée",
    )
    newsletter_automatic_count: int = _setting(
        10, "Articles de la sélection automatique (les mieux classés de la semaine)"
    )
    newsletter_min_score: float = _setting(
        0.0,
        "Score minimal d'une étiquette du modèle pour ranger un article dans un thème "
        "(0 : toutes celles que le modèle a retenues, comme les pages de curation)",
    )
    newsletter_also_count: int = _setting(
        5, "Articles au plus dans « Aussi dans vos thèmes » pour un référent"
    )
    newsletter_also_min_relevance: float = _setting(
        0.5,
        "Pertinence minimale (0 à 1) d'un article non sélectionné pour figurer dans "
        "« Aussi dans vos thèmes »",
    )
    newsletter_empty: str = _setting(
        "note", "Référent sans article dans ses thèmes : note (court message) ou skip (rien)"
    )
    confirm_max_age: str = _setting("2d", "Validité du lien de confirmation d'abonnement")
    allow_private_networks: str = _setting(
        "",
        "Réseaux privés ou locaux que la collecte peut joindre malgré la protection "
        "(liste CIDR séparée par des virgules, par exemple 10.20.0.0/16 pour un intranet)",
    )
    trusted_proxies: str = _setting(
        "",
        "Mandataires inverses dont les en-têtes X-Forwarded-For et X-Forwarded-Proto sont "
        "crus (liste CIDR ; vide : aucun)",
    )

    retrain_at: str = _setting(
        "dimanche 03:00",
        "Réentraînement hebdomadaire du modèle (jour et heure), s'il y a de nouvelles "
        "étiquettes des curateurs",
    )
    remind_before: str = _setting(
        "1d", "Rappel aux curateurs, par courriel, ce délai avant l'échéance sans article choisi"
    )
    send_at: str = _setting("lundi 08:00", "Envoi de l'édition publiée (jour et heure)")
    log_format: str = _setting(
        "text", "Format des journaux de serve, web et worker : text (lisible) ou json"
    )
    send_unpublished: str = _setting(
        "notify",
        "Édition non publiée à l'heure d'envoi : notify (prévenir les curateurs, rien "
        "n'est envoyé) ou auto (envoyer la sélection automatique)",
    )

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            if value not in allowed:
                raise ConfigError(
                    f"{env_name(name)} : {value!r} n'est pas {', '.join(allowed[:-1])} "
                    f"ou {allowed[-1]}"
                )
        parse_networks(self.allow_private_networks)
        parse_networks(self.trusted_proxies, env_name("trusted_proxies"))
        for name in DURATIONS:
            try:
                parse_duration(getattr(self, name))
            except ValueError as error:
                raise ConfigError(f"{env_name(name)} : {error}") from error

    @property
    def user_agent(self) -> str:
        from veille import __version__

        contact = self.contact_url or self.public_url
        return f"VeilleIA/{__version__} (+{contact})"


SECRET_KEY_MIN_LENGTH = 32
# The placeholder of the README's examples: copied as is, it would sign for anyone.
DOCUMENTED_SECRET_EXAMPLE = "remplacez-moi-par-une-cle-aleatoire-de-32-caracteres"
GENERATE_SECRET = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


def check_secret_key(key: str) -> None:
    """Refuse a missing, short or documented signing key, saying how to make one."""
    if not key:
        problem = "n'est pas définie : elle signe les sessions et les liens"
    elif key.strip() == DOCUMENTED_SECRET_EXAMPLE:
        problem = "est l'exemple de la documentation, connu de tous"
    elif len(key) < SECRET_KEY_MIN_LENGTH:
        problem = f"est trop courte ({len(key)} caractères, {SECRET_KEY_MIN_LENGTH} au moins)"
    else:
        return
    raise ConfigError(
        f"VEILLE_SECRET_KEY {problem}. Générez-en une (par exemple : {GENERATE_SECRET}) "
        "et exportez-la avant de relancer."
    )


CHOICES = {
    "smtp_security": ("none", "starttls", "tls"),
    "newsletter_empty": ("note", "skip"),
    "send_unpublished": ("notify", "auto"),
    "log_format": ("text", "json"),
}
DURATIONS = ("http_timeout", "backoff_cap", "collect_every", "confirm_max_age", "remind_before")


def env_name(setting: str) -> str:
    return "VEILLE_" + setting.upper()


def describe() -> Iterator[tuple[str, str, Any, str, bool]]:
    """(name, environment variable, default, help, secret) for every setting."""
    for item in dataclasses.fields(Settings):
        yield (
            item.name,
            env_name(item.name),
            item.default,
            item.metadata["help"],
            item.metadata["secret"],
        )


def load_settings(environ: Mapping[str, str], config_file: Path | None = None) -> Settings:
    """Build the settings from the environment and an optional ``veille.toml``."""
    path = config_file or Path(environ.get(CONFIG_FILE_VARIABLE, DEFAULT_CONFIG_FILE))
    from_file = _read_config_file(path) if path.is_file() else {}
    values: dict[str, Any] = {}
    for item in dataclasses.fields(Settings):
        raw = environ.get(env_name(item.name), from_file.get(item.name))
        if raw is not None:
            values[item.name] = _convert(item.name, raw, item.type)
    return Settings(**values)


def _read_config_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} : TOML invalide : {error}") from error
    except RecursionError as error:
        raise ConfigError(f"{path} : tableaux ou tables imbriqués trop profondément") from error
    known = {item.name: item for item in dataclasses.fields(Settings)}
    for key in data:
        if key not in known:
            raise ConfigError(f"{path} : réglage inconnu {key!r}")
        if known[key].metadata["secret"]:
            raise ConfigError(
                f"{path} : {key!r} est un secret ; donnez-le par la variable "
                f"d'environnement {env_name(key)}"
            )
    return data


def _convert(name: str, raw: Any, kind: Any) -> Any:
    try:
        if kind in (int, "int"):
            return int(raw)
        if kind in (float, "float"):
            return float(raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{env_name(name)} : {raw!r} n'est pas un nombre") from error
    return str(raw)
