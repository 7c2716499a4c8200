"""Training from the database: the shipped corpus plus what the curators labelled.

Used by ``veille classify train`` and by the weekly retraining job. The
curators' labels are summed up in a fingerprint saved with each model, so
the job knows whether anything changed since the last model.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from classement import Article, Classifier, LabelledArticle
from db.engine import session_scope
from db.repos.labels import CuratedArticle, curated_articles, curation_decisions


@dataclass(frozen=True, slots=True)
class CuratorData:
    records: list[LabelledArticle]
    decisions: tuple[list[str], list[bool]]
    fingerprint: str


def curator_data(session_factory: "sessionmaker[Session]", taxonomy: Any) -> CuratorData:
    """Curator-labelled articles (as training records), curation decisions, fingerprint."""
    with session_scope(session_factory) as session:
        curated = curated_articles(session)
        decisions = curation_decisions(session)
    known = set(taxonomy.ids)
    records = [_record(c, known) for c in curated]
    return CuratorData(
        records,
        ([text for text, _ in decisions], [chosen for _, chosen in decisions]),
        fingerprint(curated),
    )


def _record(curated: CuratedArticle, known: set[str]) -> LabelledArticle:
    article = curated.article
    labels = curated.labels
    return LabelledArticle(
        article=Article(str(article.id), article.title, article.text, article.language),
        themes=tuple(label for label, kind in labels.items() if kind == "theme" and label in known),
        jobs=tuple(label for label, kind in labels.items() if kind == "job" and label in known),
    )


def fingerprint(curated: list[CuratedArticle]) -> str:
    """A digest of every curator label: equal digests, nothing to learn anew."""
    rows = sorted((c.article.id, sorted(c.labels.items())) for c in curated)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


def cv_score(classifier: Classifier) -> float | None:
    """Mean of the themes' and jobs' macro-F1 in cross-validation, when recorded."""
    cv = classifier.info.get("cross_validation")
    if not isinstance(cv, dict):
        return None
    try:
        return (float(cv["themes"]["macro_f1"]) + float(cv["jobs"]["macro_f1"])) / 2
    except (KeyError, TypeError, ValueError):
        return None


def latest(directory: Path) -> Classifier | None:
    from classement import latest_model_path, load_model
    from classement.errors import ClassementError

    try:
        return load_model(latest_model_path(directory))
    except ClassementError:
        return None
