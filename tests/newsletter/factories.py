"""Rows for newsletter tests: a week of labelled articles, a curated edition, subscribers."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    Article,
    Edition,
    EditionItem,
    Label,
    PageChange,
    PageSnapshot,
    Source,
    Subscriber,
)
from newsletter.content import LabelCatalog
from newsletter.delivery import Sender
from newsletter.edition import EditionOptions, build_edition
from newsletter.links import LinkSigner
from newsletter.message import ListHeaders
from newsletter.render import Renderer, RenderOptions
from newsletter.sending import Composer, Planner, SendOptions, SendReport, send_edition
from newsletter.weeks import parse_week

WEEK = "2026-W48"
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BEFORE_DEADLINE = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)

LABELS = LabelCatalog.of(
    [
        ("juridique", "theme", "Juridique et réglementaire"),
        ("technique", "theme", "Technique"),
        ("environnemental", "theme", "Environnemental"),
        ("ethique", "theme", "Éthique et sociétal"),
        ("organisationnel", "theme", "Organisationnel"),
        ("social", "theme", "Social et emploi"),
        ("assistant_administratif", "job", "Assistant administratif"),
        ("agent_accueil", "job", "Agent d'accueil polyvalent"),
        ("graphiste", "job", "Graphiste"),
        ("manager", "job", "Manager stratégique"),
        ("policier_municipal", "job", "Policier municipal"),
        ("juriste", "job", "Juriste"),
    ]
)
OPTIONS = EditionOptions(labels=LABELS, deadline="vendredi 10:00")


def source(session: Session, name: str = "Flux de test", kind: str = "feed") -> Source:
    row = Source(
        kind=kind,
        name=name,
        url=f"https://exemple.fr/{name.replace(' ', '-')}",
        catalogue_url="https://exemple.fr/",
        interval_seconds=3600,
        title=name,
    )
    session.add(row)
    session.flush()
    return row


def article(
    session: Session,
    src: Source,
    title: str,
    labels: dict[str, float],
    *,
    relevance: float = 0.5,
    collected_at: datetime = MONDAY,
    kind: str = "article",
    summary: str = "<p>Résumé de l'article.</p>",
    curator: bool = False,
) -> Article:
    row = Article(
        source=src,
        kind=kind,
        title=title,
        url=f"https://exemple.fr/articles/{abs(hash(title)) % 10**8}",
        canonical_url=f"https://exemple.fr/articles/{abs(hash(title)) % 10**8}",
        summary_html=summary,
        published_at=collected_at - timedelta(hours=2),
        collected_at=collected_at,
        content_hash=str(abs(hash(title))),
        relevance=relevance,
    )
    for label_id, score in labels.items():
        kind_of = "job" if label_id in LABELS.ids_of("job") else "theme"
        origin = "curator" if curator else "model"
        row.labels.append(Label(label=label_id, kind=kind_of, score=score, origin=origin))
    session.add(row)
    session.flush()
    return row


def regulation_change(session: Session, title: str, collected_at: datetime = MONDAY) -> Article:
    page = source(session, f"Page {title}", kind="page")
    snapshots = [
        PageSnapshot(source_id=page.id, raw_hash="a", text_hash="a", text="ancien"),
        PageSnapshot(source_id=page.id, raw_hash="b", text_hash="b", text="nouveau"),
    ]
    session.add_all(snapshots)
    session.flush()
    row = article(
        session,
        page,
        title,
        {"juridique": 0.9},
        kind="regulation_update",
        collected_at=collected_at,
    )
    session.add(
        PageChange(
            source_id=page.id,
            old_snapshot_id=snapshots[0].id,
            new_snapshot_id=snapshots[1].id,
            article_id=row.id,
            diff_unified="",
            diff_html="",
            added_words=12,
            removed_words=3,
        )
    )
    session.flush()
    return row


def curated_edition(
    session: Session, picks: list[tuple[Article, str, str]], editorial: str = ""
) -> Edition:
    edition = Edition(week=WEEK, editorial_md=editorial)
    for position, (row, section, comment) in enumerate(picks):
        edition.items.append(
            EditionItem(article_id=row.id, section=section, position=position, comment=comment)
        )
    session.add(edition)
    session.flush()
    return edition


def subscriber(
    session: Session,
    email: str,
    themes: tuple[str, ...] = (),
    jobs: tuple[str, ...] = (),
    status: str = "active",
    name: str = "",
) -> Subscriber:
    row = Subscriber(email=email, name=name, themes=list(themes), jobs=list(jobs), status=status)
    session.add(row)
    session.flush()
    return row


def sample_week(session: Session) -> dict[str, Article]:
    """A curated week: two legal items, one technical, a regulation change, candidates."""
    src = source(session)
    rows = {
        "ai_act": article(session, src, "Le règlement IA entre en application", {"juridique": 0.9}),
        "cnil": article(
            session, src, "La CNIL publie ses recommandations", {"juridique": 0.8, "juriste": 0.7}
        ),
        "bias": article(session, src, "Biais des modèles de langue", {"technique": 0.85}),
        "energy": article(
            session,
            src,
            "L'énergie des centres de données",
            {"environnemental": 0.95},
            relevance=0.9,
        ),
        "jobs": article(
            session,
            src,
            "Accueil du public et agents conversationnels",
            {"ethique": 0.7, "agent_accueil": 0.8},
            relevance=0.7,
        ),
        "other": article(session, src, "Un article hors sujet", {}, relevance=0.1),
    }
    rows["decree"] = regulation_change(session, "Décret relatif aux algorithmes publics")
    curated_edition(
        session,
        [
            (rows["ai_act"], "juridique", "À lire avant le comité de pilotage."),
            (rows["cnil"], "juridique", ""),
            (rows["bias"], "technique", "Un bon résumé des risques."),
        ],
        editorial="Bonjour à **toutes et tous** !\n\n<script>alert(1)</script>",
    )
    return rows


SECRET = "clé de test, jamais utilisée en production"
PUBLIC_URL = "https://veille.exemple.fr"
HEADERS = ListHeaders(
    mail_from="Veille IA <veille@exemple.fr>",
    list_id="Veille IA <veille-ia.veille.exemple.fr>",
    unsubscribe_mailto="veille@exemple.fr?subject=desabonnement",
)


def send_week(
    session_factory: sessionmaker[Session],
    sender: Sender,
    now: datetime = AFTER_DEADLINE,
    sleep: Callable[[float], None] | None = None,
    resend_interrupted: bool = False,
    **overrides: Any,
) -> SendReport:
    """Build the test week's edition and send it, as ``veille newsletter send`` does."""
    with session_factory() as session:
        content = build_edition(session, parse_week(WEEK), OPTIONS, now)
        session.commit()
    options = SendOptions(headers=HEADERS, backoff=0.5, **overrides)
    planner = Planner(content, options)
    renderer = Renderer(RenderOptions(LABELS, PUBLIC_URL))
    composer = Composer(planner, renderer, LinkSigner(SECRET, PUBLIC_URL), options)
    return send_edition(
        session_factory, content, composer, sender, now, sleep or (lambda _s: None),
        resend_interrupted=resend_interrupted,
    )  # fmt: skip
