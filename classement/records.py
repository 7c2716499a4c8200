"""Articles and labelled articles, and their JSON Lines files.

Input lines hold ``{"id", "title", "text", "lang"?}``; labelled lines add
``"themes"`` and ``"jobs"`` (lists of label ids). Every error names the file
and the line so that a curator can fix the file by hand.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TextIO, TypeVar

from classement.errors import RecordError, UnknownLabel
from classement.taxonomy import Kind, Taxonomy

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Article:
    """A text to classify; ``lang`` is informative ("" when unknown)."""

    id: str
    title: str
    text: str
    lang: str = ""


@dataclass(frozen=True, slots=True)
class LabelledArticle:
    """An article with the themes and jobs a human gave it."""

    article: Article
    themes: tuple[str, ...]
    jobs: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def labels(self) -> frozenset[str]:
        return frozenset(self.themes + self.jobs)


def article_from_json(data: Mapping[str, Any]) -> Article:
    """Build an Article from a decoded line; raises ValueError on bad fields."""
    if "id" not in data or data["id"] is None or data["id"] == "":
        raise ValueError('champ "id" manquant')
    return Article(
        id=str(data["id"]),
        title=_optional_str(data, "title"),
        text=_optional_str(data, "text"),
        lang=_optional_str(data, "lang"),
    )


def labelled_from_json(data: Mapping[str, Any], taxonomy: Taxonomy) -> LabelledArticle:
    """Build a LabelledArticle; raises UnknownLabel or ValueError."""
    return LabelledArticle(
        article=article_from_json(data),
        themes=_label_list(data, "themes", "theme", taxonomy),
        jobs=_label_list(data, "jobs", "job", taxonomy),
    )


def labelled_to_json(record: LabelledArticle) -> dict[str, Any]:
    article = record.article
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "lang": article.lang,
        "themes": list(record.themes),
        "jobs": list(record.jobs),
    }


def read_articles(path: Path) -> list[Article]:
    """Read an input file of articles (labels, if any, are ignored)."""
    return [_parse(path, number, data, article_from_json) for number, data in _lines(path)]


def read_labelled(path: Path, taxonomy: Taxonomy) -> list[LabelledArticle]:
    """Read a labelled file; unknown label ids raise RecordError naming the line."""
    return [
        _parse(path, number, data, lambda d: labelled_from_json(d, taxonomy))
        for number, data in _lines(path)
    ]


def write_jsonl(rows: Iterable[Mapping[str, Any]], stream: IO[str]) -> int:
    """Write one compact UTF-8 JSON object per line; returns the count."""
    count = 0
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        handle = path.open(encoding="utf-8")
    except OSError as e:
        raise RecordError(f"{path} : lecture impossible ({e.strerror or e})") from e
    with handle:
        for number, line in enumerate(_decoded(path, handle), 1):
            if line.strip():
                yield number, _decode_line(path, number, line)


def _decoded(path: Path, handle: TextIO) -> Iterator[str]:
    try:
        yield from handle
    except UnicodeDecodeError as e:
        raise RecordError(f"{path} : le fichier n'est pas en UTF-8 ({e.reason})") from e


def _decode_line(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as e:
        raise RecordError(f"{path}, ligne {number} : JSON invalide ({e.msg})") from e
    if not isinstance(data, dict):
        raise RecordError(f"{path}, ligne {number} : un objet JSON est attendu")
    return data


def _parse(
    path: Path, number: int, data: dict[str, Any], build: Callable[[dict[str, Any]], T]
) -> T:
    try:
        return build(data)
    except (UnknownLabel, ValueError) as e:
        raise RecordError(f"{path}, ligne {number} : {e}") from e


def _optional_str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f'le champ "{key}" doit être une chaîne')
    return value


def _label_list(
    data: Mapping[str, Any], key: str, kind: Kind, taxonomy: Taxonomy
) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f'le champ "{key}" doit être une liste d\'identifiants')
    return tuple(dict.fromkeys(taxonomy.validate(value, kind)))
