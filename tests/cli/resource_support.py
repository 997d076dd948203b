"""Helpers for the tests of the command groups around machines (snapshot, network, ip, ...).

Machines are made through the API directly (the `machine` group has its own tests); what a
command sent is read back from the sandbox's request log.
"""

from __future__ import annotations

from typing import Any

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi

BOX = {
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "ny2",
    "diskSize": 50,
}


def make_machine(client: ApiClient, name: str, **settings: Any) -> dict[str, Any]:
    """A C4 machine in NY2 (``settings`` override the body, e.g. region="ams1")."""
    return MachinesApi(client).create({**BOX, "name": name, **settings}).resource


def sent(sandbox: Any, method: str, path: str) -> list[dict[str, Any]]:
    """The logged requests ``method path`` (path as after /v1, e.g. "/snapshots")."""
    return [
        entry
        for entry in sandbox.request_log()
        if entry["method"] == method and entry["path"] == "/v1" + path
    ]


def bodies(sandbox: Any, method: str, path: str) -> list[Any]:
    return [entry["body"] for entry in sent(sandbox, method, path)]


def writes(sandbox: Any) -> list[tuple[str, str]]:
    """Every request that could change something, as (method, path)."""
    return [
        (entry["method"], entry["path"])
        for entry in sandbox.request_log()
        if entry["method"] != "GET"
    ]


def at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Someone is there to answer prompts (CliRunner's stdin is never a real terminal)."""
    monkeypatch.setattr("pspace_py.cli.prompts.can_prompt", lambda: True)


def record(stdout: str) -> dict[str, str]:
    """A one-resource view (``FIELD  value`` lines) as a dict; headers may contain spaces."""
    shown = {}
    for line in stdout.splitlines():
        field, _, value = line.partition("  ")
        shown[field.strip()] = value.strip()
    return shown


def stored_script_text(sandbox: Any, script_id: str) -> str:
    """The text the sandbox stored for a startup script.

    The API never returns a script's text and the request log masks the `script` field, so
    the test reads the sandbox's own record (team `sandbox`, the fixtures' key).
    """
    from pspace_py.sandbox import store

    with sandbox.store.read() as conn:
        stored = store.get(conn, "startup_script", "sandbox", script_id)
    assert stored is not None, f"no startup script {script_id} in the sandbox"
    return str(stored["script"])
