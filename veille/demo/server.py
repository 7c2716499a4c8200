"""A tiny HTTP server on 127.0.0.1 serving the demonstration's feeds and page."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib declares it as a class attribute
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/rss+xml; charset=utf-8",
        ".atom": "application/atom+xml; charset=utf-8",
        ".html": "text/html; charset=utf-8",
    }

    def translate_path(self, path: str) -> str:
        """Every /articles/… link of the feeds leads to the same fictional article."""
        if path.startswith("/articles/"):
            path = "/article.html"
        return super().translate_path(path)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the demonstration prints its own summary."""


class FeedServer:
    """Serves a directory on a free loopback port until ``stop``."""

    def __init__(self, root: Path) -> None:
        handler = partial(_Handler, directory=str(root))
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> "FeedServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
