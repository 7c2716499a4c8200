"""The curation inbox: what the week shows, in which order, with which filters."""

import dataclasses
import re

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from tests.veille.web.conftest import WEEK, Client, add_article, add_source, open_client, titles
from veille.settings import Settings
from veille.web.app import create_app


def test_week_articles_ranked_by_relevance_with_duplicates_folded(
    curator: Client, week_articles: dict[str, int]
) -> None:
    page = curator.get(f"/?week={WEEK}")
    assert page.status_code == 200
    assert titles(page.text) == [
        "La CNIL publie ses recommandations sur l'IA",
        "Un agent conversationnel à l'accueil de la mairie",
        "Décret relatif aux algorithmes publics",
    ]
    text = page.text.replace("&#39;", "'")
    assert "Aussi publié par 1 autre source" in text
    assert "La Gazette des communes — <a" in text
    assert "Article d'une autre semaine" not in text


def test_labels_show_score_and_explanation(curator: Client, week_articles: dict[str, int]) -> None:
    text = curator.get(f"/?week={WEEK}").text
    assert re.search(r"Juridique et réglementaire\s+93 %\s+<span class=\"why\">— rgpd, cnil", text)


def test_filters_by_theme_job_source_kind(curator: Client, week_articles: dict[str, int]) -> None:
    by_theme = titles(curator.get(f"/?week={WEEK}&theme=ethique").text)
    assert by_theme == ["Un agent conversationnel à l'accueil de la mairie"]
    by_job = titles(curator.get(f"/?week={WEEK}&job=juriste").text)
    assert by_job == ["La CNIL publie ses recommandations sur l'IA"]
    by_kind = titles(curator.get(f"/?week={WEEK}&kind=regulation_update").text)
    assert by_kind == ["Décret relatif aux algorithmes publics"]
    assert curator.get(f"/?week={WEEK}&theme=inconnu").status_code == 400
    assert curator.get("/?week=2026-W99").status_code == 400


def test_pagination(curator: Client, session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        source = add_source(session, "Abondante")
        for number in range(30):
            add_article(session, source, f"Article {number:02d}", relevance=1 - number / 100)
    first = curator.get(f"/?week={WEEK}")
    assert "30 articles, page 1 sur 2" in first.text
    assert len(titles(first.text)) == 25
    second = curator.get(f"/?week={WEEK}&page=2")
    assert titles(second.text) == [f"Article {number:02d}" for number in range(25, 30)]


def test_model_labels_below_the_newsletter_threshold_are_not_shown(
    settings: Settings,
    session_factory: sessionmaker[Session],
    accounts: dict[str, str],
    week_articles: dict[str, int],
) -> None:
    strict = dataclasses.replace(settings, newsletter_min_score=0.8)
    with open_client(create_app(strict, session_factory)) as client:
        client.login()
        assert titles(client.get(f"/?week={WEEK}&job=juriste").text) == []
        by_theme = titles(client.get(f"/?week={WEEK}&theme=juridique").text)
        assert by_theme == ["La CNIL publie ses recommandations sur l'IA"]


def test_text_search_in_titles_and_summaries(
    curator: Client, week_articles: dict[str, int]
) -> None:
    assert titles(curator.get(f"/?week={WEEK}&q=conversationnel").text) == [
        "Un agent conversationnel à l'accueil de la mairie"
    ]
    assert titles(curator.get(f"/?week={WEEK}&q=100%25").text) == []
