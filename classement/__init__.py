"""Classement: tags articles with risk themes and jobs, and scores their relevance.

Pure machine learning on texts: no database, no network. Typical use::

    from classement import load_or_train
    classifier, _ = load_or_train(Path("modeles"))
    for prediction in classifier.predict(articles):
        print(prediction.themes, prediction.jobs, prediction.explanations)
"""

from classement.bootstrap import load_or_train, train_from_corpus
from classement.corpus import load_corpus
from classement.errors import (
    ClassementError,
    ModelCorrupted,
    ModelError,
    ModelNotFound,
    RecordError,
    TaxonomyError,
    TrainingError,
    UnknownLabel,
)
from classement.evaluate import EvaluationReport, evaluate
from classement.model import Classifier, Prediction
from classement.records import Article, LabelledArticle, read_articles, read_labelled
from classement.relevance_learn import learn_relevance
from classement.store import (
    latest_model_path,
    load_latest,
    load_model,
    save_model,
    save_new_version,
)
from classement.taxonomy import Label, Taxonomy, load_taxonomy
from classement.train import TrainingParams, train

__all__ = [
    "Article",
    "ClassementError",
    "Classifier",
    "EvaluationReport",
    "Label",
    "LabelledArticle",
    "ModelCorrupted",
    "ModelError",
    "ModelNotFound",
    "Prediction",
    "RecordError",
    "Taxonomy",
    "TaxonomyError",
    "TrainingError",
    "TrainingParams",
    "UnknownLabel",
    "evaluate",
    "latest_model_path",
    "learn_relevance",
    "load_corpus",
    "load_latest",
    "load_model",
    "load_or_train",
    "load_taxonomy",
    "read_articles",
    "read_labelled",
    "save_model",
    "save_new_version",
    "train",
    "train_from_corpus",
]
