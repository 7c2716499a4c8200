"""Jobs « collecte » (what is due, then classify it) and « classement » (what is left).

A collection never lets an error escape: it is logged and the next run goes
on as planned.
"""

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from veille.jobs.base import JobContext, Outcome, Tick
from veille.metrics import CLASSIFY_SECONDS, observe_collection
from veille.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)


def collect(context: JobContext, tick: Tick) -> Outcome:
    """Collect and classify; a catalogue that cannot be read is a failed run, in French."""
    from veille.errors import VeilleError

    try:
        new_ids = _collect(context.settings, context.session_factory, context.sources_path)
    except VeilleError as error:
        return Outcome(f"collecte impossible : {error}", ok=False)
    label_new_articles(context.settings, context.session_factory, new_ids)
    return Outcome(f"{len(new_ids)} nouvel(s) article(s) collecté(s) et classé(s)")


def classify(context: JobContext, tick: Tick) -> Outcome:
    from veille.labelling import label_pending

    labelled = label_pending(context.settings, context.session_factory, [])
    return Outcome(f"{labelled} article(s) en attente classé(s)")


def collect_due_sources(
    settings: Settings, session_factory: "sessionmaker[Session]", sources_path: Path
) -> list[int]:
    """One scheduled pass; returns the ids of the new articles (never raises)."""
    from veille.errors import VeilleError

    try:
        new_ids = _collect(settings, session_factory, sources_path)
    except VeilleError as error:
        logger.error("collecte planifiée impossible : %s ; nouvel essai au prochain passage", error)
        return []
    except Exception:
        logger.exception("collecte planifiée interrompue ; nouvel essai au prochain passage")
        return []
    label_new_articles(settings, session_factory, new_ids)
    return new_ids


def _collect(
    settings: Settings, session_factory: "sessionmaker[Session]", sources_path: Path
) -> list[int]:
    from db.engine import engine_of
    from veille.catalogue import load_catalogue
    from veille.labels import known_label_ids
    from veille.pipeline import collect_once
    from veille.types import Failed

    specs = load_catalogue(sources_path, known_label_ids())
    outcomes = collect_once(settings, engine_of(session_factory), specs, due_only=True)
    observe_collection(outcomes)
    new_ids = [article_id for outcome in outcomes for article_id in outcome.new_article_ids]
    failed = [outcome.source for outcome in outcomes if isinstance(outcome.value, Failed)]
    logger.info(
        "collecte planifiée : %d source(s) relevée(s), %d nouvel(s) article(s), %d échec(s)%s",
        len(outcomes),
        len(new_ids),
        len(failed),
        f" ({', '.join(failed)})" if failed else "",
    )
    return new_ids


def label_new_articles(
    settings: Settings, session_factory: "sessionmaker[Session]", article_ids: Sequence[int]
) -> None:
    """Classify the new articles and those an earlier failure left unclassified.

    Logs a failure, never raises: the scheduler goes on.
    """
    from veille.labelling import label_pending

    try:
        with CLASSIFY_SECONDS.time():
            label_pending(settings, session_factory, list(article_ids))
    except Exception:
        logger.exception("classement des %d nouvel(s) article(s) en échec", len(article_ids))
