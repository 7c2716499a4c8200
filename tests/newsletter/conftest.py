from collections.abc import Iterator

import pytest

from tests.newsletter.smtp_server import RecordingHandler, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[RecordingHandler, int]]:
    """A real SMTP server on 127.0.0.1: (handler recording messages, port)."""
    with smtp_server() as server:
        yield server
