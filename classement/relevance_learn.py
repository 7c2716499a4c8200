"""Learning the relevance score from curators' selections and rejections."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from classement.features import FeatureParams, WordVocabulary, fit_word_vocabulary, word_tfidf
from classement.relevance import MIN_DECISIONS_PER_CLASS, RelevanceModel
from classement.text import normalise_batch


def learn_relevance(
    texts: Sequence[str],
    selected: Sequence[bool],
    min_per_class: int = MIN_DECISIONS_PER_CLASS,
    random_state: int = 0,
) -> RelevanceModel | None:
    """A model of P(selected | text), or None while decisions are too few.

    ``texts`` are raw article texts (title and body joined); ``selected`` says,
    for each, whether curators kept it (True) or rejected it (False).
    """
    from sklearn.linear_model import LogisticRegression

    if len(texts) != len(selected):
        raise ValueError("texts et selected doivent avoir la même longueur")
    labels = np.asarray(selected, dtype=bool)
    n_selected = int(labels.sum())
    if min(n_selected, len(labels) - n_selected) < min_per_class:
        return None
    docs = normalise_batch([("", text) for text in texts])
    terms, idf = fit_word_vocabulary(docs, FeatureParams(min_df=2, max_word_features=20_000))
    features = word_tfidf(docs, WordVocabulary(terms, bigrams=True), idf)
    model = LogisticRegression(
        C=2.0, class_weight="balanced", max_iter=1000, random_state=random_state
    )
    model.fit(features, labels)
    return RelevanceModel(
        terms=tuple(terms),
        idf=idf,
        weights=model.coef_[0].astype(np.float32),
        intercept=float(model.intercept_[0]),
        n_selected=n_selected,
        n_rejected=len(labels) - n_selected,
    )
