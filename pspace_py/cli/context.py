"""Per-invocation state shared by every command (the error boundary: pspace_py/cli/boundary.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

import typer

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.catalog import Catalog
    from pspace_py.config import ConfigFile
    from pspace_py.errors import PspaceError
    from pspace_py.output import Output
    from pspace_py.settings import Settings

T = TypeVar("T")


class InFlight(Protocol):
    """Something under way that can say, when interrupted, where it got to."""

    def when_interrupted(self) -> tuple[str, str | None]:
        """The message (after "Interrupted.") and the hint."""
        ...


class GlobalOptions(NamedTuple):
    """The root options of this run (flags only: environment and profile come later)."""

    api_key: str | None = None
    api_url: str | None = None
    profile: str | None = None
    debug: bool = False
    sandbox: bool = False
    no_color: bool = False
    retries: int | None = None
    http_timeout: float | None = None
    # What the package logs to stderr: "debug" (the request trace), "info" (retries) or None.
    log: str | None = None


class AppContext:
    """What a command needs, built lazily so ``--help`` never reads config or the network.

    A plain class, not a dataclass: every command's start-up pays for creating it.
    """

    def __init__(self, *, options: GlobalOptions | None = None, transport: Any = None) -> None:
        self.options = options or GlobalOptions()
        # What is in flight, for the Ctrl-C message ("machine ps123 start, event e-1"), or
        # what can say so itself (a bulk action's ledger: done, in progress, never sent).
        self.operation: str | InFlight | None = None
        # Tests (and nothing else) hand in a transport, e.g. the sandbox's WSGI app.
        self.transport = transport
        self._config: ConfigFile | None = None
        self._settings: Settings | None = None
        self._client: ApiClient | None = None
        self._diagnostics: Output | None = None

    def config(self) -> ConfigFile:
        """The config file as this run found it (read once; its warnings shown once)."""
        if self._config is None:
            from pspace_py.config import load_config

            self._config = self._show_warnings(load_config())
        return self._config

    def edit_config(self, change: Callable[[ConfigFile], T]) -> T:
        """Apply ``change`` (a :mod:`pspace_py.config` edit) to the file, under its lock.

        The file is read again under the lock, so a concurrent writer's change is kept;
        it is written only when ``change`` changed something and raised nothing.
        """
        from pspace_py.config import editing_config

        self.config()
        with editing_config() as editable:
            return change(self._show_warnings(editable))

    def _show_warnings(self, config: ConfigFile) -> ConfigFile:
        """The one place that says what reading the file found (e.g. it was open to others)."""
        for warning in config.drain_warnings():
            self.diagnostics().warn(warning)
        return config

    def diagnostics(self) -> Output:
        """Where messages go, whatever mode the command chose for its data (all on stderr)."""
        if self._diagnostics is None:
            from pspace_py.output import Output

            self._diagnostics = Output(no_color=self.options.no_color)
        return self._diagnostics

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
                from pspace_py.errors import NotLoggedInError

                if settings.key_withheld:  # a stored key that belongs to another API
                    raise NotLoggedInError(
                        f"Not logged in to {settings.api_url}: {settings.key_withheld}.",
                        hint="Give a key for it with --api-key or PAPERSPACE_API_KEY, or store "
                        "one with 'pspace login' and this API URL.",
                    )
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
        """The command's output in the mode its flags chose (diagnostics keep their own sink)."""
        from pspace_py.output import Output, parse_fields

        return Output(
            json_mode=json_mode,
            fields=parse_fields(fields),
            quiet=quiet,
            no_header=no_header,
            no_color=self.options.no_color,
        )

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
        if self.options.log:
            disable_debug_logging()


def sandbox_state_error(error: Exception, *, hint: str | None = None) -> PspaceError:
    """A sandbox state file that cannot be used: a one-line error (exit 1), not a crash."""
    from pspace_py.errors import ConfigError

    return ConfigError(str(error), hint=hint)


def app_context(ctx: typer.Context) -> AppContext:
    """The invocation's :class:`AppContext` (tests may pass one through ``obj=``)."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppContext):
        root.obj = AppContext()
    return root.obj


def enable_debug_logging(level: str = "debug") -> None:
    """Send the package's log to stderr, redacted: ``debug`` is the request trace, ``info``
    only the retries."""
    import logging

    from pspace_py.redact import redact

    class RedactingFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return redact(super().format(record))

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(RedactingFormatter("debug: %(message)s"))
    logger = logging.getLogger("pspace_py")
    logger.handlers = [handler]
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)
    logger.propagate = False


def disable_debug_logging() -> None:
    """Undo :func:`enable_debug_logging` (one process may run many commands: tests)."""
    import logging

    logger = logging.getLogger("pspace_py")
    logger.handlers = []
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
