"""Persistence without pickle: round trip, versions, and every way a file can be bad."""

import dataclasses
import zipfile
from pathlib import Path

import numpy as np
import pytest

from classement import (
    Classifier,
    LabelledArticle,
    ModelCorrupted,
    ModelNotFound,
    learn_relevance,
    load_latest,
    load_model,
    save_model,
    save_new_version,
)
from classement.store import MODEL_NAME, model_paths

MAX_MODEL_BYTES = 20 * 1024 * 1024


def test_round_trip_is_exact(
    model: Classifier, model_file: Path, held_out: list[LabelledArticle]
) -> None:
    loaded = load_model(model_file)
    assert loaded.label_ids == model.label_ids
    assert loaded.label_kinds == model.label_kinds
    assert loaded.featuriser.word_terms == model.featuriser.word_terms
    for name in ("weights", "intercepts", "thresholds"):
        assert np.array_equal(getattr(loaded, name), getattr(model, name)), name
    assert np.array_equal(loaded.featuriser.char_buckets, model.featuriser.char_buckets)
    assert loaded.info["cross_validation"] == model.info["cross_validation"]
    articles = [record.article for record in held_out]
    assert loaded.predict(articles) == model.predict(articles)


def test_file_is_plain_arrays_and_small(model_file: Path) -> None:
    assert model_file.stat().st_size < MAX_MODEL_BYTES
    with np.load(model_file, allow_pickle=False) as data:
        for name in data.files:
            assert data[name].dtype != object, name


def test_missing_model_is_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="aucun modèle"):
        load_model(tmp_path / "absent.npz")
    with pytest.raises(ModelNotFound, match="aucun modèle"):
        load_latest(tmp_path / "empty-dir")


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: b"not a model at all",
        lambda data: b"",
        lambda data: data[:200] + bytes(500) + data[700:],
    ],
    ids=["truncated", "garbage", "empty", "overwritten"],
)
def test_corrupted_file_is_model_corrupted(model_file: Path, tmp_path: Path, damage) -> None:
    broken = tmp_path / "broken.npz"
    broken.write_bytes(damage(model_file.read_bytes()))
    with pytest.raises(ModelCorrupted, match=r"veille classify train|réentraînez|illisible"):
        load_model(broken)


def test_altered_array_is_detected_by_checksum(model_file: Path, tmp_path: Path) -> None:
    with np.load(model_file, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    arrays["thresholds"] = arrays["thresholds"] * 0
    altered = tmp_path / "altered.npz"
    np.savez_compressed(altered, **arrays)
    with pytest.raises(ModelCorrupted, match="altéré"):
        load_model(altered)


def test_a_pickle_inside_is_refused(model_file: Path, tmp_path: Path) -> None:
    evil = tmp_path / "evil.npz"
    with zipfile.ZipFile(model_file) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        np.save(tmp_path / "obj.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
        target.write(tmp_path / "obj.npy", "intruder.npy")
    with pytest.raises(ModelCorrupted):
        load_model(evil)


def test_versions_increment_and_old_ones_are_pruned(model: Classifier, tmp_path: Path) -> None:
    copy = dataclasses.replace(model, info=dict(model.info))
    for _ in range(7):
        save_new_version(copy, tmp_path)
    names = [path.name for path in model_paths(tmp_path)]
    assert names == [f"modele-{n:04d}.npz" for n in range(3, 8)]
    assert all(MODEL_NAME.match(name) for name in names)
    assert load_latest(tmp_path).info["version"] == "modele-0007"
    assert not list(tmp_path.glob("*.tmp"))


def test_save_model_replaces_atomically(model: Classifier, tmp_path: Path) -> None:
    path = tmp_path / "sub" / "model.npz"
    save_model(model, path)
    save_model(model, path)
    assert load_model(path).label_ids == model.label_ids


def test_learned_relevance_survives_the_round_trip(
    model: Classifier, tmp_path: Path, held_out: list[LabelledArticle]
) -> None:
    texts = [f"{r.article.title}\n{r.article.text}" for r in held_out[:60]]
    learned = learn_relevance(texts, [i % 2 == 0 for i in range(60)])
    assert learned is not None
    with_relevance = dataclasses.replace(model, relevance_model=learned)
    path = tmp_path / "modele.npz"
    save_model(with_relevance, path)
    loaded = load_model(path)
    assert loaded.relevance_model is not None
    assert loaded.relevance_model.terms == learned.terms
    articles = [record.article for record in held_out[60:80]]
    assert [p.relevance for p in loaded.predict(articles)] == [
        p.relevance for p in with_relevance.predict(articles)
    ]


def test_a_model_without_gate_still_loads_and_gives_every_label_past_its_threshold(
    model: Classifier, held_out: list[LabelledArticle], tmp_path: Path
) -> None:
    """Models saved before the gate existed: no gate, labels from the thresholds alone."""
    assert model.gate is not None
    path = tmp_path / "modele-0001.npz"
    save_model(dataclasses.replace(model, gate=None), path)
    loaded = load_model(path)
    assert loaded.gate is None
    articles = [record.article for record in held_out]
    for prediction in loaded.predict(articles):
        assert prediction.any_label is None
        past = {label for label, score in prediction.scores.items()
                if score >= loaded.thresholds[loaded.label_ids.index(label)] + 1e-4}  # fmt: skip
        assert past <= set(prediction.themes) | set(prediction.jobs)
