"""Delivery to a real SMTP server (aiosmtpd): exactly once, resumable, retries and bounces."""

import shutil
import ssl
import subprocess
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.models import Delivery, Edition, Subscriber
from newsletter.delivery import OutboxSender, SmtpConfig, SmtpSender
from newsletter.errors import DeliveryError
from newsletter.links import UNSUBSCRIBE, LinkSigner
from tests.newsletter.factories import (
    AFTER_DEADLINE,
    PUBLIC_URL,
    SECRET,
    WEEK,
    sample_week,
    send_week,
    subscriber,
)
from tests.newsletter.smtp_server import RecordingHandler

AGENTS = [f"agent{n}@exemple.fr" for n in range(5)]


@pytest.fixture
def audience(session_factory: sessionmaker[Session]) -> dict[str, int]:
    with session_factory() as session:
        sample_week(session)
        rows = [subscriber(session, email, name="Agent é") for email in AGENTS]
        rows.append(subscriber(session, "ref.tech@exemple.fr", themes=("technique",)))
        rows.append(subscriber(session, "ref.env@exemple.fr", themes=("environnemental",)))
        subscriber(session, "parti@exemple.fr", status="unsubscribed")
        paused = subscriber(session, "pause@exemple.fr")
        paused.paused = True
        session.commit()
        return {row.email: row.id for row in rows}


def smtp_sender(port: int) -> SmtpSender:
    return SmtpSender(SmtpConfig("127.0.0.1", port))


def body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    return str(part.get_content())


def test_every_recipient_receives_exactly_one_message(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    report = send_week(session_factory, smtp_sender(port))
    assert sorted(handler.recipients()) == sorted(audience)
    assert report.sent == len(audience) and report.profiles == 3
    assert handler.connections == 1
    again = send_week(session_factory, smtp_sender(port))
    assert again.sent == 0 and again.already_sent == len(audience)
    assert len(handler.messages) == len(audience)
    with session_factory() as session:
        assert session.scalar(select(Edition.status).where(Edition.week == WEEK)) == "sent"


def test_messages_parse_back_with_headers_parts_and_personal_links(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    send_week(session_factory, smtp_sender(port))
    signer = LinkSigner(SECRET, PUBLIC_URL)
    for message in handler.parsed():
        assert message.get_content_type() == "multipart/alternative"
        assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
        assert message["Subject"] == "Veille IA — semaine 48 (du 23 au 29 novembre 2026)"
        for header in ("From", "To", "Date", "Message-ID", "List-Id"):
            assert message[header]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        https, mailto = [u.strip(" <>") for u in message["List-Unsubscribe"].split(",")]
        assert https.startswith(PUBLIC_URL + "/abonnement/desabonnement/")
        assert mailto.startswith("mailto:veille@exemple.fr")
        address = message["To"].addresses[0].addr_spec
        token = urlsplit(https).path.rsplit("/", 1)[1]
        assert signer.read(UNSUBSCRIBE, token).subscriber_id == audience[address]
        assert https in body(message, "html") and https in body(message, "plain")
        assert "veille.invalid" not in body(message, "html")
        parser = etree.HTMLParser(recover=False)
        etree.fromstring(body(message, "html"), parser)
        assert list(parser.error_log) == []
        assert len(body(message, "html").encode()) < 100_000


def test_a_referent_receives_their_theme_and_one_with_nothing_a_note(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    send_week(session_factory, smtp_sender(port))
    by_address = {m["To"].addresses[0].addr_spec: m for m in handler.parsed()}
    tech = body(by_address["ref.tech@exemple.fr"], "plain")
    assert "Biais des modèles de langue" in tech and "règlement IA" not in tech
    env = body(by_address["ref.env@exemple.fr"], "plain")
    assert "Rien de nouveau dans vos thèmes" not in env
    assert "Aussi dans vos thèmes" in env and "L'énergie des centres de données" in env
    assert "non retenu par l'équipe" in env
    assert "non retenu par l'équipe" in body(by_address["ref.env@exemple.fr"], "html")
    assert "non retenu par l'équipe" not in tech  # a selected article is the team's pick


def test_rejected_and_weak_articles_stay_out_and_an_empty_profile_gets_the_note(
    session_factory: sessionmaker[Session], smtp: tuple[RecordingHandler, int]
) -> None:
    handler, port = smtp
    with session_factory() as session:
        rows = sample_week(session)
        rows["energy"].status = "rejected"  # the only article in its theme
        subscriber(session, "ref.env@exemple.fr", themes=("environnemental",))
        subscriber(session, "ref.accueil@exemple.fr", jobs=("agent_accueil",))
        session.commit()
    send_week(session_factory, smtp_sender(port), also_min_relevance=0.75)
    by_address = {m["To"].addresses[0].addr_spec: m for m in handler.parsed()}
    env = body(by_address["ref.env@exemple.fr"], "plain")
    assert "Rien de nouveau dans vos thèmes" in env and "Aussi dans vos thèmes" not in env
    assert "centres de données" not in env
    reception = body(by_address["ref.accueil@exemple.fr"], "plain")  # relevance 0.7 < 0.75
    assert "Accueil du public" not in reception and "Rien de nouveau" in reception


def test_skip_policy_sends_nothing_to_a_referent_with_nothing(
    session_factory: sessionmaker[Session], smtp: tuple[RecordingHandler, int]
) -> None:
    handler, port = smtp
    with session_factory() as session:
        sample_week(session)
        subscriber(session, "ref.social@exemple.fr", themes=("social",))
        subscriber(session, "agent@exemple.fr")
        session.commit()
    report = send_week(session_factory, smtp_sender(port), empty="skip")
    assert handler.recipients() == ["agent@exemple.fr"] and report.skipped == 1


def test_dropped_connection_then_second_send_still_exactly_one_each(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    handler.drop_after = 3
    with pytest.raises(DeliveryError, match="Relancez"):
        send_week(session_factory, smtp_sender(port))
    assert len(handler.messages) == 3
    handler.drop_after = None
    report = send_week(session_factory, smtp_sender(port))
    assert report.sent == len(audience) - 3
    assert sorted(handler.recipients()) == sorted(audience)


def test_451_is_retried_with_backoff_then_delivered(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    handler.greylist["agent1@exemple.fr"] = 2
    waits: list[float] = []
    report = send_week(session_factory, smtp_sender(port), sleep=waits.append)
    assert waits == [0.5, 1.0]
    assert handler.recipients().count("agent1@exemple.fr") == 1
    assert report.sent == len(audience)


def test_4xx_beyond_retries_is_left_for_the_next_run(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    handler.greylist["agent2@exemple.fr"] = 10
    report = send_week(session_factory, smtp_sender(port), retries=1)
    assert report.failed == 1 and report.sent == len(audience) - 1
    handler.greylist.clear()
    again = send_week(session_factory, smtp_sender(port))
    assert again.sent == 1
    assert sorted(handler.recipients()) == sorted(audience)


def test_550_is_counted_and_marks_the_subscriber_bounced_at_the_threshold(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    handler.reject["agent3@exemple.fr"] = "550 5.1.1 Boîte inconnue"
    report = send_week(session_factory, smtp_sender(port), bounce_threshold=1)
    assert report.bounced == 1 and "agent3@exemple.fr" not in handler.recipients()
    with session_factory() as session:
        row = session.get(Subscriber, audience["agent3@exemple.fr"])
        assert row is not None and row.status == "bounced" and row.bounce_count == 1
        delivery = session.scalar(select(Delivery).where(Delivery.subscriber_id == row.id))
        assert delivery is not None and delivery.status == "bounced"
        assert "550" in (delivery.last_error or "")
    again = send_week(session_factory, smtp_sender(port))
    assert again.sent == 0 and again.bounced == 0


def test_a_bounce_below_the_threshold_keeps_the_subscriber_active(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
) -> None:
    handler, port = smtp
    handler.reject["agent4@exemple.fr"] = "550 5.1.1 Boîte inconnue"
    send_week(session_factory, smtp_sender(port), bounce_threshold=3)
    with session_factory() as session:
        row = session.get(Subscriber, audience["agent4@exemple.fr"])
        assert row is not None and row.status == "active" and row.bounce_count == 1


def test_outbox_writes_one_eml_per_recipient(
    session_factory: sessionmaker[Session], audience: dict[str, int], tmp_path: Path
) -> None:
    outbox = tmp_path / "outbox"
    send_week(session_factory, OutboxSender(outbox, prefix=f"{WEEK}-"))
    files = sorted(path.name for path in outbox.glob("*.eml"))
    assert len(files) == len(audience)
    assert f"{WEEK}-agent0@exemple.fr.eml" in files


def test_unreachable_server_is_a_clear_error(
    session_factory: sessionmaker[Session], audience: dict[str, int]
) -> None:
    from tests.newsletter.smtp_server import free_port

    with pytest.raises(DeliveryError, match="injoignable"):
        send_week(session_factory, smtp_sender(free_port()), retries=1)


def test_rate_limit_spaces_messages() -> None:
    clock = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        clock[0] += seconds

    sender = SmtpSender(SmtpConfig("127.0.0.1", 1), rate=4, clock=lambda: clock[0], sleep=sleep)
    for _ in range(3):
        sender._wait_turn()
    assert waits == [0.25, 0.25]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_authentication_from_settings_is_used_and_a_refusal_is_clear(
    session_factory: sessionmaker[Session], audience: dict[str, int]
) -> None:
    from tests.newsletter.smtp_server import authenticator, smtp_server

    options = {
        "authenticator": authenticator("veille", "secret"),
        "auth_require_tls": False,
        "auth_required": True,
    }
    with smtp_server(**options) as (handler, port):
        wrong = SmtpSender(SmtpConfig("127.0.0.1", port, user="veille", password="faux"))
        with pytest.raises(DeliveryError, match="authentification SMTP refusée"):
            send_week(session_factory, wrong)
        good = SmtpSender(SmtpConfig("127.0.0.1", port, user="veille", password="secret"))
        report = send_week(session_factory, good)
    assert report.sent == len(audience) and sorted(handler.recipients()) == sorted(audience)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made by the openssl command."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl absent")
def test_starttls_is_negotiated_before_sending(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    certificate: tuple[Path, Path],
) -> None:
    from tests.newsletter.smtp_server import smtp_server

    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    client_context = ssl.create_default_context(cafile=str(cert))
    with smtp_server(tls_context=server_context, require_starttls=True) as (handler, port):
        plain = SmtpSender(SmtpConfig("127.0.0.1", port))
        with pytest.raises(DeliveryError):
            send_week(session_factory, plain, retries=0)
        config = SmtpConfig("127.0.0.1", port, security="starttls", tls_context=client_context)
        report = send_week(session_factory, SmtpSender(config))
    assert report.sent == len(audience) and sorted(handler.recipients()) == sorted(audience)


def _interrupted_run(
    session_factory: sessionmaker[Session], tmp_path: Path, claimed_at: list[datetime]
) -> list[int]:
    """A sent week made pending again, but for its first deliveries, left « sending »
    since ``claimed_at`` by a run that died while handing them over: their subscribers."""
    send_week(session_factory, OutboxSender(tmp_path))  # plans and sends to the outbox
    with session_factory() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        for row in rows:
            row.status = "pending"
        for row, moment in zip(rows, claimed_at, strict=False):
            row.status, row.updated_at = "sending", moment
        session.commit()
        return [row.subscriber_id for row in rows[: len(claimed_at)]]


def test_a_message_interrupted_during_handover_is_never_sent_again(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
    tmp_path: Path,
) -> None:
    handler, port = smtp
    [interrupted] = _interrupted_run(
        session_factory, tmp_path, [AFTER_DEADLINE - timedelta(days=1)]
    )
    report = send_week(session_factory, smtp_sender(port))
    assert report.uncertain == 1 and report.sent == len(audience) - 1
    assert interrupted not in {audience[address] for address in handler.recipients()}


def test_an_operator_can_resend_old_interrupted_messages_but_not_live_claims(
    session_factory: sessionmaker[Session],
    audience: dict[str, int],
    smtp: tuple[RecordingHandler, int],
    tmp_path: Path,
) -> None:
    handler, port = smtp
    claims = [AFTER_DEADLINE - timedelta(hours=2), AFTER_DEADLINE - timedelta(minutes=1)]
    died, live = _interrupted_run(session_factory, tmp_path, claims)
    report = send_week(session_factory, smtp_sender(port), resend_interrupted=True)
    received = {audience[address] for address in handler.recipients()}
    assert report.requeued == 1 and report.uncertain == 1
    assert died in received and live not in received
    assert report.sent == len(audience) - 1
