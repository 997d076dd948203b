"""The wait/poll helper against a sandbox whose clock the test moves."""

from __future__ import annotations

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.errors import WaitTimeoutError
from pspace_py.sandbox import FakeClock, create_app
from pspace_py.sandbox.transport import SandboxTransport
from pspace_py.waiting import PollSchedule, Progress, wait_for_machine

BODY = {
    "name": "w",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "ny2",
    "diskSize": 50,
}


@pytest.fixture
def world() -> tuple[ApiClient, FakeClock]:
    clock = FakeClock()
    app = create_app(clock=clock, seed=3)
    client = ApiClient(
        "http://sandbox.test/v1", "sandbox-key", transport=SandboxTransport(app), retries=0
    )
    return client, clock


def test_progress_is_reported_every_poll_and_flags_changes(
    world: tuple[ApiClient, FakeClock],
) -> None:
    client, clock = world
    created = MachinesApi(client).create(BODY)
    assert created.event is not None
    seen: list[Progress] = []
    elapsed = [0.0]

    def sleep(seconds: float) -> None:  # time passes for the sandbox and for the waiter
        elapsed[0] += seconds
        clock.advance(seconds)

    result = wait_for_machine(
        client,
        str(created.resource["id"]),
        {"ready"},
        event_id=str(created.event["id"]),
        on_progress=seen.append,
        schedule=PollSchedule(first=1.0, factor=1.0, cap=1.0),
        sleep=sleep,
        clock=lambda: elapsed[0],
    )
    assert result.machine is not None
    assert result.machine["state"] == "ready"
    assert len(seen) > 3  # provisioning takes seconds: several polls
    assert seen[0].changed
    assert any(not progress.changed for progress in seen)  # polls where nothing moved
    changes = [(p.state, p.event_state) for p in seen if p.changed]
    assert changes[-1] == ("ready", "done")
    assert len(changes) == len(set(changes))


def test_the_deadline_is_kept(world: tuple[ApiClient, FakeClock]) -> None:
    client, _ = world  # the sandbox clock never moves: provisioning never ends
    created = MachinesApi(client).create(BODY)
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        elapsed[0] += seconds

    with pytest.raises(WaitTimeoutError, match="after 5s"):
        wait_for_machine(
            client,
            str(created.resource["id"]),
            {"ready"},
            timeout=5,
            sleep=sleep,
            clock=lambda: elapsed[0],
        )
    assert elapsed[0] == pytest.approx(5.0)
