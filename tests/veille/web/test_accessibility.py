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
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytest_httpserver import HTTPServer

from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from tests.conftest import LOOPBACK
from tests.newsletter.smtp_server import smtp_server
from tests.veille.web.audit_site import DRAFT_WEEK, PUBLISHED_WEEK, feed_site, seed
from tests.veille.web.conftest import (
    ADMIN_EMAIL,
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    WEEK,
    serve,
)
from veille.settings import Settings
from veille.web.app import create_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

AXE = Path(__file__).parents[2] / "browser" / "node_modules" / "axe-core" / "axe.min.js"
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
    Audited("curator", f"/?week={WEEK}&q=cnil&theme=juridique", expand="a.more-toggle"),
    Audited("curator", f"/?week={WEEK}&status=new", expand="a.more-toggle"),
    Audited("curator", f"/?week={WEEK}&open={{story}}", expand=".is-open details summary"),
    Audited("curator", f"/?week={WEEK}", press="j?"),
    # j then s: the retained story is retained again, in place, and the status line speaks.
    Audited("curator", f"/?week={WEEK}&status=selected", press="js"),
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
    Audited("admin", "/admin"),
    Audited("admin", "/admin/utilisateurs"),
    Audited("admin", "/admin/abonnes/liste"),
    Audited("admin", "/admin/abonnes/liste?state=active&theme=juridique"),
    Audited("admin", "/admin/abonnes/{subscriber}/modifier"),
    Audited("admin", "/admin/abonnes/{subscriber}/effacer"),
    Audited("admin", "/admin/sources/{source}/modifier"),
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
        values = {**seed(settings, factory), "feed_site": feed_site(_module_server)}
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
