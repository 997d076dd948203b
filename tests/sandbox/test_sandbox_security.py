"""The sandbox against its neighbours: a web page open in the user's browser (cross-site requests,
DNS rebinding), files that are not sandbox state, a permissive umask, and mistyped flags.

The principle (README "Reliability"): the sandbox's admin surface accepts only same-origin JSON
requests from loopback hosts, with or without --allow-remote; it never changes the mode,
contents or existence of a file it did not create.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pspace_py.sandbox import create_app
from pspace_py.sandbox.server import SandboxServer
from tests.conftest import Invoke
from tests.sandbox.sandbox_support import MACHINE

PSPACE = Path(sys.executable).parent / "pspace"
AUTH = {"Authorization": "Bearer sandbox-key"}
EVIL = "http://evil.example"


@pytest.fixture(params=[False, True], ids=["default", "allow-remote"])
def served(request: pytest.FixtureRequest) -> Iterator[SandboxServer]:
    """A sandbox on 127.0.0.1, with and without --allow-remote: the rules are the same."""
    with SandboxServer(instant=True, allow_remote=request.param) as server:
        yield server


def root_of(server: SandboxServer) -> str:
    return server.url.removesuffix("/v1")


def machine_names(server: SandboxServer) -> list[str]:
    listed = httpx.get(f"{server.url}/machines", headers=AUTH, timeout=10).json()
    return [machine["name"] for machine in listed["items"]]


# -- the admin routes: same-origin JSON from loopback hosts only (issue 16, items 7 and 8) --------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_sandbox/reset", "{}"),
        ("/_sandbox/faults", '{"operation": "*", "status": 500, "times": 0}'),
        ("/_sandbox/seed", '{"machines": 5}'),
    ],
)
def test_a_web_page_cannot_wipe_or_poison_the_sandbox(
    served: SandboxServer, path: str, body: str
) -> None:
    # What `fetch(url, {method: "POST", mode: "no-cors", body})` on evil.example sends.
    httpx.post(f"{served.url}/machines", json=MACHINE, headers=AUTH, timeout=10)
    refused = httpx.post(
        root_of(served) + path,
        content=body,
        headers={"Content-Type": "text/plain;charset=UTF-8", "Origin": EVIL},
        timeout=10,
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "FORBIDDEN"
    assert machine_names(served) == ["m1"]
    faults = httpx.get(f"{root_of(served)}/_sandbox/faults", timeout=10).json()
    assert faults["items"] == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "origin",
    [EVIL, "null", "http://127.0.0.1:1", "https://127.0.0.1:{port}", "http://localhost:{port}"],
)
def test_admin_requests_from_another_origin_are_refused_even_as_json(
    served: SandboxServer, origin: str
) -> None:
    origin = origin.format(port=served.port)
    for method in ("GET", "POST", "DELETE"):
        response = httpx.request(
            method,
            f"{root_of(served)}/_sandbox/requests"
            if method != "POST"
            else root_of(served) + "/_sandbox/reset",
            json={} if method == "POST" else None,
            headers={"Origin": origin},
            timeout=10,
        )
        assert response.status_code == 403, (method, origin, response.text)
        assert "same-origin" in response.json()["message"]


def test_a_request_the_browser_marks_cross_site_is_refused(served: SandboxServer) -> None:
    response = httpx.post(
        f"{root_of(served)}/_sandbox/reset", json={}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 403


@pytest.mark.slow
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
def test_admin_posts_must_say_they_are_json(
    served: SandboxServer, content_type: str | None
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    refused = httpx.post(
        f"{root_of(served)}/_sandbox/seed", content=b'{"machines": 3}', headers=headers, timeout=10
    )
    assert refused.status_code == 415
    assert refused.json()["code"] == "BAD_REQUEST"
    assert "Content-Type: application/json" in refused.json()["message"]
    assert machine_names(served) == []


@pytest.mark.slow
def test_same_origin_json_is_what_the_admin_routes_answer(served: SandboxServer) -> None:
    root = root_of(served)
    for headers in (
        {},  # curl, httpx, a test fixture: no Origin at all
        {"Origin": root},  # the sandbox's own page, were it to have one
        {"Origin": root, "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar
    ):
        seeded = httpx.post(f"{root}/_sandbox/seed", json={"machines": 1}, headers=headers)
        assert seeded.status_code == 200, (headers, seeded.text)
    charset = httpx.post(
        f"{root}/_sandbox/clock/advance",
        content=b'{"seconds": 1}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert charset.status_code == 200
    assert len(machine_names(served)) == 4


@pytest.mark.parametrize("path", ["/v1/machines", "/_sandbox/health", "/_sandbox/requests"])
def test_dns_rebinding_is_refused_with_or_without_allow_remote(
    served: SandboxServer, path: str
) -> None:
    # A page on evil.example whose name now resolves to 127.0.0.1: the browser sends its Host.
    response = httpx.get(
        root_of(served) + path, headers={**AUTH, "Host": "evil.example"}, timeout=10
    )
    assert response.status_code == 403
    assert "DNS rebinding" in response.json()["message"]


def test_bound_to_every_interface_the_api_answers_any_host_but_the_admin_only_loopback() -> None:
    # What `serve --host 0.0.0.0 --allow-remote` configures, without opening a port to the LAN.
    app = create_app(instant=True)
    app.bound_host = "0.0.0.0"  # noqa: S104 -- the configuration under test
    transport = httpx.WSGITransport(app=app, remote_addr="127.0.0.1")
    with httpx.Client(transport=transport, headers=AUTH) as http:
        assert http.get("http://192.0.2.7:8080/v1/machines").status_code == 200
        assert http.get("http://192.0.2.7:8080/_sandbox/health").status_code == 403
        assert http.get("http://127.0.0.1:8080/_sandbox/health").status_code == 200
    app.close()


# -- state files that are not the sandbox's (issue 16, item 9) -----------------------------------


def browser_history(path: Path) -> Path:
    """A database shaped like Chrome's History file: a `meta` table, and the user's data."""
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key LONGVARCHAR NOT NULL UNIQUE PRIMARY KEY, value)")
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("version", "53"), ("last_compatible_version", "16")]
        )
        conn.execute("CREATE TABLE urls (id INTEGER PRIMARY KEY, url LONGVARCHAR, title)")
        conn.execute("INSERT INTO urls (url, title) VALUES ('https://example.org/', 'Example')")
    conn.close()
    return path


def fingerprint(path: Path) -> tuple[str, int, list[str]]:
    """A file's contents, mode and the files beside it (a -wal or -shm appearing counts)."""
    siblings = sorted(p.name for p in path.parent.iterdir())
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode, siblings


def test_reset_does_not_delete_a_browser_history_database(tmp_path: Path, pspace: Invoke) -> None:
    history = browser_history(tmp_path / "History")
    before = fingerprint(history)
    result = pspace("sandbox", "reset", "--state", str(history))
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "is not a pspace sandbox state file" in line
    assert "Unexpected" not in line
    assert fingerprint(history) == before


@pytest.mark.slow
def test_serve_refuses_a_foreign_database_without_switching_it_to_wal(tmp_path: Path) -> None:
    history = browser_history(tmp_path / "History")
    before = fingerprint(history)
    refused = subprocess.run(
        [sys.executable, "-m", "pspace_py.sandbox", "--state", str(history)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert refused.returncode == 2, refused.stderr
    [line] = refused.stderr.strip().splitlines()
    assert "is not a pspace sandbox state file" in line
    assert fingerprint(history) == before
    with sqlite3.connect(f"file:{history}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_sandbox_state_file_of_another_version_is_still_reset(
    tmp_path: Path, pspace: Invoke
) -> None:
    state = tmp_path / "state.sqlite3"
    create_app(state_path=state).close()
    with sqlite3.connect(state) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.close()
    assert pspace("sandbox", "reset", "--state", str(state)).exit_code == 0
    app = create_app(state_path=state)  # a fresh file of this version
    app.close()


def test_a_state_file_written_before_the_application_id_still_opens_and_resets(
    tmp_path: Path, pspace: Invoke
) -> None:
    state = tmp_path / "older.sqlite3"
    app = create_app(state_path=state, instant=True)
    app.advance(5)  # something of its own in the file
    app.close()
    with sqlite3.connect(state) as conn:
        conn.execute("PRAGMA application_id = 0")  # as every file was before the ID existed
    conn.close()
    create_app(state_path=state).close()
    assert pspace("sandbox", "reset", "--state", str(state)).exit_code == 0
    assert state.exists()
    with sqlite3.connect(state) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] != 0  # stamped now
    conn.close()


@pytest.mark.parametrize("kind", ["text file", "directory", "empty file"])
def test_reset_of_something_that_is_not_state_is_a_usage_error(
    tmp_path: Path,
    pspace: Invoke,
    kind: str,
) -> None:
    target = tmp_path / "target"
    if kind == "directory":
        target.mkdir()
    else:
        target.write_text("my notes\n" if kind == "text file" else "")
    before = target.stat().st_mode, (target.read_bytes() if target.is_file() else b"")
    result = pspace("sandbox", "reset", "--state", str(target))
    if kind == "empty file":
        # Nothing to empty: it is left as it is, and saying so is not an error.
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("Error: ")
        assert str(target) in line
        assert "Unexpected" not in line
    assert (target.stat().st_mode, target.read_bytes() if target.is_file() else b"") == before


# -- modes: 0600 files and 0700 directories whatever the umask (issue 16, item 19) ----------------


def under_umask_000(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["sh", "-c", 'umask 000 && exec "$0" "$@"', *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.slow
def test_state_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    existing.chmod(0o755)
    state = existing / "new" / "deeper" / "state.sqlite3"
    server = under_umask_000(
        sys.executable, "-m", "pspace_py.sandbox", "--state", str(state), env=dict(os.environ)
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().split("=", 1)[1]
        created = httpx.post(f"{url}/machines", json=MACHINE, headers=AUTH, timeout=10)
        assert created.status_code == 200
        wal = Path(f"{state}-wal")
        deadline = time.monotonic() + 10
        while not wal.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mode(state) == 0o600
        assert mode(wal) == 0o600
        assert mode(Path(f"{state}-shm")) == 0o600
        assert mode(state.parent) == 0o700
        assert mode(state.parent.parent) == 0o700
        assert mode(existing) == 0o755  # not ours: left as it was
    finally:
        server.terminate()
        assert server.wait(timeout=15) == 0


def test_an_existing_state_file_keeps_its_mode(tmp_path: Path, pspace: Invoke) -> None:
    state = tmp_path / "shared.sqlite3"
    create_app(state_path=state).close()
    state.chmod(0o640)  # the user chose to share it with their group
    create_app(state_path=state).close()
    assert pspace("sandbox", "reset", "--state", str(state)).exit_code == 0
    assert mode(state) == 0o640


@pytest.mark.slow
def test_the_in_process_state_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    state = tmp_path / "data" / "pspace-py" / "sandbox.sqlite3"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PAPERSPACE_", "PSPACE_"))},
        "PSPACE_SANDBOX_STATE": str(state),
        "PSPACE_CONFIG_DIR": str(tmp_path / "config"),
    }
    listed = under_umask_000(str(PSPACE), "--sandbox", "machine", "list", "-q", env=env)
    _, stderr = listed.communicate(timeout=30)
    assert listed.returncode == 0, stderr
    assert mode(state) == 0o600
    assert mode(state.parent) == 0o700
    assert mode(state.parent.parent) == 0o700


# -- flags that are mistyped (issue 16, item 15) --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [[str(PSPACE), "sandbox", "serve"], [sys.executable, "-m", "pspace_py.sandbox"]],
    ids=["pspace sandbox serve", "python -m pspace_py.sandbox"],
)
@pytest.mark.parametrize("host", ["127.0.0.1 ", " localhost", "127.0.0.1\n", ""])
def test_a_host_with_stray_whitespace_is_a_usage_error(command: list[str], host: str) -> None:
    refused = subprocess.run(
        [*command, "--host", host, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert refused.returncode == 2, refused.stderr
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    assert "--host" in line
    assert "Unexpected" not in line
