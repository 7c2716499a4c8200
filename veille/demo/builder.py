"""Build the demonstration in a directory: database, sources, collection, draft edition.

Everything is local: the feeds and the watched page are files of this package,
served on a loopback port and collected through the real pipeline. The two
pages are collected twice, before and after an edit, so the demonstration
shows a regulation change and a moved deadline (the regulation's dates,
written @@JOUR:n@@, fall n days after the day of the demonstration). Dates
are placed in the current week so the inbox is full.
"""

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from veille.deadlines.wording import date_fr
from veille.demo.server import FeedServer
from veille.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

FILES = Path(__file__).with_name("files")
DEMO_EMAIL = "demo@veille-ia.example"
WATCHED_PAGE = "faq-ia.html"
CALENDAR_PAGE = "calendrier-ia.html"
_PLACEHOLDER = re.compile(r"@@(DATE|ISODATE):([0-9.]+)@@")
_DAY = re.compile(r"@@JOUR:(-?[0-9]+)@@")
_PICKS = (  # title prefix, section, curator's comment
    ("Règlement européen sur l'IA", "juridique",
     "À partager avec la direction des affaires juridiques."),
    ("Un agent conversationnel à l'accueil", "ethique",
     "Retour d'expérience utile pour notre propre projet d'accueil."),
    ("Hallucinations", "technique", "Point de vigilance à inscrire au prochain comité IA."),
    ("Mise à jour", "reglementation", "Nouvelle question sur les systèmes à haut risque."),
)  # fmt: skip
EDITORIAL = (
    "Cette semaine, le règlement européen sur l'IA et ses conséquences pour nos services, "
    "un retour d'expérience sur l'accueil et un rappel sur la vérification des contenus."
)


@dataclass
class Demo:
    settings: Settings
    session_factory: "sessionmaker[Session]"
    email: str
    password: str
    feed_server: FeedServer
    week: str


def week_start(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime(monday.year, monday.month, monday.day, tzinfo=local.tzinfo).astimezone(UTC)


def render(text: str, base_url: str, start: datetime, now: datetime) -> str:
    """Replace @@BASE@@, @@DATE:f@@ (f: fraction of the week elapsed so far), @@JOUR:n@@."""

    def date(match: re.Match[str]) -> str:
        moment = start + (now - start) * float(match.group(2))
        return format_datetime(moment) if match.group(1) == "DATE" else moment.isoformat()

    def day(match: re.Match[str]) -> str:
        return date_fr(now.date() + timedelta(days=int(match.group(1))))

    return _DAY.sub(day, _PLACEHOLDER.sub(date, text.replace("@@BASE@@", base_url)))


def write_site(site: Path, base_url: str, start: datetime, now: datetime) -> None:
    site.mkdir(parents=True, exist_ok=True)
    for source in FILES.iterdir():
        rendered = render(source.read_text(encoding="utf-8"), base_url, start, now)
        (site / source.name).write_text(rendered, encoding="utf-8")
    set_page_version(site, 1)


def set_page_version(site: Path, version: int) -> None:
    """Put version 1 or 2 of the watched pages in place, with a distinct Last-Modified."""
    for page in (WATCHED_PAGE, CALENDAR_PAGE):
        target = site / page
        source = site / page.replace(".html", f"-v{version}.html")
        target.write_text(source.read_text(encoding="utf-8"), "utf-8")
        stamp = datetime.now(UTC).timestamp() + 60 * (version - 2)
        os.utime(target, (stamp, stamp))


def catalogue(base_url: str) -> str:
    return f"""# Catalogue de la démonstration (sources fictives servies en local).
[[feeds]]
name = "Le Fil des collectivités (démo)"
url = "{base_url}/fil-collectivites.xml"

[[feeds]]
name = "Observatoire de l'IA publique (démo)"
url = "{base_url}/observatoire-ia-publique.xml"

[[feeds]]
name = "Tech & Territoires (démo)"
url = "{base_url}/tech-territoires.atom"

[[pages]]
name = "Questions fréquentes IA et collectivités (démo)"
url = "{base_url}/{WATCHED_PAGE}"
selector = "main"

[[pages]]
name = "Règlement de démonstration sur l'IA (démo)"
url = "{base_url}/{CALENDAR_PAGE}"
selector = "main"
hints = ["juridique"]
"""


def demo_settings(directory: Path, port: int) -> Settings:
    return Settings(
        database_url=f"sqlite:///{directory / 'demo.db'}",
        sources=str(directory / "sources.toml"),
        secret_key=secrets.token_urlsafe(32),
        public_url=f"http://127.0.0.1:{port}",
        model_dir=str(directory / "modeles"),
        # The demonstration's sites are served on this machine.
        allow_private_networks="127.0.0.0/8,::1/128",
    )


def build_demo(directory: Path, *, port: int) -> Demo:
    """Prepare everything; the caller serves the app and stops ``feed_server`` at the end."""
    now = datetime.now(UTC)
    settings = demo_settings(directory, port)
    site = directory / "site"
    site.mkdir(parents=True, exist_ok=True)
    server = FeedServer(site)
    write_site(site, server.base_url, week_start(now, settings.timezone), now)
    Path(settings.sources).write_text(catalogue(server.base_url), encoding="utf-8")
    server.start()
    try:
        session_factory = _database(settings)
        _collect_twice(settings, session_factory, site)
        password = secrets.token_urlsafe(12)
        week = _curate(settings, session_factory, password, now)
    except BaseException:
        server.stop()
        raise
    return Demo(settings, session_factory, DEMO_EMAIL, password, server, week)


def _database(settings: Settings) -> "sessionmaker[Session]":
    from db.engine import make_engine, make_session_factory
    from db.migrate import ensure_schema

    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    return make_session_factory(engine)


def _collect_twice(
    settings: Settings, session_factory: "sessionmaker[Session]", site: Path
) -> None:
    """Collect, edit the watched page, collect again; then label the new articles."""
    from db.engine import engine_of
    from veille.catalogue import load_catalogue
    from veille.jobs.collecting import label_new_articles
    from veille.pipeline import collect_once

    specs = load_catalogue(Path(settings.sources))
    new_ids: list[int] = []
    for version in (1, 2):
        set_page_version(site, version)
        outcomes = collect_once(settings, engine_of(session_factory), specs)
        new_ids += [article_id for outcome in outcomes for article_id in outcome.new_article_ids]
    label_new_articles(settings, session_factory, new_ids)


def _curate(
    settings: Settings, session_factory: "sessionmaker[Session]", password: str, now: datetime
) -> str:
    """The demo account and a draft edition with a few of the week's articles."""
    from db.engine import session_scope
    from db.repos import curation, inbox
    from db.repos.users import add_or_update
    from newsletter.weeks import week_of
    from veille.auth import hash_password

    week = week_of(now, settings.timezone)
    start, end = week.bounds(settings.timezone)
    with session_scope(session_factory) as session:
        add_or_update(session, DEMO_EMAIL, "admin", hash_password(password))
        found = inbox.inbox_page(session, inbox.InboxFilter(start=start, end=end), 0, 100)
        for prefix, section, comment in _PICKS:
            article = next((a for a in found.articles if a.title.startswith(prefix)), None)
            if article is not None:
                curation.select_article(session, article, str(week), section, comment)
        curation.set_editorial(session, str(week), EDITORIAL)
    return str(week)
