"""``pspace os-template`` and ``pspace custom-template``: the images machines are built from."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.client import JsonObject
from pspace_py.api.machines import MachinesApi
from pspace_py.api.templates import CustomTemplatesApi, OsTemplatesApi
from pspace_py.cli.context import app_context
from pspace_py.cli.listing import (
    ByCreationOrNameOpt,
    CreationOrName,
    ItemFilter,
    NameFilterOpt,
    order_by_option,
    paging,
    show_list,
)
from pspace_py.cli.options import (
    AfterOpt,
    AllOpt,
    AscOpt,
    DescOpt,
    FieldsOpt,
    JsonOpt,
    LimitOpt,
    MachineOpt,
    NoHeaderOpt,
    OptionalMachineOpt,
    QuietOpt,
    WaitOpt,
    WaitTimeoutOpt,
    YesOpt,
    group,
)
from pspace_py.cli.refs import resolve
from pspace_py.cli.resource_commands import (
    NewNameOpt,
    confirm_destructive,
    finish_async,
    label,
)
from pspace_py.output import columns
from pspace_py.output.resource_columns import (
    OS_TEMPLATE_WITH_MACHINE_TYPES,
    available_machine_types,
)

os_template_app = group("Paperspace's OS templates: the images to build machines from.")
custom_template_app = group("Custom templates: images made from your own machines.")

CUSTOM_LIST_COMMAND = "pspace custom-template list"
TemplateArg = Annotated[
    str,
    typer.Argument(
        metavar="TEMPLATE", help="Custom template ID or exact name.", show_default=False
    ),
]


# -- os-template ---------------------------------------------------------------------------------

# The API orders OS templates by name only; the official CLI takes `--orderBy dtCreated` on every
# list (and sends name here regardless), so that spelling is accepted and said to be ignored.
OsTemplateOrderOpt = Annotated[CreationOrName | None, order_by_option("name")]


@os_template_app.callback()
def os_template_group() -> None:
    """Paperspace's OS templates: the images to build machines from."""
    # A group with one command would otherwise collapse into that command; the callback keeps
    # `pspace os-template list` (the official spelling) working.


@os_template_app.command("list")
def list_os_templates(
    ctx: typer.Context,
    machine_type: Annotated[
        str | None,
        typer.Option(
            "--machine-type", help="Only templates that run on this machine type (e.g. A4000)."
        ),
    ] = None,
    name: NameFilterOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: OsTemplateOrderOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List OS templates by name, with the machine types each one runs on."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    if order_by == "dtCreated":
        out.warn("OS templates are listed by name: the API orders them by nothing else.")
        order_by = "name"
    keep = None if machine_type is None else _runs_on(machine_type)
    show_list(
        out,
        OsTemplatesApi(state.client()),
        {"name": name},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=OS_TEMPLATE_WITH_MACHINE_TYPES,
        empty_message="No OS templates match." if name or machine_type else "No OS templates.",
        list_command="pspace os-template list",
        default_order_by="name",
        keep=keep,
    )


def _runs_on(machine_type: str) -> ItemFilter:
    """Templates whose available machine types include ``machine_type`` (any case)."""
    wanted = machine_type.strip().casefold()

    def keep(template: JsonObject) -> bool:
        return any(label.casefold() == wanted for label in available_machine_types(template))

    return keep


# -- custom-template -----------------------------------------------------------------------------


def _custom_template(templates: CustomTemplatesApi, ref: str) -> JsonObject:
    return resolve(templates, ref, list_command=CUSTOM_LIST_COMMAND)


@custom_template_app.command("list")
def list_custom_templates(
    ctx: typer.Context,
    machine: OptionalMachineOpt = None,
    name: NameFilterOpt = None,
    limit: LimitOpt = None,
    after: AfterOpt = None,
    asc: AscOpt = False,
    desc: DescOpt = False,
    order_by: ByCreationOrNameOpt = None,
    all_: AllOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
    no_header: NoHeaderOpt = False,
) -> None:
    """List custom templates, newest first (all of them, or those made from one machine)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet, no_header=no_header)
    client = state.client()
    machine_id = None
    if machine is not None:
        machine_id = resolve(MachinesApi(client), machine, list_command="pspace machine list")["id"]
    show_list(
        out,
        CustomTemplatesApi(client),
        {"machineId": machine_id, "name": name},
        paging(limit=limit, after=after, asc=asc, desc=desc, follow=all_, order_by=order_by),
        columns=columns.CUSTOM_TEMPLATE,
        empty_message="No custom templates.",
        list_command=CUSTOM_LIST_COMMAND,
    )


@custom_template_app.command("get")
def get_custom_template(
    ctx: typer.Context, ref: TemplateArg, json_: JsonOpt = False, fields: FieldsOpt = None
) -> None:
    """Show one custom template."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    template = _custom_template(CustomTemplatesApi(state.client()), ref)
    out.resource(template, columns.CUSTOM_TEMPLATE)


@custom_template_app.command("create")
def create_custom_template(
    ctx: typer.Context,
    machine: MachineOpt,
    name: Annotated[str, typer.Option("--name", "-n", help="The template's name.")],
    wait: WaitOpt = False,
    timeout: WaitTimeoutOpt = None,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Make a custom template from a machine's disk."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    client = state.client()
    source = resolve(MachinesApi(client), machine, list_command="pspace machine list")
    state.operation = f"custom template create (machine {source['id']})"
    result = CustomTemplatesApi(client).create(str(source["id"]), name)
    finish_async(state, out, result, columns.CUSTOM_TEMPLATE, wait=wait, timeout=timeout)


@custom_template_app.command("update")
def update_custom_template(
    ctx: typer.Context,
    ref: TemplateArg,
    name: NewNameOpt,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
) -> None:
    """Rename a custom template."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields)
    templates = CustomTemplatesApi(state.client())
    template = _custom_template(templates, ref)
    state.operation = f"custom template update ({template['id']})"
    out.resource(templates.update(str(template["id"]), name=name), columns.CUSTOM_TEMPLATE)


@custom_template_app.command("delete")
def delete_custom_template(
    ctx: typer.Context,
    ref: TemplateArg,
    yes: YesOpt = False,
    json_: JsonOpt = False,
    fields: FieldsOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Delete a custom template (asks first)."""
    state = app_context(ctx)
    out = state.output(json_mode=json_, fields=fields, quiet=quiet)
    templates = CustomTemplatesApi(state.client())
    template = _custom_template(templates, ref)
    confirm_destructive(
        out,
        yes=yes,
        action=f"delete custom template {label(template)}",
        consequence="No new machine can be built from it; machines already built from it "
        "are not changed.",
    )
    state.operation = f"custom template delete ({template['id']})"
    answer = templates.delete(str(template["id"]))
    out.removed(answer, f"Deleted custom template {label(template)}.")
