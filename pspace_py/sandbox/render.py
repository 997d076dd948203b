"""Records -> the contract's objects (§3), with exactly the contract's keys in a fixed order.

Keys are emitted in the contract's (alphabetical) order for every item of a kind, optional keys
included, so a client that builds table columns from the first item never meets a shorter one.
Dates are ISO-8601 UTC with milliseconds; sizes are bytes; `region` is the region's full name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pspace_py.catalog import OsTemplate
from pspace_py.sandbox.clock import iso_from_ms
from pspace_py.sandbox.lifecycle import (
    RUNNING_STATES,
    event_view,
    machine_modified_ms,
    machine_state,
)
from pspace_py.sandbox.teams import OWNER_FIRST_NAME, OWNER_LAST_NAME, SIGNED_UP_MS, Team

# Templates whose build date the catalog does not know get this date (dtCreated is required).
UNKNOWN_TEMPLATE_DATE = "2020-01-01T00:00:00.000Z"
# Fixed sign-up dates of the sandbox's users and teams.
ACCOUNT_CREATED = iso_from_ms(SIGNED_UP_MS)


def _iso(epoch_ms: int | None) -> str | None:
    return None if epoch_ms is None else iso_from_ms(epoch_ms)


class Renderer:
    """Renders records; `region_name` gives a region code's name as the API shows it."""

    def __init__(self, region_name: Callable[[str], str]) -> None:
        self.region_name = region_name

    def machine(
        self, record: dict[str, Any], now_ms: int, *, at_call: bool = False
    ) -> dict[str, Any]:
        state = machine_state(record, now_ms, at_call=at_call)
        public_ip = record["staticIp"] or (record["dynamicIp"] if state in RUNNING_STATES else None)
        return {
            "accelerators": record["accelerators"],
            "agentType": record["agentType"],
            "autoShutdownEnabled": record["autoShutdownEnabled"],
            "autoShutdownForce": record["autoShutdownForce"],
            "autoShutdownTimeout": record["autoShutdownTimeout"],
            "autoSnapshotEnabled": record["autoSnapshotEnabled"],
            "autoSnapshotFrequency": record["autoSnapshotFrequency"],
            "autoSnapshotSaveCount": record["autoSnapshotSaveCount"],
            "cpus": record["cpus"],
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "dtModified": iso_from_ms(
                record["dtModified"] if at_call else machine_modified_ms(record, now_ms)
            ),
            "id": record["id"],
            "machineType": record["machineType"],
            "name": record["name"],
            "networkId": record["networkId"],
            "os": record["os"],
            "privateIp": record["privateIp"],
            "publicIp": public_ip,
            "publicIpType": record["publicIpType"],
            "ram": record["ram"],
            "region": self.region_name(record["region"]),
            "reservation": None,
            "restorePointEnabled": record["restorePointEnabled"],
            "restorePointFrequency": record["restorePointFrequency"],
            "restorePointSnapshotId": record["restorePointSnapshotId"],
            "state": state,
            "storageRate": record["storageRate"],
            "storageTotal": record["diskSizeGb"] * 2**30,
            "storageUsed": record["storageUsed"],
            "updatesPending": False,
            "usageRate": record["usageRate"],
        }

    def event(
        self, record: dict[str, Any], now_ms: int, *, at_call: bool = False
    ) -> dict[str, Any]:
        view = event_view(record, now_ms, at_call=at_call)
        return {
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtFinished": _iso(view.finished_ms),
            "dtStarted": _iso(view.started_ms),
            "error": view.error,
            "id": record["id"],
            "machineId": record["machineId"],
            "name": record["name"],
            "state": view.state,
        }

    def snapshot(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": record["id"],
            "isAutoSnapshot": record["isAutoSnapshot"],
            "machineId": record["machineId"],
            "name": record["name"],
        }

    def private_network(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "id": record["id"],
            "name": record["name"],
            "netmask": record["netmask"],
            "network": record["network"],
            "region": self.region_name(record["region"]),
        }

    def public_ip(self, record: dict[str, Any]) -> dict[str, Any]:
        # `assignedMachineId` is always present (null when unassigned): stable key sets.
        return {
            "assignedMachineId": record["machineId"],
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "ip": record["id"],
            "region": self.region_name(record["region"]),
        }

    def os_template(self, template: OsTemplate) -> dict[str, Any]:
        return {
            "agentType": template.agent_type,
            "availableMachineTypes": [
                {"isAvailable": True, "machineTypeLabel": label} for label in template.machine_types
            ],
            "defaultSizeGb": template.default_size_gb,
            "dtCreated": template.dt_created or UNKNOWN_TEMPLATE_DATE,
            "id": template.id,
            "name": template.name,
            "operatingSystemLabel": template.operating_system_label,
        }

    def custom_template(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "agentType": record["agentType"],
            "availableMachineTypes": [
                {"isAvailable": True, "machineTypeLabel": label} for label in record["machineTypes"]
            ],
            "defaultSizeGb": record["defaultSizeGb"],
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "id": record["id"],
            "name": record["name"],
            "operatingSystemLabel": record["operatingSystemLabel"],
            "parentMachineId": record["machineId"],
            "region": self.region_name(record["region"]),
        }

    def startup_script(self, record: dict[str, Any]) -> dict[str, Any]:
        # The script body is never returned (contract §3.9).
        return {
            "assignedMachineIds": list(record["assignedMachineIds"]),
            "description": None,
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "id": record["id"],
            "isEnabled": record["isEnabled"],
            "isRunOnce": record["isRunOnce"],
            "name": record["name"],
        }

    def shared_drive(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "id": record["id"],
            "mountPoint": record["mountPoint"],
            "name": record["name"],
            "networkId": record["networkId"],
            "password": record["password"],
            "region": self.region_name(record["region"]),
            "size": record["sizeGb"] * 2**30,
            "username": record["username"],
        }

    def team_member(self, record: dict[str, Any]) -> dict[str, Any]:
        # Members are confirmed when they join the sandbox's teams (there are no invitations).
        return {
            "dtConfirmed": iso_from_ms(record["dtCreated"]),
            "isAdmin": record["isAdmin"],
            "isOwner": record["isOwner"],
            "user": {
                "email": record["email"],
                "firstName": record["firstName"],
                "id": record["id"],
                "lastActive": None,
                "lastName": record["lastName"],
                "publicProfileImageUrl": None,
            },
        }

    def membership(self, record: dict[str, Any]) -> dict[str, Any]:
        """What teamMemberships-update and -removeUser answer: the membership, no user."""
        return {
            "dtConfirmed": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "isAdmin": record["isAdmin"],
            "isOwner": record["isOwner"],
        }

    def accessor(self, record: dict[str, Any]) -> dict[str, Any]:
        user = record["user"]
        return {
            "dtDeleted": _iso(record["dtDeleted"]),
            "user": {
                "email": user["email"],
                "firstName": user["firstName"],
                "id": user["id"],
                "lastName": user["lastName"],
                "publicProfileImageUrl": None,
            },
        }

    def desktop(
        self,
        machine: dict[str, Any],
        now_ms: int,
        *,
        kind: str | None,
        port: int | None,
        password: str | None,
    ) -> dict[str, Any]:
        """`{vnc}` or `{windows}` (`{}` without a desktop); the host is the address shown."""
        if kind is None:
            return {}
        shown = self.machine(machine, now_ms)
        hostname = shown["publicIp"] or shown["privateIp"]
        if kind == "vnc":
            return {"vnc": {"hostname": hostname, "password": password, "port": port}}
        windows = {"hostname": hostname, "port": port}
        if shown["publicIp"]:  # optional, and a string when present
            windows["publicIp"] = shown["publicIp"]
        return {"windows": windows}

    def autoscaling_group(self, record: dict[str, Any]) -> dict[str, Any]:
        return {
            "clusterId": record["clusterId"],
            "current": record["current"],
            "dtCreated": iso_from_ms(record["dtCreated"]),
            "dtDeleted": _iso(record["dtDeleted"]),
            "dtModified": iso_from_ms(record["dtModified"]),
            "id": record["id"],
            "lastEditedByUserId": record["lastEditedByUserId"],
            "machineType": record["machineType"],
            "max": record["max"],
            "min": record["min"],
            "name": record["name"],
            "networkId": record["networkId"],
            "provisioningTimeout": record["provisioningTimeout"],
            "startupScriptId": record["startupScriptId"],
            "templateId": record["templateId"],
        }


def account_standing(standing: dict[str, Any]) -> dict[str, Any]:
    return {
        "hasPaymentMethod": standing["hasPaymentMethod"],
        "isAdminLocked": standing["isAdminLocked"],
        "isInGoodStanding": standing["isInGoodStanding"],
        "messages": list(standing["messages"]),
    }


def session(team: Team) -> dict[str, Any]:
    namespace = team.namespace
    return {
        "team": {
            "analyticsId": team.analytics_id,
            "id": team.id,
            "isPrivate": False,
            "maxMachines": 10_000,
            "namespace": namespace,
        },
        "user": {
            "analyticsId": team.user_analytics_id,
            "dtConfirmed": ACCOUNT_CREATED,
            "dtCreated": ACCOUNT_CREATED,
            "email": team.email,
            "firstName": OWNER_FIRST_NAME,
            "id": team.user_id,
            "isPasswordAuthEnabled": True,
            "isPhoneVerified": False,
            "isQrCodeBasedMfaConfirmed": False,
            "isQrCodeBasedMfaEnabled": False,
            "lastName": OWNER_LAST_NAME,
            "metadata": {
                "coreSurvey": None,
                "gradientSurvey": None,
                "graphcoreTermsAccepted": False,
                "tags": None,
            },
            "preferences": {
                "defaultProduct": None,
                "defaultTeamId": team.id,
                "disableHotkeys": False,
                "fontSize": None,
                "theme": None,
            },
            "teamMemberships": [
                {
                    "isAdmin": True,
                    "isOwner": True,
                    "team": {
                        "dtCreated": ACCOUNT_CREATED,
                        "id": team.id,
                        "isUserTeam": True,
                        "name": namespace,
                        "namespace": namespace,
                        "publicProfileImageUrl": None,
                    },
                }
            ],
        },
    }
