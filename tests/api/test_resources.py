"""The resource modules around machines send the contract's paths and bodies (contract §4)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pspace_py.api.client import ApiClient
from pspace_py.api.errors import NotFoundError
from pspace_py.api.private_networks import PrivateNetworksApi
from pspace_py.api.public_ips import PublicIpsApi
from pspace_py.api.shared_drives import SharedDrivesApi
from pspace_py.api.snapshots import SnapshotsApi
from pspace_py.api.startup_scripts import StartupScriptsApi
from pspace_py.api.templates import CustomTemplatesApi, OsTemplatesApi

Sent = list[tuple[str, str, Any]]


class FakeApi:
    """Answers with ``queued`` answers in turn, then ``answer``; records (method, path, body)."""

    def __init__(self) -> None:
        self.sent: Sent = []
        self.answer: Any = {}
        self.queued: list[Any] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else None
        # raw_path: what went on the wire, query and %-escapes included.
        path = request.url.raw_path.decode().removeprefix("/v1")
        self.sent.append((request.method, path, body))
        answer = self.queued.pop(0) if self.queued else self.answer
        return httpx.Response(
            200, content=json.dumps(answer).encode(), headers={"content-type": "application/json"}
        )


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def client(api: FakeApi) -> Iterator[ApiClient]:
    with ApiClient(
        "https://api.test/v1", "key", transport=httpx.MockTransport(api.handle), retries=0
    ) as client:
        yield client


SNAPSHOT = {"id": "s1", "name": "before", "machineId": "ps1", "isAutoSnapshot": False}
EVENT = {"id": "e1", "name": "snapshot-create", "state": "new"}


def test_snapshot_create_unwraps_the_event(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"data": SNAPSHOT, "event": EVENT}

    result = SnapshotsApi(client).create("ps1", "before")

    assert api.sent == [("POST", "/snapshots", {"machineId": "ps1", "name": "before"})]
    assert result.resource == SNAPSHOT
    assert result.event == EVENT


@pytest.mark.parametrize(
    ("choice", "body"),
    [
        (None, {}),
        (True, {"createSnapshotBeforeRestore": True}),
        (False, {"createSnapshotBeforeRestore": False}),
    ],
)
def test_snapshot_restore_sends_false_when_asked(
    client: ApiClient, api: FakeApi, choice: bool | None, body: dict[str, Any]
) -> None:
    api.answer = {"data": SNAPSHOT, "event": EVENT}

    SnapshotsApi(client).restore("s1", create_snapshot_before=choice)

    assert api.sent == [("POST", "/snapshots/s1/restore", body)]


def test_snapshot_update_get_delete_paths(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"data": SNAPSHOT, "event": EVENT}
    snapshots = SnapshotsApi(client)

    snapshots.update("s1", name="renamed")
    snapshots.get("s1")
    deleted = snapshots.delete("s1")

    assert api.sent == [
        ("PUT", "/snapshots/s1", {"name": "renamed"}),
        ("GET", "/snapshots/s1", None),
        ("DELETE", "/snapshots/s1", None),
    ]
    assert deleted.event == EVENT


def test_ids_are_quoted_in_paths(client: ApiClient, api: FakeApi) -> None:
    api.answer = SNAPSHOT

    SnapshotsApi(client).get("../machines/ps1")

    assert api.sent[0][1] == "/snapshots/..%2Fmachines%2Fps1"


def test_private_network_create_sends_migrate_machines_only_when_given(
    client: ApiClient, api: FakeApi
) -> None:
    networks = PrivateNetworksApi(client)
    api.answer = {"id": "n1"}

    networks.create("lab", "ny2")
    networks.create("lab", "ny2", migrate_machines=False)

    assert api.sent == [
        ("POST", "/private-networks", {"name": "lab", "region": "ny2"}),
        ("POST", "/private-networks", {"name": "lab", "region": "ny2", "migrateMachines": False}),
    ]


def test_private_network_null_answer_is_not_found(client: ApiClient, api: FakeApi) -> None:
    api.answer = None

    with pytest.raises(NotFoundError):
        PrivateNetworksApi(client).get("n404")


def test_private_network_update_and_delete(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"id": "n1"}
    networks = PrivateNetworksApi(client)

    networks.update("n1", name="lab2")
    assert networks.delete("n1") == {"id": "n1"}

    assert api.sent == [
        ("PUT", "/private-networks/n1", {"name": "lab2"}),
        ("DELETE", "/private-networks/n1", None),
    ]


def test_public_ip_unassign_sends_null(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"ip": "203.0.113.7", "assignedMachineId": None}
    ips = PublicIpsApi(client)

    ips.assign("203.0.113.7", "ps1")
    ips.assign("203.0.113.7", None)
    ips.claim("ams1")
    ips.release("203.0.113.7")

    assert api.sent == [
        ("PUT", "/public-ips/203.0.113.7", {"machineId": "ps1"}),
        ("PUT", "/public-ips/203.0.113.7", {"machineId": None}),
        ("POST", "/public-ips", {"region": "ams1"}),
        ("DELETE", "/public-ips/203.0.113.7", None),
    ]


def test_public_ip_find_scans_every_page(client: ApiClient, api: FakeApi) -> None:
    first = {"items": [{"ip": "203.0.113.1"}], "hasMore": True, "nextPage": "c1"}
    last = {"items": [{"ip": "203.0.113.2"}], "hasMore": False, "nextPage": None}
    api.queued = [first, last, first, last]

    assert PublicIpsApi(client).find("203.0.113.2") == {"ip": "203.0.113.2"}
    assert PublicIpsApi(client).find("198.51.100.9") is None
    paths = [path for _, path, _ in api.sent]
    assert len(paths) == 4
    assert all(path.startswith("/public-ips") for path in paths)
    assert ["after=c1" in path for path in paths] == [False, True, False, True]


def test_templates(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"items": [], "hasMore": False, "nextPage": None}
    OsTemplatesApi(client).page({"orderBy": "name", "name": "x"})
    api.answer = {"data": {"id": "t1"}, "event": EVENT}
    templates = CustomTemplatesApi(client)
    created = templates.create("ps1", "golden")
    api.answer = {"id": "t1", "name": "golden2"}
    templates.update("t1", name="golden2")
    deleted = templates.delete("t1")

    assert api.sent == [
        ("GET", "/os-templates?orderBy=name&name=x", None),
        ("POST", "/custom-templates", {"machineId": "ps1", "name": "golden"}),
        ("PUT", "/custom-templates/t1", {"name": "golden2"}),
        ("DELETE", "/custom-templates/t1", None),
    ]
    assert created.resource == {"id": "t1"}
    assert deleted == {"id": "t1", "name": "golden2"}


def test_startup_script_operations(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"id": "sc1"}
    scripts = StartupScriptsApi(client)

    scripts.create("boot", "echo hi")
    scripts.create("boot", "echo hi", run_once=False)
    scripts.update("sc1", {"isEnabled": False})
    scripts.assign("sc1", "ps1")
    scripts.unassign("sc1", "ps1")
    scripts.delete("sc1")

    assert api.sent == [
        ("POST", "/startup-scripts", {"name": "boot", "script": "echo hi"}),
        ("POST", "/startup-scripts", {"name": "boot", "script": "echo hi", "isRunOnce": False}),
        ("PUT", "/startup-scripts/sc1", {"isEnabled": False}),
        ("POST", "/startup-scripts/sc1/assign", {"machineId": "ps1"}),
        # The official client posts unassign to /assign; this is the fix.
        ("POST", "/startup-scripts/sc1/unassign", {"machineId": "ps1"}),
        ("DELETE", "/startup-scripts/sc1", None),
    ]


def test_shared_drive_operations(client: ApiClient, api: FakeApi) -> None:
    api.answer = {"id": "sd1"}
    drives = SharedDrivesApi(client)

    drives.create(name="data", size_gb=250, region="ny2", network_id="n1")
    drives.update("sd1", name="data2")
    drives.delete("sd1")

    assert api.sent == [
        (
            "POST",
            "/shared-drives",
            {"name": "data", "size": 250, "region": "ny2", "networkId": "n1"},
        ),
        ("PUT", "/shared-drives/sd1", {"name": "data2"}),
        ("DELETE", "/shared-drives/sd1", None),
    ]
