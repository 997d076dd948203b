"""OpenLLM's CI job against `pspace sandbox serve` with the default timing: the machine the
first step creates is the one the second step finds by its name prefix, then it is deleted
while running. See `openllm.py` for the transcription."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import ServedSandbox
from tests.replay.harness import Wire
from tests.replay.openllm import OpenLlmCi

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# PAPERSPACE_TEMPLATE_ID is a secret of their CI; twnlo3zj (ML-in-a-Box, Ubuntu 20.04) is the
# template SkyPilot creates A4000 machines with (constants.py).
TEMPLATE = "twnlo3zj"


def test_ci_job_reuses_the_machine_found_by_name_prefix_then_deletes_it(
    wire: Wire, served: ServedSandbox
) -> None:
    network = served.api("POST", "/private-networks", {"name": "ci", "region": "NY2"})
    first_step = OpenLlmCi(wire)  # each step of ci.yml is a new process
    public_ip = first_step.run_ci_template(TEMPLATE, network["id"], output="ip")
    assert public_ip.count(".") == 3
    second_step = OpenLlmCi(wire)
    machine_id = second_step.run_ci_template(TEMPLATE, network["id"], output="id")
    [machine] = served.api("GET", "/machines")["items"]  # no second A4000
    assert machine["id"] == machine_id
    assert machine["name"].startswith("openllm-ci-")
    assert OpenLlmCi(wire).delete(machine_id) == 0  # "shutdown machine", while ready
    assert served.api("GET", "/machines")["items"] == []


def test_start_of_a_running_and_stop_of_an_off_machine_answer_400(wire: Wire) -> None:
    """`--start`/`--stop` print "already running"/"already off" on a 400."""
    ci = OpenLlmCi(wire)
    machine_id = ci.run_ci_template(TEMPLATE, None, output="id")
    start = wire.send("PATCH", f"/machines/{machine_id}/start", headers=ci.headers)
    assert start.status_code == 400
    assert ci.stop(machine_id) is True
    while ci.state(machine_id) != "off":
        wire.sleep(5)
    stop = wire.send("PATCH", f"/machines/{machine_id}/stop", headers=ci.headers)
    assert stop.status_code == 400
    assert ci.start(machine_id) is True
