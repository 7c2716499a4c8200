"""The held-out set of real articles measures the model only if training never sees it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from classement import LabelledArticle, Taxonomy
from classement.corpus import DEFAULT_CORPUS_DIR, corpus_files
from classement.records import read_labelled
from veille.collect.normalise import canonical_url

HOLDOUT = DEFAULT_CORPUS_DIR.parent / "eval" / "holdout_real.jsonl"


def _rows(paths: list[Path]) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in paths
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _address(url: str) -> str:
    """The collector's canonical address, without scheme or ``www.``: one page, however written."""
    canonical = canonical_url(url) or url
    return canonical.split("://", 1)[-1].removeprefix("www.")


@pytest.fixture(scope="module")
def held_out(taxonomy: Taxonomy) -> list[LabelledArticle]:
    return read_labelled(HOLDOUT, taxonomy)


def test_training_never_reads_the_held_out_set(
    corpus: list[LabelledArticle], held_out: list[LabelledArticle]
) -> None:
    assert HOLDOUT not in corpus_files()
    assert len(held_out) >= 300
    assert not {r.article.id for r in corpus} & {r.article.id for r in held_out}


def test_held_out_articles_are_not_in_the_corpus() -> None:
    corpus = _rows(corpus_files())
    held_out = _rows([HOLDOUT])
    corpus_addresses = {_address(r["source_url"]) for r in corpus if r.get("source_url")}
    corpus_titles = {r["title"].casefold() for r in corpus}
    assert all(r["source_url"] for r in held_out)
    assert not {_address(r["source_url"]) for r in held_out} & corpus_addresses
    assert not {r["title"].casefold() for r in held_out} & corpus_titles


def test_articles_not_about_ai_carry_no_label() -> None:
    """The convention of the real press, which the held-out set follows."""
    rows = _rows([HOLDOUT])
    outside = [r for r in rows if not r["about_ai"]]
    assert outside, "the set keeps some articles not about AI"
    assert all(not r["themes"] and not r["jobs"] for r in outside)
