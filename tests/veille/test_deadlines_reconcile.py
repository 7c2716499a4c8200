"""Reconciling a page's known obligations with a new version of it."""

from datetime import date

from veille.deadlines.extract import ExtractedObligation
from veille.deadlines.reconcile import Known, reconcile


def found(day: date, text: str, reference: str | None = "Article 113") -> ExtractedObligation:
    return ExtractedObligation(day, text, reference)


def known(id_: int, item: ExtractedObligation, curated: bool = False) -> Known:
    return Known(id_, item.key, item.date, curated)


GENERAL = found(date(2026, 8, 2), "Il est applicable à partir du 2 août 2026.")
CHAPTERS = found(
    date(2025, 2, 2), "a) les chapitres I et II sont applicables à partir du 2 février 2025;"
)


def test_same_clause_and_date_is_unchanged() -> None:
    plan = reconcile([known(1, GENERAL), known(2, CHAPTERS)], [GENERAL, CHAPTERS])
    assert plan.unchanged == (1, 2) and not (plan.added or plan.moved or plan.vanished)


def test_same_clause_with_another_date_is_a_move() -> None:
    later = found(date(2027, 12, 2), "Il est applicable à partir du 2 décembre 2027.")
    plan = reconcile([known(1, GENERAL), known(2, CHAPTERS)], [later, CHAPTERS])
    [moved] = plan.moved
    assert (moved.old.id, moved.new.date) == (1, date(2027, 12, 2))
    assert plan.unchanged == (2,) and not plan.added and not plan.vanished


def test_a_slightly_reworded_clause_is_still_a_move() -> None:
    reworded = found(date(2027, 12, 2), "Il est applicable à compter du 2 décembre 2027.")
    [moved] = reconcile([known(1, GENERAL)], [reworded]).moved
    assert moved.old.id == 1


def test_another_article_is_not_a_move() -> None:
    elsewhere = found(
        date(2027, 12, 2), "Il est applicable à partir du 2 décembre 2027.", "Article 2"
    )
    plan = reconcile([known(1, GENERAL)], [elsewhere])
    assert plan.added == (elsewhere,) and [k.id for k in plan.vanished] == [1]


def test_curated_obligations_never_vanish() -> None:
    plan = reconcile([known(1, GENERAL, curated=True)], [])
    assert plan == reconcile([], [])


def test_a_calendar_line_extended_when_its_date_moves_is_a_move() -> None:
    old = found(date(2026, 8, 2), "2 août 2026 : obligations des systèmes à haut risque.", None)
    new = found(
        date(2027, 12, 2),
        "2 décembre 2027 : obligations des systèmes à haut risque, report décidé par l'omnibus.",
        None,
    )
    [moved] = reconcile([known(1, old)], [new]).moved
    assert moved.old.id == 1


def test_the_closest_clause_is_paired() -> None:
    first = found(date(2026, 8, 2), "Les chapitres I et II sont applicables dès le 2 août 2026.")
    second = found(
        date(2026, 9, 1), "Les chapitres III et IV sont applicables dès le 1er septembre 2026."
    )
    moved_second = found(
        date(2027, 9, 1), "Les chapitres III et IV sont applicables dès le 1er septembre 2027!"
    )
    [moved] = reconcile([known(1, first), known(2, second)], [first, moved_second]).moved
    assert moved.old.id == 2
