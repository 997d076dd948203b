"""SkyPilot's provisioner against `pspace sandbox serve` with the default timing: launch, wait,
query, stop (while ready and while provisioning), resume, terminate (while running and while
provisioning), a second launch. See `skypilot.py` for the transcription."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import ServedSandbox
from tests.replay.harness import Wire
from tests.replay.skypilot import (
    ADD_KEY_SCRIPT,
    INSTANCE_TO_TEMPLATEID,
    PaperspaceCloudError,
    SkyPilot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REGION = "East Coast (NY2)"  # SkyPilot's catalog (vms.csv) names regions this way
CLUSTER = "mycluster-2ea4"
TYPE = "A4000"
DISK = 500  # SkyPilot's default 256 GB, rounded up to one of its DISK_SIZES (config.py:14-28)


def launch(sky: SkyPilot, cluster: str = CLUSTER) -> dict[str, list[str]]:
    """`sky launch`: bootstrap_instances, then run_instances."""
    network_id = sky.bootstrap_instances(REGION, cluster)
    return sky.run_instances(
        REGION, cluster, network_id=network_id, instance_type=TYPE, disk_size=DISK
    )


def test_launch_query_stop_resume_terminate_while_running(wire: Wire) -> None:
    sky = SkyPilot(wire)
    [machine_id] = launch(sky)["created"]
    assert sky.query_instances(CLUSTER) == {machine_id: "UP"}
    [(private_ip, public_ip)] = sky.get_cluster_info(CLUSTER).values()
    # SkyPilot SSHes to the public address; the cluster's nodes talk over the private one.
    assert private_ip.startswith("10.")
    assert public_ip.count(".") == 3

    sky.stop_instances(CLUSTER)
    assert sky.query_instances(CLUSTER) == {machine_id: "STOPPED"}
    assert launch(sky) == {"resumed": [machine_id], "created": []}
    assert sky.query_instances(CLUSTER) == {machine_id: "UP"}

    sky.terminate_instances(CLUSTER)  # DELETE while ready, then the network 5 s later
    assert sky.query_instances(CLUSTER) == {}
    assert sky.list_endpoint("private-networks", name=CLUSTER) == []
    events = sky.list_endpoint("machine-events", machineId=machine_id)
    assert events[0]["name"] == "deactivate"  # newest first


def test_the_requests_are_skypilots_own(wire: Wire, served: ServedSandbox) -> None:
    """The harness sends what SkyPilot sends: the create body, and a bare PATCH for stop."""
    sky = SkyPilot(wire)
    [machine_id] = launch(sky)["created"]
    logged = served.requests()
    [create] = [item for item in logged if item["operationId"] == "machines-create"]
    [script] = sky.list_endpoint("startup-scripts", name=ADD_KEY_SCRIPT)
    assert create["body"] == {
        "name": f"{CLUSTER}-head",
        "machineType": TYPE,
        "networkId": sky.get_network(CLUSTER)["id"],
        "region": REGION,
        "diskSize": DISK,
        "templateId": "twnlo3zj",
        "publicIpType": "dynamic",
        "startupScriptId": script["id"],
        "enableNvlink": False,
        "startOnCreate": True,
    }
    assert create["headers"]["content-type"] == "application/json"
    sky.stop(machine_id)
    stop_headers = wire.last_request_headers()
    assert "content-type" not in stop_headers
    assert served.requests()[-1]["body"] is None


def test_stop_while_provisioning_then_resume(wire: Wire) -> None:
    """`sky stop` during a launch stops machines that are still provisioning, on purpose."""
    sky = SkyPilot(wire)
    network_id = sky.bootstrap_instances(REGION, CLUSTER)
    machine_id = sky.launch(f"{CLUSTER}-head", TYPE, network_id, REGION, DISK)["data"]["id"]
    assert sky.query_instances(CLUSTER) == {machine_id: "INIT"}  # provisioning
    sky.stop_instances(CLUSTER)
    assert sky.query_instances(CLUSTER) == {machine_id: "STOPPED"}
    assert launch(sky) == {"resumed": [machine_id], "created": []}
    assert sky.query_instances(CLUSTER) == {machine_id: "UP"}


def test_terminate_while_provisioning(wire: Wire) -> None:
    """`sky down` during a launch deletes a machine that is still provisioning."""
    sky = SkyPilot(wire)
    network_id = sky.bootstrap_instances(REGION, CLUSTER)
    machine_id = sky.launch(f"{CLUSTER}-head", TYPE, network_id, REGION, DISK)["data"]["id"]
    assert sky.query_instances(CLUSTER) == {machine_id: "INIT"}
    sky.terminate_instances(CLUSTER)
    assert sky.query_instances(CLUSTER) == {}
    assert sky.list_endpoint("private-networks", name=CLUSTER) == []


def test_a_second_launch_finds_the_renamed_key_script(wire: Wire) -> None:
    """Bootstrap renames `sky-add-key` to `sky-add-key-<hash>`; the next create still lists
    `startup-scripts?name=sky-add-key` and takes the first item."""
    sky = SkyPilot(wire)
    launch(sky)
    sky.stop_instances(CLUSTER)
    sky.terminate_instances(CLUSTER)
    [second] = launch(sky)["created"]  # bootstrap PUT-renames the script, then creates
    [script] = sky.list_endpoint("startup-scripts", name=ADD_KEY_SCRIPT)
    assert script["name"] == f"{ADD_KEY_SCRIPT}-{sky.user_hash}"
    assert second in script["assignedMachineIds"]
    assert sky.query_instances(CLUSTER) == {second: "UP"}
    sky.terminate_instances(CLUSTER)


def test_a_start_racing_another_start_is_told_currently_starting(wire: Wire) -> None:
    """Two `sky start`s of one cluster: the second start's refusal is the one SkyPilot
    swallows (instance.py:84-89), matched on the API's message text."""
    sky, other = SkyPilot(wire), SkyPilot(wire)
    [machine_id] = launch(sky)["created"]
    sky.stop_instances(CLUSTER)
    other.start(machine_id)
    with pytest.raises(PaperspaceCloudError) as refused:
        sky.start(machine_id)
    assert "This machine is currently starting." in str(refused.value)
    assert launch(sky)["created"] == []
    assert sky.query_instances(CLUSTER) == {machine_id: "UP"}


@pytest.mark.parametrize("instance_type", sorted(INSTANCE_TO_TEMPLATEID))
def test_every_type_skypilot_offers_launches_with_its_template(
    wire: Wire, instance_type: str
) -> None:
    """Each row of SkyPilot's type -> template table is accepted, with `enableNvlink` true for
    the types in its NVLINK_INSTANCES and false for the others."""
    sky = SkyPilot(wire)
    network_id = sky.bootstrap_instances(REGION, CLUSTER)
    created = sky.launch(f"{CLUSTER}-head", instance_type, network_id, REGION, DISK)
    assert created["data"]["machineType"] == instance_type
    assert created["event"]["name"] == "create"
