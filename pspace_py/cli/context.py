"""Per-invocation state shared by every command, and the one error boundary."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import typer

from pspace_py.errors import ExitCode, NotLoggedInError, PspaceError, exit_code_for

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.catalog import Catalog
    from pspace_py.config import ConfigFile
    from pspace_py.output import Output
    from pspace_py.settings import Settings


@dataclass
class GlobalOptions:
    api_key: str | None = None
    api_url: str | None = None
    profile: str | None = None
    debug: bool = False
    sandbox: bool = False
    no_color: bool = False
    retries: int | None = None
    http_timeout: float | None = None


@dataclass
class AppContext:
    """What a command needs, built lazily so ``--help`` never reads config or the network."""

    options: GlobalOptions = field(default_factory=GlobalOptions)
    # What is in flight, for the Ctrl-C message ("machine ps123 start, event e-1").
    operation: str | None = None
    # Tests (and nothing else) hand in a transport, e.g. the sandbox's WSGI app.
    transport: Any = None
    _config: ConfigFile | None = None
    _settings: Settings | None = None
    _client: ApiClient | None = None
    _output: Output | None = None

    def config(self) -> ConfigFile:
        if self._config is None:
            from pspace_py.config import load_config

            self._config = load_config()
            show_config_warnings(self.diagnostics(), self._config)
        return self._config

    def diagnostics(self) -> Output:
        """The output to write messages to, before or after a command chose its mode."""
        if self._output is None:
            from pspace_py.output import Output

            self._output = Output(no_color=self.options.no_color)
        return self._output

    def settings(self) -> Settings:
        if self._settings is None:
            from pspace_py.settings import resolve_settings

            opts = self.options
            self._settings = resolve_settings(
                self.config(),
                api_key=opts.api_key,
                api_url=opts.api_url,
                profile=opts.profile,
                sandbox=opts.sandbox,
                retries=opts.retries,
                http_timeout=opts.http_timeout,
            )
        return self._settings

    def client(self) -> ApiClient:
        """The API client; fails with "not logged in" when there is no key."""
        if self._client is None:
            settings = self.settings()
            if not settings.api_key:
                raise NotLoggedInError(
                    "Not logged in.",
                    hint="Run 'pspace login' or set PAPERSPACE_API_KEY "
                    "(or try 'pspace --sandbox ...' with no account).",
                )
            self._client = self.client_for_key(settings.api_key)
        return self._client

    def client_for_key(self, api_key: str) -> ApiClient:
        from pspace_py.api.client import ApiClient

        settings = self.settings()
        transport = self.transport
        if transport is None and settings.sandbox:
            from pspace_py.sandbox import SandboxStateError, in_process_transport

            try:
                transport = in_process_transport()
            except SandboxStateError as error:
                raise sandbox_state_error(
                    error,
                    hint="'pspace --sandbox' keeps its state there; set PSPACE_SANDBOX_STATE "
                    "to use another file.",
                ) from None
        return ApiClient(
            settings.api_url,
            api_key,
            timeout=settings.http_timeout,
            retries=settings.retries,
            transport=transport,
        )

    def output(
        self,
        *,
        json_mode: bool = False,
        fields: Sequence[str] | None = None,
        quiet: bool = False,
        no_header: bool = False,
    ) -> Output:
        from pspace_py.output import Output, parse_fields

        self._output = Output(
            json_mode=json_mode,
            fields=parse_fields(fields),
            quiet=quiet,
            no_header=no_header,
            no_color=self.options.no_color,
        )
        return self._output

    def catalog(self) -> Catalog:
        from pspace_py.catalog import CatalogError, load_catalog
        from pspace_py.config import config_dir
        from pspace_py.errors import ConfigError

        try:
            return load_catalog(config_dir())
        except CatalogError as error:
            raise ConfigError(str(error), hint="Fix or remove the catalog override file.") from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.options.debug:
            disable_debug_logging()


def sandbox_state_error(error: Exception, *, hint: str | None = None) -> PspaceError:
    """A sandbox state file that cannot be used: a one-line error (exit 1), not a crash."""
    from pspace_py.errors import ConfigError

    return ConfigError(str(error), hint=hint)


def show_config_warnings(output: Output, config: ConfigFile) -> None:
    """Say what loading the config file found (e.g. it was readable by others); once each."""
    for warning in config.drain_warnings():
        output.warn(warning)


def app_context(ctx: typer.Context) -> AppContext:
    """The invocation's :class:`AppContext` (tests may pass one through ``obj=``)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def enable_debug_logging() -> None:
    from pspace_py.redact import redact

    class RedactingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact(super().format(record))

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("debug: %(message)s"))
    logger = logging.getLogger("pspace_py")
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False


def disable_debug_logging() -> None:
    """Undo :func:`enable_debug_logging` (one process may run many commands: tests)."""
    logger = logging.getLogger("pspace_py")
    logger.handlers = []
    logger.setLevel(logging.NOTSET)
    logger.propagate = True


@contextlib.contextmanager
def error_boundary(state: AppContext) -> Iterator[None]:
    """Turn every expected failure into one line on stderr and a documented exit code.

    Registered with ``ctx.with_resource`` on the root context: the context hands
    exceptions raised by any subcommand to its registered resources, so this
    sees them before Typer does (tests/cli/test_errors.py pins that).
    """
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        # Usage errors are reported by the root command, in the same one-line form.
        raise
    except KeyboardInterrupt:
        _report_interrupt(state)
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    except BrokenPipeError:
        # The reader went away (`pspace machine list | head`): not an error worth a word.
        _silence_stdout()
        raise typer.Exit(ExitCode.OK) from None
    except Exception as error:
        if not _is_expected(error):
            if state.options.debug:
                _print_traceback(error)
            _print_error(
                state,
                f"Unexpected error: {type(error).__name__}: {error}",
                "Run again with --debug for details, and report it if it persists.",
            )
            raise typer.Exit(ExitCode.GENERAL) from None
        message, hint = describe_error(error)
        _print_error(state, message, hint)
        raise typer.Exit(exit_code_for(error)) from None
    finally:
        state.close()


def _print_traceback(error: BaseException) -> None:
    """The traceback for --debug, through the same redaction as everything else."""
    import traceback

    from pspace_py.redact import redact

    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    sys.stderr.write(redact(text))


def _is_expected(error: BaseException) -> bool:
    from pspace_py.api.errors import ApiError

    return isinstance(error, PspaceError | ApiError)


def describe_error(error: BaseException) -> tuple[str, str | None]:
    """The message and the "what to do next" hint for an expected error."""
    if isinstance(error, PspaceError):
        return error.message, error.hint
    from pspace_py.api import errors as api

    assert isinstance(error, api.ApiError)
    where = f"HTTP {error.status}" if error.status else "no response"
    if error.code:
        where += f" {error.code}"
    if error.request_id:
        where += f", request {error.request_id}"
    message = f"{error.message.rstrip('.')}. ({where})"
    if error.issues:
        message += " " + "; ".join(error.issues)
    hints: dict[type[api.ApiError], str] = {
        api.AuthenticationError: "Check the key: run 'pspace login' again or set "
        "PAPERSPACE_API_KEY.",
        api.PermissionDeniedError: "The key's team may not do this; check the team with "
        "'pspace whoami'.",
        api.RateLimitedError: "The API is rate limiting; wait a minute and try again.",
        api.ApiUnreachableError: "Check the network and the API URL ('pspace whoami'), then "
        "try again.",
        api.ServerError: "The API is having trouble; try again in a minute.",
        api.InvalidResponseError: "The API sent something unexpected; try again, and check "
        "the API URL.",
        api.AmbiguousResultError: "Check what exists with a list command before trying again.",
    }
    return message, hints.get(type(error))


def _print_error(state: AppContext, message: str, hint: str | None) -> None:
    state.diagnostics().error(message, hint)


def _report_interrupt(state: AppContext) -> None:
    output = state.diagnostics()
    if state.operation:
        output.error(
            f"Interrupted. {state.operation} may still be in progress on the server.",
            "Check its state before retrying (e.g. 'pspace machine get ID').",
        )
    else:
        output.error("Interrupted.")


def _silence_stdout() -> None:
    import os

    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
