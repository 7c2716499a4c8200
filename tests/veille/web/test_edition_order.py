"""Reordering the draft edition: a place posted by the page's script (JSON), or a step up or
down from the no-script buttons, crossing sections at an edge; the email follows."""

from html import unescape

import pytest
from sqlalchemy import select as sql_select
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.models import Article, EditionItem
from tests.veille.web.conftest import WEEK, Client, add_article, add_source
from tests.veille.web.test_edition_preview import EDITION, sections_in_order, select

JSON = {"Accept": "application/json"}


@pytest.fixture
def edition(curator: Client, session_factory: sessionmaker[Session]) -> dict[str, int]:
    """Three articles in « Juridique » (A, B, C) and one in « Éthique » (D); item ids by title."""
    with session_scope(session_factory) as session:
        source = add_source(session, "CNIL")
        ids = {
            name: add_article(session, source, f"Article {name}", relevance=0.9 - n / 10).id
            for n, name in enumerate("ABCD")
        }
    for name in "ABC":
        select(curator, ids[name], "juridique")
    select(curator, ids["D"], "ethique")
    with session_scope(session_factory) as session:
        rows = session.execute(sql_select(EditionItem.id, Article.title).join(Article))
        return {title.removeprefix("Article "): item_id for item_id, title in rows}


def email_order(client: Client) -> list[str]:
    text = unescape(client.get(f"/edition/apercu?week={WEEK}").text)
    return sections_in_order(text, [f"Article {name}" for name in "ABCD"])


def page_order(client: Client) -> list[str]:
    text = unescape(client.get(EDITION).text)
    return sections_in_order(text, [f"Article {name}" for name in "ABCD"])


def move(client: Client, item_id: int, **data: object) -> dict[str, object]:
    token = client.csrf(EDITION)
    response = client.post(
        f"/edition/items/{item_id}/deplacer",
        data={"week": WEEK, **data},
        headers={**JSON, "X-CSRF-Token": token},
    )
    assert response.status_code == 200, response.text
    answer: dict[str, object] = response.json()
    return answer


def test_a_place_posted_by_the_script_is_the_order_of_the_page_and_of_the_email(
    curator: Client, edition: dict[str, int]
) -> None:
    assert email_order(curator) == ["Article A", "Article B", "Article C", "Article D"]
    answer = move(curator, edition["C"], section="juridique", index=0)
    assert answer["message"] == "Article déplacé en 1re position de « Juridique et réglementaire »."
    expected = ["Article C", "Article A", "Article B", "Article D"]
    assert page_order(curator) == expected
    assert email_order(curator) == expected


def test_a_move_between_sections_shows_in_the_email_section(
    curator: Client, edition: dict[str, int]
) -> None:
    answer = move(curator, edition["A"], section="ethique", index=1)
    assert answer == {
        "message": "Article déplacé en 2e position de « Éthique et sociétal ».",
        "section": "ethique",
        "index": 1,
    }
    assert email_order(curator) == ["Article B", "Article C", "Article D", "Article A"]


def test_without_script_the_buttons_step_and_cross_into_the_next_section(
    curator: Client, edition: dict[str, int]
) -> None:
    down = {"week": WEEK, "direction": "bas"}
    url = f"/edition/items/{edition['B']}/deplacer"
    first = curator.form(url, down, page=EDITION)
    assert first.status_code == 303
    assert first.headers["location"] == f"{EDITION}#item-{edition['B']}"
    assert page_order(curator) == ["Article A", "Article C", "Article B", "Article D"]
    curator.form(url, down, page=EDITION)  # past the end of « Juridique »: into « Éthique »
    assert email_order(curator) == ["Article A", "Article C", "Article B", "Article D"]
    page = unescape(curator.get(EDITION).text)
    assert "Article déplacé en 1re position de « Éthique et sociétal »." in page
    up = curator.form(url, {"week": WEEK, "direction": "haut"}, page=EDITION)
    assert up.status_code == 303  # back to the end of « Juridique »
    assert "Article déplacé en 3e position de « Juridique" in unescape(curator.get(EDITION).text)


def test_the_first_item_cannot_go_further_up(curator: Client, edition: dict[str, int]) -> None:
    answer = move(curator, edition["A"], direction="haut")
    assert answer["message"] == "L'article est déjà à cette place."
    assert email_order(curator) == ["Article A", "Article B", "Article C", "Article D"]


def test_moves_need_a_signed_in_user_a_token_a_known_section_and_a_draft(
    curator: Client, edition: dict[str, int]
) -> None:
    url = f"/edition/items/{edition['A']}/deplacer"
    token = curator.csrf(EDITION)
    no_token = curator.post(url, data={"week": WEEK, "section": "ethique", "index": 0})
    assert no_token.status_code == 403
    unknown = {"week": WEEK, "section": "inconnue", "index": 0}
    assert curator.post(url, data=unknown, headers={"X-CSRF-Token": token}).status_code == 400
    curator.form("/edition/publish", {"week": WEEK, "confirmed": "oui"}, page=EDITION)
    frozen = {"week": WEEK, "section": "ethique", "index": 0}
    refused = curator.post(url, data=frozen, headers={"X-CSRF-Token": token, **JSON})
    assert refused.status_code == 409
    assert email_order(curator) == ["Article A", "Article B", "Article C", "Article D"]
    curator.post("/logout", data={"csrf_token": token})
    assert curator.post(url, data=frozen).status_code in (303, 403)
    assert curator.get(EDITION).status_code == 303
