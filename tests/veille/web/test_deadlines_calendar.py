"""/echeances.ics and the per-theme calendars: parsed back with icalendar."""

from datetime import date

from icalendar import Calendar
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos import obligations as repo
from tests.veille.web.conftest import Client
from tests.veille.web.deadline_seed import AMENDED, PAGE_URL, page_text, store, watch_ai_act


def events(client: Client, path: str = "/echeances.ics") -> dict[date, dict[str, object]]:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {
        event.decoded("dtstart"): {
            "uid": str(event["uid"]),
            "sequence": int(event["sequence"]),
            "status": str(event["status"]),
            "summary": str(event["summary"]),
            "description": str(event["description"]),
            "url": str(event.get("url", "")),
            "end": event.decoded("dtend"),
        }
        for event in calendar.walk("VEVENT")
    }


def test_one_all_day_event_per_obligation_with_sentence_and_source(
    client: Client, session_factory: sessionmaker[Session]
) -> None:
    watch_ai_act(session_factory, amended=False)
    found = events(client)
    assert sorted(found) == [date(2025, 2, 2), date(2025, 8, 2), date(2026, 8, 2), date(2027, 8, 2)]
    general = found[date(2026, 8, 2)]
    assert general["end"] == date(2026, 8, 3)
    assert str(general["summary"]).startswith("Article 113 — Règlement IA (EUR-Lex) : Il est")
    assert "Il est applicable à partir du 2 août 2026." in str(general["description"])
    assert general["url"] == PAGE_URL and general["status"] == "TENTATIVE"
    assert general["sequence"] == 0


def test_a_moved_date_keeps_its_uid_with_a_new_sequence(
    client: Client, session_factory: sessionmaker[Session]
) -> None:
    watch_ai_act(session_factory, amended=False)
    before = events(client)[date(2026, 8, 2)]
    assert client.get("/echeances.ics").content == client.get("/echeances.ics").content
    with session_scope(session_factory) as session:
        [source_id] = {row.source_id for row in repo.listing(session, repo.ObligationFilter())}
        store(session, source_id or 0, page_text("eurlex-ai-act-fr-modifie.html"), AMENDED)
    after = events(client)
    assert date(2026, 8, 2) not in after
    moved = after[date(2027, 12, 2)]
    assert moved["uid"] == before["uid"] and moved["sequence"] == 1
    assert "Date précédente : 2 août 2026." in str(moved["description"])
    assert len(after) == 4 and len({event["uid"] for event in after.values()}) == 4


def test_hidden_obligations_are_left_out_and_confirmed_ones_are_confirmed(
    client: Client, session_factory: sessionmaker[Session]
) -> None:
    watch_ai_act(session_factory, amended=False)
    with session_scope(session_factory) as session:
        rows = {row.due_on: row for row in repo.listing(session, repo.ObligationFilter())}
        repo.hide(session, rows[date(2025, 2, 2)])
        repo.confirm(session, rows[date(2027, 8, 2)])
    found = events(client)
    assert date(2025, 2, 2) not in found
    assert found[date(2027, 8, 2)]["status"] == "CONFIRMED"


def test_theme_calendars(client: Client, session_factory: sessionmaker[Session]) -> None:
    watch_ai_act(session_factory)
    assert len(events(client, "/echeances/juridique.ics")) == 4
    assert events(client, "/echeances/technique.ics") == {}
    assert client.get("/echeances/inconnu.ics").status_code == 404
