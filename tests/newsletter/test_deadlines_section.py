"""« Échéances à venir »: the next 90 days' obligations and the dates moved this week."""

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from db.models import Source
from db.repos import obligations as repo
from newsletter.content import Profile
from newsletter.edition import build_edition
from newsletter.personalise import pick_for
from newsletter.render import Renderer, RenderOptions
from newsletter.weeks import parse_week
from tests.newsletter.factories import BEFORE_DEADLINE, LABELS, OPTIONS, WEEK

RENDERER = Renderer(RenderOptions(LABELS, "https://veille.exemple.fr"))
URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"


def seed(session: Session) -> None:
    source = Source(
        kind="page", name="Règlement IA (EUR-Lex)", url=URL, catalogue_url=URL,
        interval_seconds=86400,
    )  # fmt: skip
    session.add(source)
    session.flush()

    def add(day: date, text: str, **values: object) -> None:
        repo.add(session, source_id=source.id, due_on=day, text=text, url=URL,
                 reference="Article 113", **values)  # fmt: skip

    add(date(2027, 1, 15), "Les registres sont tenus au plus tard le 15 janvier 2027.")
    add(date(2027, 8, 2), "Article 6(1) applicable à partir du 2 août 2027.")
    add(date(2026, 12, 15), "Échéance masquée le 15 décembre 2026.", status="hidden")
    add(date(2026, 12, 20), "Échéance remplacée le 20 décembre 2026.", status="superseded")
    add(
        date(2027, 12, 2), "Il est applicable à partir du 2 décembre 2027.",
        previous_on=date(2026, 8, 2), moved_at=datetime(2026, 11, 25, 9, tzinfo=UTC),
        confirmed=True,
    )  # fmt: skip
    session.commit()


def test_the_section_lists_coming_and_moved_dates_in_both_parts(session: Session) -> None:
    seed(session)
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    assert [(d.day, d.previous) for d in content.deadlines] == [
        (date(2027, 1, 15), None),
        (date(2027, 12, 2), date(2026, 8, 2)),
    ]
    rendered = RENDERER.render(pick_for(Profile(), content))
    for part in (rendered.html, rendered.text):
        assert "Échéances à venir" in part
        assert "15 janvier 2027" in part and "2 décembre 2027" in part
        assert "auparavant le 2 août 2026" in part
        assert "Article 6(1) applicable" not in part
        assert "masquée" not in part and "remplacée" not in part
    assert "à confirmer par l'équipe de veille" in rendered.html
    assert URL in rendered.text


def test_no_section_without_obligations(session: Session) -> None:
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    assert content.deadlines == ()
    assert "Échéances à venir" not in RENDERER.render(pick_for(Profile(), content)).text
