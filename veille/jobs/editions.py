"""The newsletter's week: remind before the deadline, draft at it, send the published edition.

remind (deadline - VEILLE_REMIND_BEFORE): nothing selected yet → email the team
draft  (VEILLE_NEWSLETTER_DEADLINE):      nothing selected → automatic selection
send   (VEILLE_SEND_AT, Monday 08:00):    published → sent to the subscribers;
       a draft is never sent: the team is told, unless VEILLE_SEND_UNPUBLISHED=auto
       and the draft is the automatic one; more than a day late → wait for
       « lancer maintenant »
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from db.engine import session_scope
from veille.durations import parse_duration
from veille.jobs.base import JobContext, Outcome, Tick
from veille.jobs.notify import tell_team

if TYPE_CHECKING:
    from newsletter.content import EditionContent
    from newsletter.weeks import IsoWeek

LATE_SEND = timedelta(days=1)
HOLD_MARK = "en attente d'un accord"


def _content(context: JobContext, week: "IsoWeek", now: datetime) -> "EditionContent":
    from newsletter.edition import build_edition
    from veille.newsletter_config import edition_options

    with session_scope(context.session_factory) as session:
        return build_edition(session, week, edition_options(context.settings), now)


def _deadline(context: JobContext, week: "IsoWeek") -> datetime:
    from newsletter.weeks import deadline_of

    settings = context.settings
    return deadline_of(week, settings.newsletter_deadline, settings.timezone)


def edition_week(context: JobContext, moment: datetime) -> "IsoWeek":
    """The week whose deadline is the last one at or before ``moment``."""
    from newsletter.weeks import week_of

    week = week_of(moment, context.settings.timezone)
    if _deadline(context, week) > moment:
        week = week_of(moment - timedelta(days=7), context.settings.timezone)
    return week


def remind(context: JobContext, tick: Tick) -> Outcome:
    from newsletter.weeks import week_of

    ahead = parse_duration(context.settings.remind_before)
    week = week_of(tick.slot + ahead, context.settings.timezone)
    if tick.now >= _deadline(context, week):
        return Outcome(f"échéance de l'édition {week} déjà passée : pas de rappel")
    chosen = _selected_count(context, week)
    if chosen:
        return Outcome(f"édition {week} : {chosen} article(s) déjà choisi(s), pas de rappel")
    told = tell_team(
        context,
        tick,
        f"Rappel : aucun article choisi pour l'édition {week}",
        f"Aucun article n'est encore choisi pour l'édition {week} ({week.label()}).\n"
        f"Échéance : {context.settings.newsletter_deadline}. Sans choix à l'échéance, une "
        f"sélection automatique est préparée, mais elle n'est envoyée qu'une fois publiée.\n\n"
        f"{context.settings.public_url.rstrip('/')}/\n",
    )
    return Outcome(f"rappel envoyé à {told} membre(s) de l'équipe (édition {week})")


def _selected_count(context: JobContext, week: "IsoWeek") -> int:
    from db.repos.editions import get_by_week

    with session_scope(context.session_factory) as session:
        edition = get_by_week(session, str(week))
        return len(edition.items) if edition is not None else 0


def draft(context: JobContext, tick: Tick) -> Outcome:
    from newsletter.weeks import week_of

    week = week_of(tick.slot, context.settings.timezone)
    content = _content(context, week, max(tick.now, _deadline(context, week)))
    if content.automatic:
        return Outcome(f"édition {week} : sélection automatique de {content.item_count} article(s)")
    if content.item_count:
        return Outcome(f"édition {week} : {content.item_count} article(s) choisi(s) par l'équipe")
    return Outcome(f"édition {week} : aucun article classé cette semaine, rien à proposer")


def send(context: JobContext, tick: Tick) -> Outcome:
    week = edition_week(context, tick.slot)
    if not tick.manual and tick.now - tick.slot > LATE_SEND:
        return _hold(context, tick, week)
    content = _content(context, week, tick.now)
    if content.status == "sent":
        return Outcome(f"édition {week} déjà envoyée")
    auto = context.settings.send_unpublished == "auto" and content.automatic
    if content.status == "published" or (auto and content.item_count):
        return _send(context, tick, content)
    return _nothing_published(context, tick, week)


def _hold(context: JobContext, tick: Tick, week: "IsoWeek") -> Outcome:
    late = tick.now - tick.slot
    hours = int(late.total_seconds() // 3600)
    tell_team(
        context,
        tick,
        f"Envoi de l'édition {week} en attente de votre accord",
        f"L'envoi prévu de l'édition {week} n'a pas pu partir à l'heure (serveur arrêté) "
        f"et aurait {hours} h de retard. Il attend l'accord d'un membre de l'équipe : "
        f"{context.settings.public_url.rstrip('/')}/envoi\n",
    )
    return Outcome(
        f"envoi de l'édition {week} en retard de {hours} h : {HOLD_MARK} (page « Envoi »)",
        ok=None,
    )


def _nothing_published(context: JobContext, tick: Tick, week: "IsoWeek") -> Outcome:
    told = tell_team(
        context,
        tick,
        f"Édition {week} non envoyée : rien n'a été publié",
        f"L'édition {week} n'a pas été publiée : rien n'a été envoyé aux abonnés.\n"
        "Un brouillon n'est jamais envoyé. Publiez l'édition puis lancez l'envoi depuis la "
        f"page « Tâches » ({context.settings.public_url.rstrip('/')}/admin/taches).\n",
    )
    return Outcome(
        f"édition {week} non publiée : rien envoyé, {told} membre(s) de l'équipe prévenu(s)",
        ok=None,
    )


def _send(context: JobContext, tick: Tick, content: "EditionContent") -> Outcome:
    """Through the edition's send row, as the web's sends: a send the team set for
    later waits for its time; one already running is not started again."""
    from db.repos.editions import get_by_week
    from db.repos.sends import for_edition
    from veille.jobs.sending import claim_now, run_send

    with session_scope(context.session_factory) as session:
        edition = get_by_week(session, str(content.week))
        row = for_edition(session, edition.id) if edition is not None else None
        later = row is not None and row.status == "scheduled" and row.due_at > tick.now
        edition_id = edition.id if edition is not None else None
    if edition_id is None:
        return Outcome(f"édition {content.week} introuvable : rien envoyé", ok=False)
    if later:
        return Outcome(f"édition {content.week} : envoi programmé par l'équipe, pas maintenant")
    send_id = claim_now(context, edition_id, "planificateur", tick.now)
    if send_id is None:
        return Outcome(f"édition {content.week} : un envoi est déjà en cours")
    return run_send(context, send_id, content)
