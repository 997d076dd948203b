"""The ``pspace`` command: root options, lazily loaded command groups, one exit path.

Command groups are imported only when invoked, so ``pspace --version`` and
``pspace --help`` cost little more than importing Typer (bench/run.py).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from pspace_py import __version__
from pspace_py.cli.options import HELP_MARKUP

# name -> (module, attribute, one-line help). Help lives here so that listing
# the commands never imports them.
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "login": ("pspace_py.cli.auth", "login_app", "Store an API key in a profile."),
    "logout": ("pspace_py.cli.auth", "logout_app", "Forget stored API keys."),
    "whoami": ("pspace_py.cli.auth", "whoami_app", "Show the team, user and key source."),
    "machine": ("pspace_py.cli.machine", "app", "Create, list, start, stop, resize machines."),
    "machine-event": ("pspace_py.cli.machine_event", "app", "Follow machine events."),
    "snapshot": ("pspace_py.cli.snapshot", "app", "Snapshot and restore machine disks."),
    "network": ("pspace_py.cli.network", "app", "Manage private networks."),
    "ip": ("pspace_py.cli.ip", "app", "Claim, assign and release public IPs."),
    "os-template": ("pspace_py.cli.templates", "os_template_app", "List OS templates."),
    "custom-template": ("pspace_py.cli.templates", "custom_template_app", "Manage templates."),
    "startup-script": ("pspace_py.cli.startup_script", "app", "Manage startup scripts."),
    "shared-drive": ("pspace_py.cli.shared_drive", "app", "Manage shared drives."),
    "cost": ("pspace_py.cli.cost", "app", "What the account is spending right now."),
    "config": ("pspace_py.cli.config_cmd", "app", "Show and change profile settings."),
    "sandbox": ("pspace_py.cli.sandbox", "app", "Run the local sandbox API."),
}
# The official CLI's names, kept so its scripts keep working.
ALIASES = {"private-network": "network", "public-ip": "ip"}

GLOBAL_FLAGS = frozenset({"--debug", "--sandbox", "--no-color"})
GLOBAL_VALUE_OPTIONS = frozenset(
    {"--api-key", "--api-url", "--profile", "--retries", "--http-timeout"}
)
# Options a command group defines itself under a global option's name stay with the command:
# `pspace sandbox serve --api-key K` gives the served sandbox another key to accept.
COMMAND_OWN_OPTIONS: dict[str, frozenset[str]] = {"sandbox": frozenset({"--api-key"})}
END_OF_OPTIONS = "--"


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """Move connection options to the front, so they work after the command too.

    ``pspace machine list --api-key K`` becomes ``pspace --api-key K machine
    list``, as the official CLI's global flags allow. Nothing after ``--`` moves,
    nor an option the command itself defines (``COMMAND_OWN_OPTIONS``).
    """
    hoisted: list[str] = []
    rest: list[str] = []
    own: frozenset[str] | None = None  # the command's own options, once it is known
    index = 0
    while index < len(args):
        token = args[index]
        if token == END_OF_OPTIONS:
            rest.extend(args[index:])
            break
        name = token.split("=", 1)[0]
        if own is not None and name in own:
            takes_value = "=" not in token and index + 1 < len(args)
            rest.extend(args[index : index + 2] if takes_value else [token])
            index += 2 if takes_value else 1
            continue
        if token in GLOBAL_FLAGS or (name in GLOBAL_VALUE_OPTIONS and "=" in token):
            hoisted.append(token)
        elif token in GLOBAL_VALUE_OPTIONS and index + 1 < len(args):
            hoisted.extend(args[index : index + 2])
            index += 1
        else:
            if own is None and not token.startswith("-"):
                own = COMMAND_OWN_OPTIONS.get(token, frozenset())
            rest.append(token)
        index += 1
    return hoisted + rest


class RootGroup(TyperGroup):
    """Loads command groups on first use and reports usage errors in one line."""

    _listing_for_help = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *LAZY_COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd_name = ALIASES.get(cmd_name, cmd_name)
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in LAZY_COMMANDS:
            return None
        module_name, attribute, short_help = LAZY_COMMANDS[cmd_name]
        if self._listing_for_help:
            return TyperGroup(name=cmd_name, help=short_help)
        module = importlib.import_module(module_name)
        command = _click_command(getattr(module, attribute))
        command.name = cmd_name
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing_for_help = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing_for_help = False

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        argv = hoist_global_options(sys.argv[1:] if args is None else list(args))
        try:
            result = super().main(
                args=argv,
                prog_name=prog_name or "pspace",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            # 0 is ExitCode.OK: the happy path does not import pspace_py.errors.
            code = result if isinstance(result, int) else 0
        except typer.TyperException as error:
            from pspace_py.errors import ExitCode

            code = getattr(error, "exit_code", ExitCode.USAGE)
            _print_usage_error(error)
        except typer.Abort:
            from pspace_py.errors import ExitCode

            code = ExitCode.GENERAL
        if standalone_mode:
            sys.exit(code)
        return code


class LazySubcommands(MutableMapping[str, Any]):
    """A group's subcommands, each turned from Typer into Click when first looked up.

    Typer converts a whole group at once (signatures, type hints, parameters of every
    command): ~45 ms for ``machine``. ``pspace machine list`` needs one of them; help
    and completion, which list them all, still get all of them.
    """

    def __init__(self, infos: dict[str, Any], convert: Callable[[Any], Any]) -> None:
        self._infos = infos  # name -> typer CommandInfo, in registration order
        self._convert = convert
        self._commands: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        command = self._commands.get(name)
        if command is None:
            command = self._commands[name] = self._convert(self._infos[name])
        return command

    def __setitem__(self, name: str, command: Any) -> None:
        self._infos.setdefault(name, None)
        self._commands[name] = command

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._commands.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def _click_command(sub_app: typer.Typer) -> Any:
    """``typer.main.get_command(sub_app)``, with the group's commands converted lazily."""
    infos = list(sub_app.registered_commands)
    eager = (
        sub_app.registered_groups
        or getattr(sub_app, "_add_completion", True)
        or not (sub_app.registered_callback or sub_app.info.callback or len(infos) > 1)
    )
    if eager:
        return typer.main.get_command(sub_app)
    sub_app.registered_commands = []
    try:
        group = typer.main.get_group(sub_app)
    finally:
        sub_app.registered_commands = infos

    def convert(info: Any) -> Any:
        return typer.main.get_command_from_info(
            info,
            pretty_exceptions_short=sub_app.pretty_exceptions_short,
            rich_markup_mode=sub_app.rich_markup_mode,
        )

    names: dict[str, Any] = {}
    for info in infos:
        callback_name = getattr(info.callback, "__name__", "")
        names[info.name or typer.main.get_command_name(callback_name)] = info
    group.commands = LazySubcommands(names, convert)
    return group


def _print_usage_error(error: typer.TyperException) -> None:
    from pspace_py.output import Output

    context = getattr(error, "ctx", None)
    command_path = getattr(context, "command_path", "pspace")
    Output().error(error.format_message(), f"See '{command_path} --help'.")


app = typer.Typer(
    cls=RootGroup,
    help="pspace: Paperspace machines from the terminal, scripts and CI.\n\n"
    "Try it with no account: pspace --sandbox machine list",
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,  # type: ignore[arg-type]
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"pspace-py {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            help="API key for this run (overrides env and profile).",
            show_default=False,
        ),
    ] = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help="API base URL, or 'sandbox' [env: PAPERSPACE_API_URL]."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="Profile to use [env: PSPACE_PROFILE].")
    ] = None,
    sandbox: Annotated[
        bool,
        typer.Option("--sandbox", help="Talk to the built-in sandbox API [env: PSPACE_SANDBOX=1]."),
    ] = False,
    retries: Annotated[
        int | None,
        typer.Option("--retries", min=0, max=10, help="Retries per request [default: 3]."),
    ] = None,
    http_timeout: Annotated[
        float | None,
        typer.Option("--http-timeout", min=1, help="Seconds to wait for each response [60]."),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Log requests and responses (key masked) to stderr.")
    ] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colour [env: NO_COLOR].")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            callback=_show_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    # Imported here, not at the top: `--version` and `--help` never get this far.
    from pspace_py.cli.context import (
        AppContext,
        GlobalOptions,
        enable_debug_logging,
        error_boundary,
    )

    state = ctx.obj if isinstance(ctx.obj, AppContext) else AppContext()
    state.options = GlobalOptions(
        api_key=api_key,
        api_url=api_url,
        profile=profile,
        debug=debug,
        sandbox=sandbox,
        no_color=no_color,
        retries=retries,
        http_timeout=http_timeout,
    )
    ctx.obj = state
    if debug:
        enable_debug_logging()
    ctx.with_resource(error_boundary(state))


@app.command("version")
def version_command() -> None:
    """Show the version."""
    typer.echo(f"pspace-py {__version__}")


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - Ctrl-C before the app took over
        from pspace_py.errors import ExitCode

        sys.stderr.write("Interrupted.\n")
        sys.exit(ExitCode.INTERRUPTED)
