"""Send an edition to every subscriber exactly once, resumably.

    recipients = active, not paused subscribers
    plan: each recipient's profile -> PersonalEdition (computed once per profile);
          empty ones are skipped or get a short note, as configured
    log: a pending Delivery row per planned recipient (edition × subscriber)
    for each delivery still pending or failed:
        render its profile (once) and address it
        claim the row (pending -> sending) and commit, so no other run sends it
        send with retries on 4xx; record sent / failed / bounced and commit at once
    when nothing is left to send: the edition is marked sent

Committing around every message is what makes ``send`` resumable: after a
crash or a dropped connection, the next run only sees what was not sent; a
message interrupted between claim and record is reported, and repeated only
when the operator asks for it (``resend_interrupted``).
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy.orm import Session, sessionmaker

from db.models import Delivery, Subscriber
from db.repos import deliveries as deliveries_repo
from db.repos import editions as editions_repo
from db.repos import subscribers as subscribers_repo
from newsletter.content import EditionContent, PersonalEdition, Profile
from newsletter.delivery import Sender
from newsletter.errors import ConnectionLost, DeliveryError, PermanentFailure, TemporaryFailure
from newsletter.links import LinkSigner
from newsletter.message import ListHeaders, MessageTemplate, Outgoing
from newsletter.personalise import pick_for
from newsletter.render import Renderer

EMPTY_POLICIES = ("skip", "note")
# A claim older than this belongs to a run that died: a live run sends in seconds.
INTERRUPTED_AFTER = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class SendOptions:
    headers: ListHeaders
    bounce_threshold: int = 3
    retries: int = 3
    backoff: float = 2.0
    empty: str = "note"
    also_count: int = 5
    also_min_relevance: float = 0.0


@dataclass(slots=True)
class SendReport:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    skipped: int = 0
    already_sent: int = 0
    uncertain: int = 0  # left « sending » by an interrupted run: not sent again unless asked
    requeued: int = 0  # interrupted deliveries put back to send, on request
    profiles: int = 0
    errors: list[str] = field(default_factory=list)


def profile_of(subscriber: Subscriber) -> Profile:
    return Profile.of(subscriber.themes or (), subscriber.jobs or ())


class Planner:
    """Personal editions computed once per distinct profile."""

    def __init__(self, content: EditionContent, options: SendOptions) -> None:
        self.content, self.options = content, options
        self._cache: dict[Profile, PersonalEdition] = {}

    def personal(self, profile: Profile) -> PersonalEdition:
        if profile not in self._cache:
            self._cache[profile] = pick_for(
                profile, self.content, self.options.also_count, self.options.also_min_relevance
            )
        return self._cache[profile]

    def wanted(self, subscriber: Subscriber) -> bool:
        return self.options.empty == "note" or not self.personal(profile_of(subscriber)).empty


class Composer:
    """Rendered message templates, one per profile, addressed per subscriber."""

    def __init__(
        self,
        planner: Planner,
        renderer: Renderer,
        signer: LinkSigner,
        options: SendOptions,
        eight_bit: bool = False,
    ) -> None:
        self.planner, self.renderer, self.signer = planner, renderer, signer
        self.options = options
        self.eight_bit = eight_bit
        self.envelope_from = parseaddr(options.headers.mail_from)[1]
        self._templates: dict[Profile, MessageTemplate] = {}

    def use_8bit(self, eight_bit: bool) -> None:
        """Follow what the server accepts; templates made for the other encoding are dropped."""
        if eight_bit != self.eight_bit:
            self.eight_bit = eight_bit
            self._templates.clear()

    @property
    def profile_count(self) -> int:
        return len(self._templates)

    def template(self, profile: Profile, now: datetime) -> MessageTemplate:
        if profile not in self._templates:
            rendered = self.renderer.render(self.planner.personal(profile))
            template = MessageTemplate(rendered, self.options.headers, now, self.eight_bit)
            self._templates[profile] = template
        return self._templates[profile]

    def compose(self, subscriber: Subscriber, now: datetime) -> Outgoing:
        template = self.template(profile_of(subscriber), now)
        links = self.signer.for_recipient(subscriber.id, subscriber.token_version)
        return template.for_recipient(subscriber.email, subscriber.name, links)


def plan(session: Session, edition_id: int, planner: Planner) -> SendReport:
    """Log a pending delivery for every recipient who should get this edition."""
    report = SendReport()
    wanted = []
    for subscriber in subscribers_repo.recipients(session):
        if planner.wanted(subscriber):
            wanted.append(subscriber.id)
        else:
            report.skipped += 1
    deliveries_repo.ensure_pending(session, edition_id, wanted)
    report.planned = len(wanted)
    counts = deliveries_repo.counts(session, edition_id)
    report.already_sent = counts.get("sent", 0)
    report.uncertain = counts.get("sending", 0)
    return report


def send_edition(
    session_factory: sessionmaker[Session],
    content: EditionContent,
    composer: Composer,
    sender: Sender,
    now: datetime,
    sleep: Callable[[float], None] = time.sleep,
    resend_interrupted: bool = False,
) -> SendReport:
    """Send what the delivery log says is not sent yet; see the module docstring.

    ``resend_interrupted`` also sends the deliveries an earlier run left
    « sending » more than ``INTERRUPTED_AFTER`` ago (they may arrive twice).
    """
    with session_factory() as session:
        edition = editions_repo.get_or_create(session, str(content.week))
        editions_repo.mark_published(session, edition, now)
        requeued = (
            deliveries_repo.requeue_interrupted(session, edition.id, now - INTERRUPTED_AFTER)
            if resend_interrupted
            else 0
        )
        report = plan(session, edition.id, composer.planner)
        report.requeued = requeued
        session.commit()
        try:
            pending = deliveries_repo.to_send(session, edition.id)
            if pending:
                composer.use_8bit(sender.supports_8bit())
            run = _Run(session, composer, sender, report, now, sleep)
            for delivery, subscriber in pending:
                run.deliver(delivery, subscriber)
                session.commit()
        finally:
            sender.close()
        if not deliveries_repo.to_send(session, edition.id):
            editions_repo.mark_sent(session, edition)
            session.commit()
    report.profiles = composer.profile_count
    return report


@dataclass(slots=True)
class _Run:
    """One ``send`` run: what each delivery needs, and the report it fills."""

    session: Session
    composer: Composer
    sender: Sender
    report: SendReport
    now: datetime
    sleep: Callable[[float], None]

    def deliver(self, delivery: Delivery, subscriber: Subscriber) -> None:
        outgoing = self.composer.compose(subscriber, self.now)
        if not deliveries_repo.claim(self.session, delivery, self.now):
            return  # another run took it
        self.session.commit()
        try:
            send_with_retries(
                self.sender,
                self.composer.envelope_from,
                outgoing.recipient,
                outgoing.data,
                self.composer.options,
                self.sleep,
            )
        except (PermanentFailure, TemporaryFailure) as error:
            self._failed(delivery, subscriber, error)
            return
        except DeliveryError:
            deliveries_repo.release(self.session, delivery, self.now)
            self.session.commit()
            raise
        deliveries_repo.mark_sent(self.session, delivery, outgoing.message_id, self.now)
        subscribers_repo.record_success(self.session, subscriber)
        self.report.sent += 1

    def _failed(self, delivery: Delivery, subscriber: Subscriber, error: DeliveryError) -> None:
        bounced = isinstance(error, PermanentFailure)
        deliveries_repo.mark_failed(self.session, delivery, str(error), bounced=bounced)
        if isinstance(error, ConnectionLost):
            self.session.commit()
            raise DeliveryError(
                f"envoi interrompu ({self.report.sent} envoyé(s)) : {error}. "
                "Relancez la commande : seuls les messages non envoyés partiront."
            ) from error
        if bounced:
            threshold = self.composer.options.bounce_threshold
            subscribers_repo.record_bounce(self.session, subscriber, threshold)
            self.report.bounced += 1
        else:
            self.report.failed += 1
        self.report.errors.append(f"{subscriber.email} : {error}")


def send_with_retries(
    sender: Sender,
    mail_from: str,
    recipient: str,
    data: bytes,
    options: SendOptions,
    sleep: Callable[[float], None],
) -> None:
    """Retry temporary failures with exponential backoff; re-raise the last one."""
    for attempt in range(options.retries + 1):
        try:
            sender.send(mail_from, recipient, data)
            return
        except TemporaryFailure:
            if attempt == options.retries:
                raise
            sleep(options.backoff * 2**attempt)
