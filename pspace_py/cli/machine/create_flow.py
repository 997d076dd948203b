"""The console's create flow on a terminal: ``pspace machine create`` asks what is missing.

The steps follow the console: machine type (grouped CPU / GPU / multi-GPU, with $/hr, CPUs,
RAM and GPU), a template that runs on it, the disk (with $/hr), a name (a generated default),
the region, the public IP, a private network (pick one or create one), a startup script,
auto snapshots and whether to start at once. What the command line gave is not asked again.
The checks, the price summary and the confirmation follow, as for any create.

questionary (on prompt_toolkit) draws the prompts; it is imported here only, so no other
command pays for it. Prompts go to stderr: stdout stays for the data (``--json``).
"""

from __future__ import annotations

import secrets
import sys
from typing import TYPE_CHECKING, Any

from pspace_py.preflight import rules

if TYPE_CHECKING:
    from pspace_py.catalog import Catalog, MachineType, Region
    from pspace_py.cli.context import AppContext
    from pspace_py.cli.machine.checks import MachineRequest
    from pspace_py.output import Output

NEW_NETWORK = "\0new"
NO_CHOICE = "\0none"
SNAPSHOT_FREQUENCIES = ("hourly", "daily", "weekly", "monthly")


def ask_for_machine(
    state: AppContext,
    out: Output,
    request: MachineRequest,
    settings: dict[str, Any],
    *,
    asked: set[str],
    ask_ip: bool,
) -> MachineRequest:
    """The request with every missing value asked for (``settings`` gets the optional ones)."""
    flow = _Flow(state)
    catalog = state.catalog()
    out.info("Create a machine (Ctrl-C to stop; nothing is created before the last question).")
    region = catalog.region(request.region) if request.region else None
    machine_type = catalog.machine_type(request.machine_type) if request.machine_type else None
    if "--machine-type" in asked or machine_type is None:
        machine_type = flow.machine_type(catalog, region)
    template = request.template
    minimum: int | None = None
    if "--template-id" in asked:
        template, minimum = flow.template(catalog, machine_type)
    disk = request.disk_size
    if "--disk-size" in asked:
        disk = flow.disk(catalog, minimum)
    name = request.name
    if "--name" in asked:
        name = flow.name(machine_type)
    if "--region" in asked or region is None:
        region = flow.region(catalog, machine_type)
    ip_type = flow.public_ip(catalog) if ask_ip else request.public_ip_type
    network, new_network = request.network, request.new_network
    if network is None and new_network is None and request.network_or_new is None:
        network, new_network = flow.network(region)
    script = request.startup_script
    if script is None:
        script = flow.startup_script()
    if (
        settings.get("autoSnapshotEnabled") is None
        and settings.get("autoSnapshotFrequency") is None
    ):
        settings.update(flow.snapshots())
    if settings.get("startOnCreate") is None:
        settings["startOnCreate"] = flow.confirm("Start the machine as soon as it is ready?")
    return request._replace(
        name=name,
        machine_type=machine_type.label,
        template=template,
        region=region.code,
        disk_size=disk,
        public_ip_type=ip_type,
        network=network,
        new_network=new_network,
        startup_script=script,
    )


class _Flow:
    """One question per method; each returns what was chosen."""

    def __init__(self, state: AppContext) -> None:
        from prompt_toolkit.output import create_output

        self.state = state
        self.output = create_output(stdout=sys.stderr)

    # -- prompts ---------------------------------------------------------------------------------

    def select(self, message: str, choices: list[Any], *, search: bool = False) -> Any:
        import questionary

        question = questionary.select(
            message,
            choices=choices,
            use_search_filter=search,
            use_jk_keys=not search,
            output=self.output,
            instruction="(arrows, or type to filter; Enter)" if search else "(arrows; Enter)",
        )
        return question.unsafe_ask()  # Ctrl-C reaches the CLI's boundary: exit 130

    def text(self, message: str, default: str, validate: Any) -> str:
        import questionary

        answer: str = questionary.text(
            message, default=default, validate=validate, output=self.output
        ).unsafe_ask()
        return answer.strip()

    def confirm(self, message: str, default: bool = True) -> bool:
        import questionary

        return bool(questionary.confirm(message, default=default, output=self.output).unsafe_ask())

    # -- the steps -------------------------------------------------------------------------------

    def machine_type(self, catalog: Catalog, region: Region | None) -> MachineType:
        import questionary

        from pspace_py.output.money import usd

        groups = (
            ("CPU", [t for t in catalog.machine_types if not t.is_gpu]),
            ("GPU", [t for t in catalog.machine_types if t.is_gpu and t.gpu_count <= 1]),
            ("multi-GPU", [t for t in catalog.machine_types if t.gpu_count > 1]),
        )
        choices: list[Any] = []
        for group, types in groups:
            offered = [t for t in types if region is None or region.code in t.regions]
            if not offered:
                continue
            choices.append(questionary.Separator(f"-- {group} --"))
            for machine_type in offered:
                gpu = ""
                if machine_type.gpu:
                    count = f"{machine_type.gpu_count}x " if machine_type.gpu_count > 1 else ""
                    gpu = f"{count}{machine_type.gpu}"
                approval = "  (approval needed)" if machine_type.needs_approval else ""
                title = (
                    f"{machine_type.label:<11} {usd(machine_type.hourly):>11}  "
                    f"{machine_type.cpus:>3} CPUs {machine_type.ram_gib.normalize():>6f} GB   "
                    f"{gpu}{approval}"
                )
                choices.append(questionary.Choice(title, value=machine_type.label))
        label = self.select("Machine type", choices, search=True)
        known = catalog.machine_type(label)
        assert known is not None
        return known

    def template(self, catalog: Catalog, machine_type: MachineType) -> tuple[str, int | None]:
        """A template that runs on the type (the API's list, the catalog when it lists none)."""
        import questionary

        from pspace_py.api.templates import CustomTemplatesApi, OsTemplatesApi
        from pspace_py.cli.machine.lookups import template_facts

        client = self.state.client()
        facts = [template_facts(catalog, t, "OS") for t in OsTemplatesApi(client).iter({})]
        facts += [template_facts(catalog, t, "custom") for t in CustomTemplatesApi(client).iter({})]
        fitting = [
            template
            for template in facts
            if template.machine_types is None
            or machine_type.label.casefold() in {m.casefold() for m in template.machine_types}
        ]
        minimums = {template.id: template.default_size_gb for template in fitting}
        choices = [
            questionary.Choice(
                f"{template.id}  {template.name or '':<28} {template.operating_system or ''}"
                + (" (custom)" if template.kind == "custom" else ""),
                value=template.id,
            )
            for template in fitting
        ]
        if not choices:
            from pspace_py.errors import UsageError

            raise UsageError(f"No template runs on {machine_type.label}.")
        chosen = str(self.select(f"Template for {machine_type.label}", choices, search=True))
        return chosen, minimums.get(chosen)

    def disk(self, catalog: Catalog, minimum: int | None) -> int:
        import questionary

        from pspace_py.output.money import usd

        choices = [
            questionary.Choice(
                f"{disk.size_gb:>5} GB  {usd(disk.hourly):>11}  capped at "
                f"{usd(disk.monthly_cap, 'mo')}",
                value=disk.size_gb,
            )
            for disk in catalog.disks
            if minimum is None or disk.size_gb >= minimum
        ]
        return int(self.select("Disk size (billed until the machine is deactivated)", choices))

    def name(self, machine_type: MachineType) -> str:
        suggested = f"{machine_type.label.lower().replace('+', 'plus')}-{secrets.token_hex(2)}"

        def valid(text: str) -> bool | str:
            check = rules.name_check(text.strip())
            return True if not check.failed else check.message

        return self.text("Machine name", suggested, valid)

    def region(self, catalog: Catalog, machine_type: MachineType) -> Region:
        import questionary

        offered = [r for r in catalog.regions if r.code in machine_type.regions] or list(
            catalog.regions
        )
        choices = [questionary.Choice(f"{r.code:<5} {r.name}", value=r.code) for r in offered]
        code = self.select("Region", choices)
        region = catalog.region(str(code))
        assert region is not None
        return region

    def public_ip(self, catalog: Catalog) -> str:
        import questionary

        from pspace_py.output.money import usd

        price = catalog.public_ip
        choices = [
            questionary.Choice(f"dynamic  {usd(price.hourly)} while on", value="dynamic"),
            questionary.Choice(
                f"static   {usd(price.monthly_cap, 'mo')} until released", value="static"
            ),
            questionary.Choice("none     no public address", value="none"),
        ]
        return str(self.select("Public IP", choices))

    def network(self, region: Region) -> tuple[str | None, str | None]:
        """(an existing network's ID, or the name of one to create); (None, None) for none."""
        import questionary

        from pspace_py.api.private_networks import PrivateNetworksApi

        existing = list(PrivateNetworksApi(self.state.client()).iter({"region": region.api_value}))
        here = [n for n in existing if self.state.catalog().region(str(n.get("region"))) == region]
        choices = [questionary.Choice("no private network", value=NO_CHOICE)]
        choices += [
            questionary.Choice(f"{n.get('name')} ({n.get('id')})", value=str(n.get("id")))
            for n in here
        ]
        choices.append(questionary.Choice("create a new private network...", value=NEW_NETWORK))
        chosen = self.select(f"Private network in {region.code}", choices)
        if chosen == NO_CHOICE:
            return None, None
        if chosen != NEW_NETWORK:
            return str(chosen), None
        name = self.text(
            "Name of the new private network",
            "",
            lambda text: bool(text.strip()) or "The name must not be empty.",
        )
        return None, name

    def startup_script(self) -> str | None:
        import questionary

        from pspace_py.api.startup_scripts import StartupScriptsApi

        scripts = list(StartupScriptsApi(self.state.client()).iter({}))
        if not scripts:
            return None
        choices = [questionary.Choice("no startup script", value=NO_CHOICE)]
        choices += [
            questionary.Choice(f"{s.get('name')} ({s.get('id')})", value=str(s.get("id")))
            for s in scripts
        ]
        chosen = self.select("Startup script", choices)
        return None if chosen == NO_CHOICE else str(chosen)

    def snapshots(self) -> dict[str, Any]:
        import questionary

        choices = [questionary.Choice("never", value=NO_CHOICE)]
        choices += [
            questionary.Choice(frequency, value=frequency) for frequency in SNAPSHOT_FREQUENCIES
        ]
        frequency = self.select("Auto snapshots", choices)
        if frequency == NO_CHOICE:
            return {}
        count = self.text(
            "Snapshots to keep (1-10)",
            "1",
            lambda text: (text.strip().isdigit() and 1 <= int(text) <= 10) or "A number, 1 to 10.",
        )
        return {
            "autoSnapshotEnabled": True,
            "autoSnapshotFrequency": frequency,
            "autoSnapshotSaveCount": int(count),
        }
