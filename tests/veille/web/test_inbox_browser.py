"""The compact inbox in Debian's Chromium: keyboard triage without a reload, bulk actions.

Each test sets ``window.__marker`` after the page loads: a reload would lose it.
"""

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.engine import session_scope
from db.repos.curation import get_article
from tests.veille.web.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CURATOR_EMAIL,
    PASSWORD,
    WEEK,
    add_article,
    add_source,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})"),
]
THEMES = ("juridique", "technique", "ethique", "social")


@pytest.fixture
def twelve(session_factory: sessionmaker[Session]) -> list[int]:
    """Twelve articles of the week, the most relevant first."""
    with session_scope(session_factory) as session:
        source = add_source(session, "Gazette")
        articles = [
            add_article(
                session,
                source,
                f"Article numéro {n:02d} sur l'intelligence artificielle",
                relevance=0.99 - n / 100,
                labels={THEMES[n % 4]: 0.8, "juriste": 0.6},
            )
            for n in range(12)
        ]
        return [article.id for article in articles]


def statuses(session_factory: sessionmaker[Session], ids: list[int]) -> list[str]:
    with session_factory() as session:
        return [get_article(session, article_id).status for article_id in ids]


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_inbox(browser, live_url: str, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{live_url}/login?next=/%3Fweek%3D{WEEK}")
    page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_selector("[data-card]")
    page.wait_for_load_state("load")  # the keys need the page's script
    page.evaluate("window.__marker = 'même page'")
    return page


def still_the_same_page(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("window.__marker === 'même page'"))


def test_ten_articles_triaged_from_the_keyboard_without_a_reload(
    live_url: str,
    accounts: dict[str, str],
    twelve: list[int],
    session_factory: sessionmaker[Session],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    page = open_inbox(browser, live_url)
    status = page.get_by_role("status").first
    for n in range(10):
        page.keyboard.press("j")
        page.keyboard.press("s" if n % 2 == 0 else "x")
        row = page.locator(f"#article-{twelve[n]}")
        expect(row).to_have_attribute("data-status", "selected" if n % 2 == 0 else "rejected")
        expect(status).to_contain_text("est retenu" if n % 2 == 0 else "est écarté")
    expect(page.locator(f"#article-{twelve[9]}")).to_be_focused()
    page.keyboard.press("u")  # the last decision, undone
    expect(page.locator(f"#article-{twelve[9]}")).to_have_attribute("data-status", "new")
    expect(status).to_contain_text("Action annulée")
    expect(page.locator('[data-count="new"]')).to_have_text("3")  # the tab's count follows
    expect(page.locator("[data-edition-line]")).to_contain_text("5 articles retenus")
    page.keyboard.press("Enter")  # the focused line unfolds in place
    expect(page.locator(f"#more-{twelve[9]}")).to_be_visible()
    expect(page.locator(f"#more-{twelve[9]}").get_by_label("Rubrique")).to_be_visible()
    assert still_the_same_page(page)
    expected = ["selected", "rejected"] * 4 + ["selected", "new", "new", "new"]
    assert statuses(session_factory, twelve) == expected


def test_shift_x_rejects_the_untriaged_of_the_page_and_u_brings_them_back(
    live_url: str,
    accounts: dict[str, str],
    twelve: list[int],
    session_factory: sessionmaker[Session],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    page = open_inbox(browser, live_url)
    page.keyboard.press("j")
    page.keyboard.press("s")
    expect(page.locator(f"#article-{twelve[0]}")).to_have_attribute("data-status", "selected")
    page.keyboard.press("Shift+X")
    expect(page.get_by_role("status").first).to_contain_text("11 articles écartés")
    assert statuses(session_factory, twelve) == ["selected"] + ["rejected"] * 11
    page.keyboard.press("u")
    expect(page.get_by_role("status").first).to_contain_text("11 articles rétablis")
    expect(page.locator(f"#article-{twelve[11]}")).to_have_attribute("data-status", "new")
    assert statuses(session_factory, twelve) == ["selected"] + ["new"] * 11
    assert still_the_same_page(page)


def test_rows_ticked_by_mouse_and_keyboard_are_rejected_together(
    live_url: str,
    accounts: dict[str, str],
    twelve: list[int],
    session_factory: sessionmaker[Session],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    page = open_inbox(browser, live_url)
    page.locator(f"#article-{twelve[1]} .pick").check()  # the second row, by mouse
    page.keyboard.press("j")  # from the box just ticked to the next row
    page.keyboard.press("Space")  # the third row
    page.keyboard.press("j")
    page.keyboard.press("m")  # the fourth row
    expect(page.locator("[data-picked]")).to_contain_text("3 articles cochés")
    page.get_by_role("form", name="Action sur les articles cochés").get_by_role(
        "button", name="Écarter"
    ).click()
    expect(page.get_by_role("status").first).to_contain_text("3 articles écartés")
    expect(page.locator("[data-card] .pick:checked")).to_have_count(0)
    assert statuses(session_factory, twelve[:5]) == [
        "new",
        "rejected",
        "rejected",
        "rejected",
        "new",
    ]
    page.locator(f"#article-{twelve[1]} .pick").check()
    page.get_by_role("button", name="Remettre à trier").first.click()
    expect(page.get_by_role("status").first).to_contain_text("1 article remis à trier")
    assert statuses(session_factory, twelve[1:2]) == ["new"]
    assert still_the_same_page(page)


def test_ten_lines_fit_a_laptop_screen_and_nothing_overflows_a_phone(
    live_url: str,
    accounts: dict[str, str],
    twelve: list[int],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    page = open_inbox(browser, live_url)
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('[data-card]'))"
        ".filter(row => row.getBoundingClientRect().bottom <= window.innerHeight).length"
    )
    assert visible >= 10
    page.locator(f"#article-{twelve[2]} .row-source").click()  # a click on the line unfolds it
    expect(page.locator(f"#more-{twelve[2]}")).to_be_visible()
    expect(page.locator(f"#article-{twelve[2]}")).to_be_focused()
    phone = open_inbox(browser, live_url, width=390, height=844)
    phone.keyboard.press("j")
    phone.keyboard.press("Enter")  # unfolded, with its forms
    phone.locator(f"#article-{twelve[0]} summary", has_text="Corriger les étiquettes").click()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_without_javascript_a_line_unfolds_and_its_form_comes_back(
    live_url: str,
    accounts: dict[str, str],
    twelve: list[int],
    session_factory: sessionmaker[Session],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_url}/login?next=/%3Fweek%3D{WEEK}")
    page.get_by_label("Adresse électronique").fill(CURATOR_EMAIL)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    row = page.locator(f"#article-{twelve[3]}")
    expect(row.get_by_label("Rubrique")).to_be_hidden()
    row.get_by_role("link", name="Détails").click()  # the page comes back with it unfolded
    row.get_by_role("button", name="Écarter").click()
    expect(page.get_by_role("status").first).to_contain_text("est écarté")
    expect(row).to_have_attribute("data-status", "rejected")
    expect(row.get_by_label("Rubrique")).to_be_visible()  # still unfolded, back at its place
    assert statuses(session_factory, twelve[3:4]) == ["rejected"]
