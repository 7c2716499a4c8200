"""Who receives what: agents the whole edition, referents their themes and jobs."""

from datetime import UTC, datetime

from newsletter.content import EditionContent, Item, Profile, Section
from newsletter.personalise import pick_for
from newsletter.weeks import parse_week

WHEN = datetime(2026, 11, 24, tzinfo=UTC)


def item(
    article_id: int,
    themes: tuple[str, ...] = (),
    jobs: tuple[str, ...] = (),
    relevance: float = 0.0,
    **scores: float,
) -> Item:
    return Item(
        article_id=article_id,
        title=f"Article {article_id}",
        url=f"https://exemple.fr/{article_id}",
        source="Source",
        published_at=WHEN,
        themes=themes,
        jobs=jobs,
        scores=dict(scores) or dict.fromkeys(themes + jobs, 0.9),
        relevance=relevance,
    )


EDITION = EditionContent(
    week=parse_week("2026-W48"),
    status="draft",
    automatic=False,
    editorial_md="",
    sections=(
        Section(
            "juridique",
            "Juridique",
            (item(1, ("juridique",)), item(2, ("juridique",), ("juriste",))),
        ),
        Section("technique", "Technique", (item(3, ("technique",)),)),
        Section("social", "Social", (item(4, ("social",), ("agent_accueil",)),)),
    ),
    candidates=(
        item(10, ("technique",), relevance=0.3, technique=0.6),
        item(11, ("technique",), relevance=0.9, technique=0.5),
        item(12, ("ethique",), relevance=0.99, ethique=0.99),
        item(13, ("technique",), relevance=0.7, technique=0.95),
        item(14, (), ("juriste",), relevance=0.6),
    ),
)


def test_an_agent_receives_the_whole_edition() -> None:
    personal = pick_for(Profile(), EDITION)
    assert personal.sections == EDITION.sections
    assert personal.also == ()


def test_a_referent_gets_their_themes_first_then_also_in_their_themes() -> None:
    personal = pick_for(Profile.of(["technique"], ["juriste"]), EDITION, also_count=2)
    assert [s.key for s in personal.sections] == ["technique", "juridique"]
    assert [i.article_id for i in personal.sections[1].items] == [2]
    assert [i.article_id for i in personal.also] == [11, 13]


def test_also_holds_the_profile_s_articles_above_the_relevance_floor_most_relevant_first() -> None:
    personal = pick_for(Profile.of(["technique"], ["juriste"]), EDITION, min_relevance=0.5)
    assert [i.article_id for i in personal.also] == [11, 13, 14]
    everything = pick_for(Profile.of(["technique"], []), EDITION, min_relevance=0.0)
    assert [i.article_id for i in everything.also] == [11, 13, 10]


def test_empty_sections_are_left_out() -> None:
    personal = pick_for(Profile.of([], ["agent_accueil"]), EDITION)
    assert [s.key for s in personal.sections] == ["social"]


def test_a_referent_with_nothing_this_week_gets_an_empty_edition() -> None:
    personal = pick_for(Profile.of(["environnemental"], []), EDITION)
    assert personal.empty
