"""Many machines in one transaction (`POST /_sandbox/seed`: benchmarks, fixtures with many
machines): the checks of a create, none of its events, one insert."""

from __future__ import annotations

from dataclasses import dataclass

from pspace_py.catalog import MachineType
from pspace_py.sandbox import store
from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.state import addresses, machine_specs, templates
from pspace_py.sandbox.state.kinds import MACHINE
from pspace_py.sandbox.state.templates import TemplateChoice
from pspace_py.sandbox.state.tx import Tx


@dataclass(frozen=True)
class Seeded:
    count: int
    first_id: str
    last_id: str


def seed_machines(
    tx: Tx,
    *,
    count: int,
    machine_type: str,
    region: str,
    template_id: str | None,
    disk_size_gb: int | None,
    state: str,
    name_prefix: str,
) -> Seeded:
    """`count` machines named `<prefix><number>`, in `state` (ready or off), no public IP."""
    kind = machine_specs.known_machine_type(tx, machine_type, "machineType")
    code = tx.region(region).code
    machine_specs.check_offered_in_region(tx, kind, code)
    template = _template(tx, kind, template_id, code)
    disk = disk_size_gb if disk_size_gb is not None else max(50, template.default_size_gb or 50)
    machine_specs.check_disk_size(tx, disk, minimum=template.default_size_gb)
    taken = store.ids(tx.conn, MACHINE.name, tx.namespace)
    new_ids: list[str] = []
    while len(new_ids) < count:
        candidate = tx.ids.machine_id()
        if candidate not in taken:
            taken.add(candidate)
            new_ids.append(candidate)
    private_ips = store.lease_many(
        tx.conn,
        tx.namespace,
        addresses.DEFAULT_PRIVATE_POOL,
        addresses.DEFAULT_PRIVATE_ADDRESSES,
        new_ids,
    )
    if private_ips is None:
        raise SandboxError(409, "Not enough free private addresses for that many machines.")
    width = len(str(count))
    records = []
    for number, (machine_id, private_ip) in enumerate(
        zip(new_ids, private_ips, strict=True), start=1
    ):
        record = machine_specs.new_machine_record(
            tx,
            machine_id=machine_id,
            name=f"{name_prefix}{number:0{width}d}",
            machine_type=kind,
            region_code=code,
            template=template,
            disk_size_gb=disk,
            public_ip_type="none",
            state=state,
            created_ms=tx.now_ms - (count - number),  # distinct, increasing dtCreated
        )
        record["privateIp"] = private_ip
        records.append(record)
    store.insert_many(tx.conn, MACHINE.name, tx.namespace, records)
    return Seeded(count, new_ids[0], new_ids[-1])


def _template(
    tx: Tx, machine_type: MachineType, template_id: str | None, region_code: str
) -> TemplateChoice:
    if template_id is not None:
        template = templates.resolve(tx, template_id, region_code)
        templates.check_allows(template, machine_type)
        return template
    candidates = tx.catalog.templates_for(machine_type)
    if not candidates:
        raise bad_request(f"No OS template runs on {machine_type.label}; pass `templateId`.")
    return templates.os_template_choice(candidates[0])
