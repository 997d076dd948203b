"""A replay harness: a real client's request sequence, re-expressed as plain httpx calls.

Each client module here (`skypilot.py`, `openllm.py`) transcribes what one public client sends
-- method, path, query, headers, body bytes -- from its source, with file:line references, and
checks each answer the way that client does (the status it branches on, the keys it reads). It
talks to `pspace sandbox serve` over loopback; the client's `time.sleep(s)` becomes
`POST /_sandbox/clock/advance {"seconds": s}`, so default timing costs no wall time.

`Wire` keeps a transcript of every exchange; a failed replay test shows its last ones.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.e2e.helpers import ServedSandbox

TRANSCRIPT_SHOWN = 30  # exchanges shown when a replay fails


@dataclass
class Exchange:
    method: str
    path: str
    status: int
    answer: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.answer[:160]}"


@dataclass
class Wire:
    """HTTP to one served sandbox, as one client's process sees it."""

    server: ServedSandbox
    transcript: list[Exchange] = field(default_factory=list)
    slept: float = 0.0

    def __post_init__(self) -> None:
        self.http = httpx.Client(timeout=10)

    def close(self) -> None:
        self.http.close()

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """One request exactly as given: no headers added beyond httpx's own framing ones."""
        request = self.http.build_request(
            method, self.server.url + path, headers=dict(headers), params=params, content=content
        )
        # httpx adds these to every request; the clients under replay may not send them.
        for name in ("accept", "accept-encoding", "user-agent"):
            if name not in {key.lower() for key in headers}:
                del request.headers[name]
        response = self.http.send(request)
        shown = request.url.raw_path.decode()
        self.transcript.append(Exchange(method, shown, response.status_code, response.text))
        return response

    def sleep(self, seconds: float) -> None:
        """The client's `time.sleep`: the sandbox's clock moves instead of ours."""
        self.slept += seconds
        self.server.advance(seconds)

    def recent(self) -> str:
        return "\n".join(str(item) for item in self.transcript[-TRANSCRIPT_SHOWN:])

    def last_request_headers(self) -> dict[str, str]:
        """The headers the sandbox recorded for the most recent /v1 request."""
        logged = self.server.requests()
        return {name.lower(): value for name, value in logged[-1]["headers"].items()}


def json_bytes(body: Any) -> bytes:
    """`json.dumps(body)` as Python's requests sends `data=json.dumps(...)`: ", " and ": "."""
    return json.dumps(body).encode()
