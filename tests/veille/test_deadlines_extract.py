"""Extraction of dated obligations from real-shaped regulation pages and sentences."""

from datetime import date

import pytest

from tests.veille.conftest import data
from veille.collect.pages import extract_page
from veille.deadlines.extract import extract_obligations, mask_dates
from veille.deadlines.wording import date_fr, move_line

HTML = "text/html; charset=utf-8"


def page_obligations(name: str) -> list[tuple[date, str | None, str]]:
    text = extract_page(data(f"pages/{name}"), HTML, None).text
    return [(item.date, item.reference, item.text) for item in extract_obligations(text)]


def test_ai_act_article_113_in_english_gives_its_four_application_dates() -> None:
    found = [(day, ref, text) for day, ref, text in page_obligations("eurlex-ai-act-en.html")]
    article_113 = [(day, text) for day, ref, text in found if ref == "Article 113"]
    assert article_113 == [
        (date(2026, 8, 2), "It shall apply from 2 August 2026."),
        (date(2025, 2, 2), "(a) Chapters I and II shall apply from 2 February 2025;"),
        (
            date(2025, 8, 2),
            "(b) Section 4 of Chapter III, Chapter V, Chapter VII and Chapter XII and Article 78 "
            "shall apply from 2 August 2025, with the exception of Article 101;",
        ),
        (
            date(2027, 8, 2),
            "(c) Article 6(1) and the corresponding obligations in this Regulation shall apply "
            "from 2 August 2027.",
        ),
    ]


def test_deadlines_by_a_date_are_kept_and_conditions_before_a_date_are_not() -> None:
    article_111 = [
        (day, text[:40]) for day, ref, text in page_obligations("eurlex-ai-act-en.html")
        if ref == "Article 111"
    ]  # fmt: skip
    assert article_111 == [
        (date(2030, 12, 31), "Without prejudice to the application of "),
        (date(2027, 8, 2), "Providers of general-purpose AI models t"),
    ]


def test_ai_act_article_113_in_french() -> None:
    found = page_obligations("eurlex-ai-act-fr.html")
    assert [(day, ref) for day, ref, _ in found] == [
        (date(2026, 8, 2), "Article 113"),
        (date(2025, 2, 2), "Article 113"),
        (date(2025, 8, 2), "Article 113"),
        (date(2027, 8, 2), "Article 113"),
    ]
    assert found[0][2] == "Il est applicable à partir du 2 août 2026."
    assert found[1][2] == "a) les chapitres I et II sont applicables à partir du 2 février 2025;"


def test_legifrance_articles_with_a_link_inside_the_sentence() -> None:
    found = page_obligations("legifrance-decret.html")
    assert [(day, ref) for day, ref, _ in found] == [
        (date(2027, 6, 30), "Article 1"),
        (date(2027, 1, 1), "Article 2"),
        (date(2027, 12, 31), "Article 2"),
    ]
    assert "conformément à l'article L. 312-1-3 du code" in found[0][2]
    assert found[0][2].endswith("au plus tard le 30 juin 2027.")


def test_cnil_calendar_list_with_dates_in_bold_under_a_question_heading() -> None:
    found = page_obligations("cnil-calendrier.html")
    assert {ref for _, ref, _ in found} == {"Quand le RIA entre-t-il en application ?"}
    assert [day for day, _, _ in found] == [
        date(2024, 8, 1), date(2025, 2, 2), date(2025, 8, 2), date(2026, 8, 2), date(2027, 8, 2),
    ]  # fmt: skip
    assert found[1][2].startswith("2 février 2025 : interdictions relatives aux systèmes")
    assert all("13 juin 2024" not in text and "12 juillet 2024 :" not in text for *_, text in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Le règlement s'applique à compter du 2 août 2026.", date(2026, 8, 2)),
        ("Les mesures sont prises au plus tard le 1er janvier 2027.", date(2027, 1, 1)),
        ("Member States shall notify the Commission by 2 August 2025.", date(2025, 8, 2)),
        ("Providers shall comply no later than 2 August 2027.", date(2027, 8, 2)),
        ("The rules apply from August 2, 2026.", date(2026, 8, 2)),
        ("Applicable à partir du 02/08/2026.", date(2026, 8, 2)),
        ("It shall apply from 2.8.2026.", date(2026, 8, 2)),
        ("Déclaration à faire jusqu'au 2026-03-31.", date(2026, 3, 31)),
        ("Il s'applique à compter du 2 aout 2026.", date(2026, 8, 2)),
        ("This Regulation shall enter into force on 1 January 2027.", date(2027, 1, 1)),
        ("La présente loi entrera en vigueur le 1er janvier 2027.", date(2027, 1, 1)),
        ("Ces dispositions sont applicables le 1er mars 2027.", date(2027, 3, 1)),
        ("L'arrêté prend effet le 15 avril 2027.", date(2027, 4, 15)),
    ],
)
def test_sentence_frames_and_date_shapes(sentence: str, expected: date) -> None:
    [found] = extract_obligations(sentence)
    assert found.date == expected and found.text == sentence and found.reference is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Done at Brussels, 13 June 2024.",
        "Règlement adopté le 13 juin 2024.",
        "It shall apply from 31 February 2026.",
        "Amended by Regulation (EU) 2024/1689.",
    ],
)
def test_dates_without_a_binding_frame_are_not_obligations(sentence: str) -> None:
    assert extract_obligations(sentence) == ()


def test_extraction_is_deterministic_and_without_repeats() -> None:
    text = "Article 4\nIt shall apply from 2 August 2026.\nIt shall apply from 2 August 2026."
    first = extract_obligations(text)
    assert first == extract_obligations(text) and len(first) == 1


def test_the_key_ignores_the_date_so_a_moved_date_is_recognised() -> None:
    [old] = extract_obligations("Article 113\nIl est applicable à partir du 2 août 2026.")
    [new] = extract_obligations("Article 113\nIl est applicable à partir du 2 décembre 2027.")
    assert old.key == new.key and old.date != new.date
    assert mask_dates("from 2 August 2026 or 02/08/2026") == "from … or …"


def test_a_plain_heading_is_shown_but_a_rewording_of_it_keeps_the_key() -> None:
    [old] = extract_obligations("Calendrier\nIl est applicable à partir du 2 août 2026.")
    [new] = extract_obligations("Le calendrier\nIl est applicable à partir du 2 août 2026.")
    assert (old.reference, new.reference) == ("Calendrier", "Le calendrier")
    assert old.key == new.key


def test_a_sentence_cut_by_a_link_keeps_its_article() -> None:
    text = "Article 4\nSous réserve de l'\nArticle 5\n, il s'applique à compter du 2 août 2026."
    [found] = extract_obligations(text)
    assert found.reference == "Article 4"
    assert found.text == "Sous réserve de l'Article 5, il s'applique à compter du 2 août 2026."


def test_french_wording_of_dates_and_moves() -> None:
    assert date_fr(date(2027, 1, 1)) == "1er janvier 2027"
    assert move_line("Article 113", date(2026, 8, 2), date(2027, 12, 2)) == (
        "Article 113 : 2 août 2026 → 2 décembre 2027"
    )


def test_the_title_under_an_article_heading_is_not_part_of_the_sentence() -> None:
    text = (
        "Article 14\nRegistre des systèmes d'IA\n"
        "Les collectivités publient le registre au plus tard le 21 juin 2027."
    )
    [found] = extract_obligations(text)
    assert found.reference == "Article 14"
    assert found.text == "Les collectivités publient le registre au plus tard le 21 juin 2027."
