"""The jobs and their times, from the settings; the slot a run stands for.

Interval jobs count from a fixed origin, so every worker computes the same
slots; weekly jobs are « jour HH:MM » in VEILLE_TIMEZONE.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from veille.durations import parse_duration
from veille.errors import ConfigError
from veille.jobs import collecting, editions, retrain
from veille.jobs.base import JobContext, Outcome, Tick
from veille.settings import Settings, env_name

ORIGIN = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday, 00:00 UTC
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True, slots=True)
class JobSpec:
    id: str
    title: str
    run: Callable[[JobContext, Tick], Outcome]
    when: Callable[[Settings], str]  # the setting's value, for people

    def trigger(self, settings: Settings) -> BaseTrigger:
        return TRIGGERS[self.id](settings)


def weekly(spec: str, setting: str, timezone: str, shift: timedelta = timedelta()) -> CronTrigger:
    """« lundi 08:00 » (minus ``shift``) as a weekly trigger in ``timezone``."""
    parts = spec.strip().lower().split()
    try:
        day = WEEKDAYS.index(parts[0])
        hour, minute = (int(x) for x in parts[1].split(":"))
        moment = ORIGIN.replace(tzinfo=None) + timedelta(days=day, hours=hour, minutes=minute)
    except (IndexError, ValueError) as error:
        raise ConfigError(
            f"{env_name(setting)} : {spec!r} n'est pas un jour et une heure (« lundi 08:00 »)"
        ) from error
    moment -= shift
    return CronTrigger(
        day_of_week=moment.weekday(), hour=moment.hour, minute=moment.minute, timezone=timezone
    )


def _every(settings: Settings) -> IntervalTrigger:
    seconds = parse_duration(settings.collect_every).total_seconds()
    return IntervalTrigger(seconds=seconds, start_date=ORIGIN, timezone=UTC)


TRIGGERS: dict[str, Callable[[Settings], Any]] = {
    "collecte": _every,
    "classement": _every,
    "reentrainement": lambda s: weekly(s.retrain_at, "retrain_at", s.timezone),
    "rappel": lambda s: weekly(
        s.newsletter_deadline, "newsletter_deadline", s.timezone, parse_duration(s.remind_before)
    ),
    "brouillon": lambda s: weekly(s.newsletter_deadline, "newsletter_deadline", s.timezone),
    "envoi": lambda s: weekly(s.send_at, "send_at", s.timezone),
}
JOBS = {
    spec.id: spec
    for spec in (
        JobSpec("collecte", "Collecte des sources dues", collecting.collect,
                lambda s: f"toutes les {s.collect_every}"),
        JobSpec("classement", "Classement des articles en attente", collecting.classify,
                lambda s: f"toutes les {s.collect_every}"),
        JobSpec("reentrainement", "Réentraînement du modèle", retrain.retrain,
                lambda s: f"{s.retrain_at}, si les curateurs ont modifié des étiquettes"),
        JobSpec("rappel", "Rappel aux curateurs avant l'échéance", editions.remind,
                lambda s: f"{s.remind_before} avant l'échéance ({s.newsletter_deadline})"),
        JobSpec("brouillon", "Sélection automatique à l'échéance", editions.draft,
                lambda s: s.newsletter_deadline),
        JobSpec("envoi", "Envoi de l'édition publiée", editions.send,
                lambda s: s.send_at),
    )
}  # fmt: skip


def check(settings: Settings) -> None:
    """Raise ConfigError, in French, when a job's time cannot be read."""
    for spec in JOBS.values():
        spec.trigger(settings)


def latest_slot(trigger: BaseTrigger, now: datetime) -> datetime:
    """The last time ``trigger`` fired at or before ``now`` (``now`` if none in a week)."""
    interval = getattr(trigger, "interval", None)
    lookback = interval + timedelta(seconds=1) if interval else timedelta(days=8)
    moment = trigger.get_next_fire_time(None, now - lookback)
    last = None
    while moment is not None and moment <= now:
        last = moment
        moment = trigger.get_next_fire_time(moment, moment + timedelta(microseconds=1))
    return (last or now).astimezone(UTC)


def next_time(spec: JobSpec, settings: Settings, now: datetime) -> datetime | None:
    moment = spec.trigger(settings).get_next_fire_time(None, now)
    return moment.astimezone(UTC) if moment is not None else None
