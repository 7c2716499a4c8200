"""Assembling an edition from the curated selection, and the automatic draft."""

from sqlalchemy.orm import Session

from db.repos import editions as editions_repo
from newsletter.content import REGULATION_SECTION
from newsletter.edition import EditionOptions, build_edition
from newsletter.weeks import parse_week
from tests.newsletter.factories import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    LABELS,
    OPTIONS,
    WEEK,
    article,
    sample_week,
    source,
)


def test_sections_follow_configured_order_with_comments(session: Session) -> None:
    rows = sample_week(session)
    options = EditionOptions(labels=LABELS, section_order=("technique", "juridique"))
    content = build_edition(session, parse_week(WEEK), options, BEFORE_DEADLINE)
    keys = [section.key for section in content.sections]
    assert keys == ["technique", "juridique", REGULATION_SECTION]
    legal = content.sections[1]
    assert legal.title == "Juridique et réglementaire"
    assert [item.article_id for item in legal.items] == [rows["ai_act"].id, rows["cnil"].id]
    assert legal.items[0].comment == "À lire avant le comité de pilotage."
    assert not content.automatic


def test_regulation_section_lists_the_weeks_page_changes(session: Session) -> None:
    rows = sample_week(session)
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    regulation = content.sections[-1]
    assert regulation.title == "Évolutions réglementaires"
    assert [item.article_id for item in regulation.items] == [rows["decree"].id]
    assert "12 mot(s) ajouté(s)" in regulation.items[0].summary


def test_candidates_are_the_unselected_articles(session: Session) -> None:
    rows = sample_week(session)
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    ids = {item.article_id for item in content.candidates}
    assert ids == {rows["energy"].id, rows["jobs"].id, rows["other"].id}


def test_nothing_curated_before_deadline_gives_an_empty_draft(session: Session) -> None:
    src = source(session)
    article(session, src, "Un article", {"technique": 0.9})
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    assert content.sections == ()
    assert editions_repo.get_by_week(session, WEEK) is None


def test_nothing_curated_after_deadline_proposes_top_ranked_articles(session: Session) -> None:
    src = source(session)
    best = article(session, src, "Le meilleur", {"technique": 0.9}, relevance=0.95)
    second = article(
        session, src, "Le deuxième", {"juridique": 0.6, "technique": 0.8}, relevance=0.8
    )
    article(session, src, "Le dernier", {"ethique": 0.9}, relevance=0.1)
    options = EditionOptions(labels=LABELS, automatic_count=2)
    content = build_edition(session, parse_week(WEEK), options, AFTER_DEADLINE)
    assert content.automatic
    assert [s.key for s in content.sections] == ["technique"]
    assert [i.article_id for i in content.sections[0].items] == [best.id, second.id]
    again = build_edition(session, parse_week(WEEK), options, AFTER_DEADLINE)
    assert again.item_count == 2


def test_curator_labels_replace_the_models(session: Session) -> None:
    src = source(session)
    row = article(session, src, "Corrigé", {"technique": 0.9})
    article(session, src, "Autre", {})
    row.labels[0].origin = "model"
    from db.models import Label

    row.labels.append(Label(label="social", kind="theme", score=1.0, origin="curator"))
    row.labels.append(Label(label="technique", kind="theme", score=0.0, origin="curator"))
    session.flush()
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    item = next(i for i in content.candidates if i.article_id == row.id)
    assert item.themes == ("social",)


def test_unsafe_links_and_markup_are_neutralised(session: Session) -> None:
    src = source(session)
    row = article(
        session, src, "<b>Titre</b> & co", {}, summary="<script>x()</script><p>Texte <i>sûr</i></p>"
    )
    row.url = "javascript:alert(1)"
    row.canonical_url = None
    session.flush()
    content = build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)
    item = content.candidates[0]
    assert item.title == "Titre & co"
    assert item.summary == "Texte sûr"
    assert item.url.startswith("https://")


def test_an_empty_week_gets_no_automatic_draft(session: Session) -> None:
    content = build_edition(session, parse_week(WEEK), OPTIONS, AFTER_DEADLINE)
    assert content.sections == () and not content.automatic
    assert editions_repo.get_by_week(session, WEEK) is None


def test_plain_text_keeps_words_of_separate_blocks_apart() -> None:
    from newsletter.edition import plain_text

    markup = "<p>Passages modifiés :</p><ul><li>Ajouté : un</li><li>Retiré : deux</li></ul>"
    assert plain_text(markup, 200) == "Passages modifiés : Ajouté : un Retiré : deux"
