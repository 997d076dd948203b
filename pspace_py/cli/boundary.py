"""The one exit path: every failure of a command becomes one line on stderr and a documented
exit code (the table: pspace_py/errors.py), an interruption names what may still be in progress,
and a closed pipe is no error. ``error_boundary`` is registered by the root callback
(pspace_py/cli/main.py) with ``ctx.with_resource``."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer

from pspace_py.cli.context import AppContext


@contextlib.contextmanager
def error_boundary(state: AppContext) -> Iterator[None]:
    """Turn every expected failure into one line on stderr and a documented exit code.

    Registered with ``ctx.with_resource`` on the root context: the context hands
    exceptions raised by any subcommand to its registered resources, so this
    sees them before Typer does (tests/e2e/test_exit_codes.py,
    ``test_1_unexpected_error_in_process``, pins that).
    """
    try:
        yield
    except typer.Exit:
        raise
    except BaseException as error:
        from pspace_py.interrupts import behind

        # Ctrl-C or SIGTERM (cli/signals.py), even when library code where it landed turned
        # it into an error of its own.
        interrupt = behind(error)
        if interrupt is not None:
            raise typer.Exit(_report_interrupt(state, interrupt)) from None
        if isinstance(error, typer.Abort | typer.TyperException):
            # Usage errors are reported by the root command, in the same one-line form.
            raise
        # Only a failure pays for importing the error table.
        from pspace_py.errors import ExitCode, describe_error, exit_code_for, is_expected

        if isinstance(error, BrokenPipeError):
            # The reader went away (`pspace machine list | head`): not an error worth a word.
            _silence_stdout()
            raise typer.Exit(ExitCode.OK) from None
        if not isinstance(error, Exception):
            raise
        if is_expected(error):
            message, hint = describe_error(error, stored_url=_stored_url(state))
            _print_error(state, message, hint)
            raise typer.Exit(exit_code_for(error)) from None
        if state.options.debug:
            _print_traceback(error)
        _print_error(
            state,
            f"Unexpected error: {type(error).__name__}: {error}",
            "Run again with --debug for details, and report it if it persists.",
        )
        raise typer.Exit(ExitCode.GENERAL) from None
    finally:
        state.close()


def _stored_url(state: AppContext) -> str | None:
    """The API URL of this run when a profile stores it (errors then say how to drop it)."""
    settings = state._settings
    if settings is None or settings.sandbox or not settings.api_url_source.startswith("profile"):
        return None
    return settings.api_url


def _print_traceback(error: BaseException) -> None:
    """The traceback for --debug, through the same redaction as everything else."""
    import traceback

    from pspace_py.redact import redact

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    sys.stderr.write(redact(text))


def _print_error(state: AppContext, message: str, hint: str | None) -> None:
    state.diagnostics().error(message, hint)


def _report_interrupt(state: AppContext, interrupt: KeyboardInterrupt) -> int:
    """One line naming what may still be in progress; the exit code (130, or 143)."""
    from pspace_py.interrupts import describe

    word, code = describe(interrupt)
    output = state.diagnostics()
    if output.stderr_is_tty:
        # The cursor may stand after a prompt or a "^C": the message gets a line of its own.
        output.stderr.write("\n")
    operation = state.operation
    if isinstance(operation, str) and operation:
        output.error(
            f"{word}. {operation} may still be in progress on the server.",
            "Check its state before retrying (e.g. 'pspace machine get ID').",
        )
    elif operation:
        message, hint = operation.when_interrupted()
        output.error(f"{word}. {message}", hint)
    else:
        output.error(f"{word}.")
    return code


def _silence_stdout() -> None:
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
