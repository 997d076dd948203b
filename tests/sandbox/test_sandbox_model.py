"""A Hypothesis state machine over create/start/stop/restart/resize/delete/advance: refusals
agree with the state a GET reports, list and get agree, finished events stay finished."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from pspace_py.sandbox import FakeClock, create_app
from tests.sandbox.sandbox_contract import MACHINE_KEYS, MACHINE_STATES
from tests.sandbox.sandbox_support import MACHINE, client_for

# What each action needs the machine to be (as GET shows it just before).
ALLOWED_FROM = {
    "start": {"off"},
    "stop": {"ready", "serviceready", "upgrading", "provisioning", "starting", "restarting"},
    "restart": {"ready"},
    "delete": set(MACHINE_STATES),
    "resize": {"off"},
}


class SandboxModel(RuleBasedStateMachine):
    machines = Bundle("machines")

    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(clock=FakeClock(), seed=5)
        self.http: httpx.Client = client_for(self.app)
        self.alive: set[str] = set()
        self.finished_events: dict[str, str] = {}

    def teardown(self) -> None:
        self.http.close()
        self.app.close()

    def state(self, machine_id: str) -> str | None:
        response = self.http.get(f"/machines/{machine_id}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200
        state: str = response.json()["state"]
        return state

    @rule(target=machines, start_on_create=st.booleans())
    def create(self, start_on_create: bool) -> str:
        response = self.http.post("/machines", json={**MACHINE, "startOnCreate": start_on_create})
        assert response.status_code == 200
        machine_id: str = response.json()["data"]["id"]
        self.alive.add(machine_id)
        return machine_id

    @rule(machine_id=machines, action=st.sampled_from(["start", "stop", "restart"]))
    def power(self, machine_id: str, action: str) -> None:
        before = self.state(machine_id)
        response = self.http.patch(f"/machines/{machine_id}/{action}", json={})
        self.check(before, action, response)

    @rule(machine_id=machines, size=st.sampled_from([50, 100, 250, 2000]))
    def resize(self, machine_id: str, size: int) -> None:
        shown = self.http.get(f"/machines/{machine_id}")
        before = None if shown.status_code == 404 else shown.json()["state"]
        response = self.http.put(f"/machines/{machine_id}", json={"diskSize": size})
        current = shown.json().get("storageTotal", 0) // 2**30 if before else 0
        if before is not None and size == current:
            assert response.status_code == 200  # nothing to resize: a synchronous no-op
            assert "event" not in response.json()
        elif before is not None and size < current:
            assert response.status_code == 400  # disks only grow, whatever the state
        else:
            self.check(before, "resize", response)

    @rule(machine_id=machines)
    def delete(self, machine_id: str) -> None:
        before = self.state(machine_id)
        response = self.http.delete(f"/machines/{machine_id}")
        self.check(before, "delete", response)
        if response.status_code == 200:
            self.alive.discard(machine_id)

    @rule(seconds=st.sampled_from([0.5, 1, 3, 10]))
    def advance(self, seconds: float) -> None:
        self.app.advance(seconds)

    def check(self, before: str | None, action: str, response: httpx.Response) -> None:
        if before is None:
            assert response.status_code == 404
        elif before in ALLOWED_FROM[action]:
            assert response.status_code == 200, (before, action, response.text)
        else:
            assert response.status_code == 400, (before, action, response.text)
            assert response.json()["code"] == "BAD_REQUEST"

    @invariant()
    def list_and_get_agree(self) -> None:
        listed = self.http.get("/machines", params={"limit": 120}).json()["items"]
        assert {machine["id"] for machine in listed} == self.alive
        for machine in listed:
            assert list(machine) == MACHINE_KEYS
            assert machine["state"] in MACHINE_STATES
            assert self.http.get(f"/machines/{machine['id']}").json() == machine

    @invariant()
    def finished_events_stay_finished(self) -> None:
        events = self.http.get("/machine-events", params={"limit": 120}).json()["items"]
        for event in events:
            if event["id"] in self.finished_events:
                assert event["state"] == self.finished_events[event["id"]]
            elif event["state"] in ("done", "error"):
                assert event["dtStarted"] is not None
                assert event["dtFinished"] is not None
                self.finished_events[event["id"]] = event["state"]


SandboxModel.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_sandbox_model = pytest.mark.slow(SandboxModel.TestCase)
