"""Sandbox fixtures: an app on a fake clock, and httpx clients talking to it in-process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_support import MACHINE, CreateMachine, client_for


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Iterator[SandboxApp]:
    sandbox = create_app(clock=clock, seed=7)
    yield sandbox
    sandbox.close()


@pytest.fixture
def client(app: SandboxApp) -> Iterator[httpx.Client]:
    with client_for(app) as http:
        yield http


@pytest.fixture
def instant_app() -> Iterator[SandboxApp]:
    sandbox = create_app(instant=True, seed=3)
    yield sandbox
    sandbox.close()


@pytest.fixture
def instant(instant_app: SandboxApp) -> Iterator[httpx.Client]:
    with client_for(instant_app) as http:
        yield http


@pytest.fixture
def make_machine(client: httpx.Client, app: SandboxApp) -> CreateMachine:
    """Create a machine and (by default) let it finish provisioning."""

    def create(settle: bool = True, **overrides: Any) -> dict[str, Any]:
        response = client.post("/machines", json={**MACHINE, **overrides})
        assert response.status_code == 200, response.text
        if settle:
            app.advance(60)
        machine: dict[str, Any] = response.json()["data"]
        return machine

    return create
