"""`pspace_py.sandbox.running()`: a served sandbox for any Python code (scripts, unittest,
notebooks), as a user of the package writes it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path

import httpx
import pytest

import pspace_py.sandbox
from pspace_py.sandbox import RunningSandbox, running

PSPACE = Path(sys.executable).parent / "pspace"
MACHINE = {
    "name": "box",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}


def sandbox_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "pspace-sandbox")


def test_a_machine_s_life_over_plain_httpx() -> None:
    with pspace_py.sandbox.running(instant=True) as api:
        assert api.url.startswith("http://127.0.0.1:")
        assert api.url.endswith("/v1")
        assert api.key == "sandbox-key"
        assert api.env == {"PAPERSPACE_API_URL": api.url, "PAPERSPACE_API_KEY": "sandbox-key"}
        http = api.client()
        created = http.post("/machines", json=MACHINE).json()["data"]
        assert http.get(f"/machines/{created['id']}").json()["state"] == "ready"
        assert http.patch(f"/machines/{created['id']}/stop", json={}).status_code == 200
        assert http.get(f"/machines/{created['id']}").json()["state"] == "off"
        assert http.delete(f"/machines/{created['id']}").status_code == 200
        assert http.get("/machines").json()["items"] == []
        assert api.client() is http  # one ready client per key


def test_the_env_points_a_subprocess_at_the_sandbox(tmp_path: Path) -> None:
    with running(instant=True) as api:
        seeded = api.seed_machines(2, name_prefix="ci-")
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PAPERSPACE_", "PSPACE_"))},
            "PSPACE_CONFIG_DIR": str(tmp_path / "config"),
            **api.env,
        }
        listed = subprocess.run(
            [str(PSPACE), "machine", "list", "-q"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        assert "/v1/machines" in [entry["path"] for entry in api.requests()]
    assert listed.returncode == 0, listed.stderr
    assert sorted(listed.stdout.split()) == sorted([seeded.first_id, seeded.last_id])


def test_it_stops_and_frees_its_port_even_when_the_body_raises() -> None:
    before = sandbox_threads()
    used: list[RunningSandbox] = []

    def a_test_that_fails() -> None:
        with running() as api:
            used.append(api)
            api.client().get("/machines")
            raise RuntimeError("the test failed")

    with pytest.raises(RuntimeError, match="the test failed"):
        a_test_that_fails()
    [api] = used
    port = api.port
    assert sandbox_threads() == before
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/_sandbox/health", timeout=5)
    with running(port=port) as again:  # the port is free to take again
        assert again.port == port
    with pytest.raises(RuntimeError, match="stopped"):
        api.client()
    api.stop()  # stopping twice is fine


def test_stop_does_not_wait_for_a_slow_request() -> None:
    api = running(instant=True)
    api.inject_fault("machines-list:latency=60000")
    answers: list[object] = []
    waiting = threading.Thread(
        target=lambda: answers.append(_get_or_error(api.url + "/machines", api.key))
    )
    waiting.start()
    deadline = time.monotonic() + 10
    while api.faults()[0]["matched"] == 0:  # the request has arrived and is being delayed
        assert time.monotonic() < deadline
        time.sleep(0.01)
    started = time.monotonic()
    api.stop()
    waiting.join(timeout=15)
    assert not waiting.is_alive()
    assert time.monotonic() - started < 10  # bounded: the 60 s latency is cut short


def _get_or_error(url: str, key: str) -> object:
    try:
        return httpx.get(url, headers={"Authorization": f"Bearer {key}"}, timeout=30).status_code
    except httpx.HTTPError as error:
        return error


def test_realistic_timing_and_the_clock() -> None:
    with running() as api:  # default timing: a machine provisions for 8 s
        http = api.client()
        machine_id = http.post("/machines", json=MACHINE).json()["data"]["id"]
        assert http.get(f"/machines/{machine_id}").json()["state"] == "provisioning"
        api.advance_clock(10)
        assert http.get(f"/machines/{machine_id}").json()["state"] == "ready"


def test_seeding_faults_event_failures_and_the_request_log() -> None:
    with running(instant=True) as api:
        http = api.client()
        seeded = api.seed_machines(3, machine_type="C5", state="off", name_prefix="web-")
        assert seeded.count == 3
        assert seeded.team == "sandbox"
        names = sorted(m["name"] for m in http.get("/machines").json()["items"])
        assert names == ["web-1", "web-2", "web-3"]

        api.inject_fault("machines-list:status=503,retry-after=1")
        refused = http.get("/machines")
        assert (refused.status_code, refused.headers["retry-after"]) == (503, "1")
        assert http.get("/machines").status_code == 200  # times=1 by default
        api.inject_fault({"operation": "machines-get", "status": 429, "times": 0})
        assert http.get(f"/machines/{seeded.first_id}").status_code == 429
        assert [rule["fired"] for rule in api.faults()] == [1, 1]
        api.clear_faults()
        assert http.get(f"/machines/{seeded.first_id}").status_code == 200

        api.fail_next_event("start", "no capacity in NY2", machine_id=seeded.first_id)
        event = http.patch(f"/machines/{seeded.first_id}/start", json={}).json()["event"]
        ended = http.get(f"/machine-events/{event['id']}").json()
        assert (ended["state"], ended["error"]) == ("error", "no capacity in NY2")

        logged = api.requests()
        assert logged[-1]["operationId"] == "machineEvents-get"
        assert logged[-1]["status"] == 200
        assert all("authorization" not in entry["headers"] for entry in logged)
        api.clear_requests()
        assert api.requests() == []

        api.set_account_standing(False, messages=["Add a credit card."])
        assert http.post("/machines", json=MACHINE).status_code == 412
        api.reset()
        assert http.get("/machines").json()["items"] == []
        assert http.post("/machines", json=MACHINE).status_code == 200  # standing is reset too


def test_controls_say_what_is_wrong_with_their_arguments() -> None:
    with running(instant=True) as api:
        with pytest.raises(ValueError, match="machines"):
            api.seed_machines(0)
        with pytest.raises(ValueError, match="unknown fault action"):
            api.inject_fault("machines-create:explode")
        with pytest.raises(ValueError, match="only moves forward"):
            api.advance_clock(-1)
        with pytest.raises(ValueError, match="name"):
            api.fail_next_event("explode")


def test_each_extra_key_is_its_own_team() -> None:
    with running(instant=True, keys=["alice-key"]) as api:
        api.seed_machines(2, key="alice-key")
        assert len(api.client(key="alice-key").get("/machines").json()["items"]) == 2
        assert api.client().get("/machines").json()["items"] == []
        assert api.client(key="alice-key").get("/auth/session").json()["team"]["namespace"] == (
            "alice"
        )


def test_start_up_faults_and_deterministic_ids() -> None:
    with running(instant=True, seed=5, faults=["machines-create:status=503"]) as api:
        assert api.client().post("/machines", json=MACHINE).status_code == 503
        first = api.client().post("/machines", json=MACHINE).json()["data"]["id"]
        api.reset()  # start-up faults are armed again, IDs start over
        assert api.client().post("/machines", json=MACHINE).status_code == 503
        assert api.client().post("/machines", json=MACHINE).json()["data"]["id"] == first


def test_state_in_a_file_survives_the_sandbox(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    with running(instant=True, state_path=state) as api:
        api.client().post("/machines", json=MACHINE)
    with running(instant=True, state_path=state) as api:
        assert [m["name"] for m in api.client().get("/machines").json()["items"]] == ["box"]


def test_without_with_for_a_notebook() -> None:
    api = running(instant=True)
    try:
        assert api.client().get("/machines").status_code == 200
    finally:
        api.stop()


def test_in_a_unittest_test_case() -> None:
    class DeployScriptTest(unittest.TestCase):
        api: RunningSandbox

        @classmethod
        def setUpClass(cls) -> None:
            cls.api = running(instant=True)
            cls.addClassCleanup(cls.api.stop)

        def setUp(self) -> None:
            self.api.reset()

        def test_create(self) -> None:
            response = self.api.client().post("/machines", json=MACHINE)
            self.assertEqual(response.status_code, 200)  # noqa: PT009
            listed = self.api.client().get("/machines").json()["items"]
            self.assertEqual(len(listed), 1)  # noqa: PT009

        def test_starts_empty(self) -> None:
            listed = self.api.client().get("/machines").json()["items"]
            self.assertEqual(listed, [])  # noqa: PT009

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(DeployScriptTest)
    result = unittest.TextTestRunner(stream=open(os.devnull, "w"), verbosity=0).run(suite)  # noqa: SIM115
    assert result.wasSuccessful(), result.failures + result.errors
    assert result.testsRun == 2


def test_only_loopback() -> None:
    with pytest.raises(ValueError, match="Refusing to serve"):
        running(host="0.0.0.0")  # noqa: S104 -- the refusal under test


def test_the_port_given_is_the_port_served() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with running(port=port) as api:
        assert api.url == f"http://127.0.0.1:{port}/v1"
        assert api.root_url == f"http://127.0.0.1:{port}"
