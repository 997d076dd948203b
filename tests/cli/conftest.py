"""Fixtures for CLI tests that need answers the sandbox cannot give (a null session, a 403)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from pspace_py.cli.context import AppContext
from tests.run import Run, invoke

Handler = Callable[[httpx.Request], httpx.Response]
InvokeWith = Callable[..., Run]


@pytest.fixture
def pspace_with() -> InvokeWith:
    """Run `pspace ARGS...` with every request answered by ``handler`` (httpx.MockTransport).

    Only for what the sandbox cannot produce; requests are kept in ``pspace_with.requests``.
    """
    requests: list[httpx.Request] = []

    def run(handler: Handler, *args: str, input: str | None = None) -> Run:
        def recording(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return handler(request)

        state = AppContext(transport=httpx.MockTransport(recording))
        return invoke(state, *args, input=input)

    run.requests = requests  # type: ignore[attr-defined]
    return run


@pytest.fixture
def config_file(isolated_env: Path) -> Path:
    return isolated_env / "config.toml"
