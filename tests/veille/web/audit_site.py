"""A site to audit: every page of the team, the administrator and the public with
realistic rows (a week in every triage state, a draft and a published edition, a
regulation change, deadlines, sources in every health, jobs, subscribers)."""

from datetime import UTC, datetime

from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Edition, EditionItem, JobRun, Obligation, PageChange, Source, Subscriber
from db.repos.curation import correct_labels, reject_article, select_article
from db.repos.users import add_or_update
from newsletter.links import SubscriptionRequest
from tests.newsletter.factories import sample_week, subscriber
from tests.veille.conftest import data
from tests.veille.web.conftest import (
    ADMIN_EMAIL,
    CURATOR_EMAIL,
    WEEK,
    _password_hash,
    add_article,
    add_source,
)
from tests.veille.web.deadline_seed import watch_ai_act
from veille.collect.diff import diff_texts
from veille.jobs.editions import HOLD_MARK
from veille.newsletter_config import signer
from veille.settings import Settings

DRAFT_WEEK = "2026-W48"  # sample_week's edition, still a draft
PUBLISHED_WEEK = "2026-W47"


def _seed_inbox(session: Session) -> int:
    """The inbox's week: a retained story and its copy, labels of the model (one uncertain)
    and of a curator, an article rejected. Returns the story's id."""
    cnil = add_source(session, "CNIL")
    gazette = add_source(session, "La Gazette des communes")
    story = add_article(
        session, cnil, "La CNIL publie ses recommandations sur l'IA", relevance=0.9,
        labels={"juridique": 0.93, "juriste": 0.71}, uncertain=("juriste",),
    )  # fmt: skip
    add_article(session, gazette, "Recommandations de la CNIL sur l'IA", duplicate_of=story)
    chatbot = add_article(
        session, gazette, "Un agent conversationnel à l'accueil de la mairie", day=13,
        relevance=0.6, labels={"ethique": 0.66, "agent_accueil": 0.8},
    )  # fmt: skip
    off_topic = add_article(session, gazette, "Un salon de l'automobile", day=14, relevance=0.1)
    select_article(session, story, WEEK, "juridique", "À transmettre aux juristes.")
    kinds = {"ethique": "theme", "agent_accueil": "job", "manager": "job"}
    correct_labels(session, chatbot, kinds, ["ethique", "agent_accueil", "manager"])
    reject_article(session, off_topic, WEEK)
    session.flush()
    return story.id


def _seed_published(session: Session) -> None:
    """A published edition the week before sample_week's draft."""
    draft = session.scalars(select(Edition).where(Edition.week == DRAFT_WEEK)).one()
    published = Edition(
        week=PUBLISHED_WEEK,
        status="published",
        editorial_md="Bonjour à **toutes et tous** : voici [la lettre](https://exemple.fr/).",
        published_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
    )
    for item in draft.items:
        published.items.append(
            EditionItem(
                article_id=item.article_id,
                section=item.section,
                position=item.position,
                comment=item.comment,
            )
        )
    session.add(published)


def _seed_diff(session: Session) -> None:
    """sample_week's regulation change, with the words added and removed marked."""
    change = session.scalars(select(PageChange)).one()
    old = "Les déployeurs informent les personnes concernées avant le 2 août 2026."
    new = "Les déployeurs informent les personnes concernées avant le 2 décembre 2027."
    change.diff_html = diff_texts(old, new).html


def _links(settings: Settings, session: Session) -> dict[str, str]:
    """Tokens of the signed links of a referent, and of a subscriber who left."""
    referent = subscriber(session, "ref@exemple.fr", themes=("juridique",), jobs=("juriste",))
    for status in ("pending", "bounced"):
        subscriber(session, f"{status}@exemple.fr", status=status, name="Camille Agent")
    former = subscriber(session, "parti@exemple.fr", status="unsubscribed", themes=("social",))
    links = signer(settings)
    urls = {
        "confirm": links.confirm_url(referent.id, SubscriptionRequest()),
        "manage": links.manage_url(referent.id),
        "unsubscribe": links.unsubscribe_url(referent.id),
        "former_manage": links.manage_url(former.id),
        "former_unsubscribe": links.unsubscribe_url(former.id),
    }
    return {key: url.rsplit("/", 1)[1] for key, url in urls.items()}


def _seed_operations(session: Session) -> None:
    """Sources in every health, jobs that succeeded, failed and wait, a held send."""
    moment = datetime(2026, 11, 30, 8, tzinfo=UTC)
    broken = add_source(session, "Flux en panne")
    broken.consecutive_failures, broken.last_failure_at = 6, moment
    broken.last_error = "HTTP 503 Service Unavailable"
    moved = add_source(session, "Flux déplacé")
    moved.last_success_at, moved.last_warning = moment, "La page ne contient plus de flux."
    moved.suggested_url = "https://flux-deplace.example/nouveau.xml"
    stopped = add_source(session, "Flux arrêté")
    stopped.enabled, stopped.disabled_by, stopped.disabled_reason = False, "admin", "Doublon"
    runs = [
        ("collecte", True, "12 sources collectées"),
        ("classement", False, "Modèle absent"),
        ("envoi", None, f"envoi {HOLD_MARK}"),
    ]
    for job_id, ok, outcome in runs:
        session.add(
            JobRun(job_id=job_id, slot=moment, owner="test", finished_at=moment, ok=ok,
                   outcome=outcome)
        )  # fmt: skip


def seed(settings: Settings, factory: sessionmaker[Session]) -> dict[str, str]:
    """Accounts, a week to triage, a draft and a published edition, deadlines, a held send."""
    with session_scope(factory) as session:
        for email, role in ((CURATOR_EMAIL, "curator"), (ADMIN_EMAIL, "admin")):
            add_or_update(session, email, role, _password_hash())
        story = _seed_inbox(session)
        sample_week(session)
        _seed_diff(session)
        _seed_published(session)
        links = _links(settings, session)
        _seed_operations(session)
    watch_ai_act(factory)
    with factory() as session:
        obligation = session.scalars(select(Obligation.id).order_by(Obligation.id)).first()
        source = session.scalars(select(Source.id).order_by(Source.id)).first()
        referent = session.scalars(select(Subscriber.id).order_by(Subscriber.id)).first()
    return {
        **links,
        "obligation": str(obligation),
        "story": str(story),
        "source": str(source),
        "subscriber": str(referent),
    }


def feed_site(server: HTTPServer) -> str:
    """A site whose home page links to two feeds, for « Ajouter une source »."""
    server.expect_request("/").respond_with_data(
        data("discovery/several-links.html"), content_type="text/html; charset=utf-8"
    )
    server.expect_request("/feed/").respond_with_data(
        data("feeds/rss2.xml"), content_type="application/rss+xml"
    )
    server.expect_request("/feed/json/").respond_with_data(
        data("feeds/jsonfeed.json"), content_type="application/feed+json"
    )
    return server.url_for("/")
