"""`pspace sandbox serve` as a process: its URL line, plain HTTP clients, SIGTERM."""

from __future__ import annotations

import signal
import urllib.error
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.helpers import SANDBOX_KEY, ServedSandbox, http_json, pspace_env, run_ok

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LIST_ENVELOPE = {"items", "hasMore", "nextPage"}


def test_serve_prints_its_url_first_and_exits_0_on_sigterm(
    sandboxes: Callable[..., ServedSandbox],
) -> None:
    server = sandboxes("--instant")
    assert server.running
    assert http_json("GET", f"{server.root}/_sandbox/health") == (200, {"status": "ok"})
    assert server.stop() == 0
    with pytest.raises(urllib.error.URLError, match="refused"):  # the port no longer answers
        http_json("GET", f"{server.root}/_sandbox/health", timeout=2)


def test_serve_exits_0_on_sigint_too(sandboxes: Callable[..., ServedSandbox]) -> None:
    server = sandboxes()
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(timeout=10) == 0, server.stderr_text()


def test_a_served_sandbox_answers_plain_http_like_curl(sandbox: ServedSandbox, home: Path) -> None:
    """`curl -H 'Authorization: Bearer sandbox-key' $PAPERSPACE_API_URL/machines`, in urllib."""
    bearer = {"Authorization": f"Bearer {SANDBOX_KEY}"}
    status, body = http_json("GET", f"{sandbox.url}/machines", headers=bearer)
    assert status == 200
    assert set(body) == LIST_ENVELOPE
    assert body["items"] == []
    assert body["hasMore"] is False

    created = {
        "name": "from-curl",
        "machineType": "C5",
        "templateId": "t0nspur5",
        "region": "ny2",
        "diskSize": 50,
    }
    status, answer = http_json("POST", f"{sandbox.url}/machines", created, headers=bearer)
    assert status == 200, answer
    assert set(answer) == {"data", "event"}
    machine_id = answer["data"]["id"]

    # What curl created, the CLI sees (same server, same key).

    listed = run_ok("machine", "list", "-q", env=pspace_env(home, sandbox.url))
    assert listed.lines == [machine_id]

    status, body = http_json("GET", f"{sandbox.url}/machines?limit=1", headers=bearer)
    assert status == 200
    assert set(body) == LIST_ENVELOPE
    assert [item["name"] for item in body["items"]] == ["from-curl"]

    status, error = http_json("GET", f"{sandbox.url}/machines")
    assert status == 401
    assert isinstance(error, dict)
    assert error.get("message")


def test_serve_accepts_the_extra_keys_it_was_given(
    sandboxes: Callable[..., ServedSandbox],
) -> None:
    """`--key`, repeated: each key is accepted, each its own team."""
    server = sandboxes("--instant", "--key", "alice-key", "--key=bob-key")
    for key, team in [("alice-key", "alice"), ("bob-key", "bob"), (SANDBOX_KEY, "sandbox")]:
        status, session = http_json(
            "GET", f"{server.url}/auth/session", headers={"Authorization": f"Bearer {key}"}
        )
        assert status == 200, (key, session)
        assert session["team"]["namespace"] == team
    status, unknown = http_json(
        "GET", f"{server.url}/machines", headers={"Authorization": "Bearer carol-key"}
    )
    assert status == 401, unknown
    status, session = http_json(
        "GET", f"{server.url}/auth/session", headers={"Authorization": "Bearer carol-key"}
    )
    assert (status, session) == (200, None)  # the real API's answer for a key it does not take
