"""The background jobs of ``veille serve``: collect what is due, then label it.

``build_scheduler`` only wires functions of the pipeline and the classifier
to APScheduler; it holds no logic of its own. A job never lets an error
escape: it is logged and the next run goes on as planned.
"""

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

from veille.durations import parse_duration
from veille.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)
COLLECT_JOB = "collecte"


def build_scheduler(
    settings: Settings,
    session_factory: "sessionmaker[Session]",
    *,
    sources_path: Path | None = None,
    start_now: bool = True,
) -> BackgroundScheduler:
    """A scheduler, not started, with one job: collect what is due every VEILLE_COLLECT_EVERY."""
    scheduler = BackgroundScheduler(timezone=settings.timezone)
    scheduler.add_job(
        collect_due_sources,
        "interval",
        seconds=parse_duration(settings.collect_every).total_seconds(),
        args=(settings, session_factory, sources_path or Path(settings.sources)),
        id=COLLECT_JOB,
        name="Collecte des sources dues et classement des nouveaux articles",
        next_run_time=datetime.now(UTC) if start_now else None,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )
    return scheduler


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
    from veille.catalogue import load_catalogue
    from veille.labels import known_label_ids
    from veille.pipeline import collect_once
    from veille.types import Failed

    specs = load_catalogue(sources_path, known_label_ids())
    outcomes = collect_once(settings, session_factory, specs, due_only=True)
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
        label_pending(settings, session_factory, list(article_ids))
    except Exception:
        logger.exception("classement des %d nouvel(s) article(s) en échec", len(article_ids))
