"""Templates a machine is made from: OS templates (the catalog's) and the team's custom
templates (made from an off machine, through an event; they live in its region)."""

from __future__ import annotations

from dataclasses import dataclass

from pspace_py.catalog import MachineType, OsTemplate
from pspace_py.sandbox import store
from pspace_py.sandbox.errors import bad_request
from pspace_py.sandbox.models import ListQuery
from pspace_py.sandbox.state import account, events, lists, transitions
from pspace_py.sandbox.state.kinds import CUSTOM_TEMPLATE, MACHINE
from pspace_py.sandbox.state.tx import Record, Tx


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


def resolve(tx: Tx, template_id: str, region_code: str) -> TemplateChoice:
    """The OS or custom template a machine in the region is made from (400 when there is
    none: a template is a catalog value, not a resource the path names)."""
    os_template = tx.catalog.os_template(template_id)
    if os_template is not None:
        return os_template_choice(os_template)
    custom = tx.lookup(CUSTOM_TEMPLATE, template_id)
    if custom is None:
        raise bad_request(
            f"`templateId`: unknown template {template_id!r}; list OS templates with "
            "GET /os-templates and your own with GET /custom-templates."
        )
    if custom["region"] != region_code:
        raise bad_request(
            f"Custom template {template_id} is in {tx.region_name(custom['region'])}; "
            f"it cannot be used in {tx.region_name(region_code)}."
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


def check_allows(template: TemplateChoice, machine_type: MachineType) -> None:
    if machine_type.label not in template.machine_types:
        allowed = ", ".join(template.machine_types)
        raise bad_request(
            f"Template {template.id} ({template.operating_system_label}) does not run on "
            f"{machine_type.label}; it runs on: {allowed}."
        )


def os_templates(tx: Tx, query: ListQuery) -> lists.Listing[OsTemplate]:
    """osTemplates-list: the catalog's templates, paged like stored records."""
    page = lists.page_request(query, default_order_by="name")
    wanted = query.filter_values().get("name")
    # (name, catalog position) is the sort key; the position breaks ties like `seq` does.
    keyed = sorted(
        (
            ((template.name, position), template)
            for position, template in enumerate(tx.catalog.os_templates)
            if wanted is None or lists.matches_part(template.name, wanted)
        ),
        key=lambda item: item[0],
    )
    if page.descending:
        keyed.reverse()
    if page.after is not None:
        after = store.decode_cursor(page.after, page.order_by, page.descending)
        keyed = [
            item for item in keyed if (item[0] < after if page.descending else item[0] > after)
        ]
    chosen = keyed[: page.limit]
    next_cursor = (
        store.encode_cursor(page.order_by, page.descending, *chosen[-1][0])
        if len(keyed) > page.limit
        else None
    )
    return lists.Listing([template for _, template in chosen], next_cursor)


# -- custom templates ----------------------------------------------------------------------------


def create(tx: Tx, machine_id: str, name: str) -> tuple[Record, Record]:
    """(template, event); a failed template never appears."""
    account.require_good_standing(tx, "create a custom template")
    machine = tx.get(MACHINE, machine_id)
    transitions.require(tx, machine, "create a template from")
    template = {
        "id": tx.new_id(CUSTOM_TEMPLATE, lambda: tx.ids.prefixed("t")),
        "name": name,
        "machineId": machine["id"],
        "region": machine["region"],
        "agentType": machine["agentType"],
        "operatingSystemLabel": machine["os"],
        "defaultSizeGb": machine["diskSizeGb"],
        "machineTypes": list(machine["templateMachineTypes"]),
        "storageUsed": machine["storageUsed"],
        "dtCreated": tx.now_ms,
        "dtDeleted": None,
    }
    event = events.start(tx, "template-create", machine["id"])
    if events.succeeded(event):
        tx.insert(CUSTOM_TEMPLATE, template)
    return template, event


def delete(tx: Tx, template_id: str) -> Record:
    return tx.remove(CUSTOM_TEMPLATE, template_id)
