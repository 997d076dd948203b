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
    events,
    machines,
    networks,
    public_ips,
    shared_drives,
    snapshots,
    startup_scripts,
    templates,
)

Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # Werkzeug rule syntax, relative to /v1
    operation_id: str
    handler: Handler

    @property
    def writes(self) -> bool:
        return self.method != "GET"


ROUTES = (
    Route("GET", "/auth/session", "auth-session", account.get_session),
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
    Route("GET", "/shared-drives", "sharedDrives-list", shared_drives.list_drives),
    Route("POST", "/shared-drives", "sharedDrives-create", shared_drives.create_drive),
    Route("GET", "/shared-drives/<id>", "sharedDrives-get", shared_drives.get_drive),
    Route("PUT", "/shared-drives/<id>", "sharedDrives-update", shared_drives.update_drive),
    Route("DELETE", "/shared-drives/<id>", "sharedDrives-delete", shared_drives.delete_drive),
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


def _route_shapes() -> dict[str, tuple[int, frozenset[str]]]:
    """Per collection: the most segments a route has, and the action names after an ID."""
    shapes: dict[str, tuple[int, set[str]]] = {}
    for route in ROUTES:
        parts = route.path.strip("/").split("/")
        longest, actions = shapes.get(parts[0], (0, set()))
        if len(parts) >= 3:
            actions.add(parts[2])
        shapes[parts[0]] = (max(longest, len(parts)), actions)
    return {name: (longest, frozenset(actions)) for name, (longest, actions) in shapes.items()}


_SHAPES = _route_shapes()


def names_a_missing_item(path: str) -> bool:
    """Whether an unmatched path is an emulated collection's item that cannot exist.

    IDs are single path segments, so ``/machines/a/b`` (an ID with an encoded slash, say)
    names no machine: that is a 404, not an operation the sandbox lacks (501).
    """
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] not in _SHAPES:
        return False
    longest, actions = _SHAPES[parts[0]]
    return len(parts) > longest or parts[2] not in actions | _UNEMULATED_SUBRESOURCES


# Machine sub-resources of the API that the sandbox does not emulate (they answer 501).
_UNEMULATED_SUBRESOURCES = frozenset({"accessors", "desktop"})
