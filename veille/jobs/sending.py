"""Send an edition once: from the web (now or at a time) or from the weekly « envoi » job.

    ask      the edition's send row (db.repos.sends): now, or at a time
    claim    one conditional UPDATE: a single process gets it (two clicks, two
             tabs, the web and the scheduler: the others get nothing)
    deliver  newsletter.sending.send_edition, as ``veille newsletter send``
             does: each message claimed in the delivery log, never sent twice
    finish   the report kept on the row (sent, failed with reasons, skipped…)

A send asked for a later time waits for ``run_due``, which the scheduler of
``veille serve`` or ``veille worker`` calls every minute (``scheduler.SENDS_JOB``).
"""

import logging
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from db.engine import session_scope
from db.repos import sends
from veille.jobs.base import JobContext, Outcome
from veille.metrics import DELIVERIES

if TYPE_CHECKING:
    from newsletter.content import EditionContent
    from newsletter.sending import SendReport

logger = logging.getLogger(__name__)
# A run older than this without an end belongs to a process that died.
STALE_SEND = timedelta(hours=6)
REPORTED_ERRORS = 200


def deliver(context: JobContext, content: "EditionContent", now: datetime) -> "SendReport":
    """The CLI's and the scheduler's send: every subscriber not yet sent to, by SMTP."""
    from newsletter.sending import Composer, Planner, send_edition
    from veille.newsletter_config import renderer, send_options, signer, smtp_sender

    settings = context.settings
    options = send_options(settings)
    composer = Composer(Planner(content, options), renderer(settings), signer(settings), options)
    return send_edition(context.session_factory, content, composer, smtp_sender(settings), now)


def claim_now(context: JobContext, edition_id: int, by: str, now: datetime) -> int | None:
    """Ask for the send now and take it; None when another process holds it."""
    with session_scope(context.session_factory) as session:
        try:
            row = sends.request(session, edition_id, now, by, now - STALE_SEND)
        except sends.SendRefused:
            return None
        send_id = row.id
    return send_id if _claim(context, send_id, now) else None


def _claim(context: JobContext, send_id: int, now: datetime) -> bool:
    with session_scope(context.session_factory) as session:
        return sends.claim(session, send_id, context.owner, now, now - STALE_SEND)


def run_due(context: JobContext, now: datetime | None = None) -> int:
    """Run the sends whose time has come (claimed one by one); returns how many ran."""
    moment = now or datetime.now(UTC)
    with session_scope(context.session_factory) as session:
        due = sends.due(session, moment)
    ran = 0
    for send_id in due:
        if _claim(context, send_id, moment):
            run_send(context, send_id)
            ran += 1
    return ran


def run_send(context: JobContext, send_id: int, content: "EditionContent | None" = None) -> Outcome:
    """Deliver a claimed send and record its report; never raises. Without ``content``
    (the weekly job gives its own), the edition is read and must be published."""
    now = datetime.now(UTC)
    try:
        content = content or _published_content(context, send_id, now)
        report = deliver(context, content, now)
    except Exception as error:  # a background run: the page shows the failure
        logger.exception("envoi n° %s en échec", send_id)
        _finish(context, send_id, ok=False, report={"error": str(error)})
        return Outcome(f"échec de l'envoi : {error}", ok=False)
    _count(report)
    _finish(context, send_id, ok=True, report=report_of(report))
    text = (
        f"édition {content.week} : {report.sent} message(s) envoyé(s), "
        f"{report.failed} à réessayer, {report.bounced} rejeté(s)"
    )
    return Outcome(text, ok=report.failed == 0)


def _published_content(context: JobContext, send_id: int, now: datetime) -> "EditionContent":
    from newsletter.edition import build_edition
    from newsletter.errors import NewsletterError
    from newsletter.weeks import parse_week
    from veille.newsletter_config import edition_options

    with session_scope(context.session_factory) as session:
        row = sends.get(session, send_id)
        if row is None:
            raise NewsletterError(f"aucun envoi n° {send_id}")
        week = parse_week(row.edition.week)
        content = build_edition(session, week, edition_options(context.settings), now)
    if content.status == "draft":
        raise NewsletterError(f"l'édition {week} n'est pas publiée : rien n'est envoyé")
    return content


def _finish(context: JobContext, send_id: int, *, ok: bool, report: dict[str, Any]) -> None:
    with session_scope(context.session_factory) as session:
        sends.finish(session, send_id, datetime.now(UTC), ok, report)


def report_of(report: "SendReport") -> dict[str, Any]:
    kept = asdict(report)
    kept["errors"] = report.errors[:REPORTED_ERRORS]
    return kept


def _count(report: "SendReport") -> None:
    for word, count in (
        ("sent", report.sent),
        ("failed", report.failed),
        ("bounced", report.bounced),
        ("skipped", report.skipped),
    ):
        DELIVERIES.labels(word).inc(count)
