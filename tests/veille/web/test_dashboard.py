"""« Tableau de bord »: articles per theme and week, sources by health, subscribers per
theme, this week's edition and its deadline, drawn as SVG on the server."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Label, Subscriber
from db.repos.dashboard import LabelRow
from newsletter.weeks import IsoWeek, week_of
from tests.veille.web.conftest import Client, add_article, add_source
from veille.dashboard import horizontal, last_weeks, themes_per_week


def test_the_dashboard_counts_what_a_curator_would(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    now = datetime.now(UTC)
    with session_scope(session_factory) as session:
        source = add_source(session, "CNIL")
        source.consecutive_failures = 9  # « en panne »
        add_source(session, "Gazette")
        for n in range(3):
            article = add_article(session, source, f"Article {n}", labels={"juridique": 0.9})
            article.published_at = now - timedelta(days=7 * n)
        corrected = add_article(session, source, "Corrigé", labels={"juridique": 0.9})
        corrected.published_at = now
        corrected.labels.append(Label(label="juridique", kind="theme", score=0.0, origin="curator"))
        old = add_article(session, source, "Trop ancien", labels={"juridique": 0.9})
        old.published_at = now - timedelta(weeks=20)
        session.add(
            Subscriber(email="a@exemple.fr", themes=["juridique"], jobs=[], status="active")
        )
        session.add(
            Subscriber(email="b@exemple.fr", themes=["juridique"], jobs=[], status="pending")
        )
    page = curator.get("/tableau-de-bord")
    assert page.status_code == 200
    text = unescape(page.text)
    row = re.search(r"<th scope=\"row\">Juridique[^<]*</th>\s*<td>(\d+)</td>", text)
    assert row and row.group(1) == "3"  # 3 weeks, the corrected one and the old one left out
    assert "en panne : 1" in text and "jamais collectée : 1" in text
    assert re.search(r"Juridique[^:<]* : 1<", text)  # the active subscriber only
    assert f"Édition de la {week_of(now, 'Europe/Paris').label()}" in text
    assert "Échéance de la sélection" in text and "<svg" in text


def test_the_dashboard_is_for_the_watch_team(client: Client) -> None:
    response = client.get("/tableau-de-bord")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_weeks_and_bars() -> None:
    weeks = last_weeks(IsoWeek(2026, 2), 3)
    assert [str(week) for week in weeks] == ["2025-W52", "2026-W01", "2026-W02"]
    monday = datetime(2026, 1, 5, 12, tzinfo=UTC)
    rows = [
        LabelRow(1, monday, "ethique", "model", 0.7),
        LabelRow(2, monday, "ethique", "model", 0.2),
        LabelRow(3, monday - timedelta(weeks=1), "ethique", "model", 0.9),
        LabelRow(3, monday - timedelta(weeks=1), "ethique", "curator", 0.0),
    ]
    assert themes_per_week(rows, weeks, "Europe/Paris", 0.5) == {"ethique": [0, 0, 1]}
    chart = horizontal([("a", 2), ("b", 1)])
    assert [bar.width for bar in chart.bars] == [chart.width, chart.width // 2]
