"""Public subscription pages: double opt-in, preferences, one-click unsubscribe (RFC 8058)."""

import csv
import dataclasses
import io
import re
from html import unescape
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy.orm import Session, sessionmaker

from db.models import Subscriber
from db.repos import subscribers as repo
from newsletter.delivery import SmtpConfig, SmtpSender
from tests.newsletter.factories import sample_week, send_week, subscriber
from tests.newsletter.smtp_server import RecordingHandler
from tests.veille.web.conftest import ADMIN_EMAIL, CHROMIUM, CHROMIUM_ARGS, Client
from veille.newsletter_config import signer
from veille.settings import Settings
from veille.web.app import create_app

LINK = re.compile(r"https?://\S+/abonnement/\S+")


@pytest.fixture
def app(
    settings: Settings, session_factory: sessionmaker[Session], smtp: tuple[RecordingHandler, int]
) -> FastAPI:
    configured = dataclasses.replace(
        settings, smtp_host="127.0.0.1", smtp_port=smtp[1], smtp_rate=0
    )
    return create_app(configured, session_factory)


def path_of(url: str) -> str:
    return urlsplit(url).path


def mailed_link(handler: RecordingHandler, index: int = -1) -> str:
    message = handler.parsed()[index]
    match = LINK.search(str(message.get_content()))
    assert match, "pas de lien dans le courriel"
    return match.group(0)


def subscribe(client: Client, email: str, **extra: object) -> str:
    data = {"email": email, "name": "Camille", "direction": "DSI", **extra}
    response = client.form("/abonnement", data, page="/abonnement")
    assert response.status_code == 200, response.text
    return response.text


def get_subscriber(session_factory: sessionmaker[Session], email: str) -> Subscriber:
    with session_factory() as session:
        row = repo.get_by_email(session, email)
        assert row is not None
        return row


def test_double_opt_in_confirms_with_the_mailed_link(
    client: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    handler, _port = smtp
    page = subscribe(
        client, "camille@exemple.fr", themes=["juridique", "inconnu"], jobs=["juriste"]
    )
    assert "Vérifiez votre messagerie" in page
    assert get_subscriber(session_factory, "camille@exemple.fr").status == "pending"
    assert handler.recipients() == ["camille@exemple.fr"]
    link = path_of(mailed_link(handler))
    assert "/abonnement/confirmer/" in link
    assert "Confirmer mon abonnement" in client.get(link).text
    done = client.form(link, {}, page=link)
    assert done.status_code == 200 and "Votre abonnement est confirmé." in done.text
    row = get_subscriber(session_factory, "camille@exemple.fr")
    assert (row.status, row.themes, row.jobs) == ("active", ["juridique"], ["juriste"])


def test_no_page_reveals_whether_an_address_is_subscribed(
    client: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    handler, _port = smtp
    with session_factory() as session:
        subscriber(session, "deja@exemple.fr")
        subscriber(session, "parti@exemple.fr", status="unsubscribed")
        session.commit()
    pages = {
        subscribe(client, email)
        for email in ("deja@exemple.fr", "parti@exemple.fr", "neuf@exemple.fr")
    }
    assert len(pages) == 1
    assert "/abonnement/preferences/" in mailed_link(handler, 0)
    assert "/abonnement/confirmer/" in mailed_link(handler, 1)
    assert get_subscriber(session_factory, "deja@exemple.fr").status == "active"


def test_invalid_address_and_missing_csrf_are_refused(client: Client) -> None:
    response = client.form("/abonnement", {"email": "pas une adresse"}, page="/abonnement")
    assert response.status_code == 400 and "Adresse électronique invalide." in response.text
    forged = client.post("/abonnement", data={"email": "x@exemple.fr"})
    assert forged.status_code == 403


def test_an_expired_confirmation_link_is_refused(
    client: Client, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        row = subscriber(session, "lent@exemple.fr", status="pending")
        session.commit()

    class ThreeDaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return super().get_timestamp() - 3 * 86400

    old = URLSafeTimedSerializer(settings.secret_key, salt="veille-newsletter", signer=ThreeDaysAgo)
    response = client.get(f"/abonnement/confirmer/{old.dumps(['confirmer', row.id])}")
    assert response.status_code == 400 and "expiré" in response.text


def test_preferences_from_the_signed_link(
    client: Client, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    with session_factory() as session:
        row = subscriber(session, "ref@exemple.fr", themes=("technique",))
        session.commit()
    link = path_of(signer(settings).manage_url(row.id))
    page = client.get(link)
    assert page.status_code == 200 and 'value="technique" checked' in page.text
    saved = client.form(
        link, {"themes": ["social", "ethique"], "jobs": ["manager"], "paused": "1"}, page=link
    )
    assert "Vos préférences sont enregistrées." in saved.text
    row = get_subscriber(session_factory, "ref@exemple.fr")
    assert (row.themes, row.jobs, row.paused) == (["ethique", "social"], ["manager"], True)
    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 400 and "n'est pas valide" in unescape(tampered.text)
    wrong_action = client.get(link.replace("/preferences/", "/desabonnement/"))
    assert wrong_action.status_code == 400


def test_one_click_unsubscribe_from_a_sent_message(
    client: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    handler, port = smtp
    with session_factory() as session:
        sample_week(session)
        subscriber(session, "agent@exemple.fr")
        session.commit()
    send_week(session_factory, SmtpSender(SmtpConfig("127.0.0.1", port)))
    message = handler.parsed()[0]
    https = message["List-Unsubscribe"].split(",")[0].strip(" <>")
    page = client.get(path_of(https))
    assert page.status_code == 200 and "Confirmer le désabonnement" in page.text
    response = client.post(
        path_of(https),
        content=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200 and "Vous êtes désabonné·e" in response.text
    assert get_subscriber(session_factory, "agent@exemple.fr").status == "unsubscribed"
    again = client.post(path_of(https), content=b"List-Unsubscribe=One-Click")
    assert again.status_code == 200
    html = message.get_body(("html",))
    assert html is not None and https in str(html.get_content())


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium absent ({CHROMIUM})")
def test_subscribe_confirm_preferences_unsubscribe_in_chromium(
    live_url: str, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    from playwright.sync_api import expect, sync_playwright

    handler, _port = smtp
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{live_url}/abonnement")
        page.get_by_label("Adresse électronique").fill("camille@exemple.fr")
        page.get_by_label("Technique").check()
        page.get_by_role("button", name="S'abonner").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")

        page.goto(live_url + path_of(mailed_link(handler)))
        page.get_by_role("button", name="Confirmer mon abonnement").click()
        expect(page.get_by_role("status").first).to_contain_text("Votre abonnement est confirmé.")

        expect(page.get_by_label("Technique")).to_be_checked()
        page.get_by_label("Juriste").check()
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.get_by_role("status").first).to_contain_text("préférences sont enregistrées")
        row = get_subscriber(session_factory, "camille@exemple.fr")
        assert (row.status, row.themes, row.jobs) == ("active", ["technique"], ["juriste"])

        page.get_by_role("button", name="Me désabonner").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes désabonné·e")
        browser.close()
    assert get_subscriber(session_factory, "camille@exemple.fr").status == "unsubscribed"


CSV = (
    "email,name,direction,themes,jobs\n"
    "agent@exemple.fr,Agent,DSI,,\n"
    "ref@exemple.fr,,,technique,juriste\n"
)


def upload(client: Client, body: str) -> httpx.Response:
    token = client.csrf("/admin/abonnes")
    files = {"file": ("abonnes.csv", body.encode(), "text/csv")}
    return client.post("/admin/abonnes/import", data={"csrf_token": token}, files=files)


def test_admin_imports_and_exports_csv(client: Client, accounts: dict[str, str]) -> None:
    assert client.login(ADMIN_EMAIL).status_code == 303
    done = upload(client, CSV)
    assert done.status_code == 303 and done.headers["location"] == "/admin/abonnes"
    result = client.get("/admin/abonnes")
    assert "2 abonné(s) créé(s), 0 mis à jour." in unescape(result.text)
    assert "abonné(s) créé(s)" not in client.get("/admin/abonnes").text  # shown once
    exported = client.get("/admin/abonnes/export.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text == CSV.replace("\n", "\r\n")
    bad = upload(client, CSV + "x@exemple.fr,,,robotique,\n")
    assert bad.status_code == 400 and "ligne 4" in unescape(bad.text)
    assert client.get("/admin/abonnes/export.csv").text == CSV.replace("\n", "\r\n")


def test_admin_imports_a_french_excel_file(
    client: Client, accounts: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    assert client.login(ADMIN_EMAIL).status_code == 303
    body = "email;name;direction;themes;jobs\r\nélise@exemple.fr;Élise;Sécurité;;\r\n"
    token = client.csrf("/admin/abonnes")
    files = {"file": ("abonnes.csv", body.encode("cp1252"), "text/csv")}
    done = client.post("/admin/abonnes/import", data={"csrf_token": token}, files=files)
    assert done.status_code == 303
    assert get_subscriber(session_factory, "élise@exemple.fr").direction == "Sécurité"
    bad = upload(client, "email;name;direction;themes;jobs\nmarie.dupont@grandreims;;;;\n")
    assert bad.status_code == 400 and "adresse invalide" in unescape(bad.text)


def test_subscriber_admin_is_for_administrators_only(
    client: Client, accounts: dict[str, str]
) -> None:
    assert client.get("/admin/abonnes").status_code == 303
    client.login()
    assert client.get("/admin/abonnes/export.csv").status_code == 403


def test_the_form_cannot_flood_a_mailbox(
    client: Client, smtp: tuple[RecordingHandler, int]
) -> None:
    handler, _port = smtp
    pages = {subscribe(client, "cible@exemple.fr") for _ in range(5)}
    assert len(pages) == 1
    assert handler.recipients() == ["cible@exemple.fr"] * 3


# --- hostile uses of the public pages and of the CSV exchange -----------------------------


def add(factory: sessionmaker[Session], email: str, status: str, name: str = "Dominique") -> int:
    with factory() as session:
        row = subscriber(session, email, status=status, name=name, themes=("social",))
        session.commit()
        return row.id


def test_the_public_form_never_changes_a_subscriber_before_confirmation(
    client: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    for email, status in [("parti@exemple.fr", "unsubscribed"), ("actif@exemple.fr", "active")]:
        add(session_factory, email, status)
        subscribe(client, email, name='=HYPERLINK("http://x")', themes=["technique"])
        row = get_subscriber(session_factory, email)
        assert (row.status, row.name, row.themes) == (status, "Dominique", ["social"])


def test_confirming_applies_what_the_owner_asked(
    client: Client, smtp: tuple[RecordingHandler, int], session_factory: sessionmaker[Session]
) -> None:
    handler, _port = smtp
    add(session_factory, "retour@exemple.fr", "unsubscribed")
    subscribe(client, "retour@exemple.fr", name="Dominique Martin", themes=["technique"])
    assert get_subscriber(session_factory, "retour@exemple.fr").status == "unsubscribed"
    link = path_of(mailed_link(handler))
    client.form(link, {}, page=link)
    row = get_subscriber(session_factory, "retour@exemple.fr")
    assert (row.status, row.name, row.themes) == ("active", "Dominique Martin", ["technique"])


def test_an_import_never_reactivates_who_left_or_bounces(
    client: Client, accounts: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    add(session_factory, "parti@exemple.fr", "unsubscribed")
    add(session_factory, "rejet@exemple.fr", "bounced")
    assert client.login(ADMIN_EMAIL).status_code == 303
    body = "email,name,direction,themes,jobs\nparti@exemple.fr,,,,\nrejet@exemple.fr,,,,\n"
    assert upload(client, body).status_code == 303
    text = unescape(client.get("/admin/abonnes").text)
    assert "0 abonné(s) créé(s), 0 mis à jour, 2 ignoré(s)." in text
    assert "parti@exemple.fr : désabonnée à la demande de son titulaire" in text
    assert "rejet@exemple.fr : en erreur de remise" in text
    assert get_subscriber(session_factory, "parti@exemple.fr").status == "unsubscribed"
    assert get_subscriber(session_factory, "rejet@exemple.fr").status == "bounced"


def test_exports_neutralise_formulas_and_reimport_them_unchanged(
    client: Client, accounts: dict[str, str], session_factory: sessionmaker[Session]
) -> None:
    hostile = {"=cmd|' /C calc'!A0", "+33 1 23", "-2+3", "@SUM(A1)", "\tTab", "\rRetour"}
    with session_factory() as session:
        for n, name in enumerate(sorted(hostile)):
            subscriber(session, f"a{n}@exemple.fr", name=name).direction = name
        subscriber(session, "=1+1@exemple.fr")
        session.commit()
    assert client.login(ADMIN_EMAIL).status_code == 303
    exported = client.get("/admin/abonnes/export.csv").text
    cells = [cell for row in csv.reader(io.StringIO(exported, newline="")) for cell in row[:3]]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=1+1@exemple.fr" in cells and "'=cmd|' /C calc'!A0" in cells
    assert upload(client, exported).status_code == 303
    assert "0 abonné(s) créé(s), 7 mis à jour." in unescape(client.get("/admin/abonnes").text)
    names = {get_subscriber(session_factory, f"a{n}@exemple.fr").name for n in range(6)}
    assert names == {name.strip() for name in hostile}  # the import trims white space


def test_preference_links_can_be_revoked(
    client: Client, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    subscriber_id = add(session_factory, "ref@exemple.fr", "active")
    old = path_of(signer(settings).manage_url(subscriber_id))
    renewed = client.form(old + "/renouveler", {}, page=old)
    assert "Vos anciens liens ne fonctionnent plus" in unescape(renewed.text)
    refused = client.get(old)
    assert refused.status_code == 400 and "remplacé par un plus récent" in unescape(refused.text)
    row = get_subscriber(session_factory, "ref@exemple.fr")
    new = path_of(signer(settings).manage_url(subscriber_id, row.token_version))
    assert client.get(new).status_code == 200


def test_unsubscribing_revokes_preference_links_but_not_unsubscribe_links(
    client: Client, settings: Settings, session_factory: sessionmaker[Session]
) -> None:
    subscriber_id = add(session_factory, "ref@exemple.fr", "active")
    links = signer(settings).for_recipient(subscriber_id)
    left = client.post(path_of(links.unsubscribe_url), content=b"List-Unsubscribe=One-Click")
    assert left.status_code == 200
    assert client.get(path_of(links.manage_url)).status_code == 400
    assert client.get(path_of(links.unsubscribe_url)).status_code == 200
