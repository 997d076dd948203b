"""The checks on a machine request, on the catalog and on what the API said (no I/O here).

Each rule answers a :class:`~pspace_py.preflight.results.Check`; a failed one names the fix.
Where neither the API nor the catalog says no, a rule allows (the real API outranks our data).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from pspace_py.preflight.results import Check, failed, ok, warning

if TYPE_CHECKING:
    from pspace_py.catalog import Catalog, MachineType, Region

# The API documents no limit; the sandbox's schema stops at 255, and so does this check, so a
# name that long fails here once instead of at the API after the price and the prompt.
NAME_MAX_LENGTH = 255
_SHOWN_TYPES = 8


class TemplateFacts(NamedTuple):
    """A template as the API (or, failing that, the catalog) describes it."""

    id: str
    name: str | None
    kind: str  # "OS" | "custom"
    operating_system: str | None
    # Labels it runs on; None when neither the API nor the catalog says (then anything goes).
    machine_types: tuple[str, ...] | None
    machine_types_source: str  # "API" | "catalog" | "none"
    default_size_gb: int | None
    agent_type: str | None
    region: str | None  # custom templates live in one region (the API's spelling)

    @property
    def label(self) -> str:
        return f"{self.id} ({self.name})" if self.name and self.name != self.id else self.id


class NetworkFacts(NamedTuple):
    id: str | None  # None: it will be created
    name: str
    region: str | None  # the API's spelling; None when it is to be created in the machine's


def suggestion(value: str, choices: Sequence[str]) -> str | None:
    """The closest of ``choices`` to ``value``, any case (``a100-80gb`` -> ``A100-80G``)."""
    folded = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(value.strip().casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def name_check(name: str) -> Check:
    if not name.strip():
        return failed("name", "The machine name is empty.", "give --name a name")
    if len(name) > NAME_MAX_LENGTH:
        return failed(
            "name",
            f"The machine name is {len(name)} characters long; at most {NAME_MAX_LENGTH} are "
            "accepted.",
            "use a shorter --name",
        )
    if not name.isprintable():
        return failed(
            "name",
            "The machine name contains control characters (a newline or a tab).",
            "use letters, digits, spaces and punctuation only",
        )
    return ok("name", f"'{name}'")


def machine_type_check(catalog: Catalog, label: str) -> tuple[Check, MachineType | None]:
    """The catalog's type for ``label`` (any case), or a failure with a "did you mean"."""
    known = catalog.machine_type(label)
    if known is not None:
        return ok("machine type", _describe_type(known)), known
    guess = suggestion(label, catalog.machine_type_labels)
    fix = f"did you mean {guess}?" if guess else "see 'pspace machine types'"
    return (
        failed(
            "machine type",
            f"Unknown machine type '{label}'.",
            fix + " (a type the catalog lacks can be added in catalog.toml)",
        ),
        None,
    )


def _describe_type(machine_type: MachineType) -> str:
    specs = f"{machine_type.cpus} CPUs, {machine_type.ram_gib.normalize():f} GB RAM"
    if machine_type.gpu:
        count = f"{machine_type.gpu_count}x " if machine_type.gpu_count > 1 else ""
        specs += f", {count}{machine_type.gpu}"
    return f"{machine_type.label} ({specs})"


def region_offer_check(machine_type: MachineType, region: Region) -> Check:
    if not machine_type.regions or region.code in machine_type.regions:
        return ok("region", f"{machine_type.label} is offered in {region.code}")
    offered = ", ".join(machine_type.regions)
    return failed(
        "region",
        f"{machine_type.label} is not offered in {region.code}; it is offered in {offered}.",
        f"use --region {machine_type.regions[0]}",
    )


def approval_check(machine_type: MachineType) -> Check | None:
    if not machine_type.needs_approval:
        return None
    return warning(
        "approval",
        f"{machine_type.label} needs Paperspace's approval for your team (1-2 business days); "
        "the create is refused until it is granted.",
        "request access in the Paperspace console",
    )


def template_check(
    catalog: Catalog, template: TemplateFacts, machine_type: MachineType | None, region: Region
) -> Check:
    """The template runs on the type (the API's list first, then the catalog's) and, for a
    custom template, lives in the machine's region."""
    elsewhere = _elsewhere(
        catalog, "template", f"Custom template {template.label}", template.region, region
    )
    if elsewhere is not None:
        return elsewhere
    what = f"{template.kind} template {template.label}"
    if template.operating_system:
        what += f", {template.operating_system}"
    if machine_type is None or template.machine_types is None:
        return ok("template", what)
    runs_on = {label.casefold() for label in template.machine_types}
    if machine_type.label.casefold() in runs_on:
        return ok("template", f"{what}, runs on {machine_type.label}")
    return failed(
        "template",
        f"Template {template.label} does not run on {machine_type.label} (per the "
        f"{template.machine_types_source}); it runs on {_some(template.machine_types)}.",
        _templates_for(catalog, machine_type),
    )


def _templates_for(catalog: Catalog, machine_type: MachineType) -> str:
    fitting = catalog.templates_for(machine_type)
    if not fitting:
        return f"list templates with 'pspace os-template list --machine-type {machine_type.label}'"
    shown = ", ".join(f"{template.id} ({template.name})" for template in fitting[:3])
    return f"templates for {machine_type.label}: {shown}"


def _some(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:_SHOWN_TYPES])
    more = len(labels) - _SHOWN_TYPES
    return shown + (f" and {more} more" if more > 0 else "")


def disk_check(catalog: Catalog, size_gb: int, *, minimum: int | None = None) -> Check:
    if size_gb not in catalog.accepted_disk_sizes:
        sizes = ", ".join(str(size) for size in catalog.accepted_disk_sizes)
        message = f"Disk size {size_gb} GB is not offered."
        return failed("disk size", message, f"use one of: {sizes}")
    if minimum is not None and size_gb < minimum:
        larger = [size for size in catalog.accepted_disk_sizes if size >= minimum]
        fix = f"use --disk-size {larger[0]} or more" if larger else "use a larger disk"
        message = f"The template needs at least {minimum} GB; {size_gb} GB is too small."
        return failed("disk size", message, fix)
    return ok("disk size", f"{size_gb} GB")


def public_ip_check(ip_type: str, template: TemplateFacts | None) -> Check:
    if ip_type == "none" and template is not None and template.agent_type == "LinuxHeadless":
        # Paperspace's docs: no public IP is not an option for SSH-only machines.
        return warning(
            "public IP",
            "A server (SSH-only) machine without a public IP cannot be reached from outside, and "
            "Paperspace's console does not offer it.",
            "use --public-ip-type dynamic or static",
        )
    return ok("public IP", ip_type)


def network_check(network: NetworkFacts, region: Region, catalog: Catalog) -> Check:
    if network.id is None:
        return ok("network", f"private network '{network.name}' will be created in {region.code}")
    what = f"Private network '{network.name}' ({network.id})"
    elsewhere = _elsewhere(catalog, "network", what, network.region, region)
    if elsewhere is not None:
        return elsewhere._replace(fix=f"{elsewhere.fix} or a network in {region.code}")
    return ok("network", f"private network '{network.name}' ({network.id}) in {region.code}")


def _elsewhere(
    catalog: Catalog, name: str, what: str, home_value: str | None, region: Region
) -> Check | None:
    """A failure when ``what`` lives in another region than the machine's (None otherwise)."""
    home = catalog.region(home_value) if home_value else None
    if home is None or home.code == region.code:
        return None
    return failed(
        name,
        f"{what} is in {home.code}; the machine would be in {region.code}.",
        f"use --region {home.code}",
    )


def resize_type_check(
    catalog: Catalog, current_label: str, new_type: MachineType, region: Region | None
) -> Check:
    """A type changes only within its group (CPU to CPU, GPU to GPU), in the machine's region."""
    current = catalog.machine_type(current_label)
    if current is not None and current.kind != new_type.kind:
        return failed(
            "machine type",
            f"{current.label} ({current.kind.upper()}) cannot become {new_type.label} "
            f"({new_type.kind.upper()}): a type only changes within its group.",
            "create a new machine of that type instead",
        )
    if region is not None:
        offered = region_offer_check(new_type, region)
        if offered.failed:
            return offered._replace(name="machine type", fix="choose a type offered there")
    return ok("machine type", f"{current_label} -> {new_type.label}")
