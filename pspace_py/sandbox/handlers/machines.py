"""machines-*: list, create, get, update (sync settings or an async resize), delete, start,
stop, restart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pspace_py.catalog import MachineType, OsTemplate
from pspace_py.sandbox import addresses, store
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.errors import bad_request, conflict
from pspace_py.sandbox.lifecycle import TRANSITIONAL_STATES, begin_transition, machine_state
from pspace_py.sandbox.models import (
    CREATE_ONLY_MACHINE_FIELDS,
    MachineCreate,
    MachineUpdate,
    list_query_model,
)

KIND = "machine"
DEFAULT_PUBLIC_IP_TYPE = "dynamic"  # the console's default; the API's is not documented
MachinesListQuery = list_query_model(
    "machines-list", ("dtCreated", "name", "state"), ("name", "region", "agentType", "machineType")
)


# ---------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------


def list_machines(ctx: Ctx) -> Any:
    query = ctx.parse_query(MachinesListQuery)
    filters = query.filter_values()
    if "region" in filters:
        filters["region"] = ctx.region(filters["region"]).code
    return ctx.list_response(
        KIND, query, lambda record: ctx.wire.machine(record, ctx.now_ms), filters=filters
    )


def get_machine(ctx: Ctx) -> Any:
    return ctx.wire.machine(machine_or_404(ctx, ctx.params["id"]), ctx.now_ms)


def create_machine(ctx: Ctx) -> Any:
    ctx.require_good_standing("create a machine")
    body = ctx.parse(MachineCreate)
    machine_type = known_machine_type(ctx, body.machineType, "machineType")
    region = ctx.region(body.region)
    check_offered_in_region(ctx, machine_type, region.code)
    template = resolve_template(ctx, body.templateId, region.code)
    check_template_allows(template, machine_type)
    check_disk_size(ctx, body.diskSize, minimum=template.default_size_gb)
    network = network_for(ctx, body.networkId, region.code) if body.networkId else None
    script = (
        ctx.get_or_404("startup_script", body.startupScriptId, "Startup script")
        if body.startupScriptId
        else None
    )
    if body.enableNvlink and not machine_type.nvlink:
        raise bad_request(f"Machine type {machine_type.label} does not support NVLink.")

    machine_id = ctx.new_id(KIND, ctx.ids.machine_id)
    record = new_machine_record(
        ctx,
        machine_id=machine_id,
        name=body.name,
        machine_type=machine_type,
        region_code=region.code,
        template=template,
        disk_size_gb=body.diskSize,
        public_ip_type=body.publicIpType or DEFAULT_PUBLIC_IP_TYPE,
        state="off",
    )
    apply_settings(record, body)
    record["startupScriptId"] = body.startupScriptId
    record["enableNvlink"] = bool(body.enableNvlink)
    if network is not None:
        join_network(ctx, record, network)
    else:
        record["privateIp"] = lease_or_409(
            ctx, addresses.DEFAULT_PRIVATE_POOL, addresses.DEFAULT_PRIVATE_ADDRESSES, machine_id
        )
    if record["publicIpType"] == "static":
        record["staticIp"] = claim_static_ip(ctx, region.code, machine_id)["id"]

    start_on_create = body.startOnCreate is not False  # absent means start (console default)
    event = ctx.start_event("create", machine_id)
    succeeded = event["error"] is None
    begin_transition(record, event, settles_in="ready" if succeeded and start_on_create else "off")
    if succeeded and start_on_create:
        lease_dynamic_ip(ctx, record)
    if succeeded and body.takeInitialSnapshot:
        snapshot_id = create_snapshot_record(ctx, machine_id, f"{body.name}-initial")["id"]
        if record["restorePointEnabled"]:
            record["restorePointSnapshotId"] = snapshot_id
    store.insert(ctx.conn, KIND, ctx.namespace, record)
    if script is not None:
        assign_script(ctx, script, machine_id)
    return wrapped(ctx, record, event)


def update_machine(ctx: Ctx) -> Any:
    refused = [
        key for key in CREATE_ONLY_MACHINE_FIELDS if isinstance(ctx.body, dict) and key in ctx.body
    ]
    if refused:
        names = ", ".join(f"`{key}`" for key in refused)
        raise bad_request(
            f"{names} can only be set when a machine is created.",
            issues=[f"`{key}` cannot be changed after creation" for key in refused],
        )
    body = ctx.parse(MachineUpdate)
    record = machine_or_404(ctx, ctx.params["id"])
    resize = planned_resize(ctx, record, body)
    if resize is not None:
        ctx.require_good_standing("resize a machine")
        require_off(ctx, record, "resize")
    apply_sync_changes(ctx, record, body)
    record["dtModified"] = ctx.now_ms
    if resize is None:
        store.update(ctx.conn, KIND, ctx.namespace, record)
        # A synchronous change: the contract's one wrapper whose `event` may be left out.
        return {"data": ctx.wire.machine(record, ctx.now_ms)}
    event = ctx.start_event("vm-upgrade", record["id"])
    if event["error"] is None:
        machine_type, disk_size_gb = resize
        record.update(spec_fields(ctx, machine_type, disk_size_gb))
    begin_transition(record, event, settles_in="off")
    store.update(ctx.conn, KIND, ctx.namespace, record)
    return wrapped(ctx, record, event)


def delete_machine(ctx: Ctx) -> Any:
    record = machine_or_404(ctx, ctx.params["id"])
    require_off(ctx, record, "delete")
    event = ctx.start_event("deactivate", record["id"])
    if event["error"] is not None:
        return wrapped(ctx, record, event)
    remove_machine(ctx, record)
    record["dtDeleted"] = ctx.now_ms
    record["dtModified"] = ctx.now_ms
    record["busy"] = None
    return {
        "data": ctx.wire.machine(record, ctx.now_ms),
        "event": ctx.wire.event(event, ctx.now_ms, at_call=True),
    }


def start_machine(ctx: Ctx) -> Any:
    record = machine_or_404(ctx, ctx.params["id"])
    ctx.require_good_standing("start a machine")
    state = require_stable(ctx, record, "start")
    if state != "off":
        raise conflict(f"Machine {record['id']} is already {state}; only an off machine can start.")
    event = ctx.start_event("start", record["id"])
    succeeded = event["error"] is None
    if succeeded:
        lease_dynamic_ip(ctx, record)
    return transition(ctx, record, event, settles_in="ready" if succeeded else "off")


def stop_machine(ctx: Ctx) -> Any:
    record = machine_or_404(ctx, ctx.params["id"])
    state = require_stable(ctx, record, "stop")
    if state == "off":
        raise conflict(f"Machine {record['id']} is already off.")
    event = ctx.start_event("stop", record["id"])
    succeeded = event["error"] is None
    if succeeded:
        # The lease ends now; the address is still shown until the machine is off.
        release_dynamic_ip(ctx, record, forget=False)
    return transition(ctx, record, event, settles_in="off" if succeeded else state)


def restart_machine(ctx: Ctx) -> Any:
    record = machine_or_404(ctx, ctx.params["id"])
    state = require_stable(ctx, record, "restart")
    if state == "off":
        raise conflict(f"Machine {record['id']} is off; start it instead of restarting it.")
    event = ctx.start_event("restart", record["id"])
    return transition(ctx, record, event, settles_in=state)


# ---------------------------------------------------------------------------------------------
# Building blocks (also used by other resources and by the seed route)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateChoice:
    """An OS template or a custom template, as machine creation needs it."""

    id: str
    operating_system_label: str
    agent_type: str
    machine_types: tuple[str, ...]
    default_size_gb: int | None
    storage_used_bytes: int
    region: str | None  # custom templates live in one region


def machine_or_404(ctx: Ctx, machine_id: str) -> dict[str, Any]:
    return ctx.get_or_404(KIND, machine_id, "Machine")


def wrapped(ctx: Ctx, record: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": ctx.wire.machine(record, ctx.now_ms, at_call=True),
        "event": ctx.wire.event(event, ctx.now_ms, at_call=True),
    }


def transition(
    ctx: Ctx, record: dict[str, Any], event: dict[str, Any], *, settles_in: str
) -> dict[str, Any]:
    begin_transition(record, event, settles_in=settles_in)
    record["dtModified"] = ctx.now_ms
    store.update(ctx.conn, KIND, ctx.namespace, record)
    return wrapped(ctx, record, event)


def require_stable(ctx: Ctx, record: dict[str, Any], action: str) -> str:
    """The machine's state; 409 while it is between states."""
    state = machine_state(record, ctx.now_ms)
    if state in TRANSITIONAL_STATES:
        raise conflict(
            f"Cannot {action} machine {record['id']} while it is {state}; wait until it is "
            "ready or off (e.g. `pspace machine wait`) and try again."
        )
    return state


def require_off(ctx: Ctx, record: dict[str, Any], action: str) -> None:
    state = require_stable(ctx, record, action)
    if state != "off":
        raise conflict(
            f"Cannot {action} machine {record['id']} while it is {state}: stop it first "
            f"(`pspace machine stop {record['id']}`)."
        )


def known_machine_type(ctx: Ctx, label: str, field_name: str) -> MachineType:
    machine_type = ctx.catalog.machine_type(label)
    if machine_type is None:
        known = ", ".join(ctx.catalog.machine_type_labels)
        raise bad_request(f"`{field_name}`: unknown machine type {label!r}. Known types: {known}.")
    return machine_type


def check_offered_in_region(ctx: Ctx, machine_type: MachineType, region_code: str) -> None:
    if region_code not in machine_type.regions:
        offered = ", ".join(ctx.wire.region_name(code) for code in machine_type.regions)
        raise bad_request(
            f"Machine type {machine_type.label} is not offered in "
            f"{ctx.wire.region_name(region_code)}; it is offered in: {offered}."
        )


def check_template_allows(template: TemplateChoice, machine_type: MachineType) -> None:
    if machine_type.label not in template.machine_types:
        allowed = ", ".join(template.machine_types)
        raise bad_request(
            f"Template {template.id} ({template.operating_system_label}) does not run on "
            f"{machine_type.label}; it runs on: {allowed}."
        )


def check_disk_size(ctx: Ctx, size_gb: int, *, minimum: int | None = None) -> None:
    sizes = ctx.catalog.disk_sizes
    if size_gb not in sizes:
        offered = ", ".join(str(size) for size in sizes)
        raise bad_request(f"`diskSize` must be one of {offered} (GB), not {size_gb}.")
    if minimum is not None and size_gb < minimum:
        raise bad_request(f"`diskSize` must be at least {minimum} GB for this template.")


def resolve_template(ctx: Ctx, template_id: str, region_code: str) -> TemplateChoice:
    os_template = ctx.catalog.os_template(template_id)
    if os_template is not None:
        return os_template_choice(os_template)
    custom = store.get(ctx.conn, "custom_template", ctx.namespace, template_id)
    if custom is None:
        raise bad_request(
            f"`templateId`: unknown template {template_id!r}; list OS templates with "
            "GET /os-templates and your own with GET /custom-templates."
        )
    if custom["region"] != region_code:
        raise bad_request(
            f"Custom template {template_id} is in {ctx.wire.region_name(custom['region'])}; "
            f"it cannot be used in {ctx.wire.region_name(region_code)}."
        )
    return TemplateChoice(
        id=custom["id"],
        operating_system_label=custom["operatingSystemLabel"],
        agent_type=custom["agentType"],
        machine_types=tuple(custom["machineTypes"]),
        default_size_gb=custom["defaultSizeGb"],
        storage_used_bytes=custom["storageUsed"],
        region=custom["region"],
    )


def os_template_choice(template: OsTemplate) -> TemplateChoice:
    return TemplateChoice(
        id=template.id,
        operating_system_label=template.operating_system_label,
        agent_type=template.agent_type,
        machine_types=template.machine_types,
        default_size_gb=template.default_size_gb,
        storage_used_bytes=_image_size_gib(template) * 2**30,
        region=None,
    )


def _image_size_gib(template: OsTemplate) -> int:
    # What a fresh disk holds: ML-in-a-Box about 28 GiB (DO-RESIZE), desktops more than servers.
    if (template.default_size_gb or 0) >= 100:
        return 28
    return 20 if "Desktop" in template.agent_type else 12


def spec_fields(ctx: Ctx, machine_type: MachineType, disk_size_gb: int) -> dict[str, Any]:
    """The fields that follow from the machine type and disk size (catalog numbers)."""
    disk_price = ctx.catalog.disk_price(disk_size_gb)
    accelerators = (
        [
            {
                "count": machine_type.gpu_count,
                "memory": machine_type.gpu_memory_gb,
                "name": machine_type.gpu or machine_type.label,
            }
        ]
        if machine_type.gpu_count
        else []
    )
    return {
        "machineType": machine_type.label,
        "cpus": machine_type.cpus,
        "ram": machine_type.ram_bytes,
        "accelerators": accelerators,
        "usageRate": _number(machine_type.hourly),
        "diskSizeGb": disk_size_gb,
        "storageRate": _number(disk_price.hourly if disk_price else None),
    }


def _number(value: Any) -> float | int:
    if value is None:
        return 0
    as_float = float(value)
    return int(as_float) if as_float.is_integer() else as_float


def new_machine_record(
    ctx: Ctx,
    *,
    machine_id: str,
    name: str,
    machine_type: MachineType,
    region_code: str,
    template: TemplateChoice,
    disk_size_gb: int,
    public_ip_type: str,
    state: str,
) -> dict[str, Any]:
    return {
        "id": machine_id,
        "name": name,
        **spec_fields(ctx, machine_type, disk_size_gb),
        "region": region_code,
        "templateId": template.id,
        "templateMachineTypes": list(template.machine_types),
        "os": template.operating_system_label,
        "agentType": template.agent_type,
        "storageUsed": min(template.storage_used_bytes, disk_size_gb * 2**30),
        "networkId": None,
        "privateIp": None,
        "publicIpType": public_ip_type,
        "staticIp": None,
        "dynamicIp": None,
        "autoShutdownEnabled": False,
        "autoShutdownForce": None,
        "autoShutdownTimeout": None,
        "autoSnapshotEnabled": False,
        "autoSnapshotFrequency": None,
        "autoSnapshotSaveCount": None,
        "restorePointEnabled": False,
        "restorePointFrequency": None,
        "restorePointSnapshotId": None,
        "startupScriptId": None,
        "enableNvlink": False,
        "dtCreated": ctx.now_ms,
        "dtModified": ctx.now_ms,
        "dtDeleted": None,
        "state": state,
        "busy": None,
    }


_SETTINGS = (
    "autoShutdownEnabled",
    "autoShutdownForce",
    "autoSnapshotEnabled",
    "autoSnapshotFrequency",
    "autoSnapshotSaveCount",
    "restorePointEnabled",
    "restorePointFrequency",
)


def apply_settings(record: dict[str, Any], body: MachineCreate | MachineUpdate) -> None:
    """Copy the settings the body carries; absent ones stay as they are (contract §6.6)."""
    for key in _SETTINGS:
        value = getattr(body, key)
        if value is not None:
            record[key] = value
    if body.autoShutdownTimeout is not None:
        record["autoShutdownTimeout"] = _number(body.autoShutdownTimeout)


def planned_resize(
    ctx: Ctx, record: dict[str, Any], body: MachineUpdate
) -> tuple[MachineType, int] | None:
    """The (type, disk) a resize would give, validated; None when the body resizes nothing."""
    current = ctx.catalog.machine_type(record["machineType"])
    new_type = current
    if body.machineType is not None:
        new_type = known_machine_type(ctx, body.machineType, "machineType")
    disk = record["diskSizeGb"] if body.diskSize is None else body.diskSize
    type_changes = new_type is not None and new_type.label != record["machineType"]
    if not type_changes and disk == record["diskSizeGb"]:
        return None
    assert new_type is not None  # an unknown stored type can only be resized to a known one
    if type_changes:
        if current is not None and current.kind != new_type.kind:
            raise bad_request(
                f"Cannot change {record['machineType']} ({current.kind.upper()}) to "
                f"{new_type.label} ({new_type.kind.upper()}): a type can only change within its "
                "group; create a new machine instead."
            )
        check_offered_in_region(ctx, new_type, record["region"])
        if new_type.label not in record["templateMachineTypes"]:
            allowed = ", ".join(record["templateMachineTypes"])
            raise bad_request(
                f"The machine's template ({record['templateId']}) does not run on "
                f"{new_type.label}; it runs on: {allowed}."
            )
    if disk != record["diskSizeGb"]:
        check_disk_size(ctx, disk)
        if disk < record["diskSizeGb"]:
            raise bad_request(
                f"Disks can only grow: machine {record['id']} has {record['diskSizeGb']} GB, "
                f"so `diskSize` {disk} is refused."
            )
    return new_type, disk


def apply_sync_changes(ctx: Ctx, record: dict[str, Any], body: MachineUpdate) -> None:
    if body.name is not None:
        record["name"] = body.name
    apply_settings(record, body)
    if body.restorePointSnapshotId is not None:
        snapshot = ctx.get_or_404("snapshot", body.restorePointSnapshotId, "Snapshot")
        if snapshot["machineId"] != record["id"]:
            raise bad_request(
                f"Snapshot {snapshot['id']} belongs to machine {snapshot['machineId']}, "
                f"not {record['id']}."
            )
        record["restorePointSnapshotId"] = snapshot["id"]
    if body.networkId is not None and body.networkId != record["networkId"]:
        if record["networkId"] is not None:
            raise bad_request(
                f"Machine {record['id']} is in private network {record['networkId']}; "
                "a machine cannot leave its private network."
            )
        network = network_for(ctx, body.networkId, record["region"])
        store.release_ip(
            ctx.conn, ctx.namespace, addresses.DEFAULT_PRIVATE_POOL, record["privateIp"]
        )
        join_network(ctx, record, network)
    if body.publicIpType is not None and body.publicIpType != record["publicIpType"]:
        change_public_ip_type(ctx, record, body.publicIpType)


def change_public_ip_type(ctx: Ctx, record: dict[str, Any], new_type: str) -> None:
    running = machine_state(record, ctx.now_ms) in ("ready", "serviceready")
    if record["staticIp"] is not None:
        set_ip_assignment(ctx, record["staticIp"], None)
        record["staticIp"] = None
    release_dynamic_ip(ctx, record, forget=True)
    record["publicIpType"] = new_type
    if new_type == "static":
        record["staticIp"] = claim_static_ip(ctx, record["region"], record["id"])["id"]
    elif new_type == "dynamic" and running:
        lease_dynamic_ip(ctx, record)


def network_for(ctx: Ctx, network_id: str, region_code: str) -> dict[str, Any]:
    network = ctx.get_or_404("private_network", network_id, "Private network")
    if network["region"] != region_code:
        raise bad_request(
            f"Private network {network_id} is in {ctx.wire.region_name(network['region'])}, "
            f"not {ctx.wire.region_name(region_code)}."
        )
    return network


def join_network(ctx: Ctx, record: dict[str, Any], network: dict[str, Any]) -> None:
    record["networkId"] = network["id"]
    record["privateIp"] = lease_or_409(
        ctx,
        addresses.network_pool(network["id"]),
        addresses.network_addresses(network["network"]),
        record["id"],
    )


def lease_or_409(ctx: Ctx, pool: str, candidates: Any, owner: str) -> str:
    address = store.lease_ip(ctx.conn, ctx.namespace, pool, candidates, owner)
    if address is None:
        where = "public IP pool" if pool == addresses.PUBLIC_POOL else f"address pool {pool}"
        raise conflict(
            f"The sandbox's {where} is exhausted ({len(candidates)} addresses per team); "
            "release addresses or delete machines first."
        )
    return address


def lease_dynamic_ip(ctx: Ctx, record: dict[str, Any]) -> None:
    if record["publicIpType"] == "dynamic":
        record["dynamicIp"] = lease_or_409(
            ctx, addresses.PUBLIC_POOL, addresses.PUBLIC_ADDRESSES, record["id"]
        )


def release_dynamic_ip(ctx: Ctx, record: dict[str, Any], *, forget: bool) -> None:
    if record["dynamicIp"] is not None:
        store.release_ip(ctx.conn, ctx.namespace, addresses.PUBLIC_POOL, record["dynamicIp"])
        if forget:
            record["dynamicIp"] = None


def claim_static_ip(ctx: Ctx, region_code: str, machine_id: str | None) -> dict[str, Any]:
    address = lease_or_409(ctx, addresses.PUBLIC_POOL, addresses.PUBLIC_ADDRESSES, "static")
    record = {
        "id": address,
        "region": region_code,
        "machineId": machine_id,
        "dtCreated": ctx.now_ms,
    }
    store.insert(ctx.conn, "public_ip", ctx.namespace, record)
    return record


def set_ip_assignment(ctx: Ctx, address: str, machine_id: str | None) -> None:
    record = store.get(ctx.conn, "public_ip", ctx.namespace, address)
    if record is not None:
        record["machineId"] = machine_id
        store.update(ctx.conn, "public_ip", ctx.namespace, record)


def create_snapshot_record(ctx: Ctx, machine_id: str, name: str) -> dict[str, Any]:
    record = {
        "id": ctx.new_id("snapshot", lambda: ctx.ids.prefixed("s")),
        "name": name,
        "machineId": machine_id,
        "isAutoSnapshot": False,
        "dtCreated": ctx.now_ms,
    }
    store.insert(ctx.conn, "snapshot", ctx.namespace, record)
    return record


def assign_script(ctx: Ctx, script: dict[str, Any], machine_id: str) -> None:
    if machine_id not in script["assignedMachineIds"]:
        script["assignedMachineIds"].append(machine_id)
        store.update(ctx.conn, "startup_script", ctx.namespace, script)


def remove_machine(ctx: Ctx, record: dict[str, Any]) -> None:
    """Deactivate: the machine, its snapshots and its addresses go; static IPs stay claimed."""
    machine_id = record["id"]
    store.delete(ctx.conn, KIND, ctx.namespace, machine_id)
    pool = (
        addresses.network_pool(record["networkId"])
        if record["networkId"]
        else addresses.DEFAULT_PRIVATE_POOL
    )
    if record["privateIp"]:
        store.release_ip(ctx.conn, ctx.namespace, pool, record["privateIp"])
    release_dynamic_ip(ctx, record, forget=True)
    if record["staticIp"]:
        set_ip_assignment(ctx, record["staticIp"], None)
    for snapshot in store.find(ctx.conn, "snapshot", ctx.namespace, machine_id=machine_id):
        store.delete(ctx.conn, "snapshot", ctx.namespace, snapshot["id"])
    for script in store.find(ctx.conn, "startup_script", ctx.namespace):
        if machine_id in script["assignedMachineIds"]:
            script["assignedMachineIds"].remove(machine_id)
            store.update(ctx.conn, "startup_script", ctx.namespace, script)
