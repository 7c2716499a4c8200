"""The training corpus shipped with the package (every ``data/corpus_*.jsonl``), and
the examples drawn from the taxonomy itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from classement.records import Article, LabelledArticle, read_labelled
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


def taxonomy_examples(taxonomy: Taxonomy) -> list[LabelledArticle]:
    """Three short examples per label from ``taxonomy.toml``: its description, its
    French keywords, its English keywords, each under the label's name.

    They put the workshops' own words into the vocabulary and the weights even
    where the written examples use other words for the same subject.
    """
    examples = []
    for label in taxonomy.labels:
        texts = {
            "description": label.description,
            "mots-cles-fr": ", ".join(label.keywords_fr),
            "mots-cles-en": ", ".join(label.keywords_en),
        }
        for part, text in texts.items():
            if not text:
                continue
            article = Article(id=f"taxonomie-{label.id}-{part}", title=label.label, text=text)
            themes, jobs = ((label.id,), ()) if label.kind == "theme" else ((), (label.id,))
            examples.append(LabelledArticle(article=article, themes=themes, jobs=jobs))
    return examples
