"""Selecting, commenting, rejecting, relabelling and publishing, as stored in the database."""

from sqlalchemy.orm import Session, sessionmaker

from db.models import Article
from db.repos import curation as repo
from db.repos.labels import curated_articles
from tests.veille.web.conftest import WEEK, Client, titles


def stored(session_factory: sessionmaker[Session], article_id: int) -> Article:
    with session_factory() as session:
        article = repo.get_article(session, article_id)
        session.expunge(article)
        return article


def items(session_factory: sessionmaker[Session]) -> list[tuple[int, str, str, int]]:
    """The week's edition items as (article, section, comment, position), by id."""
    with session_factory() as session:
        edition = repo.edition_for_week(session, WEEK)
        found = sorted(edition.items, key=lambda item: item.id) if edition else []
        return [(i.article_id, i.section, i.comment, i.position) for i in found]


def curator_labels(session_factory: sessionmaker[Session], article_id: int) -> dict[str, float]:
    with session_factory() as session:
        article = repo.get_article(session, article_id)
        return {label.label: label.score for label in article.labels if label.origin == "curator"}


def select_article(client: Client, article_id: int, section: str, comment: str) -> int:
    data = {"week": WEEK, "section": section, "comment": comment, "back": f"/?week={WEEK}"}
    response = client.form(f"/articles/{article_id}/select", data, page=f"/?week={WEEK}")
    return response.status_code


def test_select_with_comment_creates_the_draft_item(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story, decree = week_articles["story"], week_articles["decree"]
    assert select_article(curator, story, "juridique", " À lire par les juristes ") == 303
    assert select_article(curator, decree, "reglementation", "") == 303
    assert items(session_factory) == [
        (story, "juridique", "À lire par les juristes", 1),
        (decree, "reglementation", "", 1),
    ]
    assert stored(session_factory, story).status == "selected"
    page = curator.get(f"/edition?week={WEEK}")
    assert "La CNIL publie ses recommandations" in page.text
    assert "À lire par les juristes" in page.text


def test_selecting_again_updates_instead_of_duplicating(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    select_article(curator, story, "juridique", "premier avis")
    select_article(curator, story, "technique", "avis revu")
    assert items(session_factory) == [(story, "technique", "avis revu", 1)]


def test_reject_takes_the_article_out_of_the_draft(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    select_article(curator, story, "juridique", "")
    response = curator.form(f"/articles/{story}/reject", {"week": WEEK}, page=f"/?week={WEEK}")
    assert response.status_code == 303
    assert stored(session_factory, story).status == "rejected"
    assert items(session_factory) == []
    rejected = curator.get(f"/?week={WEEK}&status=rejected").text
    assert titles(rejected) == ["La CNIL publie ses recommandations sur l'IA"]
    assert 'À trier (<span data-count="new">2</span>)' in rejected
    assert 'Écartés (<span data-count="rejected">1</span>)' in rejected


def test_label_correction_is_recorded_for_retraining(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]  # the model said: juridique, juriste
    response = curator.form(
        f"/articles/{story}/labels", {"labels": ["juridique", "technique"]}, page=f"/?week={WEEK}"
    )
    assert response.status_code == 303
    assert curator_labels(session_factory, story) == {"technique": 1.0, "juriste": 0.0}
    assert titles(curator.get(f"/?week={WEEK}&job=juriste").text) == []
    themed = titles(curator.get(f"/?week={WEEK}&theme=technique").text)
    assert themed == ["La CNIL publie ses recommandations sur l'IA"]


def test_correcting_one_label_leaves_the_others_with_their_score_and_explanation(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]  # the model said: juridique 93 % (rgpd, cnil), juriste 71 %
    curator.form(
        f"/articles/{story}/labels",
        {"labels": ["juridique", "juriste", "technique"]},
        page=f"/?week={WEEK}",
    )
    assert curator_labels(session_factory, story) == {"technique": 1.0}
    with session_factory() as session:
        model = {
            label.label: (label.score, label.explanation)
            for label in repo.get_article(session, story).labels
            if label.origin == "model"
        }
        assert model == {"juridique": (0.93, ["rgpd", "cnil"]), "juriste": (0.71, [])}
        curated = {c.article.id: c.labels for c in curated_articles(session)}
    assert curated[story] == {"juridique": "theme", "juriste": "job", "technique": "theme"}
    card = curator.get(f"/?week={WEEK}").text
    assert "93 %" in card and "rgpd, cnil" in card and "71 %" in card


def test_unknown_label_is_refused(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    response = curator.form(f"/articles/{story}/labels", {"labels": ["astrologie"]})
    assert response.status_code == 400
    assert curator_labels(session_factory, story) == {}


def test_actions_without_csrf_token_are_refused(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    data = {"week": WEEK, "section": "juridique", "comment": "x"}
    assert curator.post(f"/articles/{story}/select", data=data).status_code == 403
    assert curator.post(f"/articles/{story}/reject", data={"week": WEEK}).status_code == 403
    assert items(session_factory) == []
    assert stored(session_factory, story).status == "new"


def test_actions_require_login(
    client: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    story = week_articles["story"]
    response = client.form(
        f"/articles/{story}/select", {"week": WEEK, "section": "juridique"}, page="/login"
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    assert items(session_factory) == []


def test_editorial_and_publish(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    edition_page = f"/edition?week={WEEK}"
    empty = curator.form("/edition/publish", {"week": WEEK, "confirmed": "oui"}, edition_page)
    assert empty.status_code == 303
    assert "est vide" in curator.get(edition_page).text
    select_article(curator, week_articles["story"], "juridique", "")
    curator.form(
        "/edition/editorial", {"week": WEEK, "editorial_md": "Cette **semaine**\n"}, edition_page
    )
    unconfirmed = curator.form("/edition/publish", {"week": WEEK}, page=edition_page)
    assert unconfirmed.headers["location"] == f"/edition/publier?week={WEEK}"
    with session_factory() as session:
        assert repo.edition_for_week(session, WEEK).status == "draft"  # type: ignore[union-attr]
    confirm = curator.get(unconfirmed.headers["location"]).text
    assert "Juridique et réglementaire : 1 article" in confirm
    assert "Cette <strong>semaine</strong>" in confirm
    done = curator.form("/edition/publish", {"week": WEEK, "confirmed": "oui"}, edition_page)
    assert done.status_code == 303
    published_page = curator.get(edition_page).text
    assert "Cette <strong>semaine</strong>" in published_page and "**" not in published_page
    with session_factory() as session:
        edition = repo.edition_for_week(session, WEEK)
        assert edition is not None
        assert (edition.status, edition.editorial_md) == ("published", "Cette **semaine**")
        assert edition.published_at is not None
    late = select_article(curator, week_articles["chatbot"], "ethique", "")
    assert late == 303
    assert "déjà publiée" in curator.get(f"/?week={WEEK}").text
    assert [item[0] for item in items(session_factory)] == [week_articles["story"]]


def test_edition_item_can_be_reordered_and_commented(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    select_article(curator, week_articles["story"], "juridique", "")
    with session_factory() as session:
        edition = repo.edition_for_week(session, WEEK)
        assert edition is not None
        item_id = edition.items[0].id
    response = curator.form(
        f"/edition/items/{item_id}",
        {"week": WEEK, "section": "ethique", "comment": "Vu en comité", "position": "3"},
        page=f"/edition?week={WEEK}",
    )
    assert response.status_code == 303
    assert items(session_factory) == [(week_articles["story"], "ethique", "Vu en comité", 3)]


def test_email_preview_shows_the_draft_as_readers_will_get_it(
    curator: Client, session_factory: sessionmaker[Session], week_articles: dict[str, int]
) -> None:
    select_article(curator, week_articles["story"], "juridique", "À lire par les juristes")
    curator.form(
        "/edition/editorial",
        {"week": WEEK, "editorial_md": "Une semaine **chargée**."},
        f"/edition?week={WEEK}",
    )
    preview = curator.get(f"/edition/apercu?week={WEEK}")
    assert preview.status_code == 200
    text = preview.text.replace("&#39;", "'")
    assert "La CNIL publie ses recommandations sur l'IA" in text
    assert "À lire par les juristes" in text
    assert "<strong>chargée</strong>" in text
    assert "script-src" not in preview.headers["content-security-policy"]
    assert "default-src 'none'" in preview.headers["content-security-policy"]
    assert items(session_factory) == [
        (week_articles["story"], "juridique", "À lire par les juristes", 1)
    ]
