"""Fixtures for the reliability tests (helpers live in tests/reliability/helpers.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.reliability.helpers import Cli, Run, in_process, invoke


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


@pytest.fixture
def config_file(isolated_env: Path) -> tuple[Path, bytes, int]:
    """A real config file (written by `pspace config set`), and its bytes and mode."""
    run = invoke(None, "config", "set", "http_timeout", "45")
    assert run.exit_code == 0, run.stderr
    path = isolated_env / "config.toml"
    return path, path.read_bytes(), path.stat().st_mode
