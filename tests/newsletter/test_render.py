"""The HTML and text parts: email-safe markup, French dates, size under Gmail's clipping."""

from datetime import UTC, datetime

import pytest
from jinja2 import UndefinedError
from lxml import etree
from lxml import html as lxml_html
from sqlalchemy.orm import Session

from newsletter.content import EditionContent, Item, Profile, Section
from newsletter.edition import build_edition
from newsletter.personalise import pick_for
from newsletter.render import MANAGE_PLACEHOLDER, Renderer, RenderOptions
from newsletter.weeks import parse_week
from tests.newsletter.factories import BEFORE_DEADLINE, LABELS, OPTIONS, WEEK, sample_week

RENDERER = Renderer(RenderOptions(LABELS, "https://veille.exemple.fr"))


@pytest.fixture
def edition(session: Session) -> EditionContent:
    sample_week(session)
    return build_edition(session, parse_week(WEEK), OPTIONS, BEFORE_DEADLINE)


def parse_strictly(markup: str) -> etree._Element:
    parser = etree.HTMLParser(recover=False)
    tree = lxml_html.document_fromstring(markup, parser=parser)
    assert [str(error) for error in parser.error_log] == []
    return tree


def test_html_is_an_email_safe_table_layout(edition: EditionContent) -> None:
    rendered = RENDERER.render(pick_for(Profile(), edition))
    tree = parse_strictly(rendered.html)
    assert tree.xpath("//script") == []
    assert "@font-face" not in rendered.html and "fonts.googleapis" not in rendered.html
    assert all(img.get("alt") for img in tree.xpath("//img"))
    page = tree.xpath("//table[contains(@class, 'page')]")[0]
    assert page.get("width") == "600" and "max-width: 600px" in page.get("style")
    links = tree.xpath("//a[contains(@class, 'item-link')]")
    assert links and all("color:" in (link.get("style") or "") for link in links)
    assert tree.xpath("//meta[@name='color-scheme']")[0].get("content") == "light dark"
    assert "prefers-color-scheme: dark" in rendered.html


def test_content_sections_comments_and_french_dates(edition: EditionContent) -> None:
    rendered = RENDERER.render(pick_for(Profile(), edition))
    tree = parse_strictly(rendered.html)
    titles = ["".join(h.itertext()) for h in tree.xpath("//h2")]
    assert titles == ["Juridique et réglementaire", "Technique", "Évolutions réglementaires"]
    assert "À lire avant le comité de pilotage." in rendered.html
    assert "23 novembre 2026" in rendered.html and "23 novembre 2026" in rendered.text
    assert rendered.subject == "Veille IA — semaine 48 (du 23 au 29 novembre 2026)"


def test_editorial_markdown_is_rendered_and_sanitised(edition: EditionContent) -> None:
    rendered = RENDERER.render(pick_for(Profile(), edition))
    assert "<strong>toutes et tous</strong>" in rendered.html
    assert "<script" not in rendered.html and "alert(1)" not in rendered.html.replace(
        "&lt;script&gt;alert(1)&lt;/script&gt;", ""
    )


def test_text_part_is_written_from_the_same_data(edition: EditionContent) -> None:
    rendered = RENDERER.render(pick_for(Profile(), edition))
    for section in edition.sections:
        assert f"== {section.title} ==" in rendered.text
        for entry in section.items:
            assert entry.title in rendered.text and entry.url in rendered.text
    assert MANAGE_PLACEHOLDER in rendered.text and MANAGE_PLACEHOLDER in rendered.html


def test_automatic_editions_are_clearly_marked() -> None:
    content = EditionContent(parse_week(WEEK), "draft", True, "", (), ())
    rendered = RENDERER.render(pick_for(Profile(), content))
    assert "Sélection automatique" in rendered.html and "Sélection automatique" in rendered.text


def test_referent_view_names_their_labels_and_links_the_full_edition(
    edition: EditionContent,
) -> None:
    rendered = RENDERER.render(pick_for(Profile.of(["technique"], ["juriste"]), edition))
    assert "Votre sélection : Technique, Juriste." in rendered.text
    assert "https://veille.exemple.fr/editions/2026-W48" in rendered.html


def test_a_25_item_edition_stays_under_100_kb() -> None:
    long_summary = "Un résumé détaillé de l'article, " * 9
    items = tuple(
        Item(
            article_id=n,
            title=f"Titre d'un article assez long pour être réaliste, numéro {n}",
            url=f"https://www.exemple-de-source.fr/actualites/2026/11/un-article-{n}?utm=x&y=z",
            source="Commission nationale de l'informatique et des libertés",
            published_at=datetime(2026, 11, 24, tzinfo=UTC),
            summary=long_summary[:280],
            comment="Le commentaire de l'équipe de veille, en une ou deux phrases utiles. " * 2,
            themes=("juridique", "technique"),
            jobs=("juriste", "manager"),
        )
        for n in range(25)
    )
    sections = tuple(
        Section(key, LABELS.title(key), items[i::5])
        for i, key in enumerate(LABELS.ids_of("theme")[:5])
    )
    content = EditionContent(parse_week(WEEK), "published", False, "Éditorial " * 80, sections)
    rendered = RENDERER.render(pick_for(Profile(), content))
    assert content.item_count == 25
    assert len(rendered.html.encode()) < 100_000
    parse_strictly(rendered.html)


def test_html_escapes_item_text_and_undefined_variables_fail() -> None:
    item = Item(
        article_id=1,
        title="<img src=x onerror=alert(1)>",
        url="https://exemple.fr/a?x=1&y=2",
        source="Source & co",
        published_at=datetime(2026, 11, 24, tzinfo=UTC),
    )
    content = EditionContent(
        parse_week(WEEK), "published", False, "", (Section("technique", "Technique", (item,)),)
    )
    rendered = RENDERER.render(pick_for(Profile(), content))
    assert "<img" not in rendered.html and "&lt;img src=x" in rendered.html
    assert "Source &amp; co" in rendered.html and "<img src=x" in rendered.text
    template = RENDERER.env.from_string("{{ nothing }}")
    with pytest.raises(UndefinedError):
        template.render()


def test_public_api_is_listed() -> None:
    import newsletter

    assert all(hasattr(newsletter, name) for name in newsletter.__all__)
