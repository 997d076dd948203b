"""Exit codes, and the one table from an error to its exit code and hint.

Exit codes are a public contract (README "Exit codes"); change them only with a
major version.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TypeGuard

from pspace_py.api import errors as api_errors


class ExitCode(IntEnum):
    OK = 0
    GENERAL = 1
    USAGE = 2
    AUTH = 3
    NOT_FOUND = 4
    REFUSED = 5
    UNREACHABLE = 6
    WAIT_TIMEOUT = 7
    OPERATION_FAILED = 8
    PARTIAL = 9
    INTERRUPTED = 130
    TERMINATED = 143


class PspaceError(Exception):
    """An expected failure with a message for the user and an exit code.

    ``hint`` is the "what to do next" part, printed after the message.
    """

    exit_code: ExitCode = ExitCode.GENERAL

    def __init__(
        self, message: str, *, hint: str | None = None, exit_code: ExitCode | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(PspaceError):
    exit_code = ExitCode.USAGE


class NotLoggedInError(PspaceError):
    exit_code = ExitCode.AUTH


class NotFoundError(PspaceError):
    exit_code = ExitCode.NOT_FOUND


class RefusedError(PspaceError):
    """The user declined, or a confirmation was needed and nobody could give it."""

    exit_code = ExitCode.REFUSED


class ConfigError(PspaceError):
    """A config file (or catalog or state file) pspace cannot use: input to fix, exit 2."""

    exit_code = ExitCode.USAGE


class WaitTimeoutError(PspaceError):
    exit_code = ExitCode.WAIT_TIMEOUT


class OperationFailedError(PspaceError):
    exit_code = ExitCode.OPERATION_FAILED


class PartialFailureError(PspaceError):
    exit_code = ExitCode.PARTIAL


# The one table for the API's errors: the exit code, and what to do next. Checked in
# order (isinstance), so a subclass would go before its base.
API_ERRORS: tuple[tuple[type[api_errors.ApiError], ExitCode, str | None], ...] = (
    (
        api_errors.AuthenticationError,
        ExitCode.AUTH,
        "Check the key: run 'pspace login' again or set PAPERSPACE_API_KEY.",
    ),
    (
        api_errors.PermissionDeniedError,
        ExitCode.AUTH,
        "The key's team may not do this; check the team with 'pspace whoami'.",
    ),
    (api_errors.NotFoundError, ExitCode.NOT_FOUND, None),
    (api_errors.BadRequestError, ExitCode.REFUSED, None),
    (api_errors.ConflictError, ExitCode.REFUSED, None),
    (
        api_errors.RateLimitedError,
        ExitCode.REFUSED,
        "The API is rate limiting; wait a minute and try again.",
    ),
    (
        api_errors.ServerError,
        ExitCode.UNREACHABLE,
        "The API is having trouble; try again in a minute.",
    ),
    (
        api_errors.InvalidResponseError,
        ExitCode.UNREACHABLE,
        "The API sent something unexpected; try again, and check the API URL.",
    ),
    (
        api_errors.ApiUnreachableError,
        ExitCode.UNREACHABLE,
        "Check the network and the API URL ('pspace whoami'), then try again.",
    ),
    (
        api_errors.RequestNotSentError,
        ExitCode.USAGE,
        "Check the IDs, names and values given.",
    ),
    (
        api_errors.AmbiguousResultError,
        ExitCode.UNREACHABLE,
        "Check what exists with a list command before trying again.",
    ),
)


# The ApiUnreachableError hint when the URL is one a profile stores: it outlives what it
# pointed at (a sandbox that has stopped), and nothing else would say where it came from.
STORED_URL_UNREACHABLE_HINT = (
    "{url} is the profile's api_url; if nothing serves it any more (a stopped sandbox), "
    "run 'pspace config unset api_url'."
)


def is_expected(error: BaseException) -> TypeGuard[PspaceError | api_errors.ApiError]:
    """A failure this program knows how to explain (anything else is a bug to report)."""
    return isinstance(error, PspaceError | api_errors.ApiError)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for any exception that reaches the CLI's error boundary."""
    if isinstance(error, PspaceError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        from pspace_py.interrupts import describe

        return ExitCode(describe(error)[1])
    for error_type, code, _ in API_ERRORS:
        if isinstance(error, error_type):
            return code
    if isinstance(error, api_errors.ApiError):
        status = error.status or 0
        return ExitCode.REFUSED if 400 <= status < 500 else ExitCode.UNREACHABLE
    return ExitCode.GENERAL


def describe_error(
    error: PspaceError | api_errors.ApiError, *, stored_url: str | None = None
) -> tuple[str, str | None]:
    """The message and the "what to do next" hint for an expected error; ``stored_url`` is
    the API URL when it came from the profile."""
    if isinstance(error, PspaceError):
        return error.message, error.hint
    where = f"HTTP {error.status}" if error.status else "no response"
    if error.code:
        where += f" {error.code}"
    if error.request_id:
        where += f", request {error.request_id}"
    message = f"{error.message.rstrip('.')}. ({where})"
    if error.issues:
        message += " " + "; ".join(error.issues)
    hint = next((hint for kind, _, hint in API_ERRORS if type(error) is kind), None)
    if stored_url and isinstance(error, api_errors.ApiUnreachableError):
        hint = STORED_URL_UNREACHABLE_HINT.format(url=stored_url)
    return message, hint
