"""Exit codes and the one map from errors to exit codes.

Exit codes are a public contract (README "Exit codes"); change them only with a
major version.
"""

from __future__ import annotations

from enum import IntEnum

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
    exit_code = ExitCode.GENERAL


class WaitTimeoutError(PspaceError):
    exit_code = ExitCode.WAIT_TIMEOUT


class OperationFailedError(PspaceError):
    exit_code = ExitCode.OPERATION_FAILED


class PartialFailureError(PspaceError):
    exit_code = ExitCode.PARTIAL


API_EXIT_CODES: tuple[tuple[type[api_errors.ApiError], ExitCode], ...] = (
    (api_errors.AuthenticationError, ExitCode.AUTH),
    (api_errors.PermissionDeniedError, ExitCode.AUTH),
    (api_errors.NotFoundError, ExitCode.NOT_FOUND),
    (api_errors.BadRequestError, ExitCode.REFUSED),
    (api_errors.ConflictError, ExitCode.REFUSED),
    (api_errors.RateLimitedError, ExitCode.REFUSED),
    (api_errors.ServerError, ExitCode.UNREACHABLE),
    (api_errors.InvalidResponseError, ExitCode.UNREACHABLE),
    (api_errors.ApiUnreachableError, ExitCode.UNREACHABLE),
    (api_errors.AmbiguousResultError, ExitCode.UNREACHABLE),
)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for any exception that reaches the CLI's error boundary."""
    if isinstance(error, PspaceError):
        return error.exit_code
    if isinstance(error, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    for error_type, code in API_EXIT_CODES:
        if isinstance(error, error_type):
            return code
    if isinstance(error, api_errors.ApiError):
        status = error.status or 0
        return ExitCode.REFUSED if 400 <= status < 500 else ExitCode.UNREACHABLE
    return ExitCode.GENERAL
