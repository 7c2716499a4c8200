"""The model used by default: trained on first use, retrained when the corpus changes."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from classement import LabelledArticle, load_or_train, save_new_version
from classement.store import model_paths


def test_first_use_trains_then_reuses_then_follows_the_corpus(
    tmp_path: Path,
    subset: list[LabelledArticle],
    write_jsonl: Callable[..., Any],
    labelled_rows: Callable[..., Any],
) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "corpus_a.jsonl", labelled_rows(subset[:150]))
    models = tmp_path / "modeles"

    first, trained = load_or_train(models, corpus_dir)
    assert trained and first.info["origin"] == "automatic"
    again, trained_again = load_or_train(models, corpus_dir)
    assert not trained_again and again.info["version"] == first.info["version"]

    write_jsonl(corpus_dir / "corpus_b.jsonl", labelled_rows(subset[150:200]))
    updated, retrained = load_or_train(models, corpus_dir)
    assert retrained and updated.info["n_examples"] == 200
    assert [path.name for path in model_paths(models)] == ["modele-0001.npz", "modele-0002.npz"]


def test_a_trained_model_is_not_replaced_silently(
    tmp_path: Path,
    subset: list[LabelledArticle],
    write_jsonl: Callable[..., Any],
    labelled_rows: Callable[..., Any],
) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_jsonl(corpus_dir / "corpus_a.jsonl", labelled_rows(subset[:150]))
    models = tmp_path / "modeles"
    first, _ = load_or_train(models, corpus_dir)
    first.info["origin"] = "train"
    save_new_version(first, models)
    write_jsonl(corpus_dir / "corpus_b.jsonl", labelled_rows(subset[150:200]))
    current, retrained = load_or_train(models, corpus_dir)
    assert not retrained and current.info["version"] == "modele-0002"
