"""What the catalog knows: regions, machine types, OS templates and price tables.

Prices are USD ``Decimal`` values, never floats; ``None`` is a price the catalog does not know.
The records are NamedTuples (a frozen dataclass costs ~0.7 ms to define, and every command that
shows a price loads this module); the catalog itself is a dataclass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

MACHINE_KINDS = ("cpu", "gpu")


class CatalogError(ValueError):
    """The catalog (bundled or the user's override file) could not be read or is invalid."""


class Region(NamedTuple):
    code: str  # "NY2"
    api_value: str  # "ny2", what the v1 API takes in request bodies
    name: str  # "East Coast (NY2)", what the v1 API returns in `region`
    location: str  # "New York"


class MachineType(NamedTuple):
    label: str
    kind: str  # "cpu" | "gpu"
    cpus: int
    ram_gib: Decimal
    gpu: str | None
    gpu_count: int
    gpu_memory_gb: int | None  # per GPU
    hourly: Decimal | None  # None = price unknown
    regions: tuple[str, ...]  # region codes
    needs_approval: bool
    nvlink: bool
    notes: str | None = None

    @property
    def ram_bytes(self) -> int:
        return int(self.ram_gib * 2**30)

    @property
    def is_gpu(self) -> bool:
        return self.kind == "gpu"


class OsTemplate(NamedTuple):
    id: str
    name: str
    operating_system_label: str
    agent_type: str
    default_size_gb: int | None
    dt_created: str | None  # ISO-8601; None when the build date is not known
    machine_types: tuple[str, ...]
    notes: str | None = None


class CappedPrice(NamedTuple):
    """A price that accrues per hour until it reaches a monthly maximum."""

    hourly: Decimal
    monthly_cap: Decimal
    notes: str | None = None


class StoragePrice(NamedTuple):
    """The capped price of one size band (disks, snapshots, templates, shared drives)."""

    size_gb: int
    hourly: Decimal
    monthly_cap: Decimal


@dataclass(frozen=True)
class Catalog:
    prices_date: str
    prices_source: str
    currency: str
    prices_notes: str
    regions: tuple[Region, ...]
    machine_types: tuple[MachineType, ...]
    os_templates: tuple[OsTemplate, ...]
    disks: tuple[StoragePrice, ...]
    public_ip: CappedPrice
    private_network: CappedPrice
    vpn: CappedPrice
    snapshots: tuple[StoragePrice, ...]
    custom_templates: tuple[StoragePrice, ...]
    shared_drives: tuple[StoragePrice, ...]
    notes: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)
    schema_version: int = 1
    # Sizes the API accepts (GB), whether or not a price is known for them.
    disk_sizes_accepted: tuple[int, ...] = ()
    shared_drive_sizes_accepted: tuple[int, ...] = ()
    # The override file applied on top of the bundled data, if any.
    override_path: Path | None = None
    _labels_exact: dict[str, MachineType] = field(init=False, repr=False, compare=False, hash=False)
    _labels_folded: dict[str, MachineType] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Lookup indexes built once; object.__setattr__ because the dataclass is frozen.
        exact, folded = _machine_type_index(self.machine_types)
        object.__setattr__(self, "_labels_exact", exact)
        object.__setattr__(self, "_labels_folded", folded)

    # -- machine types -------------------------------------------------------------------------

    def machine_type(self, label: str) -> MachineType | None:
        """The type with this label: exact match first, then case-insensitive."""
        return self._labels_exact.get(label) or self._labels_folded.get(label.strip().casefold())

    @property
    def machine_type_labels(self) -> tuple[str, ...]:
        return tuple(machine_type.label for machine_type in self.machine_types)

    def filter_machine_types(
        self,
        *,
        region: str | None = None,
        kind: str | None = None,
        max_hourly: Decimal | None = None,
    ) -> tuple[MachineType, ...]:
        """Types offered in `region` (any spelling), of `kind`, costing at most `max_hourly`.

        With `max_hourly`, types whose price is unknown are left out (they cannot be shown to be
        under the limit).
        """
        region_code = self.normalize_region(region).code if region is not None else None
        return tuple(
            machine_type
            for machine_type in self.machine_types
            if (region_code is None or region_code in machine_type.regions)
            and (kind is None or machine_type.kind == kind)
            and (
                max_hourly is None
                or (machine_type.hourly is not None and machine_type.hourly <= max_hourly)
            )
        )

    # -- regions -------------------------------------------------------------------------------

    def normalize_region(self, value: str) -> Region:
        """The region for `NY2`, `ny2` or `East Coast (NY2)` (any case, surrounding spaces).

        Raises ValueError listing the accepted spellings.
        """
        key = value.strip().casefold()
        for region in self.regions:
            if key in (region.code.casefold(), region.api_value.casefold(), region.name.casefold()):
                return region
        accepted = ", ".join(
            f"{region.code} / {region.api_value} / {region.name!r}" for region in self.regions
        )
        raise ValueError(f"unknown region {value!r}; expected one of: {accepted}")

    def region(self, code: str) -> Region | None:
        """The region for a code or any accepted spelling; None if unknown."""
        try:
            return self.normalize_region(code)
        except ValueError:
            return None

    @property
    def region_codes(self) -> tuple[str, ...]:
        return tuple(region.code for region in self.regions)

    # -- storage -------------------------------------------------------------------------------

    @property
    def disk_sizes(self) -> tuple[int, ...]:
        return tuple(disk.size_gb for disk in self.disks)

    @property
    def accepted_disk_sizes(self) -> tuple[int, ...]:
        """The machine disk sizes the API accepts: the listed ones and every priced one."""
        return tuple(sorted({*self.disk_sizes_accepted, *self.disk_sizes}))

    @property
    def accepted_shared_drive_sizes(self) -> tuple[int, ...]:
        priced = (price.size_gb for price in self.shared_drives)
        return tuple(sorted({*self.shared_drive_sizes_accepted, *priced}))

    def disk_price(self, size_gb: int) -> StoragePrice | None:
        return _price_for_size(self.disks, size_gb)

    # -- OS templates --------------------------------------------------------------------------

    def os_template(self, template_id: str) -> OsTemplate | None:
        for template in self.os_templates:
            if template.id == template_id:
                return template
        return None

    def templates_for(self, machine_type: str | MachineType) -> tuple[OsTemplate, ...]:
        """The OS templates that run on this machine type (label matched case-insensitively)."""
        label = machine_type if isinstance(machine_type, str) else machine_type.label
        known = self.machine_type(label)
        canonical = known.label if known is not None else label
        return tuple(
            template for template in self.os_templates if canonical in template.machine_types
        )


def _price_for_size(table: tuple[StoragePrice, ...], size_gb: int) -> StoragePrice | None:
    for price in table:
        if price.size_gb == size_gb:
            return price
    return None


def _machine_type_index(
    machine_types: Iterable[MachineType],
) -> tuple[dict[str, MachineType], dict[str, MachineType]]:
    exact = {machine_type.label: machine_type for machine_type in machine_types}
    folded = {machine_type.label.casefold(): machine_type for machine_type in machine_types}
    return exact, folded
