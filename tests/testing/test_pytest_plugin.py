"""The `paperspace_sandbox` pytest plugin, as a user's project meets it: test files in a fresh
directory, run by `python -m pytest` in a subprocess, with the plugin found through its
`pytest11` entry point (nothing here imports it)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.testing.testing_support import run, user_env

MACHINE = (
    '{"name": "box", "machineType": "C4", "templateId": "t0nspur5", "region": "NY2", '
    '"diskSize": 50}'
)

pytestmark = pytest.mark.slow


def run_pytest(
    project: Path, files: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """`python -m pytest -q ARGS` in `project`, holding `files`, with a clean environment."""
    for name, text in files.items():
        (project / name).write_text(textwrap.dedent(text).replace("MACHINE", MACHINE))
    env = user_env(project / "home")
    return run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], project, env
    )


def passed(result: subprocess.CompletedProcess[str], count: int) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{count} passed" in result.stdout, result.stdout


def test_create_stop_and_delete_a_machine_over_plain_httpx(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_machines.py": """
            import httpx

            def test_machine_life(paperspace_sandbox):
                api = paperspace_sandbox
                auth = {"Authorization": f"Bearer {api.key}"}
                with httpx.Client(base_url=api.url, headers=auth) as http:
                    machine = http.post("/machines", json=MACHINE).json()["data"]
                    assert http.get(f"/machines/{machine['id']}").json()["state"] == "ready"
                    assert http.patch(f"/machines/{machine['id']}/stop", json={}).status_code == 200
                    assert http.get(f"/machines/{machine['id']}").json()["state"] == "off"
                    assert http.delete(f"/machines/{machine['id']}").status_code == 200
                    assert http.get("/machines").json()["items"] == []
            """
        },
    )
    passed(result, 1)


def test_each_test_starts_empty_and_the_env_is_set_then_restored(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_isolation.py": """
            import os, subprocess, sys
            from pathlib import Path

            PSPACE = str(Path(sys.executable).parent / "pspace")

            def test_first(paperspace_sandbox):
                assert os.environ["PAPERSPACE_API_URL"] == paperspace_sandbox.url
                assert os.environ["PAPERSPACE_API_KEY"] == "sandbox-key"
                made = paperspace_sandbox.client().post("/machines", json=MACHINE)
                assert made.status_code == 200
                # A subprocess (here pspace itself) reaches the same sandbox through the env.
                listed = subprocess.run([PSPACE, "machine", "list", "-q"], capture_output=True,
                                        text=True, timeout=30, stdin=subprocess.DEVNULL)
                assert listed.stdout.split() == [made.json()["data"]["id"]], listed.stderr

            def test_second_sees_nothing_of_the_first(paperspace_sandbox):
                assert paperspace_sandbox.client().get("/machines").json()["items"] == []
                assert paperspace_sandbox.requests()[-1]["path"] == "/v1/machines"

            def test_without_the_fixture_the_env_is_untouched():
                assert "PAPERSPACE_API_URL" not in os.environ
            """
        },
        "-p",
        "no:randomly",
    )
    passed(result, 3)


def test_the_session_sandbox_is_shared_and_never_reset_behind_your_back(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "conftest.py": """
            import pytest

            @pytest.fixture(scope="session")
            def fleet(paperspace_sandbox_session):
                return paperspace_sandbox_session.seed_machines(500, name_prefix="fleet-")
            """,
            "test_fleet.py": """
            SEEN = []

            def test_one(paperspace_sandbox_session, fleet):
                SEEN.append(paperspace_sandbox_session.url)
                page = paperspace_sandbox_session.client().get("/machines", params={"limit": 120})
                assert page.json()["hasMore"] is True

            def test_two(paperspace_sandbox_session, fleet):
                SEEN.append(paperspace_sandbox_session.url)
                assert SEEN[0] == SEEN[1]
                assert fleet.count == 500
            """,
        },
        "-p",
        "no:randomly",
    )
    passed(result, 2)


def test_timing_by_marker_or_by_parameter(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_timing.py": """
            import pytest

            @pytest.mark.paperspace_sandbox(instant=False)
            def test_realistic_by_marker(paperspace_sandbox):
                http = paperspace_sandbox.client()
                machine_id = http.post("/machines", json=MACHINE).json()["data"]["id"]
                assert http.get(f"/machines/{machine_id}").json()["state"] == "provisioning"
                paperspace_sandbox.advance_clock(10)
                assert http.get(f"/machines/{machine_id}").json()["state"] == "ready"

            @pytest.mark.parametrize("paperspace_sandbox", ["instant", "realistic"], indirect=True)
            def test_both_timings(paperspace_sandbox, request):
                http = paperspace_sandbox.client()
                machine_id = http.post("/machines", json=MACHINE).json()["data"]["id"]
                state = http.get(f"/machines/{machine_id}").json()["state"]
                expected = {"instant": "ready", "realistic": "provisioning"}
                assert state == expected[request.node.callspec.params["paperspace_sandbox"]]

            @pytest.mark.paperspace_sandbox(keys=["alice-key"], faults=["machines-list:status=503"])
            def test_keys_and_faults_by_marker(paperspace_sandbox):
                alice = paperspace_sandbox.client(key="alice-key")
                assert alice.get("/machines").status_code == 503
                assert alice.get("/machines").status_code == 200
            """
        },
        "--strict-markers",
    )
    passed(result, 4)


def test_a_wrong_marker_option_fails_the_test_in_one_line(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_wrong.py": """
            import pytest

            @pytest.mark.paperspace_sandbox(instnat=True)
            def test_typo(paperspace_sandbox):
                pass
            """
        },
    )
    assert result.returncode == 1
    assert "1 error" in result.stdout
    assert "unknown option 'instnat'" in result.stdout
    assert "instant, timing, keys, faults, seed" in result.stdout


def test_the_plugin_starts_and_imports_nothing_unless_asked(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {
            "test_unrelated.py": """
            import sys, threading

            def test_nothing_of_the_sandbox_is_loaded(request):
                assert request.config.pluginmanager.hasplugin("paperspace_sandbox")
                heavy = ("pspace_py.sandbox", "waitress", "werkzeug", "httpx", "sqlite3")
                assert [name for name in heavy if name in sys.modules] == []
                assert not [t for t in threading.enumerate() if t.name == "pspace-sandbox"]
            """
        },
    )
    passed(result, 1)


def test_the_plugin_can_be_turned_off(tmp_path: Path) -> None:
    result = run_pytest(
        tmp_path,
        {"test_off.py": "def test_wants_it(paperspace_sandbox):\n    pass\n"},
        "-p",
        "no:paperspace_sandbox",
    )
    assert result.returncode == 1
    assert "fixture 'paperspace_sandbox' not found" in result.stdout


@pytest.mark.parametrize("scope", ["function", "session"])
def test_a_failing_test_still_stops_its_sandbox(tmp_path: Path, scope: str) -> None:
    fixture = "paperspace_sandbox" if scope == "function" else "paperspace_sandbox_session"
    result = run_pytest(
        tmp_path,
        {
            "conftest.py": """
            import socket
            PORTS = []

            def pytest_unconfigure(config):
                for port in PORTS:  # after the session: every sandbox's port is closed
                    with socket.socket() as probe:
                        assert probe.connect_ex(("127.0.0.1", port)) != 0, port
                print("ports closed:", len(PORTS))
            """,
            "test_fails.py": f"""
            from conftest import PORTS

            def test_fails({fixture}):
                PORTS.append({fixture}.port)
                raise AssertionError("the user's test failed")
            """,
        },
        "-s",
    )
    assert result.returncode == 1
    assert "1 failed" in result.stdout
    assert "ports closed: 1" in result.stdout
