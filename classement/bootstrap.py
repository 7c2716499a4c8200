"""The model in use: the latest saved version, or one trained from the shipped corpus.

A clean clone has no model file. Rather than shipping a binary that would go
stale whenever the corpus changes, the first command that needs a model
trains one from ``data/corpus_*.jsonl`` (seconds) and saves it as a new
version in the model directory. Such an automatic model is a cache: when the
corpus files change, it is retrained. A model made by ``veille classify
train`` (which may hold curator labels) is never replaced silently.
"""

from __future__ import annotations

from pathlib import Path

from classement.corpus import DEFAULT_CORPUS_DIR, corpus_fingerprint, load_corpus
from classement.errors import ModelNotFound
from classement.model import Classifier
from classement.store import load_latest, save_new_version
from classement.taxonomy import load_taxonomy

AUTOMATIC = "automatic"


def load_or_train(
    directory: Path, corpus_dir: Path = DEFAULT_CORPUS_DIR
) -> tuple[Classifier, bool]:
    """The current model and whether it had to be trained now.

    A missing model, or an automatic one older than the corpus, is rebuilt;
    a corrupted file raises ModelCorrupted so that nobody silently loses a
    model trained with curator labels.
    """
    try:
        classifier = load_latest(directory)
    except ModelNotFound:
        return train_from_corpus(directory, corpus_dir), True
    if _is_stale_cache(classifier, corpus_dir):
        return train_from_corpus(directory, corpus_dir), True
    return classifier, False


def train_from_corpus(directory: Path, corpus_dir: Path = DEFAULT_CORPUS_DIR) -> Classifier:
    """Train on the shipped corpus alone and save the result as a new version."""
    from classement.train import train

    taxonomy = load_taxonomy()
    classifier = train(load_corpus(taxonomy, corpus_dir), taxonomy=taxonomy)
    classifier.info["corpus_fingerprint"] = corpus_fingerprint(corpus_dir)
    classifier.info["origin"] = AUTOMATIC
    save_new_version(classifier, directory)
    return classifier


def _is_stale_cache(classifier: Classifier, corpus_dir: Path) -> bool:
    info = classifier.info
    return info.get("origin") == AUTOMATIC and info.get("corpus_fingerprint") != corpus_fingerprint(
        corpus_dir
    )
