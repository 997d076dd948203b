"""Helpers shared by the sandbox tests (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

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

CreateMachine = Callable[..., dict[str, Any]]


def client_for(sandbox: SandboxApp, key: str | None = KEY) -> httpx.Client:
    headers = {"content-type": "application/json", "x-client": "tests"}
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    return httpx.Client(
        transport=SandboxTransport(sandbox, sleep=lambda _: None),
        base_url=BASE_URL,
        headers=headers,
    )


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
