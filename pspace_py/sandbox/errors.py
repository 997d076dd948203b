"""The API's error envelope: `{code, message}` plus an optional `issues` list, nothing else.

The official client validates error bodies with a strict schema (contract §2.4): any other key,
or a code outside `ERROR_CODES`, makes it crash instead of showing the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ERROR_CODES = (
    "PARSE_ERROR",
    "BAD_REQUEST",
    "INTERNAL_SERVER_ERROR",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_SUPPORTED",
    "TIMEOUT",
    "CONFLICT",
    "PRECONDITION_FAILED",
    "PAYLOAD_TOO_LARGE",
    "TOO_MANY_REQUESTS",
    "CLIENT_CLOSED_REQUEST",
)

# HTTP status -> code, as the client maps them (contract §2.4).
CODE_FOR_STATUS = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_SUPPORTED",
    408: "TIMEOUT",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    429: "TOO_MANY_REQUESTS",
    499: "CLIENT_CLOSED_REQUEST",
}


def code_for_status(status: int) -> str:
    return CODE_FOR_STATUS.get(status, "INTERNAL_SERVER_ERROR")


class SandboxError(Exception):
    """An API error answered to the client: status, code, message and optional issues."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        issues: Sequence[str] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or code_for_status(status)
        if self.code not in ERROR_CODES:
            raise ValueError(f"{self.code!r} is not an error code the client accepts")
        self.message = message
        self.issues = tuple(issues)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.issues:
            body["issues"] = [{"message": issue} for issue in self.issues]
        return body


def bad_request(message: str, *, issues: Sequence[str] = ()) -> SandboxError:
    return SandboxError(400, message, issues=issues)


def conflict(message: str) -> SandboxError:
    return SandboxError(409, message)


class SandboxStateError(Exception):
    """The state file cannot be used (another schema version, or not a sandbox state file)."""

    def __init__(
        self,
        path: str,
        message: str,
        *,
        found_version: int | None = None,
        expected_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.found_version = found_version
        self.expected_version = expected_version
