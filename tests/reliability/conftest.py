"""Fixtures for the reliability tests (helpers live in tests/reliability/helpers.py)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# `tests.reliability.helpers` must import however pytest is started (`pytest`,
# `python -m pytest`, xdist workers): put the repository root on the import path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from tests.reliability.helpers import Cli, Run, in_process, invoke  # noqa: E402


@pytest.fixture(autouse=True)
def _restore_debug_logging() -> Iterator[None]:
    """`--debug` points the package logger at that run's stderr; undo it after the test."""
    logger = logging.getLogger("pspace_py")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers, logger.level, logger.propagate = saved[0], saved[1], saved[2]


@pytest.fixture
def cli(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """`cli(*args, env=None, input=None, sleep=None)`: pspace against the fixture's sandbox.

    In-process through `SandboxTransport` (latency faults cost no time); the client's retry
    waits are recorded in `run.sleeps` instead of slept.
    """
    monkeypatch.setenv("PSPACE_SANDBOX", "1")

    def run(*args: str, **kwargs: Any) -> Run:
        return invoke(in_process(sandbox), *args, **kwargs)

    return run
