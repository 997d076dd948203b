"""Test isolation and the shared fixtures: a sandbox per test and a `pspace` runner.

Shared helpers are imported as `tests.<folder>.<module>` everywhere (pyproject.toml puts the
repository root on the path); what a run printed is a `tests.run.Run`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from pspace_py.cli.context import AppContext
from tests.run import Run, invoke

# No timed tests (speed targets live in bench/run.py): hypothesis's 200 ms per example is a
# timing assertion, and under `-n 8` on two cores a first example failed it at 640 ms.
settings.register_profile("pspace", deadline=None)
settings.load_profile("pspace")

SANDBOX_KEY = "sandbox-key"

_CLEARED_ENV = (
    "PAPERSPACE_API_KEY",
    "PAPERSPACE_API_URL",
    "PSPACE_PROFILE",
    "PSPACE_SANDBOX",
    "PSPACE_RETRIES",
    "PSPACE_HTTP_TIMEOUT",
    "PSPACE_WAIT_TIMEOUT",
    "PSPACE_ALLOW_INSECURE_URL",
    "NO_COLOR",
    "CI",
)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config dir and sandbox state, and a clean environment."""
    for name in _CLEARED_ENV:
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("PSPACE_CONFIG_DIR", str(config))
    # Other Paperspace tools' logins live in ~/.paperspace: never the developer's own.
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("PSPACE_SANDBOX_STATE", str(tmp_path / "sandbox.sqlite3"))
    monkeypatch.setenv("COLUMNS", "200")
    return config


@pytest.fixture
def sandbox() -> Any:
    """A fresh in-memory sandbox with instant transitions."""
    from pspace_py.sandbox import create_app

    return create_app(instant=True, seed=1)


@pytest.fixture
def sandbox_client(sandbox: Any) -> Iterator[Any]:
    """The real API client talking to the in-process sandbox."""
    from pspace_py.api.client import ApiClient
    from pspace_py.sandbox.transport import SandboxTransport

    with ApiClient(
        "http://sandbox.test/v1",
        SANDBOX_KEY,
        transport=SandboxTransport(sandbox),
        sleep=lambda _: None,
    ) as client:
        yield client


@pytest.fixture(autouse=True)
def _restore_debug_logging() -> Iterator[None]:
    """`--debug` points the package logger at that run's stderr; undo it after the test."""
    logger = logging.getLogger("pspace_py")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers, logger.level, logger.propagate = saved[0], saved[1], saved[2]


Invoke = Callable[..., Run]


@pytest.fixture
def pspace(sandbox: Any, monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run `pspace ARGS...` against the fixture's sandbox; returns exit code, stdout, stderr.

    The sandbox key is used unless the test passes `--api-key` or sets env vars.
    """
    monkeypatch.setenv("PSPACE_SANDBOX", "1")

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        from pspace_py.sandbox.transport import SandboxTransport

        # The sandbox's own transport, so fault rules (resets, drops) act as on the wire.
        state = AppContext(transport=SandboxTransport(sandbox))
        return invoke(state, *args, input=input, env=env)

    return run
