"""The training corpus shipped with the package: every ``data/corpus_*.jsonl``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from classement.records import LabelledArticle, read_labelled
from classement.taxonomy import Taxonomy

DEFAULT_CORPUS_DIR = Path(__file__).with_name("data")
CORPUS_GLOB = "corpus_*.jsonl"


def corpus_files(directory: Path = DEFAULT_CORPUS_DIR) -> list[Path]:
    return sorted(directory.glob(CORPUS_GLOB))


def load_corpus(taxonomy: Taxonomy, directory: Path = DEFAULT_CORPUS_DIR) -> list[LabelledArticle]:
    """All labelled examples, file by file in name order; ids must be unique."""
    records: list[LabelledArticle] = []
    for path in corpus_files(directory):
        records.extend(read_labelled(path, taxonomy))
    return records


def corpus_fingerprint(directory: Path = DEFAULT_CORPUS_DIR) -> str:
    """A digest of the corpus files, stored in models to tell when they are stale."""
    digest = hashlib.sha256()
    for path in corpus_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
