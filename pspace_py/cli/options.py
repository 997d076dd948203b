"""Shared parameters, declared once and reused by every command."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.command_classes import HELP_MARKUP as HELP_MARKUP  # others read it here
from pspace_py.cli.command_classes import HelpGroup, PspaceTyper

if TYPE_CHECKING:
    from pspace_py.cli.lazy import Lazy

_SETTINGS: dict[str, Any] = {
    "rich_markup_mode": HELP_MARKUP,
    "pretty_exceptions_enable": False,
    "add_completion": False,
}


def command_app(help_text: str) -> typer.Typer:
    """A Typer app holding one command, with the project's settings: Typer turns it into a
    plain command (``pspace docs``, not a group)."""
    return PspaceTyper(help=help_text, **_SETTINGS)


def group(help_text: str, *, lazy: Mapping[str, Lazy] | None = None) -> typer.Typer:
    """A command group with the project's settings.

    With ``lazy`` (name -> where the command lives) the group imports and converts
    only the command that is used (pspace_py/cli/lazy.py).
    """
    settings: dict[str, Any] = {"help": help_text, "no_args_is_help": True, **_SETTINGS}
    if lazy is None:
        return PspaceTyper(cls=HelpGroup, **settings)
    from pspace_py.cli.lazy import LazyTyper

    return LazyTyper(lazy=lazy, **settings)


JsonOpt = Annotated[
    bool, typer.Option("--json", "-j", help="Print the API's JSON (stable, documented) to stdout.")
]
FieldsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fields",
        "-F",
        # The brackets say the value may be left out (pspace_py/cli/argv.py reads them): the
        # official docs write `-F --name ...`, which means the default fields.
        metavar="[fields]",
        help="Fields to show, repeatable or comma-separated; dotted paths reach nested "
        "fields (accelerators.0.name). Alone: the default fields.",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print only IDs, one per line.")]
NoHeaderOpt = Annotated[bool, typer.Option("--no-header", help="Leave the table header out.")]
YesOpt = Annotated[
    bool, typer.Option("--yes", "-y", help="Go ahead without asking for confirmation.")
]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, max=120, help="Page size (1-120).")]
AfterOpt = Annotated[
    str | None, typer.Option("--after", help="Start after this cursor (a previous nextPage).")
]
AscOpt = Annotated[bool, typer.Option("--asc", help="Oldest first.")]
DescOpt = Annotated[bool, typer.Option("--desc", help="Newest first (the default).")]
AllOpt = Annotated[bool, typer.Option("--all", help="Follow every page.")]
WaitOpt = Annotated[
    bool, typer.Option("--wait", "-w", help="Wait until the operation has finished.")
]


def _finite_seconds(value: float | None) -> float | None:
    # FloatRange(min=1) lets nan and inf through; a wait must be able to end.
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds a wait can end after.")
    return value


WaitTimeoutOpt = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        min=1,
        callback=_finite_seconds,
        help="Seconds to wait at most [default: $PSPACE_WAIT_TIMEOUT or 1800].",
    ),
]


# Values complete by their noun or option name (pspace_py/completion.py): MACHINE, --machine-id.
MachineRefArg = Annotated[
    str,
    typer.Argument(metavar="MACHINE", help="Machine ID or exact name."),
]
MachineRefsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="MACHINE",
        help="Machine IDs or exact names.",
        show_default=False,
    ),
]
MachineOpt = Annotated[
    str,
    typer.Option(
        "--machine-id",
        "--machine",
        "-m",
        help="Machine ID or exact name.",
    ),
]
OptionalMachineOpt = Annotated[
    str | None,
    typer.Option(
        "--machine-id",
        "--machine",
        "-m",
        help="Machine ID or exact name.",
    ),
]
RegionOpt = Annotated[
    str | None,
    typer.Option("--region", "-r", help="Region: NY2, CA1 or AMS1 (any spelling)."),
]
