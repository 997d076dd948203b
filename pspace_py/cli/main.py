"""The ``pspace`` command: root options, lazily loaded command groups, one exit path.

Command groups are imported only when invoked (pspace_py/cli/lazy.py), so
``pspace --version`` and ``pspace --help`` cost little more than importing Typer
(bench/run.py). Before Click parses the line, :func:`pspace_py.cli.argv.arrange`
puts each option with the command that defines it, in the official CLI's spellings.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import typer

from pspace_py import __version__
from pspace_py.cli.command_classes import HELP_MARKUP, PspaceTyper
from pspace_py.cli.lazy import Lazy, LazyGroup
from pspace_py.cli.signals import reported_as_exit

# name -> the module and Typer app of the group, and its line in `pspace --help`.
LAZY_COMMANDS: dict[str, Lazy] = {
    name: Lazy(module, help_line, attribute)
    for name, (module, attribute, help_line) in {
        "login": ("pspace_py.cli.auth", "login_app", "Store an API key in a profile."),
        "logout": ("pspace_py.cli.logout", "logout_app", "Forget stored API keys."),
        "whoami": ("pspace_py.cli.whoami", "whoami_app", "Show the team, user and key source."),
        "machine": ("pspace_py.cli.machine", "app", "Create, list, start, stop, resize machines."),
        "machine-event": ("pspace_py.cli.machine_event", "app", "Follow machine events."),
        "snapshot": ("pspace_py.cli.snapshot", "app", "Snapshot and restore machine disks."),
        "network": ("pspace_py.cli.network", "app", "Manage private networks."),
        "ip": ("pspace_py.cli.ip", "app", "Claim, assign and release public IPs."),
        "os-template": ("pspace_py.cli.templates", "os_template_app", "List OS templates."),
        "custom-template": ("pspace_py.cli.templates", "custom_template_app", "Manage templates."),
        "startup-script": ("pspace_py.cli.startup_script", "app", "Manage startup scripts."),
        "shared-drive": ("pspace_py.cli.shared_drive", "app", "Manage shared drives."),
        "autoscaling-group": (
            "pspace_py.cli.autoscaling_group",
            "app",
            "Manage autoscaling groups of machines.",
        ),
        "cost": ("pspace_py.cli.cost", "app", "What the account is spending right now."),
        "config": ("pspace_py.cli.config_cmd", "app", "Show and change profile settings."),
        "sandbox": ("pspace_py.cli.sandbox", "app", "Run the local sandbox API."),
        "user": ("pspace_py.cli.users", "app", "List your team's members; make admins."),
        "completion": (
            "pspace_py.cli.utility",
            "completion_app",
            "Print the shell completion script.",
        ),
        "upgrade": ("pspace_py.cli.utility", "upgrade_app", "Say how to upgrade pspace-py."),
        "docs": ("pspace_py.cli.utility", "docs_app", "Open Paperspace's documentation."),
        "console": ("pspace_py.cli.utility", "console_app", "Open the Paperspace console."),
    }.items()
}
# The official CLI's names, kept so its scripts keep working.
ALIASES = {"private-network": "network", "public-ip": "ip", "template": "custom-template"}


class RootGroup(LazyGroup):
    """The root: lazy groups, options where they belong, usage errors in one line."""

    lazy = LAZY_COMMANDS
    aliases = ALIASES
    help_listed = True  # `pspace help` is in the root's table, as in the official CLI's

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with reported_as_exit():  # Ctrl-C or SIGTERM while the line is parsed
            return super().make_context(*args, **kwargs)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        # ... or while a command group is imported; later, the error boundary reports it.
        with reported_as_exit():
            return super().resolve_command(ctx, args)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not ctx.resilient_parsing:  # completion parses partial lines: leave them be
            from pspace_py.cli.argv import arrange

            args = arrange(self, ctx, args)
        return super().parse_args(ctx, args)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from pspace_py import interrupts

        interrupts.forget()  # a signal of an earlier run in this process is not this run's
        try:
            result = super().main(
                args=sys.argv[1:] if args is None else list(args),
                prog_name=prog_name or "pspace",
                complete_var=complete_var,
                standalone_mode=False,
                **extra,
            )
            # 0 is ExitCode.OK: the happy path does not import pspace_py.errors.
            code = result if isinstance(result, int) else 0
            lost = interrupts.take_lost()  # a signal the interpreter dropped (cli/signals.py)
            if lost is not None:
                from pspace_py.cli.signals import report

                code = report(lost)
        except typer.TyperException as error:
            from pspace_py.errors import ExitCode

            if type(error).__name__ == "NoArgsIsHelpError":
                # A bare group (`pspace machine`): its help, as --help prints it (and as the
                # official CLI does: stdout, exit 0).
                typer.echo(error.ctx.get_help())  # type: ignore[attr-defined]
                code = ExitCode.OK
            else:
                code = getattr(error, "exit_code", ExitCode.USAGE)
                _print_usage_error(error)
        except typer.Abort as abort:
            from pspace_py.cli.signals import report
            from pspace_py.errors import ExitCode

            # Click turns a Ctrl-C it catches (in a prompt, say) into Abort.
            interrupt = interrupts.behind(abort)
            code = ExitCode.GENERAL if interrupt is None else report(interrupt)
        if standalone_mode:
            sys.exit(code)
        return code


def _print_usage_error(error: typer.TyperException) -> None:
    from pspace_py.output import Output

    context = getattr(error, "ctx", None)
    command_path = getattr(context, "command_path", "pspace")
    Output().error(error.format_message(), f"See '{command_path} --help'.")


app = PspaceTyper(
    cls=RootGroup,
    help="pspace: Paperspace machines from the terminal, scripts and CI.\n\n"
    "Try it with no account: pspace --sandbox machine list",
    no_args_is_help=True,
    rich_markup_mode=HELP_MARKUP,
    pretty_exceptions_enable=False,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"pspace-py {__version__}")
        raise typer.Exit()


# The root options, each declared once as a type alias: Typer reads a command's annotations
# three times while converting it, and (with postponed annotations) an alias is one name to
# look up where a whole Annotated[...] expression would be compiled and run each time.
ApiKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--api-key", help="API key for this run (overrides env and profile).", show_default=False
    ),
]
ApiUrlOpt = Annotated[
    str | None,
    typer.Option("--api-url", help="API base URL, or 'sandbox' [env: PAPERSPACE_API_URL]."),
]
ProfileOpt = Annotated[
    str | None, typer.Option("--profile", "-p", help="Profile to use [env: PSPACE_PROFILE].")
]
SandboxOpt = Annotated[
    bool,
    typer.Option("--sandbox", help="Talk to the built-in sandbox API [env: PSPACE_SANDBOX=1]."),
]
RetriesOpt = Annotated[
    int | None, typer.Option("--retries", min=0, max=10, help="Retries per request [default: 3].")
]
HttpTimeoutOpt = Annotated[
    float | None,
    typer.Option("--http-timeout", min=1, help="Seconds to wait for each response [60]."),
]
DebugOpt = Annotated[
    bool, typer.Option("--debug", help="Log requests and responses (key masked) to stderr.")
]
LogLevelOpt = Annotated[
    Literal["debug", "info", "warning", "error", "critical"] | None,
    typer.Option(
        "--log-level",
        "-l",
        case_sensitive=False,
        show_default=False,
        help="The official CLI's log levels: debug is --debug, info shows retries.",
    ),
]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colour [env: NO_COLOR].")]
VersionOpt = Annotated[
    bool,
    typer.Option(
        "--version", "-V", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
]


@app.callback()
def root(
    ctx: typer.Context,
    api_key: ApiKeyOpt = None,
    api_url: ApiUrlOpt = None,
    profile: ProfileOpt = None,
    sandbox: SandboxOpt = False,
    retries: RetriesOpt = None,
    http_timeout: HttpTimeoutOpt = None,
    debug: DebugOpt = False,
    log_level: LogLevelOpt = None,
    no_color: NoColorOpt = False,
    version: VersionOpt = False,
) -> None:
    # Imported here, not at the top: `--version` and `pspace --help` never get this far.
    from pspace_py.cli.boundary import error_boundary
    from pspace_py.cli.context import AppContext, GlobalOptions, enable_debug_logging

    level = (log_level or "").lower()
    debug = debug or level == "debug"
    log = "debug" if debug else "info" if level == "info" else None
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
        log=log,
    )
    ctx.obj = state
    if log:
        enable_debug_logging(log)
    ctx.with_resource(error_boundary(state))


@app.command("version")
def version_command() -> None:
    """Show the version."""
    typer.echo(f"pspace-py {__version__}")


def run() -> None:
    """Run the app (pspace_py/cli/entry.py, the console script, sets signals up first)."""
    from pspace_py.cli import signals

    signals.raise_from_now_on()
    try:
        app()
    except KeyboardInterrupt as interrupt:  # between the app's own reports
        sys.exit(signals.report(interrupt))
    finally:
        # The process is ending: everything still alive goes with it. Frozen, the interpreter's
        # shutdown collections skip it (~5 ms of every run, bench/run.py); files and
        # connections are closed by then (refcounting, not the collector, ends the rest).
        import gc

        gc.freeze()
