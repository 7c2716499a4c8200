"""A real SMTP server (aiosmtpd) on 127.0.0.1 that records what it accepts.

It can refuse chosen recipients (550), answer 451 a few times before
accepting, or drop the connection once a number of messages was accepted.
"""

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class RecordingHandler:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)
    greylist: dict[str, int] = field(default_factory=dict)
    drop_after: int | None = None
    connections: int = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if self.drop_after is not None and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 4.3.0 Fermeture"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.reject:
            return self.reject[address]
        if self.greylist.get(address, 0) > 0:
            self.greylist[address] -= 1
            return "451 4.7.1 Réessayez plus tard"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepté"

    def recipients(self) -> list[str]:
        return [rcpt for _from, rcpts, _data in self.messages for rcpt in rcpts]

    def parsed(self) -> list[EmailMessage]:
        return [
            cast(EmailMessage, message_from_bytes(data, policy=policy.default))
            for _from, _rcpts, data in self.messages
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def authenticator(user: str, password: str) -> Any:
    """Accepts only ``user``/``password`` (AUTH PLAIN or LOGIN)."""

    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            user.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(**smtp_options: Any) -> Iterator[tuple[RecordingHandler, int]]:
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()
