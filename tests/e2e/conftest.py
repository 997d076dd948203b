"""Fixtures for the end-to-end tests: served sandboxes in subprocesses, and `pspace` runners.

`served` is one `pspace sandbox serve --port 0 --instant` per test session (per xdist worker),
reset through `POST /_sandbox/reset` before each test that asks for `sandbox`. `clocked` is one
served sandbox with the default timing, whose clock only the tests move (`advance`). Both are
stopped with SIGTERM at the end and must exit 0. `sandboxes` starts extra servers for one test
and stops them when it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.e2e.helpers import (
    E2E_KEY,
    SANDBOX_KEY,
    Run,
    ServedSandbox,
    pspace_env,
    run_pspace,
    served_for_session,
    start_sandbox,
)

Pspace = Callable[..., Run]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSandbox]:
    """One instant sandbox for the session (transitions finish at once)."""
    yield from served_for_session(tmp_path_factory.mktemp("served"), "--instant", "--key", E2E_KEY)


@pytest.fixture(scope="session")
def clocked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSandbox]:
    """One sandbox with the default timing: machines take seconds unless the clock moves."""
    yield from served_for_session(tmp_path_factory.mktemp("clocked"), "--key", E2E_KEY)


@pytest.fixture
def sandbox(served: ServedSandbox) -> ServedSandbox:
    """The instant sandbox, emptied (state, faults, event failures, request log)."""
    served.reset()
    return served


@pytest.fixture
def clocked(clocked_server: ServedSandbox) -> ServedSandbox:
    clocked_server.reset()
    return clocked_server


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A user's home for one test: config dir, caches, `--sandbox` state."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def pspace(sandbox: ServedSandbox, home: Path) -> Pspace:
    """`pspace(*args, input=None, ...)` against the instant sandbox (see `bound_runner`)."""
    return bound_runner(sandbox, home)


@pytest.fixture
def pspace_clocked(clocked: ServedSandbox, home: Path) -> Pspace:
    return bound_runner(clocked, home)


def bound_runner(server: ServedSandbox, home: Path) -> Pspace:
    """A runner with `PAPERSPACE_API_URL` (the server) and `PAPERSPACE_API_KEY` set.

    `api_key=None` / `api_url=None` leave them unset; `env` adds or overrides variables.
    """

    def run(
        *args: str,
        input: str | None = None,
        timeout: float = 30.0,
        api_key: str | None = SANDBOX_KEY,
        api_url: str | None = server.url,
        env: Mapping[str, str] | None = None,
    ) -> Run:
        full_env = pspace_env(home, api_url, api_key=api_key, **(env or {}))
        return run_pspace(*args, env=full_env, input=input, timeout=timeout)

    return run


@pytest.fixture
def sandboxes(tmp_path: Path) -> Iterator[Callable[..., ServedSandbox]]:
    """Start extra served sandboxes for one test; all are stopped (and must exit 0) after it."""
    started: list[ServedSandbox] = []

    def start(*flags: str) -> ServedSandbox:
        server = start_sandbox(tmp_path / "servers", *flags)
        started.append(server)
        return server

    yield start
    codes = {server.url: server.stop() for server in started}
    assert all(code == 0 for code in codes.values()), codes
