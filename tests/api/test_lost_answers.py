"""A power action whose answer was lost: the retry is refused (the real API answers 400, the
action already took effect), so the client looks at the machine instead of failing."""

from __future__ import annotations

import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.machines import MachinesApi
from pspace_py.sandbox import FaultRule, create_app
from pspace_py.sandbox.transport import SandboxTransport

MACHINE = {
    "name": "lost",
    "machineType": "C4",
    "templateId": "t0nspur5",
    "region": "NY2",
    "diskSize": 50,
}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("action", "start_on_create", "reached"),
    [("stop", True, "stopping"), ("start", False, "starting"), ("restart", True, "restarting")],
)
def test_a_refused_retry_after_a_lost_answer_is_success(
    action: str, start_on_create: bool, reached: str
) -> None:
    app = create_app(seed=2)  # default timing: the machine is still on its way when retried
    transport = SandboxTransport(app, sleep=lambda _: None)
    with ApiClient("http://sandbox.test/v1", "sandbox-key", transport=transport) as client:
        machines = MachinesApi(client)
        machine_id = machines.create({**MACHINE, "startOnCreate": start_on_create}).resource["id"]
        app.advance(60)
        # Longer than the client's read timeout: the first try acts, its answer never comes.
        app.add_fault(FaultRule(f"machines-{action}", action="latency", latency_ms=61_000))
        result = getattr(machines, action)(machine_id)
    assert result.resource["state"] == reached
    app.close()
