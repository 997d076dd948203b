"""The served sandbox's command line, shared by its two front ends.

`pspace sandbox serve` (Typer) and `python -m pspace_py.sandbox` (`main()`, argparse) build their
flags from one table (`pspace_py.serve_flags`) and run `serve_from_flags()`: the flags' values
in, the server until a signal, or one `ServeError` line that each front end shows its own way.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from pspace_py import serve_flags
from pspace_py.sandbox.errors import SandboxStateError
from pspace_py.sandbox.faults import parse_fault_rule
from pspace_py.sandbox.routes import validate_fault
from pspace_py.sandbox.server import ServeError, serve

PROG = "python -m pspace_py.sandbox"


def serve_from_flags(
    *,
    host: str,
    port: int,
    state: Path | None,
    instant: bool,
    key: Sequence[str] | None,
    fault: Sequence[str] | None,
    allow_remote: bool,
) -> None:
    """`serve()` from the flags' values (keyword = flag name); ServeError when it cannot."""
    try:
        rules = [validate_fault(parse_fault_rule(text)) for text in fault or ()]
    except ValueError as error:
        raise ServeError(f"Bad {serve_flags.FAULT.name} rule: {error}", usage=True) from None
    try:
        serve(
            host=host,
            port=port,
            state_path=state,
            api_keys=tuple(key or ()),
            instant=instant,
            faults=rules,
            allow_remote=allow_remote,
        )
    except SandboxStateError as error:
        raise ServeError(
            str(error), hint=f"Give {serve_flags.STATE.name} a sandbox state file.", usage=True
        ) from None
    except OSError as error:  # the address is taken or not this machine's
        raise ServeError(f"Cannot serve on {host}:{port}: {error.strerror or error}.") from None


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pspace_py.sandbox ARGS`: exit 0 after a signal, 2 for a bad flag, else 1."""
    args = parser().parse_args(argv)
    try:
        serve_from_flags(**vars(args))
    except ServeError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2 if error.usage else 1
    return 0


def parser() -> argparse.ArgumentParser:
    """The argparse form of `serve_flags.SERVE_FLAGS`."""
    built = _OneLineParser(prog=PROG, description=serve_flags.SUMMARY)
    for flag in serve_flags.SERVE_FLAGS:
        if flag.kind is bool:
            built.add_argument(flag.name, action="store_true", help=flag.help)
            continue
        shown = "" if flag.default is None else f"  [default: {flag.default}]"
        built.add_argument(
            flag.name,
            type=_whole_number(flag) if flag.kind is int else flag.kind,
            action="append" if flag.repeatable else "store",
            default=flag.default,
            help=flag.help + shown,
        )
    return built


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2: how pspace reports usage
        self.exit(2, f"Error: {message}. See '{self.prog} --help'.\n")


def _whole_number(flag: serve_flags.Flag[int]) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        low = value if flag.minimum is None else flag.minimum
        high = value if flag.maximum is None else flag.maximum
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"{value} is not in the range {flag.minimum}<=x<={flag.maximum}"
            )
        return value

    return parse
