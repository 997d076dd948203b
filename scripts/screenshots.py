"""The README's pictures: real pspace runs against the in-process sandbox, as SVG.

Each picture is a terminal session: the command lines typed, then what pspace wrote to the
terminal (stdout and stderr, in order, in colour), recorded by rich (``export_svg``). The
sandbox is instant, its clock fixed and its IDs seeded; the terminal is 100 columns, with
``CI=1`` (progress is a line per change, not a redrawn spinner). So the same code always draws
the same pictures, and ``scripts/generate.py --check`` fails when they are stale.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import tempfile
from collections.abc import Iterator
from typing import Any, NamedTuple

COLUMNS = 100
TRAIN = "--machine-type A4000 --template-id t17d1a6i --region NY2 --disk-size 100"


class Shot(NamedTuple):
    title: str
    setup: tuple[str, ...]  # run first, not shown
    shown: tuple[str, ...]  # typed at the prompt, with what they print
    # A bulk action's progress lines come from worker threads in any order: shown grouped by
    # machine, in the order the confirmation names them (one order a run prints).
    by_machine: bool = False


SHOTS = {
    "docs/images/quickstart.svg": Shot(
        "pspace: the quickstart, with no account",
        (),
        (
            "pspace --sandbox machine create --name demo --machine-type C5 "
            "--template-id t0nspur5 --region NY2 --disk-size 50 --yes",
            "pspace --sandbox machine list",
        ),
    ),
    "docs/images/price-summary.svg": Shot(
        "pspace: every check and the price before anything is spent",
        (),
        (f"pspace machine create -n train {TRAIN} --dry-run",),
    ),
    "docs/images/bulk-wait.svg": Shot(
        "pspace: start machines and wait until they are ready",
        tuple(
            f"pspace machine create -n train-{n} {TRAIN} --no-start-on-create --yes"
            for n in (1, 2, 3)
        ),
        ("pspace machine start --all --name-glob 'train-*' --yes --wait",),
        by_machine=True,
    ),
    "docs/images/cost.svg": Shot(
        "pspace: what the account is spending right now",
        (
            f"pspace machine create -n train {TRAIN} --yes",
            "pspace machine create -n web --machine-type C5 --template-id t0nspur5 "
            "--region AMS1 --disk-size 50 --public-ip-type static --yes",
            "pspace machine create -n notebook --machine-type P4000 --template-id t17d1a6i "
            "--region NY2 --disk-size 50 --no-start-on-create --yes",
            "pspace ip claim --region NY2",
        ),
        ("pspace cost",),
    ),
}


def screenshots() -> dict[str, str]:
    """Each picture's path (under the repository) and its SVG."""
    with _isolated():
        return {path: _svg(shot) for path, shot in SHOTS.items()}


class _Terminal(io.StringIO):
    """What pspace writes to: a terminal (colour, fitted tables) that keeps every byte."""

    def isatty(self) -> bool:
        return True


def _svg(shot: Shot) -> str:
    from rich.console import Console
    from rich.text import Text

    from pspace_py.sandbox import create_app
    from pspace_py.sandbox.clock import FakeClock

    sandbox = create_app(instant=True, clock=FakeClock(), seed=1)
    for line in shot.setup:
        _run(sandbox, line, io.StringIO())
    console = Console(
        record=True,
        width=COLUMNS,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    for line in shot.shown:
        screen = _Terminal()
        _run(sandbox, line, screen)
        shown = screen.getvalue().rstrip("\n")
        if shot.by_machine:
            shown = _grouped_by_machine(shown)
        console.print(Text("$ ", style="bold green") + Text(line, style="bold"))
        console.print(Text.from_ansi(shown), soft_wrap=True)
    svg: str = console.export_svg(title=shot.title)
    return svg.rstrip() + "\n"


_MACHINE_ID = re.compile(r"\bps[a-z0-9]{6,}\b")


def _grouped_by_machine(text: str) -> str:
    """The lines after the first that name one machine, grouped by machine (each machine's
    own lines in their order), up to the table that ends the run."""
    first, *rest = text.split("\n")
    order = _MACHINE_ID.findall(first)
    end = next((i for i, line in enumerate(rest) if not _MACHINE_ID.search(line)), len(rest))
    progress = sorted(
        rest[:end], key=lambda line: order.index(_MACHINE_ID.findall(line)[0])
    )  # a stable sort: each machine's own order is kept
    return "\n".join([first, *progress, *rest[end:]])


def _run(sandbox: Any, line: str, screen: io.StringIO) -> None:
    import typer

    from pspace_py.cli.context import AppContext
    from pspace_py.cli.main import app
    from pspace_py.sandbox.transport import SandboxTransport

    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = screen
    try:
        code = typer.main.get_command(app).main(
            shlex.split(line)[1:],
            prog_name="pspace",
            standalone_mode=False,
            obj=AppContext(transport=SandboxTransport(sandbox)),
        )
    finally:
        sys.stdout, sys.stderr = saved
    if code not in (0, None):
        raise RuntimeError(f"'{line}' exited {code}:\n{screen.getvalue()}")


@contextlib.contextmanager
def _isolated() -> Iterator[None]:
    """The runs' own config, cache and home; no key or URL from the caller's environment."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="pspace-screenshots-") as home:
        for name in list(os.environ):
            if name.startswith(("PAPERSPACE_", "PSPACE_")) or name == "NO_COLOR":
                del os.environ[name]
        os.environ.update(
            HOME=home,
            PSPACE_CONFIG_DIR=os.path.join(home, "config"),
            PSPACE_CACHE_DIR=os.path.join(home, "cache"),
            PSPACE_SANDBOX="1",
            COLUMNS=str(COLUMNS),
            CI="1",
            TERM="xterm-256color",
        )
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)
