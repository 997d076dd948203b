"""Fixtures of the conformance suite: an arranged sandbox in-process, and `pspace` run in it.

`pspace` runs `pspace ARGS...` in-process (CliRunner) against a fresh in-memory sandbox in
which `world` arranged one object of every kind; the sandbox is reached through its own
transport at a loopback URL, with the key in PAPERSPACE_API_KEY, as a user who exported the
official CLI's variables would have it. `served` is the sandbox as users run it
(`pspace sandbox serve --port 0 --instant`), for the suites that run the installed `pspace`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pspace_py.cli.context import AppContext
from pspace_py.sandbox import create_app
from pspace_py.sandbox.transport import SandboxTransport
from tests.conformance.shell import Lines
from tests.conformance.world import SANDBOX_KEY, Api, World, arrange
from tests.e2e.helpers import ServedSandbox, served_for_session
from tests.run import Run, invoke

# Where the in-process sandbox "is": the transport answers whatever the URL.
API_URL = "http://127.0.0.1:9/v1"


Pspace = Callable[..., Run]


@pytest.fixture(scope="session")
def arranged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """A sandbox state file with the world arranged in it, made once per session (per xdist
    worker): each test gets a copy, much faster than arranging it again."""
    state = tmp_path_factory.mktemp("conformance-world") / "world.sqlite3"
    app = create_app(state_path=state, instant=True, seed=1)
    try:
        with httpx.Client(transport=SandboxTransport(app), base_url="http://sandbox.test") as http:
            world = arrange(Api(http))
    finally:
        app.close()
    return state, world


@pytest.fixture
def sandbox(arranged: tuple[Path, World], tmp_path: Path) -> Iterator[Any]:
    """A fresh in-process sandbox holding the arranged world (its request log empty)."""
    state = tmp_path / "world.sqlite3"
    shutil.copyfile(arranged[0], state)
    app = create_app(state_path=state, instant=True, seed=2)
    yield app
    app.close()


@pytest.fixture
def api(sandbox: Any) -> Iterator[Api]:
    with httpx.Client(transport=SandboxTransport(sandbox), base_url="http://sandbox.test") as http:
        yield Api(http)


@pytest.fixture
def world(arranged: tuple[Path, World], sandbox: Any) -> World:
    return arranged[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSandbox]:
    """One `pspace sandbox serve --port 0 --instant` for the session (per xdist worker)."""
    yield from served_for_session(tmp_path_factory.mktemp("conformance-served"), "--instant")


@pytest.fixture
def served_api(served: ServedSandbox) -> Iterator[Api]:
    """The served sandbox, emptied, over loopback HTTP."""
    served.reset()
    with httpx.Client(base_url=served.root, timeout=10) as http:
        yield Api(http)


@pytest.fixture
def lines(served: ServedSandbox, served_api: Api, tmp_path: Path) -> Lines:
    home = tmp_path / "home"
    home.mkdir()
    return Lines(served, home, arrange(served_api))


@pytest.fixture
def pspace(sandbox: Any) -> Pspace:
    def run(*args: str, env: dict[str, str | None] | None = None) -> Run:
        """`env` adds to or overrides PAPERSPACE_API_URL / _KEY (None: unset)."""
        state = AppContext(transport=SandboxTransport(sandbox))
        environment = {"PAPERSPACE_API_URL": API_URL, "PAPERSPACE_API_KEY": SANDBOX_KEY}
        return invoke(state, *args, env={**environment, **(env or {})}, prog_name="pspace")

    return run
