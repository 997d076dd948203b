"""What a user sees of one `pspace` run, however the test ran it: :class:`Run`.

Every runner in the suite returns it: in-process through Typer's ``CliRunner`` (:func:`invoke`,
behind the ``pspace``, ``pspace_with`` and ``cli`` fixtures) and the installed script in a
subprocess (tests/e2e/helpers.py ``run_pspace``, the conformance suite's shell).
Nothing of the package is imported at the top: the end-to-end helpers use this module too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    # In-process runs only: the API client's retry waits, recorded instead of slept
    # (tests/reliability/helpers.py), how long the run took, and its invocation context.
    sleeps: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    context: Any = None

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @property
    def lines(self) -> list[str]:
        """Stdout's non-empty lines."""
        return [line for line in self.stdout.splitlines() if line.strip()]

    @property
    def stderr_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    @property
    def error_lines(self) -> list[str]:
        """Stderr's lines that say something (no blank lines, no --debug lines)."""
        return [line for line in self.stderr_lines if not line.startswith("debug: ")]

    @property
    def error_line(self) -> str:
        """The one `Error: ...` line on stderr (fails the test unless there is exactly one)."""
        errors = [line for line in self.stderr_lines if line.startswith("Error: ")]
        assert len(errors) == 1, f"expected one error line on stderr, got:\n{self.stderr}"
        return errors[0]

    def describe(self) -> str:
        return f"exit {self.exit_code}\n--- stdout\n{self.stdout}--- stderr\n{self.stderr}"


def invoke(
    context: Any,
    *args: str,
    input: str | None = None,
    env: Mapping[str, str | None] | None = None,
    prog_name: str | None = None,
) -> Run:
    """`pspace ARGS...` in this process, with ``context`` (an ``AppContext``: its transport
    decides where requests go) as the invocation's state. An exception that escapes the CLI
    (a bug: the error boundary turns every failure into a line) fails the test."""
    from typer.testing import CliRunner

    from pspace_py.cli.main import app

    started = time.monotonic()
    result = CliRunner().invoke(
        app, list(args), obj=context, input=input, env=env, prog_name=prog_name
    )
    elapsed = time.monotonic() - started
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(
        result.exit_code,
        result.stdout,
        result.stderr,
        sleeps=getattr(context, "sleeps", None) or [],
        elapsed=elapsed,
        context=context,
    )
