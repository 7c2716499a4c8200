"""Accessibility in Chromium: axe-core finds no serious or critical violation, and
nothing overflows a 390 px screen, on the team's, the administrator's and the public pages.

axe-core comes from the npm registry, pinned in ``tests/browser/package-lock.json``
and installed by ``npm ci`` (``.ci/run`` does it); each page gets ``axe.min.js``
injected and audited. To check one more page, add one line to ``PAGES``.

Audits only read, or submit what a form already holds, so one seeded SQLite
database, one server and one browser (a signed-in context per role and width)
serve the whole module; the rendering does not depend on the database engine.
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory, session_scope
from db.migrate import upgrade
from db.models import Edition, EditionItem, JobRun, Obligation, PageChange
from db.repos.curation import correct_labels, reject_article, select_article
from db.repos.users import add_or_update
from newsletter.links import SubscriptionRequest
from tests.conftest import LOOPBACK
from tests.newsletter.factories import sample_week, subscriber
from tests.newsletter.smtp_server import smtp_server
from tests.veille.conftest import data
from tests.veille.web.conftest import (
    ADMIN_EMAIL,
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    WEEK,
    _password_hash,
    add_article,
    add_source,
    serve,
)
from tests.veille.web.deadline_seed import watch_ai_act
from veille.collect.diff import diff_texts
from veille.jobs.editions import HOLD_MARK
from veille.newsletter_config import signer
from veille.settings import Settings
from veille.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

AXE = Path(__file__).parents[2] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
DRAFT_WEEK = "2026-W48"  # sample_week's edition, still a draft
PUBLISHED_WEEK = "2026-W47"
PHONE: "ViewportSize" = {"width": 390, "height": 844}
DESKTOP: "ViewportSize" = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class Audited:
    """A page to audit, seen by ``role`` (visitor, curator or admin).

    ``path`` and ``fill`` may name seeded values as ``{key}`` (see ``site``). Before the audit,
    as a user would: ``fill`` types values into fields named by their label and
    submits the form with Enter; ``expand`` clicks every element a CSS selector
    finds; ``press`` types keys one after the other; ``submit`` clicks the
    button of that name and waits for the page it leads to.
    """

    role: str
    path: str
    expand: str = ""
    press: str = ""
    fill: tuple[tuple[str, str], ...] = ()
    submit: str = ""

    def __str__(self) -> str:
        done = [*(label for label, _ in self.fill), self.expand, self.press, self.submit]
        return ":".join([self.role, self.path, *filter(None, done)])


PAGES = [
    Audited("visitor", "/login"),
    Audited(
        "visitor",
        "/login",
        fill=(("Adresse électronique", "inconnu@grandreims.fr"), ("Mot de passe", "faux")),
    ),
    Audited("visitor", "/abonnement"),
    Audited("visitor", "/abonnement", fill=(("Adresse électronique", "marie.dupont@grandreims"),)),
    Audited("visitor", "/abonnement", fill=(("Adresse électronique", "marie.dupont@exemple.fr"),)),
    Audited("visitor", "/abonnement/confirmer/{confirm}"),
    Audited("visitor", "/abonnement/preferences/{manage}"),
    Audited("visitor", "/abonnement/preferences/{manage}", submit="Enregistrer"),
    Audited("visitor", "/abonnement/desabonnement/{unsubscribe}"),
    Audited("visitor", "/abonnement/preferences/{former_manage}"),
    Audited(
        "visitor",
        "/abonnement/desabonnement/{former_unsubscribe}",
        submit="Confirmer le désabonnement",
    ),
    Audited("visitor", "/abonnement/preferences/lien-invalide"),
    Audited("visitor", "/editions"),
    Audited("visitor", f"/editions/{PUBLISHED_WEEK}"),
    Audited("visitor", "/nulle-part"),
    Audited("curator", f"/?week={WEEK}"),
    Audited("curator", f"/?week={WEEK}&q=cnil&theme=juridique", expand="details summary"),
    Audited("curator", f"/?week={WEEK}&status=new", expand="[data-card] details summary"),
    Audited("curator", f"/?week={WEEK}", press="j?"),
    Audited("curator", f"/?week={WEEK}&status=selected", submit="Mettre à jour"),
    Audited("curator", f"/edition?week={DRAFT_WEEK}"),
    Audited("curator", f"/edition/publier?week={DRAFT_WEEK}"),
    Audited("curator", f"/edition/apercu?week={DRAFT_WEEK}"),
    Audited("curator", f"/edition/apercu?week={DRAFT_WEEK}&themes=juridique&jobs=juriste"),
    Audited("curator", f"/edition?week={PUBLISHED_WEEK}"),
    Audited("curator", "/tableau-de-bord"),
    Audited("curator", f"/changements?week={DRAFT_WEEK}"),
    Audited("curator", "/echeances"),
    Audited("curator", "/echeances/{obligation}/modifier"),
    Audited("curator", "/envoi"),
    Audited("curator", "/nulle-part"),
    Audited("admin", "/admin/sources"),
    Audited("admin", "/admin/sources/add"),
    Audited("admin", "/admin/sources/add", fill=(("Adresse du site", "{feed_site}"),)),
    Audited("admin", "/admin/sources/add", fill=(("Adresse du site", "{feed_site}nulle-part"),)),
    Audited("admin", "/admin/taches"),
    Audited("admin", "/admin/abonnes"),
]


def _axe_or_skip() -> Path:
    if AXE.exists():
        return AXE
    message = f"axe-core absent ({AXE}) : lancez « npm ci --prefix tests/browser »"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]


# --- one seeded site for the module -------------------------------------------------------


def _seed_inbox(session: Session) -> None:
    """The inbox's week: a retained story and its copy, labels of the model (one uncertain)
    and of a curator, an article rejected."""
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
        _seed_inbox(session)
        sample_week(session)
        _seed_diff(session)
        _seed_published(session)
        links = _links(settings, session)
        _seed_operations(session)
    watch_ai_act(factory)
    with factory() as session:
        obligation = session.scalars(select(Obligation.id).order_by(Obligation.id)).first()
    return {**links, "obligation": str(obligation)}


def _feed_site(server: HTTPServer) -> str:
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


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, _module_server: HTTPServer
) -> Iterator[tuple[str, dict[str, str]]]:
    """The seeded app served on loopback, mailing to a local SMTP server: its URL and
    the values named in ``PAGES``."""
    folder = tmp_path_factory.mktemp("accessibilite")
    with smtp_server() as (_handler, smtp_port):
        settings = Settings(
            database_url=f"sqlite:///{folder / 'veille.db'}",
            sources=str(folder / "sources.toml"),
            secret_key="clé de test, jamais utilisée en production",
            model_dir=str(folder / "modeles"),
            allow_private_networks=LOOPBACK,
            smtp_host="127.0.0.1",
            smtp_port=smtp_port,
            smtp_rate=0,
        )
        engine = make_engine(settings.database_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        values = {**seed(settings, factory), "feed_site": _feed_site(_module_server)}
        with serve(create_app(settings, factory)) as url:
            yield url, values
    engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator["Browser"]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _signed_in(
    browser: "Browser", url: str, role: str, viewport: "ViewportSize"
) -> "BrowserContext":
    context = browser.new_context(viewport=viewport, locale="fr-FR", bypass_csp=True)
    if role != "visitor":
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("Adresse électronique").fill(
            ADMIN_EMAIL if role == "admin" else CURATOR_EMAIL
        )
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{url}/")
        page.close()
    return context


ContextFor = Callable[[str, int], "BrowserContext"]


@pytest.fixture(scope="module")
def context_for(browser: "Browser", site: tuple[str, dict[str, str]]) -> Iterator[ContextFor]:
    """A browser context per (role, width), signed in once, made on first use."""
    made: dict[tuple[str, int], BrowserContext] = {}

    def get(role: str, width: int) -> "BrowserContext":
        if (role, width) not in made:
            viewport = PHONE if width == PHONE["width"] else DESKTOP
            made[role, width] = _signed_in(browser, site[0], role, viewport)
        return made[role, width]

    yield get
    for context in made.values():
        context.close()


def _open(
    context_for: ContextFor, site: tuple[str, dict[str, str]], audited: Audited, width: int
) -> "Page":
    url, values = site
    page = context_for(audited.role, width).new_page()
    response = page.goto(url + audited.path.format(**values))
    assert response is not None and response.status < 500, f"{audited} : {response}"
    _act(page, audited, values)
    return page


def _act(page: "Page", audited: Audited, values: dict[str, str]) -> None:
    for label, value in audited.fill:
        page.get_by_label(label, exact=True).fill(value.format(**values))
    if audited.submit:
        with page.expect_navigation():
            page.get_by_role("button", name=audited.submit, exact=True).first.click()
    elif audited.fill:
        with page.expect_navigation():
            page.keyboard.press("Enter")
    for element in page.locator(audited.expand).all() if audited.expand else ():
        element.click()
    for key in audited.press:
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


# --- the audits ---------------------------------------------------------------------------


def blocking_violations(page: "Page", axe: Path) -> list[str]:
    """Serious and critical violations found by axe-core: rule, impact, targets."""
    page.add_script_tag(path=str(axe))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}) : {violation['help']} — "
        + ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        for violation in result["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("width", [DESKTOP["width"], PHONE["width"]], ids=lambda w: f"{w}px")
@pytest.mark.parametrize("audited", PAGES, ids=str)
def test_axe_finds_no_serious_violation(
    audited: Audited,
    width: int,
    site: tuple[str, dict[str, str]],
    context_for: ContextFor,
) -> None:
    axe = _axe_or_skip()
    page = _open(context_for, site, audited, width)
    try:
        found = blocking_violations(page, axe)
    finally:
        page.close()
    assert not found, f"{audited} à {width} px :\n" + "\n".join(found)


@pytest.mark.parametrize("audited", PAGES, ids=str)
def test_nothing_overflows_a_phone_screen(
    audited: Audited,
    site: tuple[str, dict[str, str]],
    context_for: ContextFor,
) -> None:
    page = _open(context_for, site, audited, PHONE["width"])
    try:
        widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    finally:
        page.close()
    assert widths[0] <= widths[1], f"{audited} : {widths[0]} px pour un écran de {widths[1]} px"
