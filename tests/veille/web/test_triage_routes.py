"""Triage without reloading: JSON answers, bulk actions, undo, sort and numbered pages."""

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos import curation as repo
from tests.veille.web.conftest import WEEK, Client, add_article, add_source, open_client, titles

JSON = {"Accept": "application/json"}
BACK = f"/?week={WEEK}"


def statuses(session_factory: sessionmaker[Session], *ids: int) -> list[str]:
    with session_factory() as session:
        return [repo.get_article(session, article_id).status for article_id in ids]


def edition_items(session_factory: sessionmaker[Session]) -> dict[int, tuple[str, str]]:
    with session_factory() as session:
        edition = repo.edition_for_week(session, WEEK)
        return {i.article_id: (i.section, i.comment) for i in edition.items} if edition else {}


def bulk(client: Client, action: str, ids: list[int], **headers: str) -> Any:
    data = {"action": action, "ids": [str(i) for i in ids], "week": WEEK, "back": BACK}
    return client.post(
        "/articles/bulk",
        data=data,
        headers={"X-CSRF-Token": client.csrf(BACK), **headers},
    )


def test_an_action_asked_for_json_answers_the_row_and_its_undo(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    data = {"csrf_token": curator.csrf(BACK), "week": WEEK, "back": BACK + "&q=CNIL"}
    response = curator.post(f"/articles/{story}/reject", data=data, headers=JSON)
    assert response.status_code == 200
    answer = response.json()
    assert answer["message"] == "« La CNIL publie ses recommandations sur l'IA » est écarté."
    [row] = answer["rows"]
    assert row["id"] == story
    assert 'data-status="rejected"' in row["html"]
    assert "<mark>CNIL</mark>" in row["html"]  # the page's search stays marked
    assert "Aussi publié par 1 autre source" in row["html"]
    assert answer["undo"] == [{"article_id": story, "status": "new", "section": "", "comment": ""}]
    assert answer["counts"] == {"rejected": 1, "all": 1}  # the tabs of the page searched for CNIL
    assert statuses(session_factory, story) == ["rejected"]


def test_a_plain_form_still_redirects_back_with_a_message(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    ids = [week_articles["story"], week_articles["chatbot"]]
    data = {"csrf_token": curator.csrf(BACK), "action": "reject", "ids": ids, "back": BACK}
    response = curator.post("/articles/bulk", data={**data, "week": WEEK})
    assert response.status_code == 303
    assert response.headers["location"] == BACK
    assert "2 articles écartés." in curator.get(BACK).text
    assert statuses(session_factory, *ids) == ["rejected", "rejected"]


@pytest.mark.parametrize("role", ["curator", "admin"])
def test_bulk_select_puts_each_article_in_its_section(
    role: str,
    app: FastAPI,
    accounts: dict[str, str],
    session_factory: sessionmaker[Session],
    week_articles: dict[str, int],
) -> None:
    story, chatbot, decree = (week_articles[k] for k in ("story", "chatbot", "decree"))
    with open_client(app) as client:
        client.login(email=accounts[role])
        response = bulk(client, "select", [story, chatbot, decree, story], **JSON)
    assert response.status_code == 200
    assert response.json()["message"] == f"3 articles retenus pour l'édition {WEEK}."
    assert "3 articles retenus" in response.json()["edition"]  # the line above the list
    assert [row["id"] for row in response.json()["rows"]] == [story, chatbot, decree]
    assert edition_items(session_factory) == {
        story: ("juridique", ""),
        chatbot: ("ethique", ""),
        decree: ("reglementation", ""),
    }


def test_undo_puts_back_section_comment_and_status(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story, chatbot = week_articles["story"], week_articles["chatbot"]
    with session_scope(session_factory) as session:
        repo.select_article(session, repo.get_article(session, story), WEEK, "technique", "Vu")
    undo = bulk(curator, "reject", [story, chatbot], **JSON).json()["undo"]
    assert statuses(session_factory, story, chatbot) == ["rejected", "rejected"]
    assert edition_items(session_factory) == {}
    response = curator.post(
        "/articles/restore",
        json={"week": WEEK, "back": BACK, "states": undo},
        headers={"X-CSRF-Token": curator.csrf(BACK), **JSON},
    )
    assert response.status_code == 200
    assert response.json()["message"] == "Action annulée : 2 articles rétablis."
    assert statuses(session_factory, story, chatbot) == ["selected", "new"]
    assert edition_items(session_factory) == {story: ("technique", "Vu")}


def test_restore_checks_what_it_puts_back(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    token = {"X-CSRF-Token": curator.csrf(BACK), **JSON}
    state = {"article_id": story, "status": "selected", "section": "astrologie"}
    for wrong in (
        state,
        {**state, "status": "archived", "section": "juridique"},
        {**state, "article_id": 2**40},
    ):
        response = curator.post("/articles/restore", json={"states": [wrong]}, headers=token)
        assert response.status_code == 400, wrong
        assert response.json()["message"].startswith(("Rubrique inconnue", "Requête invalide"))
    missing = {**state, "article_id": 999_999, "section": "juridique"}
    response = curator.post("/articles/restore", json={"states": [missing]}, headers=token)
    assert response.status_code == 404
    assert statuses(session_factory, story) == ["new"]


def test_bulk_refuses_what_it_cannot_do(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    assert bulk(curator, "publish", [story]).status_code == 400
    assert bulk(curator, "reject", [2**40]).status_code == 400
    assert bulk(curator, "reject", [999_999], **JSON).status_code == 404
    nothing = bulk(curator, "reject", [], **JSON)
    assert (nothing.status_code, nothing.json()["message"]) == (400, "Aucun article coché.")
    assert statuses(session_factory, story) == ["new"]


def test_a_published_edition_refuses_in_json(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    with session_scope(session_factory) as session:
        repo.select_article(session, repo.get_article(session, story), WEEK, "juridique", "")
        repo.publish_edition(session, WEEK, datetime(2026, 5, 15, tzinfo=UTC))
    response = bulk(curator, "reject", [story, week_articles["chatbot"]], **JSON)
    assert response.status_code == 409
    assert "déjà publiée" in response.json()["message"]
    assert statuses(session_factory, story, week_articles["chatbot"]) == ["selected", "new"]


def test_new_endpoints_refuse_a_missing_csrf_token(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    data = {"action": "reject", "ids": [str(story)], "week": WEEK}
    assert curator.post("/articles/bulk", data=data).status_code == 403
    refused = curator.post("/articles/bulk", data=data, headers=JSON)
    assert refused.status_code == 403
    assert "Formulaire expiré" in refused.json()["message"]
    state = {"article_id": story, "status": "rejected"}
    restore = curator.post("/articles/restore", json={"states": [state]}, headers=JSON)
    assert restore.status_code == 403
    wrong = {"X-CSRF-Token": "pas le bon", **JSON}
    assert (
        curator.post("/articles/restore", json={"states": [state]}, headers=wrong).status_code
        == 403
    )
    assert statuses(session_factory, story) == ["new"]


def test_new_endpoints_require_login(
    client: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    token = client.csrf("/login")
    data = {"csrf_token": token, "action": "reject", "ids": [str(story)], "week": WEEK}
    response = client.post("/articles/bulk", data=data)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    asked = client.post("/articles/bulk", data=data, headers=JSON)
    assert asked.status_code == 401
    assert "reconnecter" in asked.json()["message"]
    state = {"article_id": story, "status": "rejected"}
    headers = {"X-CSRF-Token": token, **JSON}
    assert (
        client.post("/articles/restore", json={"states": [state]}, headers=headers).status_code
        == 401
    )
    assert statuses(session_factory, story) == ["new"]


def test_sort_by_date_or_source(curator: Client, week_articles: dict[str, int]) -> None:
    by_date = titles(curator.get(f"{BACK}&sort=date").text)
    assert by_date == [
        "Décret relatif aux algorithmes publics",
        "Un agent conversationnel à l'accueil de la mairie",
        "La CNIL publie ses recommandations sur l'IA",
    ]
    by_source = titles(curator.get(f"{BACK}&sort=source").text)
    assert by_source == [
        "La CNIL publie ses recommandations sur l'IA",  # CNIL
        "Un agent conversationnel à l'accueil de la mairie",  # La Gazette des communes
        "Décret relatif aux algorithmes publics",  # Légifrance IA
    ]
    assert curator.get(f"{BACK}&sort=hasard").status_code == 400


def test_numbered_pages_keep_the_filters(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    with session_scope(session_factory) as session:
        source = add_source(session, "Abondante")
        for number in range(130):
            add_article(session, source, f"Article {number:03d}", labels={"technique": 0.9})
    page = curator.get(f"{BACK}&theme=technique&sort=date&page=3").text
    links = page[page.index('aria-label="Pagination"') :].replace("&amp;", "&")
    for label, number in (("Première", None), ("Précédente", 2), ("Suivante", 4), ("Dernière", 6)):
        expected = f"?week={WEEK}&theme=technique&sort=date" + (f"&page={number}" if number else "")
        assert f'<a href="{expected}"' in links and label in links
    assert '<span aria-current="page">3</span>' in links
    assert [n for n in range(1, 7) if f'&page={n}">{n}</a>' in links] == [2, 4, 5]


def test_a_row_unfolds_without_javascript(curator: Client, week_articles: dict[str, int]) -> None:
    story, chatbot = week_articles["story"], week_articles["chatbot"]
    folded = curator.get(BACK).text
    assert f'<div class="row-more" id="more-{story}" hidden>' in folded
    assert f'href="/?week={WEEK}&amp;open={story}#article-{story}"' in folded
    unfolded = curator.get(f"{BACK}&open={story}").text
    assert f'<div class="row-more" id="more-{story}">' in unfolded
    assert f'<div class="row-more" id="more-{chatbot}" hidden>' in unfolded
