"""Sandbox fixtures: an app on a fake clock, and httpx clients talking to it in-process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pspace_py.sandbox import FakeClock, SandboxStateError, create_app  # noqa: F401
from pspace_py.sandbox.app import SandboxApp
from pspace_py.sandbox.transport import SandboxTransport

BASE_URL = "http://sandbox.test/v1"
KEY = "sandbox-key"
MACHINE = {
    "name": "m1",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(clock: FakeClock) -> Iterator[SandboxApp]:
    sandbox = create_app(clock=clock, seed=7)
    yield sandbox
    sandbox.close()


def client_for(sandbox: SandboxApp, key: str | None = KEY) -> httpx.Client:
    headers = {"content-type": "application/json", "x-client": "tests"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    return httpx.Client(
        transport=SandboxTransport(sandbox, sleep=lambda _: None),
        base_url=BASE_URL,
        headers=headers,
    )


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


CreateMachine = Callable[..., dict[str, Any]]


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


def error_of(response: httpx.Response, status: int, code: str | None = None) -> str:
    """Assert the contract's error envelope and return its message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-pspace-sandbox"] == "1"
    body = response.json()
    assert set(body) <= {"code", "message", "issues"}, body
    assert {"code", "message"} <= set(body)
    if code is not None:
        assert body["code"] == code, body
    message: str = body["message"]
    return message
