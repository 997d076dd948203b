"""Fixtures for CLI tests that need answers the sandbox cannot give (a null session, a 403)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from pspace_py.cli.context import AppContext
from pspace_py.cli.main import app


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


Handler = Callable[[httpx.Request], httpx.Response]
InvokeWith = Callable[..., Run]


@pytest.fixture
def pspace_with() -> InvokeWith:
    """Run `pspace ARGS...` with every request answered by ``handler`` (httpx.MockTransport).

    Only for what the sandbox cannot produce; requests are kept in ``invoke.requests``.
    """
    requests: list[httpx.Request] = []

    def invoke(handler: Handler, *args: str, input: str | None = None) -> Run:
        def recording(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return handler(request)

        state = AppContext(transport=httpx.MockTransport(recording))
        result = CliRunner().invoke(app, list(args), obj=state, input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    invoke.requests = requests  # type: ignore[attr-defined]
    return invoke


@pytest.fixture
def config_file(isolated_env: Path) -> Path:
    return isolated_env / "config.toml"


@pytest.fixture(autouse=True)
def _restore_debug_logging() -> Iterator[None]:
    """`--debug` points the package logger at that run's stderr; undo it after the test."""
    logger = logging.getLogger("pspace_py")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield
    logger.handlers, logger.level, logger.propagate = saved[0], saved[1], saved[2]
