"""``pspace machine create``: check everything, show the price, confirm, create, optionally wait.

Order: the required options (asked for on a terminal, all named at once otherwise), then every
check of ``cli/machine/checks.py`` (read-only requests only), then the price summary and the
prompt, and only then a request that spends money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.machine._app import app, operation_label, show_async_result, wait_until
from pspace_py.cli.machine.machine_options import (
    PublicIpType,
    RestorePointFrequency,
    SnapshotFrequency,
    enum_value,
    flag,
)
from pspace_py.cli.options import FieldsOpt, JsonOpt, QuietOpt, WaitOpt, WaitTimeoutOpt, YesOpt
from pspace_py.errors import UsageError

if TYPE_CHECKING:
    from pspace_py.cli.machine.checks import CreatePlan, MachineRequest
    from pspace_py.output import Output

# The options a create cannot go without, in the order the console asks for them.
REQUIRED = ("--machine-type", "--template-id", "--disk-size", "--name", "--region")


@app.command("create")
def create_machine(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", "-n", help="Machine name.")] = None,
    machine_type: Annotated[
        str | None, typer.Option("--machine-type", help="Machine type, e.g. C5 (any case).")
    ] = None,
    template_id: Annotated[
        str | None, typer.Option("--template-id", help="OS or custom template: ID or exact name.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region", "-r", help="NY2, CA1 or AMS1.")] = None,
    disk_size: Annotated[
        int | None, typer.Option("--disk-size", help="Disk GB: 50, 100, 250, 500, 1000, 2000.")
    ] = None,
    network_id: Annotated[
        str | None, typer.Option("--network-id", help="Private network: ID or exact name.")
    ] = None,
    network: Annotated[
        str | None,
        typer.Option("--network", help="Private network by name; created when there is none."),
    ] = None,
    create_network: Annotated[
        str | None,
        typer.Option("--create-network", help="Create a private network of this name for it."),
    ] = None,
    public_ip_type: Annotated[
        PublicIpType | None, typer.Option("--public-ip-type", help="Public IP mode.")
    ] = None,
    auto_snapshot_enabled: Annotated[
        bool | None, flag("auto-snapshot-enabled", "Auto snapshots.")
    ] = None,
    auto_snapshot_frequency: Annotated[
        SnapshotFrequency | None, typer.Option("--auto-snapshot-frequency")
    ] = None,
    auto_snapshot_save_count: Annotated[
        int | None, typer.Option("--auto-snapshot-save-count", min=0, help="Snapshots kept.")
    ] = None,
    auto_shutdown_enabled: Annotated[
        bool | None, flag("auto-shutdown-enabled", "Auto shutdown.")
    ] = None,
    auto_shutdown_timeout: Annotated[
        int | None,
        typer.Option("--auto-shutdown-timeout", min=0, help="Idle hours before shutdown."),
    ] = None,
    auto_shutdown_force: Annotated[bool | None, flag("auto-shutdown-force", "Force it.")] = None,
    take_initial_snapshot: Annotated[
        bool | None, flag("take-initial-snapshot", "Snapshot after creation.")
    ] = None,
    restore_point_enabled: Annotated[
        bool | None, flag("restore-point-enabled", "Use a restore point.")
    ] = None,
    restore_point_frequency: Annotated[
        RestorePointFrequency | None, typer.Option("--restore-point-frequency")
    ] = None,
    startup_script_id: Annotated[
        str | None, typer.Option("--startup-script-id", help="Startup script: ID or exact name.")
    ] = None,
    email_password: Annotated[bool | None, flag("email-password", "Email the password.")] = None,
    start_on_create: Annotated[bool | None, flag("start-on-create", "Boot when ready.")] = None,
    enable_nvlink: Annotated[bool | None, flag("enable-nvlink", "Enable NVLink.")] = None,
    accessor_ids: Annotated[
        list[str] | None,
        typer.Option(
            "--accessor-ids",
            help="Team members given access: user IDs, emails or names (repeatable, or "
            "comma-separated); checked before anything is created.",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Run every check and show the price; create nothing."),
    ] = False,
    yes: YesOpt = False,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create a machine, after showing what it will cost.

    Run on a terminal without the required options, it asks for each, as the console does.
    """
    from pspace_py.cli.machine.checks import MachineRequest, check_create, require_passed
    from pspace_py.cli.machine.create_plan import price_summary, request_body, show_plan
    from pspace_py.cli.prompts import can_prompt

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    given = {
        "--name": name,
        "--machine-type": machine_type,
        "--template-id": template_id,
        "--region": region,
        "--disk-size": disk_size,
    }
    settings: dict[str, Any] = {
        "autoSnapshotEnabled": auto_snapshot_enabled,
        "autoSnapshotFrequency": enum_value(auto_snapshot_frequency),
        "autoSnapshotSaveCount": auto_snapshot_save_count,
        "autoShutdownEnabled": auto_shutdown_enabled,
        "autoShutdownTimeout": auto_shutdown_timeout,
        "autoShutdownForce": auto_shutdown_force,
        "takeInitialSnapshot": take_initial_snapshot,
        "restorePointEnabled": restore_point_enabled,
        "restorePointFrequency": enum_value(restore_point_frequency),
        "emailPassword": email_password,
        "startOnCreate": start_on_create,
        "enableNvlink": enable_nvlink,
        "accessorIds": None,
    }
    missing = [option for option in REQUIRED if given[option] is None]
    request = MachineRequest(
        name=name or "",
        machine_type=machine_type or "",
        template=template_id or "",
        region=region or "",
        disk_size=disk_size or 0,
        public_ip_type=enum_value(public_ip_type) or "dynamic",
        network=network_id,
        network_or_new=network,
        new_network=create_network,
        startup_script=startup_script_id,
    )
    if missing and can_prompt():
        from pspace_py.cli.machine.create_flow import ask_for_machine

        request = ask_for_machine(
            state, out, request, settings, asked=set(missing), ask_ip=public_ip_type is None
        )
        public_ip_type = PublicIpType(request.public_ip_type)
    elif missing:
        raise UsageError(
            f"Missing {_options_text(missing)}.",
            hint="Give them all, or run 'pspace machine create' on a terminal to be asked.",
        )
    plan = check_create(state, request, every=dry_run)
    if plan.report.passed or dry_run:
        settings["accessorIds"] = _accessors(state, out, accessor_ids)
    body = request_body(request, plan, settings, explicit_ip=public_ip_type is not None)
    summary = price_summary(state, request, plan)
    if dry_run:
        show_plan(out, plan, body, summary)
        require_passed(plan.report)
        return
    require_passed(plan.report)
    for check in plan.report.warnings:
        out.warn(check.message + (f" ({check.fix})" if check.fix else ""))
    if summary is not None:
        from pspace_py.cli.prices import show_create_summary

        show_create_summary(out, summary)
    if can_prompt():
        from pspace_py.cli.prompts import confirm

        confirm("Create this machine?", yes=yes, action="creating a machine")
    create(state, out, request, plan, body, wait=wait, timeout=timeout)


def _accessors(state: AppContext, out: Output, refs: list[str] | None) -> list[str] | None:
    """The user IDs that ``--accessor-ids`` names (IDs, emails or names), all team members."""
    wanted = [ref.strip() for entry in refs or () for ref in entry.split(",") if ref.strip()]
    if not wanted:
        return None
    from pspace_py.cli.users import Directory, describe, team_users

    directory = Directory(team_users(state))
    # In the order given, each member once however many ways they were named.
    members = {str(m["user"]["id"]): m for m in (directory.find(ref) for ref in wanted)}
    out.note("Access for: " + ", ".join(describe(m) for m in members.values()) + ".")
    return list(members)


def _options_text(options: list[str]) -> str:
    if len(options) == 1:
        return f"option {options[0]}"
    return "options " + ", ".join(options[:-1]) + f" and {options[-1]}"


def create(
    state: AppContext,
    out: Output,
    request: MachineRequest,
    plan: CreatePlan,
    body: dict[str, Any],
    *,
    wait: bool,
    timeout: float | None,
) -> None:
    """Send the create (after the network it needs), reconciling an unknown outcome by name."""
    from pspace_py.api.errors import ApiError
    from pspace_py.api.machines import MachinesApi
    from pspace_py.errors import PspaceError
    from pspace_py.waiting import unconfirmed

    if plan.creates_network and plan.network is not None and plan.region is not None:
        body = {**body, "networkId": create_network_for(state, out, plan)}
    machines = MachinesApi(state.client())
    # Names are not unique: if the create's outcome is unknown, these are not the new one.
    existing = machines.ids_named(request.name)
    state.operation = f"creating machine '{request.name}'"
    result = machines.create(body, known_ids=existing)
    machine = result.resource
    state.operation = operation_label(machine, "create", result.event)
    if result.reconciled:
        out.warn(
            f"The create request's outcome was unknown; machine {machine.get('id')} named "
            f"'{request.name}' exists, so it was not sent again."
        )
    if wait:
        wanted = {"off"} if body.get("startOnCreate") is False else {"ready"}
        event_id = result.event.get("id") if result.event else None
        try:
            waited = wait_until(
                state, out, str(machine["id"]), wanted, event_id=event_id, timeout=timeout
            )
        except (ApiError, PspaceError) as error:
            # Created, whatever the wait says: the machine is named (-q: its ID on stdout).
            show_async_result(state, out, result, "created, not seen ready")
            if isinstance(error, ApiError):
                done = f"Machine {machine.get('id')} ({request.name}) was created"
                raise unconfirmed(done, str(machine["id"]), wanted, error) from None
            raise
        if waited.machine is not None:
            result = type(result)(waited.machine, waited.event or result.event, result.reconciled)
    state.operation = None
    show_async_result(state, out, result, "created and ready" if wait else "create requested")


def create_network_for(state: AppContext, out: Output, plan: CreatePlan) -> str:
    from pspace_py.api.private_networks import PrivateNetworksApi

    assert plan.network is not None
    assert plan.region is not None
    state.operation = f"creating private network '{plan.network.name}'"
    made = PrivateNetworksApi(state.client()).create(plan.network.name, plan.region.api_value)
    # Said in every mode: if the machine's create fails next, this network exists anyway.
    out.info(
        f"Private network '{made.get('name')}' ({made.get('id')}) created in {plan.region.code}."
    )
    return str(made["id"])
