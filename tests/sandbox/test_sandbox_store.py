"""State files: persistence across restarts, version refusal, reset, two processes at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from pspace_py.sandbox import (
    FakeClock,
    SandboxStateError,
    create_app,
    default_state_path,
    in_process_transport,
    reset_state,
)
from pspace_py.sandbox.store import SCHEMA_VERSION
from tests.sandbox.sandbox_support import MACHINE, client_for


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    clock = FakeClock()
    app = create_app(state_path=path, clock=clock)
    with client_for(app) as http:
        machine = http.post("/machines", json=MACHINE).json()["data"]
        network = http.post("/private-networks", json={"name": "lan", "region": "NY2"}).json()
    app.close()

    clock.advance(60)
    reopened = create_app(state_path=path, clock=clock)
    with client_for(reopened) as http:
        again = http.get(f"/machines/{machine['id']}").json()
        assert again["state"] == "ready"
        assert again["name"] == machine["name"]
        assert http.get(f"/private-networks/{network['id']}").json() == network
        # Leases persisted too: the next machine gets another private address.
        other = http.post("/machines", json=MACHINE).json()["data"]
        assert other["privateIp"] != machine["privateIp"]
    reopened.close()


def test_wall_clock_state_is_consistent_across_processes_of_the_cli(tmp_path: Path) -> None:
    """`pspace --sandbox` builds a new app per invocation; time comes from stored timestamps."""
    import httpx

    path = tmp_path / "cli.sqlite3"
    with httpx.Client(
        transport=in_process_transport(state_path=path), base_url="http://x/v1"
    ) as http:
        machine_id = http.post("/machines", json=MACHINE).json()["data"]["id"]
        http.post("http://x/_sandbox/clock/advance", json={"seconds": 30})
    with httpx.Client(
        transport=in_process_transport(state_path=path), base_url="http://x/v1"
    ) as http:
        # The transport sends the default key when the client sends none.
        assert http.get(f"/machines/{machine_id}").json()["state"] == "ready"


def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    create_app(state_path=path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SandboxStateError) as caught:
        create_app(state_path=path)
    error = caught.value
    assert error.found_version == 99
    assert error.expected_version == SCHEMA_VERSION
    assert str(path) in str(error)
    assert "version 99" in str(error)
    assert f"version {SCHEMA_VERSION}" in str(error)
    reset_state(path)  # an unreadable file is deleted
    create_app(state_path=path).close()


@pytest.mark.parametrize("content", [b"not a database at all" * 100, None])
def test_foreign_files_are_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "other.db"
    if content is None:
        with sqlite3.connect(path) as conn:
            conn.execute("CREATE TABLE mine (x)")
    else:
        path.write_bytes(content)
    with pytest.raises(SandboxStateError, match="not a pspace sandbox state file"):
        create_app(state_path=path)


def test_reset_state_empties_a_file(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    app = create_app(state_path=path)
    with client_for(app) as http:
        http.post("/machines", json=MACHINE)
    app.close()
    reset_state(path)
    app = create_app(state_path=path)
    with client_for(app) as http:
        assert http.get("/machines").json()["items"] == []
    app.close()
    reset_state(tmp_path / "missing.sqlite3")  # nothing to do


def test_default_state_path_honours_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PSPACE_SANDBOX_STATE", str(tmp_path / "x.sqlite3"))
    assert default_state_path() == tmp_path / "x.sqlite3"
    monkeypatch.delenv("PSPACE_SANDBOX_STATE")
    path = default_state_path()
    assert path.name == "sandbox.sqlite3"
    assert "pspace-py" in str(path)


def _create_machines(path: str, count: int, prefix: str) -> None:
    import httpx

    from pspace_py.sandbox import in_process_transport

    with httpx.Client(
        transport=in_process_transport(state_path=path, instant=True), base_url="http://x/v1"
    ) as http:
        for number in range(count):
            response = http.post("/machines", json={**MACHINE, "name": f"{prefix}{number}"})
            assert response.status_code == 200, response.text
            http.get("/machines", params={"limit": 5})


@pytest.mark.slow
def test_two_processes_share_one_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite3")
    create_app(state_path=path).close()
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_create_machines, args=(path, 30, prefix)) for prefix in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    app = create_app(state_path=path)
    with client_for(app) as http:
        machines = []
        after = None
        while True:
            params = {"limit": 120, **({"after": after} if after else {})}
            page = http.get("/machines", params=params).json()
            machines += page["items"]
            if not page["hasMore"]:
                break
            after = page["nextPage"]
    app.close()
    assert len(machines) == 60
    assert len({m["id"] for m in machines}) == 60
    assert len({m["privateIp"] for m in machines}) == 60  # leases never handed out twice
    assert len({m["publicIp"] for m in machines}) == 60
    assert {m["name"] for m in machines} == {f"{p}{n}" for p in "ab" for n in range(30)}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reset_refuses_a_file_that_is_not_sandbox_state(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes, not a database\n")
    with pytest.raises(SandboxStateError):
        reset_state(notes)
    assert notes.read_text() == "my notes, not a database\n"


def test_a_directory_as_state_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SandboxStateError, match="is a directory, not a sandbox state file"):
        create_app(state_path=tmp_path)
