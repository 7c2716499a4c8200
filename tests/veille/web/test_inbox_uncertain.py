"""Labels the model was unsure of: marked « à vérifier » and filtered on, until checked."""

from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from tests.veille.web.conftest import WEEK, Client, add_article, add_source, titles

MARK = ">à vérifier</strong>"


def add_unsure_week(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_scope(session_factory) as session:
        source = add_source(session, "Gazette")
        sure = add_article(session, source, "Sanction de la CNIL", labels={"juridique": 0.95})
        unsure = add_article(
            session,
            source,
            "Un chatbot en mairie",
            labels={"agent_accueil": 0.9, "ethique": 0.52},
            uncertain=("ethique",),
        )
        return {"sure": sure.id, "unsure": unsure.id}


def test_uncertain_label_is_marked_to_check(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    add_unsure_week(session_factory)
    text = curator.get(f"/?week={WEEK}").text
    assert text.count(MARK) == 1
    unfolded = text[text.index('id="more-', text.index("Un chatbot en mairie")) :]
    assert unfolded.index("Éthique") < unfolded.index(MARK) < unfolded.index("Agent d")


def test_filter_keeps_articles_with_a_label_to_check(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    add_unsure_week(session_factory)
    assert titles(curator.get(f"/?week={WEEK}&uncertain=1").text) == ["Un chatbot en mairie"]
    every = titles(curator.get(f"/?week={WEEK}").text)
    assert sorted(every) == ["Sanction de la CNIL", "Un chatbot en mairie"]
    assert 'name="uncertain" value="1" checked' in curator.get(f"/?week={WEEK}&uncertain=1").text


def test_a_curator_decision_settles_the_doubt(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    unsure = add_unsure_week(session_factory)["unsure"]
    response = curator.form(
        f"/articles/{unsure}/labels", {"labels": ["agent_accueil"]}, page=f"/?week={WEEK}"
    )
    assert response.status_code == 303
    assert titles(curator.get(f"/?week={WEEK}&uncertain=1").text) == []
    assert MARK not in curator.get(f"/?week={WEEK}").text
