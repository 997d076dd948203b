"""Deterministic fault injection: rules keyed by operationId (or `*`), off by default.

A rule says what to do to the calls it matches: answer an error status (optionally with
Retry-After), add latency, answer a malformed body, reset the connection without answering, or
apply the change and then drop the connection (`commit-then-drop`, for ambiguous creates).
`after` skips the first K matching calls; `times` is how many calls then fail (0 = all).

Rules are checked in the order they were added; every rule counts the calls it matches, and the
first rule that is due applies. Compact form (for `pspace sandbox serve --fault`)::

    RULE      := OPERATION [":" ITEM ("," ITEM)*]
    OPERATION := an operationId (machines-create, machines-list, ...) | "*"
    ITEM      := ACTION | KEY "=" VALUE
    ACTION    := status | latency | malformed | reset | commit-then-drop
    KEY       := status | retry-after | times | after | latency | body | action

    machines-create:status=503,retry-after=1,times=2
    *:latency=100
    machines-create:commit-then-drop
    machines-list:body=html
    machines-get:status=429,retry-after=Wed, 21 Oct 2037 07:28:00 GMT

This module is imported by the CLI to parse `--fault`, so it stays free of heavy imports.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

ACTIONS = ("status", "latency", "malformed", "reset", "commit-then-drop")
BODIES = ("html", "truncated", "not-json", "wrong-shape", "unknown-code", "empty")
DEFAULT_STATUS = 503
# The status a malformed body comes with unless the rule names one.
DEFAULT_STATUS_FOR_BODY = {
    "html": 502,
    "truncated": 200,
    "not-json": 200,
    "wrong-shape": 200,
    "unknown-code": 500,
    "empty": 204,
}
MAX_LATENCY_MS = 600_000

_ITEM_SEPARATOR = re.compile(r",(?=\s*[a-z][a-z-]*\s*(?:=|,|$))")


class ConnectionDropError(Exception):
    """Raised by the app to make the server close the connection without a response.

    `abortive` (reset) means a TCP RST; otherwise the connection is closed gracefully after the
    change was committed (commit-then-drop). The in-process transport turns this into the
    `httpx` error a client would see over a socket.
    """

    def __init__(self, action: str) -> None:
        super().__init__(f"sandbox fault: {action}")
        self.action = action

    @property
    def abortive(self) -> bool:
        return self.action == "reset"


@dataclass(frozen=True)
class FaultRule:
    operation: str  # an operationId or "*"
    action: str = "status"
    status: int | None = None
    retry_after: str | None = None
    times: int = 1  # 0 = every matching call
    after: int = 0  # skip the first `after` matching calls
    latency_ms: int = 0
    body: str | None = None  # one of BODIES

    def __post_init__(self) -> None:
        if not self.operation:
            raise ValueError("a fault rule needs an operation (an operationId or '*')")
        if self.action not in ACTIONS:
            raise ValueError(
                f"unknown fault action {self.action!r}; expected one of {', '.join(ACTIONS)}"
            )
        if self.body is not None and self.body not in BODIES:
            raise ValueError(
                f"unknown fault body {self.body!r}; expected one of {', '.join(BODIES)}"
            )
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError(f"fault status must be an HTTP status (100-599), not {self.status}")
        if self.times < 0 or self.after < 0:
            raise ValueError("fault `times` and `after` must be >= 0")
        if not 0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise ValueError(f"fault latency must be 0-{MAX_LATENCY_MS} ms, not {self.latency_ms}")
        if self.retry_after is not None and not (
            self.retry_after.isascii() and self.retry_after.isprintable()
        ):
            raise ValueError("Retry-After must be one line of printable ASCII (a header value)")

    @property
    def effective_status(self) -> int:
        if self.status is not None:
            return self.status
        if self.action == "malformed" and self.body is not None:
            return DEFAULT_STATUS_FOR_BODY[self.body]
        return DEFAULT_STATUS

    @property
    def runs_handler(self) -> bool:
        """Whether the operation itself happens (its change is committed) before the fault."""
        if self.action in ("latency", "commit-then-drop"):
            return True
        if self.action == "malformed":
            return self.effective_status < 400
        return False

    @classmethod
    def from_json(cls, data: Any) -> FaultRule:
        """A rule from the JSON form (`POST /_sandbox/faults`); ValueError on anything wrong."""
        if not isinstance(data, Mapping):
            raise ValueError("a fault rule must be a JSON object")
        known = {
            "operation",
            "action",
            "status",
            "retryAfter",
            "times",
            "after",
            "latencyMs",
            "body",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(
                f"unknown fault rule key(s): {', '.join(unknown)}; "
                f"expected {', '.join(sorted(known))}"
            )
        if "operation" not in data:
            raise ValueError("a fault rule needs an operation (an operationId or '*')")
        retry_after = data.get("retryAfter")
        if retry_after is not None and not isinstance(retry_after, (str, int)):
            raise ValueError("`retryAfter` must be a number of seconds, an HTTP date or null")
        fields = {
            "operation": _typed(data, "operation", str, "*"),
            "status": _typed(data, "status", int, None),
            "retry_after": None if retry_after is None else str(retry_after),
            "times": _typed(data, "times", int, 1),
            "after": _typed(data, "after", int, 0),
            "latency_ms": _typed(data, "latencyMs", int, 0),
            "body": _typed(data, "body", str, None),
        }
        action = _typed(data, "action", str, None) or _implied_action(
            fields["status"], fields["body"], fields["latency_ms"]
        )
        return cls(action=action, **fields)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "action": self.action,
            "status": self.effective_status if self.action in ("status", "malformed") else None,
            "retryAfter": self.retry_after,
            "times": self.times,
            "after": self.after,
            "latencyMs": self.latency_ms,
            "body": self.body,
        }


def _typed(data: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    value = data.get(key, default)
    if value is None:
        return default
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"fault rule `{key}` must be a {kind.__name__}, not {value!r}")
    return value


def _implied_action(status: int | None, body: str | None, latency_ms: int) -> str:
    if body is not None:
        return "malformed"
    if status is None and latency_ms:
        return "latency"
    return "status"


def parse_fault_rule(text: str) -> FaultRule:
    """A rule from its compact form (see the module docstring); ValueError on anything wrong."""
    operation, _, rest = text.strip().partition(":")
    operation = operation.strip()
    values: dict[str, Any] = {"operation": operation}
    action: str | None = None
    for item in (part.strip() for part in _ITEM_SEPARATOR.split(rest) if part.strip()):
        key, has_value, value = (piece.strip() for piece in item.partition("="))
        if not has_value:
            if key not in ACTIONS:
                raise ValueError(
                    f"{text!r}: unknown fault action {key!r}; expected one of {', '.join(ACTIONS)}"
                )
            action = key
        elif key == "action":
            action = value
        elif key in ("status", "times", "after", "latency", "latency-ms"):
            try:
                number = int(value)
            except ValueError:
                raise ValueError(
                    f"{text!r}: `{key}` must be a whole number, not {value!r}"
                ) from None
            values["latencyMs" if key.startswith("latency") else key] = number
        elif key == "retry-after":
            values["retryAfter"] = None if value.lower() in ("", "none", "null") else value
        elif key == "body":
            values["body"] = value
        else:
            raise ValueError(
                f"{text!r}: unknown fault key {key!r}; expected status, retry-after, times, after, "
                "latency, body or action"
            )
    if action is not None:
        values["action"] = action
    try:
        return FaultRule.from_json(values)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from None


@dataclass
class _ArmedRule:
    rule: FaultRule
    seen: int = 0
    fired: int = 0

    @property
    def exhausted(self) -> bool:
        return bool(self.rule.times) and self.fired >= self.rule.times


class FaultSet:
    """The rules in force and their counters (thread-safe: waitress serves on several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_ArmedRule] = []

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._armed.append(_ArmedRule(replace(rule)))

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def match(self, operation_id: str) -> FaultRule | None:
        """Count this call against every matching rule; the first one due applies."""
        chosen: FaultRule | None = None
        with self._lock:
            for armed in self._armed:
                if armed.rule.operation not in ("*", operation_id):
                    continue
                armed.seen += 1
                due = armed.seen > armed.rule.after and not armed.exhausted
                if due and chosen is None:
                    armed.fired += 1
                    chosen = armed.rule
        return chosen

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [
                {
                    **armed.rule.to_json(),
                    "matched": armed.seen,
                    "fired": armed.fired,
                    "exhausted": armed.exhausted,
                }
                for armed in self._armed
            ]


# ---------------------------------------------------------------------------------------------
# Malformed bodies
# ---------------------------------------------------------------------------------------------

HTML_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>502 Bad Gateway</h1><p>sandbox fault</p></body></html>\n"
)


def malformed_body(kind: str, json_body: bytes) -> tuple[bytes, str | None]:
    """(body, content type) for a malformed response; `json_body` is what would have been sent."""
    if kind == "html":
        return HTML_PAGE, "text/html; charset=utf-8"
    if kind == "truncated":
        return json_body[: max(1, len(json_body) // 2)], "application/json"
    if kind == "not-json":
        return b"upstream answered something that is not JSON\n", "text/plain; charset=utf-8"
    if kind == "wrong-shape":
        return b'{"result":[{"unexpected":true}]}', "application/json"
    if kind == "unknown-code":
        return (
            b'{"code":"SANDBOX_UNKNOWN_CODE","message":"An error code the client does not know."}',
            "application/json",
        )
    return b"", None  # empty
