"""Shared fixtures: the shipped corpus and one small model trained once per session.

Training on a fixed subset of the corpus keeps the suite fast while still
exercising the real training code (features, cross-validation, calibration).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from classement import Classifier, LabelledArticle, Taxonomy, load_corpus, load_taxonomy, train
from classement.records import labelled_to_json
from classement.store import save_model
from classement.train import TrainingParams

SUBSET_SIZE = 360


def fast_params() -> TrainingParams:
    """Three folds instead of five: same code paths, less time."""
    return TrainingParams(folds=3)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def corpus(taxonomy: Taxonomy) -> list[LabelledArticle]:
    return load_corpus(taxonomy)


@pytest.fixture(scope="session")
def subset(corpus: list[LabelledArticle]) -> list[LabelledArticle]:
    """Every n-th record: a deterministic sample that keeps all labels."""
    step = max(len(corpus) // SUBSET_SIZE, 1)
    return corpus[::step][:SUBSET_SIZE]


@pytest.fixture(scope="session")
def held_out(corpus: list[LabelledArticle]) -> list[LabelledArticle]:
    """Records not in ``subset``, to predict on."""
    step = max(len(corpus) // SUBSET_SIZE, 1)
    return [record for i, record in enumerate(corpus) if i % step][:200]


@pytest.fixture(scope="session")
def model(subset: list[LabelledArticle], taxonomy: Taxonomy) -> Classifier:
    return train(subset, params=fast_params(), taxonomy=taxonomy)


@pytest.fixture(scope="session")
def model_file(model: Classifier, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("modele") / "modele-0001.npz"
    save_model(model, path)
    return path


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    path.write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8"
    )
    return path


@pytest.fixture(scope="session")
def write_jsonl() -> Callable[[Path, Iterable[dict[str, Any]]], Path]:
    """Write rows as a JSON Lines file and return its path."""
    return _write_jsonl


@pytest.fixture(scope="session")
def labelled_rows() -> Callable[[Iterable[LabelledArticle]], list[dict[str, Any]]]:
    """Records as the dictionaries of a labelled JSON Lines file."""
    return lambda records: [labelled_to_json(record) for record in records]
