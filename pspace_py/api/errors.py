"""Typed errors raised by the HTTP layer.

The API layer never prints and never exits; the CLI's error boundary maps these
to one line on stderr and an exit code (``pspace_py.errors``).
"""

from __future__ import annotations


class ApiError(Exception):
    """Any failure talking to the Paperspace API.

    ``status`` is the HTTP status (None when no response arrived), ``code`` the
    API's error code (``NOT_FOUND``, ``CONFLICT``...) and ``message`` its text.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
        issues: list[str] | None = None,
        request_id: str | None = None,
        out_of_time: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        # True when a deadline (pspace_py.api.deadline), not the server, ended the tries.
        self.out_of_time = out_of_time
        # The API's X-Request-Id, so a support ticket can name the failed request.
        self.request_id = request_id
        # Set on a retry's error when an earlier try got no usable answer, so the
        # earlier try may have taken effect.
        self.after_lost_answer = False
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        self.issues = issues or []

    def __str__(self) -> str:
        return self.message


class BadRequestError(ApiError):
    """400/413/422: the API rejected the request as invalid."""


class AuthenticationError(ApiError):
    """401: the key is missing or rejected."""


class PermissionDeniedError(ApiError):
    """403: the key is valid but may not do this."""


class NotFoundError(ApiError):
    """404: no such resource (or it belongs to another team)."""


class ConflictError(ApiError):
    """409/412: the resource is not in a state that allows this."""


class RateLimitedError(ApiError):
    """429 that outlasted the retries."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx that outlasted the retries (or was not retryable)."""

    retry_after: float | None = None


class InvalidResponseError(ApiError):
    """The API answered with something that is not the contract's JSON."""


class ApiUnreachableError(ApiError):
    """No usable answer: connection refused, DNS failure, timeout, reset.

    ``not_sent`` is True when the request certainly never reached the server
    (the connection could not be opened), which makes even a POST safe to retry.
    """

    def __init__(self, message: str, *, not_sent: bool = False, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.not_sent = not_sent


class RequestNotSentError(ApiError):
    """The request could not be made from what was given (a URL too long, say): never sent."""


class AmbiguousResultError(ApiError):
    """A non-idempotent request failed in a way that leaves its effect unknown.

    The request may or may not have been processed (read timeout, reset, 500,
    502, 504 on a POST). Callers reconcile instead of retrying blindly.
    """

    def __init__(self, message: str, *, cause: ApiError, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.cause = cause


# A request as messages name it: the path may carry what the user typed, so it is cut short.
_PATH_SHOWN = 120


def request_label(method: str, path: str) -> str:
    """``GET machines/ps123`` for messages, however long the path."""
    from pspace_py.redact import excerpt

    return f"{method} {excerpt(path, _PATH_SHOWN)}"


STATUS_ERRORS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: RateLimitedError,
}


def error_class_for_status(status: int) -> type[ApiError]:
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return ServerError
    return ApiError
