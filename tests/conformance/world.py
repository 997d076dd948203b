"""One arranged sandbox team: an object of every kind, made through the API as a user would.

The conformance tests replace the docs' example IDs (and give every official flag a value)
with these objects' real IDs. The same arrangement serves the in-process sandbox (through
`SandboxTransport`) and a served one (over loopback): both answer the same HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

SANDBOX_KEY = "sandbox-key"
# An OS template that runs on every machine type, the docs' A100-80G included, with the docs'
# 50 GB disk (the docs' own example, tx98gvxz, is an ID of their account).
GPU_TEMPLATE = "t17d1a6i"
# A CPU machine that every command can act on, and that can be resized to any type.
BOX = {"machineType": "C4", "templateId": GPU_TEMPLATE, "region": "NY2", "diskSize": 50}


@dataclass(frozen=True)
class World:
    """IDs of the arranged objects, by the role they play in a command line."""

    machine: str  # ready
    off_machine: str  # off: resize, custom-template create, delete
    gpu_machine: str  # off, an A4000: it can be resized to the docs' A100-80G
    event: str
    network: str
    empty_network: str  # nothing in it: can be deleted
    script: str  # assigned to off_machine
    snapshot: str  # of off_machine
    template: str  # custom template, from off_machine
    ip: str  # claimed, unassigned
    drive: str
    group: str  # autoscaling group
    cluster: str
    users: tuple[str, str]  # two team members (accessors)

    def values(self) -> dict[str, str]:
        """`{name}` placeholders for command-line templates."""
        return {
            "machine": self.machine,
            "off_machine": self.off_machine,
            "gpu_machine": self.gpu_machine,
            "event": self.event,
            "network": self.network,
            "empty_network": self.empty_network,
            "script": self.script,
            "snapshot": self.snapshot,
            "template": self.template,
            "ip": self.ip,
            "drive": self.drive,
            "group": self.group,
            "cluster": self.cluster,
            "user": self.users[0],
            "user2": self.users[1],
        }


class Api:
    """The sandbox's HTTP: `/v1` calls with the sandbox key, `/_sandbox` admin calls."""

    def __init__(self, http: httpx.Client) -> None:
        self.http = http

    def call(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(
            method,
            "/v1" + path,
            json=body,
            headers={"Authorization": f"Bearer {SANDBOX_KEY}"},
        )
        assert response.status_code < 300, f"{method} {path}: {response.text}"
        return response.json()

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        response = self.http.request(method, "/_sandbox/" + path, json=body)
        assert response.status_code == 200, f"{method} /_sandbox/{path}: {response.text}"
        return response.json()

    def requests(self) -> list[dict[str, Any]]:
        return list(self.admin("GET", "requests")["items"])

    def forget_requests(self) -> None:
        self.admin("DELETE", "requests")


def arrange(api: Api) -> World:
    """The objects, and a second one of each listed kind, so that every list has a next page."""
    network = api.call("POST", "/private-networks", {"name": "conf-net", "region": "NY2"})
    empty = api.call("POST", "/private-networks", {"name": "conf-empty", "region": "NY2"})
    script = api.call("POST", "/startup-scripts", {"name": "conf-script", "script": "echo hi"})
    ready = api.call("POST", "/machines", {**BOX, "name": "conf-box"})
    off = api.call("POST", "/machines", {**BOX, "name": "conf-off", "startOnCreate": False})
    gpu = api.call(
        "POST",
        "/machines",
        {**BOX, "machineType": "A4000", "name": "conf-gpu", "startOnCreate": False},
    )
    snapshot = api.call("POST", "/snapshots", {"machineId": off["data"]["id"], "name": "conf-snap"})
    template = api.call(
        "POST", "/custom-templates", {"machineId": off["data"]["id"], "name": "conf-template"}
    )
    api.call("POST", f"/startup-scripts/{script['id']}/assign", {"machineId": off["data"]["id"]})
    ip = api.call("POST", "/public-ips", {"region": "NY2"})
    drive = api.call(
        "POST",
        "/shared-drives",
        {"name": "conf-drive", "networkId": network["id"], "region": "NY2", "size": 250},
    )
    cluster = "clconf01"
    group_settings = {
        "clusterId": cluster,
        "machineType": "C4",
        "networkId": network["id"],
        "templateId": "t0nspur5",
        "min": 1,
        "max": 3,
    }
    group = api.call("POST", "/autoscaling-groups", {**group_settings, "name": "conf-group"})
    api.call("POST", "/snapshots", {"machineId": off["data"]["id"], "name": "conf-snap-2"})
    api.call("POST", "/custom-templates", {"machineId": off["data"]["id"], "name": "conf-tpl-2"})
    api.call("POST", "/public-ips", {"region": "NY2"})
    api.call("POST", "/startup-scripts", {"name": "conf-script-2", "script": "echo 2"})
    api.call(
        "POST",
        "/shared-drives",
        {"name": "conf-drive-2", "networkId": network["id"], "region": "NY2", "size": 250},
    )
    api.call("POST", "/autoscaling-groups", {**group_settings, "name": "conf-group-2"})
    users = tuple(
        api.admin("POST", "team-members", {"email": f"{who}@example.com"})["user"]["id"]
        for who in ("ada", "grace")
    )
    return World(
        machine=ready["data"]["id"],
        off_machine=off["data"]["id"],
        gpu_machine=gpu["data"]["id"],
        event=ready["event"]["id"],
        network=network["id"],
        empty_network=empty["id"],
        script=script["id"],
        snapshot=snapshot["data"]["id"],
        template=template["data"]["id"],
        ip=ip["ip"],
        drive=drive["id"],
        group=group["id"],
        cluster=cluster,
        users=(users[0], users[1]),
    )
