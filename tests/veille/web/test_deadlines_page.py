"""« Échéances »: curators confirm, correct, hide and add obligations (login, CSRF)."""

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from db.repos import obligations as repo
from tests.veille.web.conftest import Client
from tests.veille.web.deadline_seed import watch_ai_act


def by_date(factory: sessionmaker[Session]) -> dict[date, int]:
    with factory() as session:
        rows = repo.listing(session, repo.ObligationFilter(statuses=("active", "hidden")))
        return {row.due_on: row.id for row in rows}


def test_the_page_needs_a_login_and_forms_need_the_token(
    client: Client, session_factory: sessionmaker[Session], accounts: dict[str, str]
) -> None:
    watch_ai_act(session_factory)
    response = client.get("/echeances")
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    ids = by_date(session_factory)
    assert client.post(f"/echeances/{ids[date(2027, 8, 2)]}/confirmer").status_code in (303, 403)
    client.login()
    refused = client.post(f"/echeances/{ids[date(2027, 8, 2)]}/confirmer", data={})
    assert refused.status_code == 403


def test_the_page_lists_the_obligations_with_the_moved_date(
    curator: Client, session_factory: sessionmaker[Session]
) -> None:
    watch_ai_act(session_factory)
    html = curator.get("/echeances").text
    assert "Il est applicable à partir du 2 décembre 2027." in html
    assert "02/12/2027" in html and "avant : 02/08/2026" in html
    assert 'href="/echeances.ics"' in html and 'href="/echeances/juridique.ics"' in html
    replaced = curator.get("/echeances?statut=superseded").text
    assert "Il est applicable à partir du 2 août 2026." in replaced
    assert "Confirmer" not in replaced


def test_confirm_hide_restore(curator: Client, session_factory: sessionmaker[Session]) -> None:
    watch_ai_act(session_factory)
    target = by_date(session_factory)[date(2027, 8, 2)]
    assert curator.form(f"/echeances/{target}/confirmer", {}, "/echeances").status_code == 303
    assert "Échéance du 02/08/2027 confirmée." in curator.get("/echeances").text
    curator.form(f"/echeances/{target}/masquer", {}, "/echeances")
    assert f'id="echeance-{target}"' not in curator.get("/echeances").text
    assert f'id="echeance-{target}"' in curator.get("/echeances?statut=hidden").text
    curator.form(f"/echeances/{target}/retablir", {}, "/echeances?statut=hidden")
    with session_factory() as session:
        row = repo.get(session, target)
        assert (row.status, row.confirmed, row.curated) == ("active", True, True)


def test_edit_and_add(curator: Client, session_factory: sessionmaker[Session]) -> None:
    watch_ai_act(session_factory)
    target = by_date(session_factory)[date(2027, 8, 2)]
    form = curator.get(f"/echeances/{target}/modifier").text
    assert 'value="2027-08-02"' in form
    edited = curator.form(
        f"/echeances/{target}",
        {"due_on": "2027-08-03", "text": "Article 6(1) applicable.", "reference": "Article 113",
         "themes": ["juridique", "technique"]},
        f"/echeances/{target}/modifier",
    )  # fmt: skip
    assert edited.status_code == 303
    added = curator.form(
        "/echeances",
        {"due_on": "2027-01-31", "text": "Délibération sur la charte IA <b>avant</b> le vote.",
         "url": "https://www.grandreims.fr/charte-ia", "themes": ["ethique"]},
        "/echeances",
    )  # fmt: skip
    assert added.status_code == 303
    html = curator.get("/echeances").text
    assert "Délibération sur la charte IA &lt;b&gt;avant&lt;/b&gt; le vote." in html
    with session_factory() as session:
        row = repo.get(session, target)
        assert (row.due_on, row.previous_on, row.text, row.sequence) == (
            date(2027, 8, 3),
            date(2027, 8, 2),
            "Article 6(1) applicable.",
            1,
        )
        assert row.themes == ["juridique", "technique"] and row.curated and row.confirmed
        [mine] = [
            r for r in repo.listing(session, repo.ObligationFilter()) if r.origin == "curator"
        ]
        assert mine.confirmed and mine.themes == ["ethique"] and mine.source_id is None


def test_invalid_input_is_refused(curator: Client, session_factory: sessionmaker[Session]) -> None:
    watch_ai_act(session_factory)
    bad_date = curator.form("/echeances", {"due_on": "31/01/2027", "text": "x"}, "/echeances")
    assert bad_date.status_code == 400 and "Date invalide" in bad_date.text
    bad_theme = curator.form(
        "/echeances", {"due_on": "2027-01-31", "text": "x", "themes": ["nimporte"]}, "/echeances"
    )
    assert bad_theme.status_code == 400
    bad_url = curator.form(
        "/echeances", {"due_on": "2027-01-31", "text": "x", "url": "javascript:alert(1)"},
        "/echeances",
    )  # fmt: skip
    assert bad_url.status_code == 400
    with session_factory() as session:
        old = repo.listing(session, repo.ObligationFilter(statuses=("superseded",)))[0]
    gone = curator.form(f"/echeances/{old.id}/confirmer", {}, "/echeances")
    assert gone.status_code == 409
