"""Fixtures of the collection tests: a real threaded HTTP server on 127.0.0.1."""

import dataclasses
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from veille.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"
NOW = datetime(2026, 11, 10, 8, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def _module_server() -> Iterator[HTTPServer]:
    httpd = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    httpd.start()
    yield httpd
    httpd.stop()


@pytest.fixture
def server(_module_server: HTTPServer) -> Iterator[HTTPServer]:
    """A threaded local server (a hanging handler does not block the others), reset per test."""
    _module_server.clear()
    yield _module_server
    _module_server.clear()


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at teardown: handlers that "never answer" wait on it."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def collect_settings(settings: Settings) -> Settings:
    """Short timeout and small size cap: fast and deterministic tests."""
    return dataclasses.replace(settings, http_timeout="1s", max_response_bytes=1_000_000)


def data(name: str) -> bytes:
    return (DATA / name).read_bytes()
