"""Autoscaling groups: a cluster's pool of machines of one type, template and network.

From the official CLI's spec only (SPEC-CLI `autoscalingGroups-*`); the public API reference
does not list them. The sandbox keeps the group and its counts; it runs no cluster autoscaler,
so no machines are made. `current` starts at `min` and stays between `min` and `max`.
"""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.models import AutoscalingGroupCreate, AutoscalingGroupUpdate, ListQuery
from pspace_py.sandbox.state import account, lists, machine_specs, memory_pages, templates
from pspace_py.sandbox.state.kinds import AUTOSCALING_GROUP, PRIVATE_NETWORK, STARTUP_SCRIPT
from pspace_py.sandbox.state.tx import Record, Tx

_ORDERS = {"dtCreated": memory_pages.by_time("dtCreated"), "name": memory_pages.by_text("name")}
# The fields that decide where and on what the machines would run, checked together.
_PLACEMENT = ("machineType", "networkId", "templateId")
_SETTINGS = ("name", "clusterId", "provisioningTimeout", "startupScriptId", "min", "max")


def list_groups(tx: Tx, query: ListQuery) -> lists.Listing[Record]:
    """`clusterId` (an ID) matches exactly; `machineType` as every string filter does."""
    wanted = query.filter_values()
    cluster, machine_type = wanted.get("clusterId"), wanted.get("machineType")
    found = [
        record
        for record in tx.find(AUTOSCALING_GROUP)
        if (cluster is None or record["clusterId"] == cluster)
        and (machine_type is None or lists.matches_part(record["machineType"], machine_type))
    ]
    return memory_pages.page(found, query, _ORDERS, default_order_by="dtCreated")


def create(tx: Tx, body: AutoscalingGroupCreate) -> Record:
    account.require_good_standing(tx, "create an autoscaling group")
    record: Record = {
        "id": tx.new_id(AUTOSCALING_GROUP, lambda: tx.ids.prefixed("asg", 6)),
        **_placement(
            tx,
            machine_type=body.machineType,
            network_id=body.networkId,
            template_id=body.templateId,
        ),
        "current": body.min,
        "dtCreated": tx.now_ms,
        "dtModified": tx.now_ms,
        "dtDeleted": None,
        "lastEditedByUserId": tx.team.user_id,
    }
    _apply_settings(tx, record, body.model_dump())
    tx.insert(AUTOSCALING_GROUP, record)
    return record


def update(tx: Tx, group_id: str, body: AutoscalingGroupUpdate) -> Record:
    """Change what is sent; `current` moves into a changed min-max range."""
    record = tx.get(AUTOSCALING_GROUP, group_id)
    account.require_good_standing(tx, "change an autoscaling group")
    changes = body.model_dump()
    if any(changes[key] is not None for key in _PLACEMENT):
        wanted = {key: changes[key] or record[key] for key in _PLACEMENT}
        record.update(
            _placement(
                tx,
                machine_type=wanted["machineType"],
                network_id=wanted["networkId"],
                template_id=wanted["templateId"],
            )
        )
    _apply_settings(tx, record, changes)
    if changes["current"] is not None:
        if not record["min"] <= changes["current"] <= record["max"]:
            raise bad_request(
                f"`current` must be between min ({record['min']}) and max ({record['max']}), "
                f"not {changes['current']}."
            )
        record["current"] = changes["current"]
    record["current"] = min(max(record["current"], record["min"]), record["max"])
    record["dtModified"] = tx.now_ms
    record["lastEditedByUserId"] = tx.team.user_id
    tx.update(AUTOSCALING_GROUP, record)
    return record


def delete(tx: Tx, group_id: str) -> Record:
    return tx.remove(AUTOSCALING_GROUP, group_id)


def _placement(tx: Tx, *, machine_type: str, network_id: str, template_id: str) -> dict[str, Any]:
    """A machine type the template runs on, offered in the network's region."""
    kind = machine_specs.known_machine_type(tx, machine_type, "machineType")
    network = tx.get(PRIVATE_NETWORK, network_id)
    machine_specs.check_offered_in_region(tx, kind, network["region"])
    template = templates.resolve(tx, template_id, network["region"])
    templates.check_allows(template, kind)
    return {"machineType": kind.label, "networkId": network["id"], "templateId": template.id}


def _apply_settings(tx: Tx, record: Record, changes: dict[str, Any]) -> None:
    """Name, cluster, counts, timeout and script: the ones given (None keeps one as it is)."""
    for key in _SETTINGS:
        if changes.get(key) is not None:
            record[key] = changes[key]
        record.setdefault(key, None)
    if changes.get("startupScriptId") is not None:
        tx.get(STARTUP_SCRIPT, changes["startupScriptId"])
    if record["min"] > record["max"]:
        raise bad_request(
            f"`min` ({record['min']}) must not be greater than `max` ({record['max']})."
        )
