"""The one preflight of machine create (and ``--dry-run``), resize and update.

It gathers what the rules need with read-only requests (OS and custom templates, networks,
startup scripts, the account's standing) and runs :mod:`pspace_py.preflight.rules` in the
order the console asks. Nothing is priced, asked or sent until every check has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pspace_py.cli.machine.lookups import find_network, find_template, standing_check
from pspace_py.errors import RefusedError, UsageError
from pspace_py.preflight import rules
from pspace_py.preflight.results import Report, failed, ok

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.catalog import Catalog, MachineType, Region
    from pspace_py.cli.context import AppContext
    from pspace_py.preflight.rules import NetworkFacts, TemplateFacts

TEMPLATE_LISTS = "'pspace os-template list' or 'pspace custom-template list'"


class MachineRequest(NamedTuple):
    """What the user asked ``machine create`` for (references as typed)."""

    name: str
    machine_type: str
    template: str
    region: str
    disk_size: int
    public_ip_type: str  # static | dynamic | none (the API's default, dynamic, when not given)
    network: str | None = None  # ID or name of an existing network
    network_or_new: str | None = None  # --network NAME: joined, or created when there is none
    new_network: str | None = None  # --create-network NAME
    startup_script: str | None = None


class CreatePlan(NamedTuple):
    """What the checks found: the report, and the resolved values the create sends."""

    report: Report
    machine_type: MachineType | None
    region: Region | None
    template: TemplateFacts | None
    network: NetworkFacts | None  # id None: to be created
    startup_script_id: str | None

    @property
    def creates_network(self) -> bool:
        return self.network is not None and self.network.id is None


def check_create(state: AppContext, request: MachineRequest, *, every: bool = False) -> CreatePlan:
    """The checks of a create, read-only; the report says what passed and what did not.

    What the catalog alone can tell is checked first; unless ``every`` check is wanted (a dry
    run lists them all), a failure there ends the checks before any request is sent.
    """
    catalog = state.catalog()
    report = Report()
    report.add(rules.name_check(request.name))
    type_check, machine_type = rules.machine_type_check(catalog, request.machine_type)
    report.add(type_check)
    region = _region(catalog, request.region, report)
    if machine_type is not None and region is not None:
        report.add(rules.region_offer_check(machine_type, region))
    if request.disk_size not in catalog.accepted_disk_sizes:
        report.add(rules.disk_check(catalog, request.disk_size))
    if not every and not report.passed:
        return CreatePlan(report, machine_type, region, None, None, None)
    client = state.client()
    template = find_template(client, catalog, request.template)
    if template is None:
        report.add(
            failed(
                "template",
                f"No OS or custom template has the ID or name '{request.template}'.",
                f"list them with {TEMPLATE_LISTS}",
            )
        )
    elif region is not None:
        report.add(rules.template_check(catalog, template, machine_type, region))
    if request.disk_size in catalog.accepted_disk_sizes:
        minimum = template.default_size_gb if template is not None else None
        report.add(rules.disk_check(catalog, request.disk_size, minimum=minimum))
    network = _network(client, request, region, report, catalog)
    script_id = _startup_script(client, request.startup_script, report)
    report.add(rules.public_ip_check(request.public_ip_type, template))
    if machine_type is not None:
        approval = rules.approval_check(machine_type)
        if approval is not None:
            report.add(approval)
    report.add(standing_check(client))
    return CreatePlan(report, machine_type, region, template, network, script_id)


def require_passed(report: Report) -> None:
    """Stop at the first failed check: one line, exit 2 (5 for a refusal such as standing)."""
    failures = report.failures
    if not failures:
        return
    first = failures[0]
    more = len(failures) - 1
    hint = _sentence(first.fix) if first.fix else None
    if more:
        hint = (hint + " " if hint else "") + f"({more} more: see --dry-run.)"
    error = RefusedError if first.refused else UsageError
    raise error(first.message, hint=hint)


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!", ")")) else text + "."


def _region(catalog: Catalog, value: str, report: Report) -> Region | None:
    region = catalog.region(value)
    if region is None:
        known = ", ".join(catalog.region_codes)
        report.add(failed("region", f"Unknown region '{value}'.", f"use one of {known}"))
    return region


def _network(
    client: ApiClient,
    request: MachineRequest,
    region: Region | None,
    report: Report,
    catalog: Catalog,
) -> NetworkFacts | None:
    from pspace_py.preflight.rules import NetworkFacts

    given = [
        value
        for value in (request.network, request.network_or_new, request.new_network)
        if value is not None
    ]
    if not given:
        return None
    if len(given) > 1:
        report.add(
            failed(
                "network",
                "--network-id, --network and --create-network each name the network.",
                "give one of them",
            )
        )
        return None
    ref = given[0]
    existing = find_network(client, ref)
    facts: NetworkFacts | None = None
    if request.new_network is not None and existing is not None:
        report.add(
            failed(
                "network",
                f"A private network named '{ref}' exists ({existing.get('id')}).",
                f"use --network {ref} to put the machine in it",
            )
        )
        return None
    if existing is not None:
        facts = NetworkFacts(str(existing.get("id")), str(existing.get("name")), existing["region"])
    elif request.network is not None:
        report.add(
            failed(
                "network",
                f"No private network has the ID or name '{ref}'.",
                f"pass --create-network {ref} to create it, or see 'pspace network list'",
            )
        )
        return None
    else:
        facts = NetworkFacts(None, ref, None)
    if region is not None:
        report.add(rules.network_check(facts, region, catalog))
    return facts


def _startup_script(client: ApiClient, ref: str | None, report: Report) -> str | None:
    if ref is None:
        return None
    from pspace_py.api.startup_scripts import StartupScriptsApi
    from pspace_py.cli.refs import resolve
    from pspace_py.errors import NotFoundError

    try:
        script = resolve(StartupScriptsApi(client), ref, list_command="pspace startup-script list")
    except NotFoundError:
        report.add(
            failed(
                "startup script",
                f"No startup script has the ID or name '{ref}'.",
                "see 'pspace startup-script list'",
            )
        )
        return None
    report.add(ok("startup script", f"'{script.get('name')}' ({script.get('id')})"))
    return str(script.get("id"))


# -- resize and update -------------------------------------------------------------------------


class ResizeRequest(NamedTuple):
    machine_type: str | None
    disk_size: int | None


def check_resize(
    state: AppContext, machine: dict[str, Any], request: ResizeRequest
) -> tuple[Report, MachineType | None]:
    """A resize's checks on the machine as it is: known type in its group and region, an
    offered disk that only grows. Made before anything is stopped."""
    from pspace_py.pricing.rates import disk_size_from_bytes

    catalog = state.catalog()
    report = Report()
    new_type = None
    if request.machine_type is not None:
        type_check, new_type = rules.machine_type_check(catalog, request.machine_type)
        report.add(type_check)
        if new_type is not None:
            region = catalog.region(str(machine.get("region") or ""))
            current = str(machine.get("machineType") or "")
            report.add(rules.resize_type_check(catalog, current, new_type, region))
    if request.disk_size is not None:
        report.add(rules.disk_check(catalog, request.disk_size))
        old = disk_size_from_bytes(catalog, machine.get("storageTotal"))
        if old is not None and request.disk_size < old:
            report.add(
                failed(
                    "disk size",
                    f"Disks only grow: {machine.get('name')} has {old} GB, not shrinkable to "
                    f"{request.disk_size} GB.",
                    f"use --disk-size {old} or more",
                )
            )
    return report, new_type


def check_network_for(
    state: AppContext, machine: dict[str, Any], ref: str, report: Report
) -> str | None:
    """The ID of the network ``ref`` names, which must be in the machine's region."""
    from pspace_py.preflight.rules import NetworkFacts

    found = find_network(state.client(), ref)
    if found is None:
        report.add(
            failed(
                "network",
                f"No private network has the ID or name '{ref}'.",
                "see 'pspace network list'",
            )
        )
        return None
    region = state.catalog().region(str(machine.get("region") or ""))
    facts = NetworkFacts(str(found.get("id")), str(found.get("name")), found.get("region"))
    if region is not None:
        report.add(rules.network_check(facts, region, state.catalog()))
    return facts.id


def check_snapshot_for(
    state: AppContext, machine: dict[str, Any], ref: str, report: Report
) -> str | None:
    """The ID of the snapshot ``ref`` names (ID or exact name) among the machine's."""
    from pspace_py.api.snapshots import SnapshotsApi
    from pspace_py.cli.refs import resolve
    from pspace_py.errors import NotFoundError

    try:
        snapshot = resolve(
            SnapshotsApi(state.client()),
            ref,
            list_command="pspace snapshot list",
            name_filter=False,
            extra_query={"machineId": machine.get("id")},
        )
    except NotFoundError:
        report.add(
            failed(
                "restore point",
                f"Machine {machine.get('id')} has no snapshot with the ID or name '{ref}'.",
                f"see 'pspace snapshot list -m {machine.get('id')}'",
            )
        )
        return None
    report.add(ok("restore point", f"snapshot {snapshot.get('id')}"))
    return str(snapshot.get("id"))
