"""Lemmas of accent-folded words, from simplemma's French and English dictionaries.

The features are computed on folded text (``données`` → ``donnees``), so the
dictionaries are folded the same way once, at training time: a surface form
maps to the lemma of its first folded entry (French first). A model keeps only
the forms whose lemma is in its vocabulary, as two arrays of token keys, so
prediction stays a numpy lookup and never calls simplemma.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np

from classement._hashing import KeyArray, token_keys, tokens
from classement.text import fold

LANGUAGES = ("fr", "en")


@cache
def folded_lemmas() -> dict[str, str]:
    """Folded surface form → folded lemma, where they differ (both single tokens)."""
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    factory = DefaultDictionaryFactory()
    lemmas: dict[str, str] = {}
    for language in LANGUAGES:
        entries = list(factory.get_dictionary(language).items())
        surfaces = fold("\n".join(k for k, _ in entries)).split("\n")
        heads = fold("\n".join(str(v) for _, v in entries)).split("\n")
        for surface, lemma in zip(surfaces, heads, strict=True):
            if surface != lemma and surface not in lemmas and _one_token(surface, lemma):
                lemmas[surface] = lemma
    return lemmas


def _one_token(surface: str, lemma: str) -> bool:
    return tokens(surface) == [surface] and tokens(lemma) == [lemma] and len(lemma) >= 2


def lemma_table(vocabulary: Iterable[str]) -> tuple[KeyArray, KeyArray]:
    """(surface keys sorted, lemma keys) for the forms whose lemma is a vocabulary term."""
    known = set(vocabulary)
    pairs = sorted((s, lemma) for s, lemma in folded_lemmas().items() if lemma in known)
    if not pairs:
        return empty_table()
    surfaces = token_keys([s for s, _ in pairs])
    order = np.argsort(surfaces, kind="stable")
    return surfaces[order], token_keys([lemma for _, lemma in pairs])[order]


def empty_table() -> tuple[KeyArray, KeyArray]:
    return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.uint64)


def remap(keys: KeyArray, table: tuple[KeyArray, KeyArray]) -> KeyArray:
    """Replace the keys of known surface forms by their lemma's key."""
    surfaces, lemmas = table
    if not len(surfaces) or not len(keys):
        return keys
    position = np.minimum(np.searchsorted(surfaces, keys), len(surfaces) - 1)
    found = surfaces[position] == keys
    return np.where(found, lemmas[position], keys)
