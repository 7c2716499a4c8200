"""Where messages go: an SMTP server (``SmtpSender``) or a folder of .eml files (``OutboxSender``).

Both implement ``Sender``. ``SmtpSender`` keeps one connection for the whole
run, reconnects after a drop, spaces messages to respect a rate, and turns
SMTP answers into ``TemporaryFailure`` (4xx, dropped connection) or
``PermanentFailure`` (5xx) so that the caller decides about retries.
"""

import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from newsletter.errors import ConnectionLost, DeliveryError, PermanentFailure, TemporaryFailure

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


class Sender(Protocol):
    def send(self, mail_from: str, recipient: str, data: bytes) -> None:
        """Hand one message over.

        Raises:
            TemporaryFailure: 4xx answer; the same message may be retried later.
            ConnectionLost: the connection dropped or could not be opened.
            PermanentFailure: 5xx answer for this recipient.
            DeliveryError: the server cannot be used at all (authentication, TLS…).
        """

    def supports_8bit(self) -> bool:
        """True when messages may carry 8bit bodies (RFC 6152)."""

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    security: str = "none"  # "none", "starttls" or "tls"
    user: str = ""
    password: str = ""
    timeout: float = 30.0
    tls_context: ssl.SSLContext | None = None  # None: the system's trusted authorities


class SmtpSender:
    """One reused SMTP connection with a rate limit (messages per second, 0 = none)."""

    def __init__(
        self,
        config: SmtpConfig,
        rate: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._clock, self._sleep = clock, sleep
        self._next_at = 0.0
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            context = config.tls_context or ssl.create_default_context()
            if config.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
            if config.security == "starttls":
                smtp.starttls(context=context)
            if config.user:
                smtp.login(config.user, config.password)
        except smtplib.SMTPAuthenticationError as error:
            raise DeliveryError(f"authentification SMTP refusée par {config.host}") from error
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionLost(
                f"serveur SMTP {config.host}:{config.port} injoignable : {error}"
            ) from error
        return smtp

    def _wait_turn(self) -> None:
        if not self._interval:
            return
        now = self._clock()
        if now < self._next_at:
            self._sleep(self._next_at - now)
            now = self._next_at
        self._next_at = now + self._interval

    def supports_8bit(self) -> bool:
        if self._smtp is None:
            self._smtp = self._connect()
        self._smtp.ehlo_or_helo_if_needed()
        return bool(self._smtp.has_extn("8bitmime"))

    def send(self, mail_from: str, recipient: str, data: bytes) -> None:
        self._wait_turn()
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.ehlo_or_helo_if_needed()
            options = ["BODY=8BITMIME"] if self._smtp.has_extn("8bitmime") else []
            self._smtp.sendmail(mail_from, [recipient], data, mail_options=options)
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = error.recipients.get(recipient, (550, b""))
            raise _failure(code, answer) from error
        except smtplib.SMTPSenderRefused as error:
            self._reset()
            if 400 <= error.smtp_code < 500:
                raise TemporaryFailure(f"{error.smtp_code} {_text(error.smtp_error)}") from error
            raise DeliveryError(
                f"le serveur SMTP refuse l'expéditeur {error.sender!r} : "
                f"{error.smtp_code} {_text(error.smtp_error)}"
            ) from error
        except smtplib.SMTPResponseException as error:
            self._reset()
            raise _failure(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self._drop()
            raise ConnectionLost(f"connexion SMTP perdue : {error}") from error

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
        finally:
            self._drop()


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def _failure(code: int, answer: bytes | str) -> DeliveryError:
    """5xx for one recipient is permanent (a bounce), 4xx temporary; 530 means no auth/TLS."""
    message = f"{code} {_text(answer)}".strip()
    if code == 530:
        return DeliveryError(f"le serveur SMTP exige une authentification ou TLS : {message}")
    if 400 <= code < 500:
        return TemporaryFailure(message)
    return PermanentFailure(message)


class OutboxSender:
    """Writes each message to ``DIR/<prefix><recipient>.eml`` instead of sending it."""

    def __init__(self, directory: Path, prefix: str = "") -> None:
        self.directory = directory
        self.prefix = prefix
        self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, recipient: str) -> Path:
        return self.directory / f"{self.prefix}{_UNSAFE.sub('_', recipient)}.eml"

    def supports_8bit(self) -> bool:
        return False  # .eml files stay 7-bit clean for any tool that opens them

    def send(self, mail_from: str, recipient: str, data: bytes) -> None:
        path = self.path_for(recipient)
        temporary = path.with_suffix(".eml.tmp")
        temporary.write_bytes(data)
        temporary.replace(path)

    def close(self) -> None:
        return None
