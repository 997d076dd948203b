"""The request log: the last `REQUEST_LOG_SIZE` /v1 calls, as `GET /_sandbox/requests` shows
them, with every secret left out (keys, credentials headers, secret-looking body fields)."""

from __future__ import annotations

import collections
import itertools
import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from pspace_py.redact import MASK, redact, redact_headers
from pspace_py.sandbox.clock import iso_from_ms
from pspace_py.sandbox.wire import ApiRequest

REQUEST_LOG_SIZE = 1000
_LOGGED_BODY_LIMIT = 8192
_SECRET_FIELDS = frozenset({"password", "script", "apikey", "api_key", "token", "secret"})
_NOT_LOGGED_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "proxy-authorization"})


class RequestLog:
    """Thread-safe: waitress serves on several threads. `keys` are masked wherever they occur."""

    def __init__(self, keys: Sequence[str]) -> None:
        self._keys = tuple(keys)
        self._entries: collections.deque[dict[str, Any]] = collections.deque(
            maxlen=REQUEST_LOG_SIZE
        )
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    def next_request_id(self) -> str:
        """The ID of the next /v1 call (its X-Request-Id), unique for this sandbox's life."""
        return f"sandbox-{next(self._numbers):08d}"

    def record(
        self,
        request: ApiRequest,
        status: int | None,
        *,
        now_ms: int,
        started: float,
        fault: str | None,
    ) -> None:
        """Log one call; `started` is its `time.perf_counter()` at arrival."""
        entry = {
            "time": iso_from_ms(now_ms),
            "requestId": request.request_id,
            "method": request.method,
            "path": request.path,
            "query": {key: self._mask(value) for key, value in request.query.items()},
            "status": status,
            "operationId": request.operation_id,
            "team": request.team.namespace if request.team else None,
            "body": self._logged_body(request),
            "headers": {
                name: value
                for name, value in redact_headers(request.headers).items()
                if name not in _NOT_LOGGED_HEADERS
            },
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "fault": fault,
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(entry) for entry in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _logged_body(self, request: ApiRequest) -> Any:
        if not request.raw_body:
            return None
        try:
            parsed = json.loads(request.raw_body)
        except ValueError:
            return self._mask(request.raw_body[:_LOGGED_BODY_LIMIT].decode("utf-8", "replace"))
        cleaned = _without_secrets(parsed, self._mask)
        if len(request.raw_body) > _LOGGED_BODY_LIMIT:
            return f"<{len(request.raw_body)} bytes, not kept>"
        return cleaned

    def _mask(self, text: str) -> str:
        for key in self._keys:
            if key in text:
                text = text.replace(key, MASK)
        return redact(text)


def _without_secrets(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, dict):
        return {
            key: MASK if str(key).lower() in _SECRET_FIELDS else _without_secrets(item, mask)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_without_secrets(item, mask) for item in value]
    if isinstance(value, str):
        return mask(value)
    return value
