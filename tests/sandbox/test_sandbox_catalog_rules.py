"""What a create or update may carry, as real clients send it (docs/sandbox.md, "Rules and their
sources"): server templates on GPU types, M4000, the API's disk and shared-drive sizes, and
no refusal where no source shows one."""

from __future__ import annotations

import httpx
import pytest

from pspace_py.sandbox.app import SandboxApp
from tests.sandbox.sandbox_support import MACHINE, CreateMachine, error_of


@pytest.mark.parametrize(
    ("body", "source"),
    [
        (
            {
                "machineType": "P4000",
                "templateId": "t0nspur5",
                "diskSize": 100,
                "publicIpType": "static",
                "region": "Europe (AMS1)",
            },
            "Paperspace/cli#78's request",
        ),
        (
            {
                "machineType": "RTX4000",
                "templateId": "t0nspur5",
                "diskSize": 100,
                "publicIpType": "static",
                "startOnCreate": True,
                "region": "Europe (AMS1)",
            },
            "cloudypad's default",
        ),
        (
            {
                "machineType": "C2",
                "templateId": "t0nspur5",
                "region": "Europe (AMS1)",
                "publicIpType": "static",
                "startOnCreate": False,
            },
            "cloudypad's integration test",
        ),
        ({"machineType": "M4000", "templateId": "t0nspur5"}, "cloudypad's type list"),
        ({"machineType": "A4000", "templateId": "tkni3aa4"}, "no source restricts it"),
        ({"machineType": "H100", "templateId": "t0nspur5"}, "no source refuses it"),
        ({"machineType": "C4", "templateId": "t17d1a6i"}, "no source refuses it"),
        ({"machineType": "A4000", "templateId": "taoz1uxr"}, "in the real list (Windows)"),
    ],
)
def test_creates_real_clients_send_are_accepted(
    client: httpx.Client, body: dict, source: str
) -> None:
    response = client.post("/machines", json={**MACHINE, **body})
    assert response.status_code == 200, (source, response.text)
    machine = response.json()["data"]
    assert machine["machineType"] == body["machineType"]
    if body.get("publicIpType") == "static":
        assert machine["publicIp"] is not None  # cloudypad requires it in the create answer


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"machineType": "A5000", "templateId": "tvimtol9", "diskSize": 100}, "runs on: A100"),
        ({"machineType": "H100", "templateId": "tkni3aa4"}, "does not run on H100"),
        ({"diskSize": 60}, "must be one of 50, 100, 250, 500, 1000, 2000, 4000"),
        ({"diskSize": 0}, "`diskSize`: Input should be greater than 0"),
    ],
)
def test_refusals_that_have_a_source(client: httpx.Client, body: dict, fragment: str) -> None:
    """ML-in-a-Box 22.04 is A100/H100 only, H100 needs Ubuntu 22.04, sizes are the spec's."""
    message = error_of(client.post("/machines", json={**MACHINE, **body}), 400, "BAD_REQUEST")
    assert fragment in message


@pytest.mark.parametrize("size", [50.0, 4000, 16000])
def test_disk_sizes_the_spec_allows(client: httpx.Client, size: float) -> None:
    response = client.post("/machines", json={**MACHINE, "diskSize": size})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["storageTotal"] == int(size) * 2**30


def test_nvlink_is_accepted_on_any_type(client: httpx.Client) -> None:
    response = client.post(
        "/machines",
        json={**MACHINE, "machineType": "A4000", "templateId": "twnlo3zj", "enableNvlink": True},
    )
    assert response.status_code == 200, response.text


def test_settings_without_bounds_in_the_spec(client: httpx.Client) -> None:
    body = {
        **MACHINE,
        "autoShutdownEnabled": True,
        "autoShutdownTimeout": 200,
        "autoSnapshotEnabled": True,
        "autoSnapshotFrequency": "daily",
        "autoSnapshotSaveCount": 20.0,
    }
    response = client.post("/machines", json=body)
    assert response.status_code == 200, response.text
    machine = response.json()["data"]
    assert machine["autoShutdownTimeout"] == 200
    assert machine["autoSnapshotSaveCount"] == 20


def test_create_only_keys_on_update_are_ignored(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    """Like every other key the update does not take (the documented examples send extras)."""
    machine_id = make_machine()["id"]
    response = client.put(
        f"/machines/{machine_id}",
        json={"id": machine_id, "name": "renamed", "region": "CA1", "templateId": "tkni3aa4"},
    )
    assert response.status_code == 200, response.text
    machine = response.json()["data"]
    assert machine["name"] == "renamed"
    assert machine["region"] == "East Coast (NY2)"


def test_a_resize_to_a_spec_size_works(
    client: httpx.Client, app: SandboxApp, make_machine: CreateMachine
) -> None:
    machine_id = make_machine(startOnCreate=False)["id"]
    response = client.put(f"/machines/{machine_id}", json={"diskSize": 8000.0})
    assert response.status_code == 200, response.text
    app.advance(10)
    assert client.get(f"/machines/{machine_id}").json()["storageTotal"] == 8000 * 2**30


@pytest.mark.parametrize("size", [50, 50.0, 16000, 80000])
def test_shared_drive_sizes_include_the_docs_example(client: httpx.Client, size: float) -> None:
    """The docs' `pspace shared-drive create ... --size 50` (and the API how-to's `"size": 50`)."""
    network = client.post("/private-networks", json={"name": "n", "region": "NY2"}).json()
    body = {"name": "d", "networkId": network["id"], "region": "NY2", "size": size}
    response = client.post("/shared-drives", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["size"] == int(size) * 2**30
    error_of(client.post("/shared-drives", json={**body, "size": 60}), 400, "BAD_REQUEST")


def test_os_templates_answer_the_real_labels(client: httpx.Client) -> None:
    templates = {
        t["id"]: t for t in client.get("/os-templates", params={"limit": 120}).json()["items"]
    }
    assert templates["tvimtol9"]["operatingSystemLabel"] == "Ubuntu 22.04"
    server = {m["machineTypeLabel"] for m in templates["t0nspur5"]["availableMachineTypes"]}
    assert {"M4000", "A4000", "H100", "C5"} <= server
    assert "tnr2oh1m" in templates
