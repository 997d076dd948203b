"""``pspace machine create``: validate, show the price, confirm, create, optionally wait."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pspace_py.api.auth import AuthApi
from pspace_py.api.machines import MachinesApi
from pspace_py.cli.context import AppContext, app_context
from pspace_py.cli.machine._app import app, operation_label, show_async_result, wait_until
from pspace_py.cli.options import FieldsOpt, JsonOpt, QuietOpt, WaitOpt, WaitTimeoutOpt, YesOpt
from pspace_py.cli.prompts import can_prompt, confirm
from pspace_py.cli.resource_commands import region_for
from pspace_py.errors import RefusedError, UsageError
from pspace_py.output import Output

if TYPE_CHECKING:
    from pspace_py.catalog import Catalog


class PublicIpType(str, Enum):
    static = "static"
    dynamic = "dynamic"
    none = "none"


class SnapshotFrequency(str, Enum):
    hourly = "hourly"
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class RestorePointFrequency(str, Enum):
    shutdown = "shutdown"


def flag(name: str, help_text: str) -> Any:
    """A tri-state ``--x/--no-x`` option: None when the user says nothing."""
    return typer.Option(f"--{name}/--no-{name}", help=help_text, show_default=False)


def check_disk_size(catalog: Catalog, disk_size: int | None) -> int | None:
    if disk_size is not None and disk_size not in catalog.disk_sizes:
        sizes = ", ".join(str(size) for size in catalog.disk_sizes)
        raise UsageError(f"Disk size {disk_size} GB is not offered.", hint=f"Use one of: {sizes}.")
    return disk_size


def canonical_machine_type(catalog: Catalog, out: Output, machine_type: str) -> str:
    known = catalog.machine_type(machine_type)
    if known is None:
        out.warn(f"Machine type '{machine_type}' is not in the catalog; its price is unknown.")
        return machine_type
    return known.label


def without_unset(body: dict[str, Any]) -> dict[str, Any]:
    """Only what the user asked for; False and 0 are answers, None is silence."""
    return {key: value for key, value in body.items() if value is not None}


def enum_value(value: Enum | None) -> str | None:
    return None if value is None else str(value.value)


@app.command("create")
def create_machine(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", "-n", help="Machine name.")],
    machine_type: Annotated[str, typer.Option("--machine-type", help="Machine type, e.g. C5.")],
    template_id: Annotated[str, typer.Option("--template-id", help="OS or custom template ID.")],
    region: Annotated[str, typer.Option("--region", "-r", help="NY2, CA1 or AMS1.")],
    disk_size: Annotated[
        int, typer.Option("--disk-size", help="Disk GB: 50, 100, 250, 500, 1000, 2000.")
    ],
    network_id: Annotated[str | None, typer.Option("--network-id", help="Private network.")] = None,
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
    startup_script_id: Annotated[str | None, typer.Option("--startup-script-id")] = None,
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
        bool, typer.Option("--dry-run", help="Check everything and show the price; create nothing.")
    ] = False,
    yes: YesOpt = False,
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Create a machine, after showing what it will cost."""
    from pspace_py.cli.prices import show_create_summary
    from pspace_py.pricing.create import summarize_create

    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    catalog = state.catalog()
    if not name.strip():
        raise UsageError("The machine name must not be empty.")
    body = without_unset(
        {
            "name": name,
            "machineType": canonical_machine_type(catalog, out, machine_type),
            "templateId": template_id,
            "region": region_for(state, region).api_value,
            "diskSize": check_disk_size(catalog, disk_size),
            "networkId": network_id,
            "publicIpType": enum_value(public_ip_type),
            "autoSnapshotEnabled": auto_snapshot_enabled,
            "autoSnapshotFrequency": enum_value(auto_snapshot_frequency),
            "autoSnapshotSaveCount": auto_snapshot_save_count,
            "autoShutdownEnabled": auto_shutdown_enabled,
            "autoShutdownTimeout": auto_shutdown_timeout,
            "autoShutdownForce": auto_shutdown_force,
            "takeInitialSnapshot": take_initial_snapshot,
            "restorePointEnabled": restore_point_enabled,
            "restorePointFrequency": enum_value(restore_point_frequency),
            "startupScriptId": startup_script_id,
            "emailPassword": email_password,
            "startOnCreate": start_on_create,
            "enableNvlink": enable_nvlink,
            "accessorIds": _accessors(state, out, accessor_ids),
        }
    )
    summary = summarize_create(catalog, body["machineType"], disk_size, enum_value(public_ip_type))
    if dry_run:

        def show_plan() -> None:
            show_create_summary(out, summary)
            out.info("Dry run: nothing was created.")

        request = {"method": "POST", "path": "/machines", "body": body}
        out.report({"request": request, "price": summary.to_json()}, people=show_plan)
        return
    show_create_summary(out, summary)
    if can_prompt():
        confirm("Create this machine?", yes=yes, action="creating a machine")
    check_good_standing(state)
    machines = MachinesApi(state.client())
    # Names are not unique: if the create's outcome is unknown, these are not the new one.
    existing = machines.ids_named(name)
    state.operation = f"creating machine '{name}'"
    result = machines.create(body, known_ids=existing)
    machine = result.resource
    state.operation = operation_label(machine, "create", result.event)
    if result.reconciled:
        out.warn(
            f"The create request's outcome was unknown; machine {machine.get('id')} named "
            f"'{name}' exists, so it was not sent again."
        )
    if wait:
        wanted = {"off"} if start_on_create is False else {"ready"}
        event_id = result.event.get("id") if result.event else None
        waited = wait_until(
            state, out, str(machine["id"]), wanted, event_id=event_id, timeout=timeout
        )
        if waited.machine is not None:
            result = type(result)(waited.machine, waited.event or result.event, result.reconciled)
    state.operation = None
    show_async_result(state, out, result, "created" if not wait else "created and ready")


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


def check_good_standing(state: AppContext) -> None:
    """Refuse early when the team may not spend, as the official CLI does."""
    standing = AuthApi(state.client()).account_standing()
    if standing.get("isInGoodStanding") is False:
        reasons = "; ".join(str(message) for message in standing.get("messages") or [])
        raise RefusedError(
            "The account is not in good standing" + (f": {reasons}." if reasons else "."),
            hint="Check billing in the Paperspace console.",
        )
