"""The source catalogue, ``sources.toml``: loading and strict validation.

Every problem found is reported, each naming the file, the entry and the
field, e.g. ``sources.toml, flux "CNIL — actualités" : url : pas une adresse
http(s)``. Nothing is returned unless the whole file is valid, so a bad edit
never half-applies.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from veille.durations import parse_duration
from veille.errors import ConfigError

KIND_WORDS = {"feed": "flux", "page": "page"}
MIN_INTERVAL_SECONDS = 60
_LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2})?$")

_COMMON_KEYS = {"name", "url", "category", "language", "interval", "enabled", "hints"}
ALLOWED_KEYS = {
    "feed": _COMMON_KEYS | {"fulltext"},
    "page": _COMMON_KEYS | {"authority", "selector", "ignore"},
}
DEFAULT_KEYS = {"language", "interval", "enabled", "fulltext"}
BUILTIN_DEFAULTS: dict[str, Any] = {
    "language": "fr",
    "interval": "6h",
    "enabled": True,
    "fulltext": False,
}


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """One validated catalogue entry, defaults applied."""

    kind: str
    name: str
    url: str
    category: str | None = None
    language: str = "fr"
    interval_seconds: int = 6 * 3600
    enabled: bool = True
    fulltext: bool = False
    hints: tuple[str, ...] = ()
    authority: str | None = None
    selector: str | None = None
    ignore: tuple[str, ...] = ()

    def to_fields(self) -> dict[str, Any]:
        """Column values for the ``sources`` table."""
        return {
            "kind": self.kind,
            "name": self.name,
            "catalogue_url": self.url,
            "category": self.category,
            "language": self.language,
            "interval_seconds": self.interval_seconds,
            "enabled": self.enabled,
            "fulltext": self.fulltext,
            "hints": list(self.hints),
            "authority": self.authority,
            "selector": self.selector,
            "ignore_patterns": list(self.ignore),
        }


def url_problem(value: Any) -> str | None:
    """Why ``value`` is not an address the collector can fetch, or None."""
    if not isinstance(value, str):
        return "pas une adresse http(s)"
    if any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in value):
        return "contient des espaces ou des caractères de contrôle"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError when out of range
        (parts.hostname or "").encode("idna")
    except (ValueError, UnicodeError) as error:
        return f"adresse mal formée ({error})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "pas une adresse http(s)"
    return None


def load_catalogue(path: Path, known_labels: frozenset[str] | None = None) -> list[SourceSpec]:
    """Read and validate the catalogue; raise ConfigError listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ConfigError(f"{path} : fichier introuvable") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} : illisible ({error})") from error
    return parse_catalogue(text, path.name, known_labels)


def parse_catalogue(
    text: str, filename: str = "sources.toml", known_labels: frozenset[str] | None = None
) -> list[SourceSpec]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{filename} : syntaxe TOML invalide : {error}") from error
    except RecursionError as error:
        raise ConfigError(f"{filename} : tableaux ou tables imbriqués trop profondément") from error
    validator = _Validator(filename, known_labels)
    specs = validator.validate(data)
    if validator.problems:
        raise ConfigError("\n".join(validator.problems))
    return specs


class _Validator:
    def __init__(self, filename: str, known_labels: frozenset[str] | None) -> None:
        self.filename = filename
        self.known_labels = known_labels
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.filename}, {where} : {message}")

    def validate(self, data: dict[str, Any]) -> list[SourceSpec]:
        for key in data:
            if key not in ("defaults", "feeds", "pages"):
                self.problem("racine", f"clé inconnue {key!r} (attendu : defaults, feeds, pages)")
        defaults = self.defaults(data.get("defaults", {}))
        specs: list[SourceSpec] = []
        for table, kind in (("feeds", "feed"), ("pages", "page")):
            entries = data.get(table, [])
            if not isinstance(entries, list):
                self.problem(table, "doit être une liste de tables [[" + table + "]]")
                continue
            for index, entry in enumerate(entries, start=1):
                spec = self.entry(kind, index, entry, defaults)
                if spec is not None:
                    specs.append(spec)
        self.check_unique_names(specs)
        return specs

    def defaults(self, table: Any) -> dict[str, Any]:
        if not isinstance(table, dict):
            self.problem("[defaults]", "doit être une table")
            return dict(BUILTIN_DEFAULTS)
        for key in table:
            if key not in DEFAULT_KEYS:
                self.problem("[defaults]", f"clé inconnue {key!r}")
        return {**BUILTIN_DEFAULTS, **table}

    def entry(
        self, kind: str, index: int, entry: Any, defaults: dict[str, Any]
    ) -> SourceSpec | None:
        word = KIND_WORDS[kind]
        if not isinstance(entry, dict):
            self.problem(f"{word} n°{index}", "doit être une table")
            return None
        name = entry.get("name")
        where = (
            f'{word} "{name}"' if isinstance(name, str) and name.strip() else f"{word} n°{index}"
        )
        before = len(self.problems)
        for key in entry:
            if key not in ALLOWED_KEYS[kind]:
                allowed = ", ".join(sorted(ALLOWED_KEYS[kind]))
                self.problem(where, f"clé inconnue {key!r} (clés possibles : {allowed})")
        merged = {key: value for key, value in defaults.items() if key in ALLOWED_KEYS[kind]}
        merged.update(entry)
        fields = self.fields(where, kind, merged)
        if len(self.problems) > before:
            return None
        return SourceSpec(kind=kind, **fields)

    def fields(self, where: str, kind: str, entry: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "name": self.text(where, entry, "name", required=True),
            "url": self.url(where, entry.get("url")),
            "category": self.text(where, entry, "category"),
            "language": self.language(where, entry.get("language")),
            "interval_seconds": self.interval(where, entry.get("interval")),
            "enabled": self.boolean(where, entry, "enabled"),
            "hints": self.labels(where, entry.get("hints", [])),
        }
        if kind == "feed":
            fields["fulltext"] = self.boolean(where, entry, "fulltext")
        else:
            fields["authority"] = self.text(where, entry, "authority")
            fields["selector"] = self.text(where, entry, "selector")
            fields["ignore"] = self.patterns(where, entry.get("ignore", []))
        return fields

    def text(self, where: str, entry: dict[str, Any], key: str, required: bool = False) -> Any:
        value = entry.get(key)
        if value is None:
            if required:
                self.problem(where, f"{key} : champ obligatoire manquant")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"{key} : doit être un texte non vide")
            return None
        return value.strip()

    def url(self, where: str, value: Any) -> Any:
        if value is None:
            self.problem(where, "url : champ obligatoire manquant")
            return None
        problem = url_problem(value)
        if problem:
            self.problem(where, f"url : {problem}")
        return value

    def language(self, where: str, value: Any) -> Any:
        if not isinstance(value, str) or not _LANGUAGE.match(value):
            self.problem(where, f"language : {value!r} n'est pas un code de langue (fr, en…)")
        return value

    def interval(self, where: str, value: Any) -> int:
        try:
            seconds = int(parse_duration(value).total_seconds())
        except ValueError as error:
            self.problem(where, f"interval : {error}")
            return 0
        if seconds < MIN_INTERVAL_SECONDS:
            self.problem(where, "interval : au moins 1m, par politesse envers les sites")
        return seconds

    def boolean(self, where: str, entry: dict[str, Any], key: str) -> bool:
        value = entry.get(key, False)
        if not isinstance(value, bool):
            self.problem(where, f"{key} : doit valoir true ou false")
            return False
        return value

    def labels(self, where: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(where, "hints : doit être une liste d'identifiants")
            return ()
        if self.known_labels is not None:
            for label in value:
                if label not in self.known_labels:
                    self.problem(where, f"hints : identifiant inconnu {label!r}")
        return tuple(value)

    def patterns(self, where: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(where, "ignore : doit être une liste d'expressions régulières")
            return ()
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as error:
                self.problem(where, f"ignore : expression invalide {pattern!r} ({error})")
        return tuple(value)

    def check_unique_names(self, specs: list[SourceSpec]) -> None:
        seen: set[str] = set()
        for spec in specs:
            key = spec.name.casefold()
            if key in seen:
                self.problem(f'{KIND_WORDS[spec.kind]} "{spec.name}"', "name : nom en double")
            seen.add(key)
