"""A loopback HTTP server that misbehaves on purpose, for what the sandbox cannot fake.

It answers every request with one *behaviour* (or the behaviour its route names): drip the
answer a byte at a time, repeat a page cursor for ever, send ``NaN``, send a gzip bomb. It
records each request it reads (method, target, headers), so tests can see which
``Authorization`` headers reached it.

Bounded by construction: requests and answers are small or capped, a drip stops after a
fixed number of bytes or as soon as the server stops, every connection has a socket
timeout, and :func:`hostile_server` always shuts the server down and joins its threads.
"""

from __future__ import annotations

import contextlib
import functools
import json
import socketserver
import threading
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

MAX_REQUEST_BODY = 1024 * 1024
# How long a handler waits on a silent client before giving up on it.
SOCKET_TIMEOUT = 10.0


@dataclass(frozen=True)
class Seen:
    """One request as the server read it."""

    method: str
    target: str  # the request target exactly as sent: path and query, nothing normalised
    headers: Mapping[str, str]  # lower-case names

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")


class Exchange:
    """What a behaviour can do with the request it is answering."""

    def __init__(self, handler: BaseHTTPRequestHandler, seen: Seen, stop: threading.Event):
        self._handler = handler
        self.request = seen
        self.stop = stop

    def send(self, data: bytes) -> None:
        self._handler.wfile.write(data)
        self._handler.wfile.flush()

    def drip(self, data: bytes, interval: float) -> None:
        """``data`` one byte at a time, ``interval`` seconds apart; ends early on stop."""
        for index in range(len(data)):
            if self.stop.wait(interval):
                return
            self.send(data[index : index + 1])

    def answer(self, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
        self.send(head(status, {"Content-Length": str(len(body)), **(headers or {})}) + body)

    def json(self, status: int, text: str | bytes) -> None:
        body = text.encode() if isinstance(text, str) else text
        self.answer(status, body, {"Content-Type": "application/json"})


Behaviour = Callable[[Exchange], None]


def head(status: int, headers: Mapping[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status} Hostile", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


# -- behaviours ------------------------------------------------------------------------------

MACHINE = {"id": "pshostile1", "name": "hostile", "state": "off", "machineType": "C4"}
PAGE = {"items": [MACHINE], "hasMore": False, "nextPage": None}


def json_answer(document: Any, status: int = 200) -> Behaviour:
    return lambda exchange: exchange.json(status, json.dumps(document))


def raw_json(text: str, status: int = 200) -> Behaviour:
    """A body sent as written (e.g. with ``NaN``, which json.dumps would refuse to write)."""
    return lambda exchange: exchange.json(status, text)


def drip_headers(interval: float = 0.5) -> Behaviour:
    """The whole answer, status line and headers included, a byte every ``interval``."""
    body = json.dumps(PAGE).encode()
    answer = head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
    return lambda exchange: exchange.drip(answer + body, interval)


def drip_body(interval: float = 0.5) -> Behaviour:
    """Headers at once, then the body a byte every ``interval``."""
    body = json.dumps(PAGE).encode()

    def behave(exchange: Exchange) -> None:
        exchange.send(
            head(200, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        )
        exchange.drip(body, interval)

    return behave


# Past this many pages, the endless lists below end after all, so a client that would
# follow them for ever fails its test instead of hanging it.
PAGES_BEFORE_GIVING_IN = 200


def _pages(cursor: Callable[[int], str]) -> Behaviour:
    counter = iter(range(10**9))
    lock = threading.Lock()

    def behave(exchange: Exchange) -> None:
        with lock:
            number = next(counter)
        more = number < PAGES_BEFORE_GIVING_IN
        page = {"items": [MACHINE], "hasMore": more, "nextPage": cursor(number) if more else None}
        exchange.json(200, json.dumps(page))

    return behave


def repeated_cursor(cursor: str = "the-same-cursor") -> Behaviour:
    """Pages that always have more, and always the same next page."""
    return _pages(lambda _: cursor)


def endless_pages() -> Behaviour:
    """Pages that always have more, each with a new cursor."""
    return _pages(lambda number: f"cursor-{number}")


@functools.lru_cache(maxsize=4)
def gzip_bomb_bytes(inflated_mib: int) -> bytes:
    """gzip of ``inflated_mib`` MiB of JSON-ish filler: a few hundred KB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [packer.compress(b'{"items": ["')]
    filler = b"0" * (1024 * 1024)
    parts += [packer.compress(filler) for _ in range(inflated_mib)]
    parts.append(packer.compress(b'"], "hasMore": false, "nextPage": null}'))
    parts.append(packer.flush())
    return b"".join(parts)


def gzip_bomb(inflated_mib: int = 300) -> Behaviour:
    def behave(exchange: Exchange) -> None:
        body = gzip_bomb_bytes(inflated_mib)
        headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
        with contextlib.suppress(OSError):  # the client hangs up once it has seen enough
            exchange.answer(200, body, headers)

    return behave


def not_found(exchange: Exchange) -> None:
    exchange.json(404, json.dumps({"code": "NOT_FOUND", "message": "Not found"}))


# -- the server ------------------------------------------------------------------------------


@dataclass
class Hostile:
    port: int
    seen: list[Seen] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def authorizations(self) -> list[str | None]:
        return [request.authorization for request in self.seen]


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = False  # joined by server_close: nothing outlives the test
    block_on_close = True
    allow_reuse_address = True


@contextlib.contextmanager
def hostile_server(
    behaviour: Behaviour, routes: Mapping[str, Behaviour] | None = None
) -> Iterator[Hostile]:
    """Serve ``behaviour`` (or, for a path that starts with a key of ``routes``, that
    route's) on 127.0.0.1 at a free port until the block ends."""
    stop = threading.Event()
    lock = threading.Lock()
    routes = dict(routes or {})
    state: list[Hostile] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = SOCKET_TIMEOUT

        def handle_one_request(self) -> None:
            try:
                self.raw_requestline = self.rfile.readline(65537)
                if not self.raw_requestline or not self.parse_request():
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(min(length, MAX_REQUEST_BODY))
                seen = Seen(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                )
                with lock:
                    state[0].seen.append(seen)
                chosen = next(
                    (route for prefix, route in routes.items() if self.path.startswith(prefix)),
                    behaviour,
                )
                chosen(Exchange(self, seen, stop))
            except (OSError, ValueError):
                pass  # the client went away or sent garbage: nothing to answer
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    state.append(Hostile(port=server.server_address[1]))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state[0]
    finally:
        stop.set()
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()  # joins the handler threads, which the stop event ends
