"""Search over the articles' title, summary and full text, insensitive to accents and case.

    query "données personnelles" algo*  ->  terms: a phrase, a prefix
    SQLite:     articles_search MATCH '"données personnelles" "algo"*'
                (FTS5, unicode61 remove_diacritics 2, triggers keep it in step)
    PostgreSQL: to_tsvector('simple', veille_unaccent(document))
                @@ to_tsquery('simple', veille_unaccent('(données <-> personnelles) & algo:*'))
                (a GIN index on the same expression; see migration 0007)

Only letters and digits of the query reach the database, inside quotes or
operators built here: no search syntax of the user's is ever interpreted.
"""

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, and_, column, text

from db.models import Article

SEARCH_TABLE = "articles_search"
POSTGRES_DOCUMENT = (
    "to_tsvector('simple'::regconfig, veille_unaccent(coalesce(title, '') || ' ' || "
    "coalesce(summary_html, '') || ' ' || coalesce(full_text, '')))"
)
_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
MAX_TERMS = 12


@dataclass(frozen=True, slots=True)
class Term:
    """Words to find together (a phrase when several), the last one as a prefix or not."""

    words: tuple[str, ...]
    prefix: bool = False


def parse_query(query: str) -> list[Term]:
    """Phrases in double quotes, prefixes ending in ``*``, other words each on their own."""
    terms: list[Term] = []
    for quoted, bare in _TERM.findall(query):
        if quoted:
            phrase = tuple(_WORD.findall(quoted))
            terms.extend([Term(phrase)] if phrase else [])
            continue
        words = _WORD.findall(bare)
        prefix = bare.endswith("*")
        terms.extend(Term((word,), prefix and i == len(words) - 1) for i, word in enumerate(words))
    return terms[:MAX_TERMS]


def sqlite_match(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        part = '"' + " ".join(term.words) + '"'
        parts.append(part + "*" if term.prefix else part)
    return " ".join(parts)


def postgres_tsquery(terms: list[Term]) -> str:
    parts = []
    for term in terms:
        words = [*term.words[:-1], term.words[-1] + (":*" if term.prefix else "")]
        parts.append("(" + " <-> ".join(words) + ")")
    return " & ".join(parts)


def matches(dialect: str, query: str) -> ColumnElement[bool] | None:
    """A condition on ``Article`` for ``query``; None when the query holds no word."""
    terms = parse_query(query)
    if not terms:
        return None
    if dialect == "sqlite":
        found = text(f"SELECT rowid FROM {SEARCH_TABLE} WHERE {SEARCH_TABLE} MATCH :match")
        ids = found.bindparams(match=sqlite_match(terms)).columns(column("rowid", Integer))
        return Article.id.in_(ids)
    if dialect == "postgresql":
        condition = text(
            f"{POSTGRES_DOCUMENT} @@ to_tsquery('simple'::regconfig, veille_unaccent(:tsquery))"
        ).bindparams(tsquery=postgres_tsquery(terms))
        return and_(condition)
    raise ValueError(f"recherche non prise en charge pour {dialect}")


def is_search_object(name: str | None) -> bool:
    """The FTS5 table, its shadow tables and the PostgreSQL index: no model describes them."""
    return bool(name) and str(name).startswith(SEARCH_TABLE)
