"""The served sandbox: waitress on loopback, plain urllib clients, socket-level faults,
`python -m pspace_py.sandbox` with signals and a state file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pspace_py.loopback import is_loopback_host
from pspace_py.sandbox import parse_fault_rule
from pspace_py.sandbox.server import SandboxServer
from tests.sandbox.sandbox_support import MACHINE


def curl(
    url: str, method: str = "GET", body: Any = None, key: str | None = "sandbox-key"
) -> tuple[int, Any, dict]:
    """What `curl` would do: one request, JSON in and out."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), dict(error.headers)


@pytest.fixture
def served() -> Iterator[SandboxServer]:
    with SandboxServer(instant=True, port=0) as server:
        yield server


def test_served_sandbox_works_with_plain_urllib(served: SandboxServer) -> None:
    base = served.url
    assert base.startswith("http://127.0.0.1:")
    assert base.endswith("/v1")
    root = base[: -len("/v1")]
    assert curl(f"{root}/_sandbox/health", key=None)[:2] == (200, {"status": "ok"})
    status, body, headers = curl(f"{base}/machines", "POST", MACHINE)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Pspace-Sandbox"] == "1"
    machine_id = body["data"]["id"]
    status, listed, _ = curl(f"{base}/machines")
    assert [item["id"] for item in listed["items"]] == [machine_id]
    assert listed["items"][0]["state"] == "ready"
    status, error, _ = curl(f"{base}/machines", key=None)
    assert status == 401
    assert error["code"] == "UNAUTHORIZED"
    status, error, _ = curl(f"{base}/machines/{machine_id}/stop", "PATCH", {})
    assert status == 200


def test_foreign_host_header_is_refused(served: SandboxServer) -> None:
    response = httpx.get(
        f"{served.url}/machines",
        headers={"host": "attacker.example", "authorization": "Bearer sandbox-key"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "FORBIDDEN"


@pytest.mark.slow
def test_socket_faults() -> None:
    faults = [
        parse_fault_rule("machines-list:reset"),
        parse_fault_rule("machines-create:commit-then-drop"),
        parse_fault_rule("auth-session:latency=300"),
        parse_fault_rule("machines-get:status=503,retry-after=1"),
        parse_fault_rule("snapshots-list:body=html"),
        parse_fault_rule("machineEvents-list:body=truncated"),
    ]
    with (
        SandboxServer(instant=True, faults=faults) as server,
        httpx.Client(
            base_url=server.url, headers={"authorization": "Bearer sandbox-key"}, timeout=5
        ) as http,
    ):
        with pytest.raises(httpx.ReadError):
            http.get("/machines")
        with pytest.raises(httpx.RemoteProtocolError):
            http.post("/machines", json={**MACHINE, "name": "ambiguous"})
        machines = http.get("/machines").json()["items"]
        assert [machine["name"] for machine in machines] == ["ambiguous"]
        with pytest.raises(httpx.ReadTimeout):
            http.get("/auth/session", timeout=0.1)
        response = http.get("/machines/ps000000")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert http.get("/auth/session").status_code == 200
        html = http.get("/snapshots")
        assert html.status_code == 502
        assert html.headers["content-type"].startswith("text/html")
        truncated = http.get("/machine-events")
        assert truncated.status_code == 200
        assert truncated.content.startswith(b'{"hasMore"')
        with pytest.raises(json.JSONDecodeError):
            truncated.json()


def test_non_loopback_bind_is_refused() -> None:
    with pytest.raises(ValueError, match="Refusing to serve"):
        SandboxServer(host="0.0.0.0")  # noqa: S104 -- the refusal under test
    assert is_loopback_host("127.0.0.1")
    assert is_loopback_host("::1")
    assert is_loopback_host("localhost")
    assert not is_loopback_host("0.0.0.0")  # noqa: S104
    assert not is_loopback_host("192.168.1.2")


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "pspace_py.sandbox", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    assert first_line.startswith("PAPERSPACE_API_URL=http://127.0.0.1:"), first_line
    return process, first_line.split("=", 1)[1]


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_main_prints_url_persists_and_stops_on_signals(
    tmp_path: Path, stop_signal: int
) -> None:
    state = tmp_path / "served.sqlite3"
    process, url = start_server("--port", "0", "--instant", "--state", str(state))
    try:
        status, body, _ = curl(f"{url}/machines", "POST", MACHINE)
        assert status == 200
    finally:
        process.send_signal(stop_signal)
        assert process.wait(timeout=15) == 0, process.stderr.read() if process.stderr else ""
    process, url = start_server("--port", "0", "--state", str(state))
    try:
        _, listed, _ = curl(f"{url}/machines")
        assert [item["id"] for item in listed["items"]] == [body["data"]["id"]]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--fault", "machines-create:explode"], "unknown fault action"),
        (["--port", "65536"], "65536 is not in the range 0<=x<=65535"),
        (["--port", "eighty"], "'eighty' is not a whole number"),
        (["--api-key", "alice-key"], "unrecognized arguments: --api-key"),
        (["--host", "192.0.2.1"], "Refusing to serve the sandbox on 192.0.2.1"),
    ],
)
def test_serve_main_rejects_bad_arguments_in_one_line(args: list[str], said: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pspace_py.sandbox", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ")
    assert said in line


def _same_shape(values: dict[str, Any]) -> dict[str, Any]:
    """Typer and argparse spell values differently: tuple/list, None/() and str/Path."""
    shaped: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, (tuple, list)) or value is None:
            value = list(value or [])
        shaped[name] = str(value) if isinstance(value, Path) else value
    return shaped


def test_pspace_sandbox_serve_and_python_m_take_the_same_flags() -> None:
    """One table (`serve_flags`) behind both front ends: same names, help, values, defaults."""
    import typer

    from pspace_py.cli.sandbox import app as sandbox_group
    from pspace_py.sandbox.command import parser
    from pspace_py.serve_flags import SERVE_FLAGS

    serve_command = typer.main.get_command(sandbox_group).commands["serve"]
    assert {param.opts[0]: param.help for param in serve_command.params} == {
        flag.name: flag.help for flag in SERVE_FLAGS
    }
    given = ["--host", "::1", "--port", "8080", "--state", "s.sqlite3", "--instant"]
    given += ["--key", "a-key", "--key=b-key", "--fault", "*:latency=1", "--allow-remote"]
    for args in ([], given):
        from_typer = serve_command.make_context("serve", list(args)).params
        from_argparse = vars(parser().parse_args(args))
        assert _same_shape(from_typer) == _same_shape(from_argparse), args
    defaults = vars(parser().parse_args([]))
    assert defaults == {flag.dest: flag.default for flag in SERVE_FLAGS}
    assert _same_shape(vars(parser().parse_args(given)))["key"] == ["a-key", "b-key"]


def test_concurrent_requests_on_a_served_file(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with SandboxServer(instant=True, state_path=tmp_path / "threads.sqlite3") as server:

        def create(number: int) -> int:
            status, _, _ = curl(f"{server.url}/machines", "POST", {**MACHINE, "name": f"t{number}"})
            curl(f"{server.url}/machines?limit=5")
            return status

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(create, range(40))) == {200}
        _, listed, _ = curl(f"{server.url}/machines?limit=120")
    assert len(listed["items"]) == 40
    assert len({item["privateIp"] for item in listed["items"]}) == 40


def test_serve_main_rejects_an_unknown_operation_in_one_line() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pspace_py.sandbox", "--fault", "machines-explode:status=503"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "unknown operation 'machines-explode'" in line
    assert "Unexpected" not in line


def test_the_served_sandbox_refuses_a_host_that_only_looks_like_loopback() -> None:
    with SandboxServer(instant=True) as server:
        request = urllib.request.Request(
            f"{server.url}/machines",
            headers={"Host": "127.evil.example", "Authorization": "Bearer sandbox-key"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
