"""Replay fixtures: one `pspace sandbox serve --port 0` with the default timing per session
(per xdist worker), emptied before each test; `wire` is a fresh client process's HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.helpers import ServedSandbox, served_for_session
from tests.replay.harness import Wire


@pytest.fixture(scope="session")
def served_default_timing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSandbox]:
    yield from served_for_session(tmp_path_factory.mktemp("replay"))


@pytest.fixture
def served(served_default_timing: ServedSandbox) -> ServedSandbox:
    served_default_timing.reset()
    return served_default_timing


@pytest.fixture
def wire(served: ServedSandbox) -> Iterator[Wire]:
    connection = Wire(served)
    yield connection
    connection.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed replay shows the requests it made last, and what they were answered."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    connection = getattr(item, "funcargs", {}).get("wire")
    if report.failed and isinstance(connection, Wire):
        report.sections.append(("replayed requests", connection.recent()))
