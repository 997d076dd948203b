"""What a create would send and cost: the request body, the price summary, and the plan
``--dry-run`` shows (every check, the price, the requests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pspace_py.cli.resource_commands import without_unset

if TYPE_CHECKING:
    from pspace_py.cli.context import AppContext
    from pspace_py.cli.machine.checks import CreatePlan, MachineRequest
    from pspace_py.output import Output
    from pspace_py.pricing.create import CreatePriceSummary


def request_body(
    request: MachineRequest, plan: CreatePlan, settings: dict[str, Any], *, explicit_ip: bool
) -> dict[str, Any]:
    """The machines-create body: what the user asked, with the catalog's spellings."""
    network = plan.network
    return without_unset(
        {
            "name": request.name,
            "machineType": plan.machine_type.label if plan.machine_type else request.machine_type,
            "templateId": plan.template.id if plan.template else request.template,
            "region": plan.region.api_value if plan.region else request.region,
            "diskSize": request.disk_size,
            # A network the create makes has no ID yet: it is filled in once it exists.
            "networkId": network.id if network is not None else None,
            "publicIpType": request.public_ip_type if explicit_ip else None,
            "startupScriptId": plan.startup_script_id,
            **settings,
        }
    )


def price_summary(
    state: AppContext, request: MachineRequest, plan: CreatePlan
) -> CreatePriceSummary | None:
    from pspace_py.pricing.create import summarize_create

    if plan.machine_type is None:
        return None
    new_network = plan.network.name if plan.network and plan.creates_network else None
    return summarize_create(
        state.catalog(),
        plan.machine_type.label,
        request.disk_size,
        request.public_ip_type,
        new_network=new_network,
    )


def show_plan(
    out: Output, plan: CreatePlan, body: dict[str, Any], summary: CreatePriceSummary | None
) -> None:
    """``--dry-run``: each check, the price, and the requests a create would send."""
    requests: list[dict[str, Any]] = []
    if plan.creates_network and plan.network is not None and plan.region is not None:
        network_body = {"name": plan.network.name, "region": plan.region.api_value}
        requests.append({"method": "POST", "path": "/private-networks", "body": network_body})
    machine_request = {"method": "POST", "path": "/machines", "body": body}
    requests.append(machine_request)

    def for_people() -> None:
        from pspace_py.cli.prices import show_create_summary

        out.info("Checks:")
        for check in plan.report.checks:
            fix = f" ({check.fix})" if check.fix and check.status != "ok" else ""
            out.info(f"  {check.status:<8} {check.name:<15} {check.message}{fix}")
        if summary is not None:
            show_create_summary(out, summary)
        verdict = "would be created" if plan.report.passed else "would be refused"
        out.info(f"Dry run: the machine {verdict}; nothing was created.")

    document = {
        "ok": plan.report.passed,
        "checks": plan.report.to_json(),
        "request": machine_request,
        "requests": requests,
        "price": summary.to_json() if summary is not None else None,
    }
    out.report(document, people=for_people)
