"""Saving and loading models without pickle, and the versioned model directory.

A model is one ``.npz`` file written by numpy and read with
``allow_pickle=False``: plain numeric arrays, the vocabulary as UTF-8 bytes,
and a JSON metadata document (format version, labels, feature parameters,
training information and a SHA-256 of every array). Nothing in the file can
execute code when loaded, and any alteration is detected and reported.

The directory (setting ``VEILLE_MODEL_DIR``) holds ``modele-0001.npz``,
``modele-0002.npz``…; the highest number is the current model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classement.errors import ModelCorrupted, ModelNotFound
from classement.features import FeatureParams, Featuriser
from classement.model import Classifier, Gate
from classement.relevance import RelevanceModel
from classement.text import NORMALISATION_VERSION

FORMAT = "veille-classement"
FORMAT_VERSION = 1
MODEL_NAME = re.compile(r"^modele-(\d{4,})\.npz$")
KEEP_VERSIONS = 5

Arrays = dict[str, npt.NDArray[Any]]


def save_model(classifier: Classifier, path: Path) -> None:
    """Write atomically: a reader never sees a half-written model."""
    arrays = _arrays(classifier)
    metadata = _metadata(classifier, arrays)
    arrays["metadata"] = _encode_text(json.dumps(metadata, ensure_ascii=False))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            np.savez_compressed(stream, **arrays)  # type: ignore[arg-type]  # numpy stub confuses **kwds
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)


def load_model(path: Path) -> Classifier:
    """Read a model file; ModelNotFound or ModelCorrupted with a French message."""
    if not path.is_file():
        raise ModelNotFound(f"aucun modèle à l'emplacement {path}")
    arrays = _read_arrays(path)
    metadata = _read_metadata(path, arrays)
    try:
        return _classifier(arrays, metadata)
    except (KeyError, ValueError, TypeError, IndexError) as e:
        raise ModelCorrupted(f"modèle incohérent ({path}) : {e}") from e


def model_paths(directory: Path) -> list[Path]:
    """Saved versions, oldest first."""
    if not directory.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in directory.iterdir() if (m := MODEL_NAME.match(p.name))]
    return [path for _, path in sorted(found)]


def latest_model_path(directory: Path) -> Path:
    paths = model_paths(directory)
    if not paths:
        raise ModelNotFound(f"aucun modèle dans le dossier {directory}")
    return paths[-1]


def load_latest(directory: Path) -> Classifier:
    return load_model(latest_model_path(directory))


def save_new_version(classifier: Classifier, directory: Path) -> Path:
    """Save as the next ``modele-NNNN.npz`` and keep only the last few versions."""
    paths = model_paths(directory)
    number = int(MODEL_NAME.match(paths[-1].name).group(1)) + 1 if paths else 1  # type: ignore[union-attr]
    classifier.info["version"] = f"modele-{number:04d}"
    path = directory / f"modele-{number:04d}.npz"
    save_model(classifier, path)
    for old in model_paths(directory)[:-KEEP_VERSIONS]:
        old.unlink(missing_ok=True)
    return path


_NO_KEYS = np.empty(0, dtype=np.uint64)


def _arrays(classifier: Classifier) -> Arrays:
    featuriser = classifier.featuriser
    arrays: Arrays = {
        "word_terms": _encode_text("\n".join(featuriser.word_terms)),
        "word_idf": featuriser.word_idf,
        "char_buckets": featuriser.char_buckets.astype(np.int32),
        "char_idf": featuriser.char_idf,
        "lemma_surfaces": featuriser.lemma_table[0],
        "lemma_keys": featuriser.lemma_table[1],
        "weights": classifier.weights.astype(np.float32),
        "intercepts": classifier.intercepts.astype(np.float32),
        "thresholds": classifier.thresholds.astype(np.float32),
    }
    if classifier.gate is not None:
        arrays["gate_weights"] = classifier.gate.weights.astype(np.float32)
        arrays["gate_thresholds"] = classifier.gate.thresholds.astype(np.float32)
    relevance = classifier.relevance_model
    if relevance is not None:
        arrays["relevance_terms"] = _encode_text("\n".join(relevance.terms))
        arrays["relevance_idf"] = relevance.idf
        arrays["relevance_weights"] = relevance.weights
    return arrays


def _metadata(classifier: Classifier, arrays: Arrays) -> dict[str, Any]:
    relevance = classifier.relevance_model
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "normalisation_version": NORMALISATION_VERSION,
        "labels": [
            {"id": label, "kind": kind}
            for label, kind in zip(classifier.label_ids, classifier.label_kinds, strict=True)
        ],
        "feature_params": asdict(classifier.featuriser.params),
        "relevance": None
        if relevance is None
        else {
            "intercept": relevance.intercept,
            "n_selected": relevance.n_selected,
            "n_rejected": relevance.n_rejected,
        },
        "gate": None if classifier.gate is None else {"intercept": classifier.gate.intercept},
        "info": classifier.info,
        "checksums": {name: _checksum(array) for name, array in sorted(arrays.items())},
    }


def _read_arrays(path: Path) -> Arrays:
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("ce n'est pas une archive .npz")
        with data:
            return {name: data[name] for name in data.files}
    except Exception as e:
        # numpy's header parser can raise SyntaxError, tokenize errors, zlib or zip
        # errors… on a damaged file: whatever the cause, the file is unusable.
        raise ModelCorrupted(
            f"fichier de modèle illisible ({path}) : {e} ; relancez `veille classify train`"
        ) from e


def _read_metadata(path: Path, arrays: Arrays) -> dict[str, Any]:
    try:
        metadata = json.loads(_decode_text(arrays.pop("metadata")))
    except (KeyError, ValueError, UnicodeDecodeError) as e:
        raise ModelCorrupted(f"métadonnées du modèle absentes ou illisibles ({path})") from e
    if metadata.get("format") != FORMAT or metadata.get("format_version") != FORMAT_VERSION:
        raise ModelCorrupted(f"{path} n'est pas un modèle de ce format (version {FORMAT_VERSION})")
    if metadata.get("normalisation_version") != NORMALISATION_VERSION:
        raise ModelCorrupted(f"{path} a été entraîné avec une autre normalisation ; réentraînez")
    expected = metadata.get("checksums", {})
    actual = {name: _checksum(array) for name, array in sorted(arrays.items())}
    if expected != actual:
        raise ModelCorrupted(f"{path} a été altéré (sommes de contrôle différentes) ; réentraînez")
    return dict(metadata)


def _classifier(arrays: Arrays, metadata: dict[str, Any]) -> Classifier:
    params = metadata["feature_params"]
    if params.get("char_ngrams") is not None:
        params["char_ngrams"] = tuple(params["char_ngrams"])
    featuriser = Featuriser(
        params=FeatureParams(**params),
        word_terms=_split_terms(arrays["word_terms"]),
        word_idf=arrays["word_idf"].astype(np.float32),
        char_buckets=arrays["char_buckets"].astype(np.int64),
        char_idf=arrays["char_idf"].astype(np.float32),
        lemma_table=(
            arrays.get("lemma_surfaces", _NO_KEYS).astype(np.uint64),
            arrays.get("lemma_keys", _NO_KEYS).astype(np.uint64),
        ),
    )
    weights = arrays["weights"]
    if weights.shape != (featuriser.n_features, len(metadata["labels"])):
        raise ValueError(f"poids de forme {weights.shape} inattendue")
    return Classifier(
        label_ids=tuple(label["id"] for label in metadata["labels"]),
        label_kinds=tuple(label["kind"] for label in metadata["labels"]),
        featuriser=featuriser,
        weights=weights,
        intercepts=arrays["intercepts"],
        thresholds=arrays["thresholds"],
        info=metadata["info"],
        relevance_model=_relevance(arrays, metadata["relevance"]),
        gate=_gate(arrays, metadata.get("gate"), weights.shape),
    )


def _gate(arrays: Arrays, meta: dict[str, Any] | None, shape: tuple[int, ...]) -> Gate | None:
    """The gate, if the model has one (models saved before it had none)."""
    if meta is None:
        return None
    gate = Gate(arrays["gate_weights"], float(meta["intercept"]), arrays["gate_thresholds"])
    if gate.weights.shape != shape[:1] or gate.thresholds.shape != shape[1:]:
        raise ValueError("filtre des articles sans étiquette de forme inattendue")
    return gate


def _relevance(arrays: Arrays, meta: dict[str, Any] | None) -> RelevanceModel | None:
    if meta is None:
        return None
    return RelevanceModel(
        terms=tuple(_split_terms(arrays["relevance_terms"])),
        idf=arrays["relevance_idf"],
        weights=arrays["relevance_weights"],
        intercept=float(meta["intercept"]),
        n_selected=int(meta["n_selected"]),
        n_rejected=int(meta["n_rejected"]),
    )


def _encode_text(text: str) -> npt.NDArray[np.uint8]:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _decode_text(array: npt.NDArray[Any]) -> str:
    if array.dtype != np.uint8:
        raise ValueError("texte attendu en octets")
    return array.tobytes().decode("utf-8")


def _split_terms(array: npt.NDArray[Any]) -> list[str]:
    text = _decode_text(array)
    return text.split("\n") if text else []


def _checksum(array: npt.NDArray[Any]) -> str:
    digest = hashlib.sha256(str(array.dtype).encode() + str(array.shape).encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()
