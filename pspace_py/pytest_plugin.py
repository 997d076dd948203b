"""pytest fixtures for code that talks to the Paperspace API: a sandbox served on loopback.

Installed with pspace-py as the pytest plugin `paperspace_sandbox` (a `pytest11` entry point;
`-p no:paperspace_sandbox` turns it off). Nothing runs until a test asks for a fixture: this
module imports only pytest, and the sandbox is loaded by the first fixture that needs it.

- `paperspace_sandbox`: a sandbox of this test's own (a `RunningSandbox`, see
  `pspace_py.sandbox.running`), empty at the start and stopped at the end, with
  PAPERSPACE_API_URL and PAPERSPACE_API_KEY set for the test (and its subprocesses). Instant
  unless the test says otherwise: `@pytest.mark.paperspace_sandbox(instant=False, timing=...,
  keys=[...], faults=[...], seed=...)`, or `@pytest.mark.parametrize("paperspace_sandbox",
  ["instant", "realistic"], indirect=True)` (a dict of the same options works too).
- `paperspace_sandbox_session`: one instant sandbox for the whole session, for session-scoped
  fixtures (seed a fleet once); never reset behind your back, no environment set (use `.env`).

Public from 0.1, like `running()`: the fixture names, the marker and its options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pspace_py.sandbox.harness import RunningSandbox

MARKER = "paperspace_sandbox"
OPTIONS = ("instant", "timing", "keys", "faults", "seed")
TIMINGS: dict[str, dict[str, Any]] = {"instant": {"instant": True}, "realistic": {"instant": False}}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(instant=True, timing=None, keys=(), faults=(), seed=None): how the "
        "paperspace_sandbox fixture's sandbox is made for this test",
    )


@pytest.fixture
def paperspace_sandbox(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[RunningSandbox]:
    """A sandbox for this test, served on loopback; the env points subprocesses at it."""
    from pspace_py.sandbox.harness import running

    with running(**sandbox_options(request)) as sandbox:
        for name, value in sandbox.env.items():
            monkeypatch.setenv(name, value)
        yield sandbox


@pytest.fixture(scope="session")
def paperspace_sandbox_session() -> Iterator[RunningSandbox]:
    """One instant sandbox for the whole test session (state carries over between tests)."""
    from pspace_py.sandbox.harness import running

    with running(instant=True) as sandbox:
        yield sandbox


def sandbox_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """`running()`'s options for this test: instant, then the marker's, then the parameter's."""
    options: dict[str, Any] = {"instant": True}
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            _fail(f"@pytest.mark.{MARKER} takes options by name only ({', '.join(OPTIONS)}).")
        options.update(marker.kwargs)
    param = getattr(request, "param", None)
    if isinstance(param, str):
        if param not in TIMINGS:
            _fail(f"The {MARKER} parameter {param!r} is not one of: {', '.join(TIMINGS)}.")
        options.update(TIMINGS[param])
    elif param is not None:
        options.update(dict(param))
    for name in options:
        if name not in OPTIONS:
            _fail(f"{MARKER}: unknown option {name!r}; it takes: {', '.join(OPTIONS)}.")
    return options


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)
