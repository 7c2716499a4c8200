"""A loopback HTTP server that misbehaves on purpose, one behaviour per path.

Raw sockets rather than a framework: a reset, a body cut short or sent one
byte at a time are things a well-behaved server library will not do.
"""

import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Behaviour = Callable[[socket.socket], None]
ITEM = (
    "<item><title>{title}</title><link>https://exemple.fr/{slug}</link>"
    "<description>{text}</description></item>"
)


def rss(*items: str, encoding: str = "utf-8") -> bytes:
    body = "".join(items)
    document = (
        f"<?xml version='1.0' encoding='{encoding}'?><rss version='2.0'><channel>"
        f"<title>Flux</title><link>https://exemple.fr/</link>{body}</channel></rss>"
    )
    return document.encode(encoding, "xmlcharrefreplace")


def item(slug: str, title: str = "Titre", text: str = "Texte.") -> str:
    return ITEM.format(slug=slug, title=title, text=text)


def head(status: str = "200 OK", content_type: str = "application/rss+xml", **extra: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", "Connection: close"]
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in extra.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def whole(body: bytes, content_type: str = "application/rss+xml") -> Behaviour:
    def send(client: socket.socket) -> None:
        client.sendall(head(content_type=content_type, Content_Length=str(len(body))) + body)

    return send


def byte_by_byte(body: bytes) -> Behaviour:
    def send(client: socket.socket) -> None:
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.sendall(head(Content_Length=str(len(body))))
        for index in range(len(body)):
            client.sendall(body[index : index + 1])

    return send


def reset(client: socket.socket) -> None:
    """Close with RST: the client sees "connection reset by peer"."""
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def truncated(body: bytes) -> Behaviour:
    def send(client: socket.socket) -> None:
        client.sendall(head(Content_Length=str(len(body))) + body[: len(body) // 3])

    return send


def endless(chunk: bytes, total: int) -> Behaviour:
    """``total`` bytes without Content-Length, until done or the client hangs up."""

    def send(client: socket.socket) -> None:
        client.sendall(head())
        sent = 0
        while sent < total:
            client.sendall(chunk)
            sent += len(chunk)

    return send


class _Handler(socketserver.BaseRequestHandler):
    server: "_Server"

    def handle(self) -> None:
        request = b""
        while b"\r\n\r\n" not in request:
            data = self.request.recv(65536)
            if not data:
                return
            request += data
        path = request.split(b" ", 2)[1].decode()
        behaviour = self.server.behaviours.get(path)
        try:
            if behaviour is None:
                self.request.sendall(head("404 Not Found", Content_Length="0"))
            else:
                behaviour(self.request)
        except OSError:
            pass  # the client gave up (size cap, timeout): nothing to do


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    behaviours: dict[str, Behaviour]


@contextmanager
def fault_server(behaviours: dict[str, Behaviour]) -> Iterator[str]:
    """Serve the behaviours on 127.0.0.1; yields the base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.behaviours = behaviours
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
