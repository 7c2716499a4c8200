"""Classifying stored articles: where the classifier meets the database.

Used by ``veille collect`` and the scheduler (new articles) and by ``veille
classify reclassify`` (articles since a date)::

    classifier = latest model in VEILLE_MODEL_DIR (trained from the corpus on first use)
    for each batch of articles:
        predictions = classifier.predict(texts)            # classement: pure
        replace the model's label rows, relevance, date    # db.repos.labels; curator rows untouched
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from classement import Article, Classifier, Prediction, load_or_train
from db.engine import session_scope
from db.repos.labels import (
    ArticleText,
    ModelLabel,
    articles_by_ids,
    articles_collected_since,
    replace_model_labels,
    unclassified_article_ids,
)
from veille.settings import Settings

BATCH = 1000


def current_classifier(settings: Settings) -> Classifier:
    """The latest saved model; one is trained from the shipped corpus if there is none."""
    classifier, _trained = load_or_train(Path(settings.model_dir))
    return classifier


def label_articles(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    article_ids: Sequence[int],
    classifier: Classifier | None = None,
) -> int:
    """Classify the given articles; returns how many were labelled."""
    classifier = classifier or current_classifier(settings)
    done = 0
    for start in range(0, len(article_ids), BATCH):
        with session_scope(session_factory) as session:
            texts = articles_by_ids(session, article_ids[start : start + BATCH])
            store_predictions(session, classifier, texts, settings.uncertain_band)
            done += len(texts)
    return done


def label_pending(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    article_ids: Sequence[int] = (),
) -> int:
    """Classify the given articles and any left unclassified by an earlier failure."""
    with session_scope(session_factory) as session:
        pending = set(unclassified_article_ids(session))
    ids = sorted(pending | set(article_ids))
    return label_articles(settings, session_factory, ids) if ids else 0


def relabel_since(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    since: datetime,
    classifier: Classifier | None = None,
) -> int:
    """Classify again every article collected since ``since``; returns the count."""
    with session_scope(session_factory) as session:
        ids = [text.id for text in articles_collected_since(session, since)]
    return label_articles(settings, session_factory, ids, classifier)


def store_predictions(
    session: Session, classifier: Classifier, texts: Sequence[ArticleText], band: float
) -> None:
    """Predict a batch and write the model's labels of each article.

    A kept label whose probability is within ``band`` of its threshold is
    stored as uncertain, for the curators to check.
    """
    articles = [Article(str(t.id), t.title, t.text, t.language) for t in texts]
    version = str(classifier.info.get("version", "inconnue"))
    now = datetime.now(UTC)
    predictions = classifier.predict(articles, band=band)
    for text, prediction in zip(texts, predictions, strict=True):
        labels = _model_labels(classifier, prediction)
        replace_model_labels(session, text.id, labels, version, prediction.relevance, now)


def _model_labels(classifier: Classifier, prediction: Prediction) -> list[ModelLabel]:
    kinds = dict(zip(classifier.label_ids, classifier.label_kinds, strict=True))
    return [
        ModelLabel(
            label=label,
            kind=kinds[label],
            score=prediction.scores[label],
            explanation=list(prediction.explanations.get(label, ())),
            uncertain=label in prediction.uncertain,
        )
        for label in (*prediction.themes, *prediction.jobs)
    ]
