"""The operations the sandbox implements: method, path (under /v1) and operationId -> handler.

Anything else under /v1 answers 501 METHOD_NOT_SUPPORTED ("... is not implemented by the pspace
sandbox") rather than a fake success.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Map, Rule

from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.faults import FaultRule
from pspace_py.sandbox.handlers import (
    account,
    autoscaling_groups,
    events,
    machine_access,
    machines,
    networks,
    public_ips,
    shared_drives,
    snapshots,
    startup_scripts,
    team_members,
    templates,
)

Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Werkzeug rule syntax, relative to /v1
    operation_id: str
    handler: Handler
    # Answers 200 `null` when the key is missing or not accepted, as the real auth-session does
    # (the official CLI, cloudypad and the Terraform provider read that as "invalid key").
    null_without_key: bool = False

    @property
    def writes(self) -> bool:
        return self.method != "GET"


ROUTES = (
    Route("GET", "/auth/session", "auth-session", account.get_session, null_without_key=True),
    Route(
        "GET",
        "/billing/account-standing",
        "billingAccountStanding-get",
        account.get_account_standing,
    ),
    Route("GET", "/machines", "machines-list", machines.list_machines),
    Route("POST", "/machines", "machines-create", machines.create_machine),
    Route("GET", "/machines/<id>", "machines-get", machines.get_machine),
    Route("PUT", "/machines/<id>", "machines-update", machines.update_machine),
    Route("DELETE", "/machines/<id>", "machines-delete", machines.delete_machine),
    Route("PATCH", "/machines/<id>/start", "machines-start", machines.start_machine),
    Route("PATCH", "/machines/<id>/stop", "machines-stop", machines.stop_machine),
    Route("PATCH", "/machines/<id>/restart", "machines-restart", machines.restart_machine),
    Route(
        "GET", "/machines/<id>/accessors", "machines-listAccessors", machine_access.list_accessors
    ),
    Route("POST", "/machines/<id>/accessors", "machines-addAccessor", machine_access.add_accessor),
    Route(
        "GET",
        "/machines/<id>/accessors/<userId>",
        "machines-getAccessor",
        machine_access.get_accessor,
    ),
    Route(
        "DELETE",
        "/machines/<id>/accessors/<userId>",
        "machines-removeAccessor",
        machine_access.remove_accessor,
    ),
    Route("GET", "/machines/<id>/desktop", "machines-getDesktop", machine_access.get_desktop),
    Route("GET", "/machine-events", "machineEvents-list", events.list_events),
    Route("GET", "/machine-events/<id>", "machineEvents-get", events.get_event),
    Route("GET", "/snapshots", "snapshots-list", snapshots.list_snapshots),
    Route("POST", "/snapshots", "snapshots-create", snapshots.create_snapshot),
    Route("GET", "/snapshots/<id>", "snapshots-get", snapshots.get_snapshot),
    Route("PUT", "/snapshots/<id>", "snapshots-update", snapshots.update_snapshot),
    Route("DELETE", "/snapshots/<id>", "snapshots-delete", snapshots.delete_snapshot),
    Route("POST", "/snapshots/<id>/restore", "snapshots-restore", snapshots.restore_snapshot),
    Route("GET", "/private-networks", "privateNetworks-list", networks.list_networks),
    Route("POST", "/private-networks", "privateNetworks-create", networks.create_network),
    Route("GET", "/private-networks/<id>", "privateNetworks-get", networks.get_network),
    Route("PUT", "/private-networks/<id>", "privateNetworks-update", networks.update_network),
    Route("DELETE", "/private-networks/<id>", "privateNetworks-delete", networks.delete_network),
    Route("GET", "/public-ips", "publicIps-list", public_ips.list_public_ips),
    Route("POST", "/public-ips", "publicIps-claim", public_ips.claim_public_ip),
    Route("PUT", "/public-ips/<ip>", "publicIps-assign", public_ips.assign_public_ip),
    Route("DELETE", "/public-ips/<ip>", "publicIps-release", public_ips.release_public_ip),
    Route("GET", "/os-templates", "osTemplates-list", templates.list_os_templates),
    Route("GET", "/custom-templates", "customTemplates-list", templates.list_custom_templates),
    Route("POST", "/custom-templates", "customTemplates-create", templates.create_custom_template),
    Route("GET", "/custom-templates/<id>", "customTemplates-get", templates.get_custom_template),
    Route(
        "PUT", "/custom-templates/<id>", "customTemplates-update", templates.update_custom_template
    ),
    Route(
        "DELETE",
        "/custom-templates/<id>",
        "customTemplates-delete",
        templates.delete_custom_template,
    ),
    Route("GET", "/startup-scripts", "startupScripts-list", startup_scripts.list_scripts),
    Route("POST", "/startup-scripts", "startupScripts-create", startup_scripts.create_script),
    Route("GET", "/startup-scripts/<id>", "startupScripts-get", startup_scripts.get_script),
    Route("PUT", "/startup-scripts/<id>", "startupScripts-update", startup_scripts.update_script),
    Route(
        "DELETE", "/startup-scripts/<id>", "startupScripts-delete", startup_scripts.delete_script
    ),
    Route("POST", "/startup-scripts/<id>/assign", "startupScripts-assign", startup_scripts.assign),
    Route(
        "POST",
        "/startup-scripts/<id>/unassign",
        "startupScripts-unassign",
        startup_scripts.unassign,
    ),
    Route(
        "GET", "/teams/<teamId>/users", "teamMemberships-listByTeamId", team_members.list_members
    ),
    Route(
        "PUT",
        "/teams/<teamId>/users/<userId>",
        "teamMemberships-update",
        team_members.update_member,
    ),
    Route(
        "DELETE",
        "/teams/<teamId>/users/<userId>",
        "teamMemberships-removeUser",
        team_members.remove_member,
    ),
    Route("GET", "/shared-drives", "sharedDrives-list", shared_drives.list_drives),
    Route("POST", "/shared-drives", "sharedDrives-create", shared_drives.create_drive),
    Route("GET", "/shared-drives/<id>", "sharedDrives-get", shared_drives.get_drive),
    Route("PUT", "/shared-drives/<id>", "sharedDrives-update", shared_drives.update_drive),
    Route("DELETE", "/shared-drives/<id>", "sharedDrives-delete", shared_drives.delete_drive),
    # From the official CLI's spec only; the public API reference marks them private.
    Route("GET", "/autoscaling-groups", "autoscalingGroups-list", autoscaling_groups.list_groups),
    Route(
        "POST", "/autoscaling-groups", "autoscalingGroups-create", autoscaling_groups.create_group
    ),
    Route("GET", "/autoscaling-groups/<id>", "autoscalingGroups-get", autoscaling_groups.get_group),
    Route(
        "PUT",
        "/autoscaling-groups/<id>",
        "autoscalingGroups-update",
        autoscaling_groups.update_group,
    ),
    Route(
        "DELETE",
        "/autoscaling-groups/<id>",
        "autoscalingGroups-delete",
        autoscaling_groups.delete_group,
    ),
)

ROUTES_BY_OPERATION = {route.operation_id: route for route in ROUTES}
OPERATION_IDS = tuple(ROUTES_BY_OPERATION)


def validate_fault(rule: FaultRule) -> FaultRule:
    """The rule, if it names an operation the sandbox has (or `*`); ValueError otherwise."""
    if rule.operation != "*" and rule.operation not in OPERATION_IDS:
        raise ValueError(
            f"unknown operation {rule.operation!r} in fault rule; use '*' or one of: "
            + ", ".join(OPERATION_IDS)
        )
    return rule


def build_url_map() -> Map:
    # Trailing slashes are tolerated rather than redirected: an API client does not follow 308s.
    return Map(
        [Rule(route.path, endpoint=route.operation_id, methods=[route.method]) for route in ROUTES],
        strict_slashes=False,
        merge_slashes=False,
        redirect_defaults=False,
    )


def _route_shapes() -> dict[str, dict[str, int]]:
    """Per collection: the action names after an ID, each with the most segments it takes."""
    shapes: dict[str, dict[str, int]] = {}
    for route in ROUTES:
        parts = route.path.strip("/").split("/")
        actions = shapes.setdefault(parts[0], {})
        action = parts[2] if len(parts) >= 3 else ""
        actions[action] = max(actions.get(action, 0), len(parts))
    return shapes


_SHAPES = _route_shapes()


def names_a_missing_item(path: str) -> bool:
    """Whether an unmatched path is an emulated collection's item that cannot exist.

    IDs are single path segments, so ``/machines/a/b`` (an ID with an encoded slash, say)
    names no machine: that is a 404, not an operation the sandbox lacks (501).
    """
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] not in _SHAPES:
        return False
    longest = _SHAPES[parts[0]].get(parts[2])
    return longest is None or len(parts) > longest
