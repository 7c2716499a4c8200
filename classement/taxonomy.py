"""The taxonomy of themes and jobs, read from ``taxonomy.toml``.

Adding a label means editing that file and adding training examples: the rest
of the package iterates over ``Taxonomy.labels`` and never names a label.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from classement.errors import TaxonomyError, UnknownLabel

Kind = Literal["theme", "job"]
KINDS: tuple[Kind, ...] = ("theme", "job")
DEFAULT_TAXONOMY_PATH = Path(__file__).with_name("taxonomy.toml")
_REQUIRED = ("id", "kind", "label", "description", "keywords_fr", "keywords_en")


@dataclass(frozen=True, slots=True)
class Label:
    """One theme or job of the taxonomy."""

    id: str
    kind: Kind
    label: str
    description: str
    keywords_fr: tuple[str, ...]
    keywords_en: tuple[str, ...]

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.keywords_fr + self.keywords_en


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The ordered labels; themes come first, then jobs, as in the file."""

    labels: tuple[Label, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(label.id for label in self.labels)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        return self.ids_of("theme")

    @property
    def job_ids(self) -> tuple[str, ...]:
        return self.ids_of("job")

    def ids_of(self, kind: Kind) -> tuple[str, ...]:
        return tuple(label.id for label in self.labels if label.kind == kind)

    def get(self, label_id: str) -> Label:
        for label in self.labels:
            if label.id == label_id:
                return label
        raise UnknownLabel(f"étiquette inconnue : {label_id!r} (connues : {', '.join(self.ids)})")

    def validate(self, label_ids: Iterable[str], kind: Kind | None = None) -> tuple[str, ...]:
        """Return the ids unchanged, or raise UnknownLabel for the first bad one."""
        allowed = self.ids if kind is None else self.ids_of(kind)
        checked = tuple(label_ids)
        for label_id in checked:
            if label_id not in allowed:
                what = "étiquette" if kind is None else f"étiquette de type {kind}"
                raise UnknownLabel(
                    f"{what} inconnue : {label_id!r} (connues : {', '.join(allowed)})"
                )
        return checked


def load_taxonomy(path: Path = DEFAULT_TAXONOMY_PATH) -> Taxonomy:
    """Read and check a taxonomy file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise TaxonomyError(f"taxonomie illisible ({path}) : {e}") from e
    entries = data.get("label")
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"taxonomie sans [[label]] : {path}")
    labels = tuple(_parse_label(entry, number) for number, entry in enumerate(entries, 1))
    _check_unique(labels)
    return Taxonomy(labels=tuple(sorted(labels, key=lambda lab: KINDS.index(lab.kind))))


def _parse_label(entry: dict[str, object], number: int) -> Label:
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise TaxonomyError(f"[[label]] n°{number} : champ(s) manquant(s) {', '.join(missing)}")
    kind = entry["kind"]
    if kind not in KINDS:
        raise TaxonomyError(f"[[label]] n°{number} : kind doit valoir theme ou job, pas {kind!r}")
    return Label(
        id=str(entry["id"]),
        kind=kind,
        label=str(entry["label"]),
        description=str(entry["description"]),
        keywords_fr=_strings(entry["keywords_fr"]),
        keywords_en=_strings(entry["keywords_en"]),
    )


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise TaxonomyError(f"liste de mots-clés attendue, pas {value!r}")
    return tuple(str(item) for item in value)


def _check_unique(labels: tuple[Label, ...]) -> None:
    seen: set[str] = set()
    for label in labels:
        if label.id in seen:
            raise TaxonomyError(f"identifiant d'étiquette en double : {label.id!r}")
        seen.add(label.id)
