"""The machine-type and price catalog: the bundled data file plus the user's overrides.

The data lives in ``pspace_py/data/catalog.json`` (the sandbox emulator serves the same file).
Prices are USD ``Decimal`` values, never floats.

User overrides
--------------
``load_catalog(config_dir)`` reads ``config_dir / "catalog.toml"`` when it exists and applies it
on top of the bundled data. Every table is optional::

    # Change a price, or any other field, of a known type (label matched case-insensitively).
    [machine-types.A100-80G]
    hourly = "2.90"

    # Add a type the catalog does not know. Only `hourly` is required.
    [machine-types.B200]
    hourly = "9.99"
    kind = "gpu"              # "cpu" | "gpu"; default "gpu" when gpu/gpu-count is given, else "cpu"
    cpus = 32                 # default 0 = not specified
    ram-gib = 256             # default 0 = not specified
    gpu = "NVIDIA B200"
    gpu-count = 1             # default 1 for a GPU type, 0 for a CPU type
    gpu-memory-gb = 192
    regions = ["NY2"]         # any region spelling; default: every region
    needs-approval = false
    nvlink = false
    notes = "negotiated rate"

    # Disk sizes (GB), existing or new; a new size needs both keys.
    [disks."50"]
    hourly = "0.0074"
    monthly-cap = "5.00"

    [public-ip]
    hourly = "0.0045"
    monthly-cap = "3.00"

Prices may be TOML strings (``"0.08"``) or numbers (``0.08``); numbers are read as decimals, not
floats. Any problem (bad TOML, unknown key, bad value) raises :class:`CatalogError`, whose message
names the file (and, for TOML syntax errors, the line).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

OVERRIDE_FILE_NAME = "catalog.toml"
_DATA_PACKAGE = "pspace_py.data"
_DATA_FILE = "catalog.json"

MACHINE_KINDS = ("cpu", "gpu")


class CatalogError(ValueError):
    """The catalog (bundled or the user's override file) could not be read or is invalid."""


@dataclass(frozen=True)
class Region:
    code: str  # "NY2"
    api_value: str  # "ny2", what the v1 API takes in request bodies
    name: str  # "East Coast (NY2)", what the v1 API returns in `region`
    location: str  # "New York"


@dataclass(frozen=True)
class MachineType:
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


@dataclass(frozen=True)
class OsTemplate:
    id: str
    name: str
    operating_system_label: str
    agent_type: str
    default_size_gb: int | None
    dt_created: str | None  # ISO-8601; None when the build date is not known
    machine_types: tuple[str, ...]
    notes: str | None = None


@dataclass(frozen=True)
class CappedPrice:
    """A price that accrues per hour until it reaches a monthly maximum."""

    hourly: Decimal
    monthly_cap: Decimal
    notes: str | None = None


@dataclass(frozen=True)
class StoragePrice:
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

    def disk_price(self, size_gb: int) -> StoragePrice | None:
        return _price_for_size(self.disks, size_gb)

    def snapshot_price(self, size_gb: int) -> StoragePrice | None:
        return _price_for_size(self.snapshots, size_gb)

    def custom_template_price(self, size_gb: int) -> StoragePrice | None:
        return _price_for_size(self.custom_templates, size_gb)

    def shared_drive_price(self, size_gb: int) -> StoragePrice | None:
        return _price_for_size(self.shared_drives, size_gb)

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

    # -- serialisation -------------------------------------------------------------------------

    def to_jsonable(self) -> dict[str, Any]:
        """The catalog in the schema of ``catalog.json`` (money as decimal strings)."""
        return {
            "schemaVersion": self.schema_version,
            "prices": {
                "date": self.prices_date,
                "source": self.prices_source,
                "currency": self.currency,
                "notes": self.prices_notes,
            },
            "notes": dict(self.notes),
            "regions": [_region_to_json(region) for region in self.regions],
            "machineTypes": [_machine_type_to_json(item) for item in self.machine_types],
            "disks": [_storage_to_json(item) for item in self.disks],
            "publicIp": _capped_to_json(self.public_ip),
            "privateNetwork": _capped_to_json(self.private_network),
            "vpn": _capped_to_json(self.vpn),
            "snapshots": [_storage_to_json(item) for item in self.snapshots],
            "customTemplates": [_storage_to_json(item) for item in self.custom_templates],
            "sharedDrives": [_storage_to_json(item) for item in self.shared_drives],
            "osTemplates": [_template_to_json(item) for item in self.os_templates],
        }


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


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_catalog(config_dir: Path | None = None) -> Catalog:
    """The bundled catalog, with ``config_dir / "catalog.toml"`` applied when it exists.

    `config_dir` None means no overrides. See the module docstring for the override format.
    """
    catalog = bundled_catalog()
    if config_dir is None:
        return catalog
    override_path = Path(config_dir) / OVERRIDE_FILE_NAME
    if not override_path.is_file():
        return catalog
    return apply_overrides(catalog, _read_toml(override_path), override_path)


@lru_cache(maxsize=1)
def bundled_catalog() -> Catalog:
    """The catalog shipped in the package (parsed once per process)."""
    return catalog_from_json(bundled_catalog_json())


def bundled_catalog_json() -> dict[str, Any]:
    """The raw contents of the bundled ``catalog.json`` (a fresh copy each call)."""
    text = resources.files(_DATA_PACKAGE).joinpath(_DATA_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def normalize_region(value: str) -> Region:
    """`Catalog.normalize_region` on the bundled catalog."""
    return bundled_catalog().normalize_region(value)


def catalog_from_json(data: Mapping[str, Any]) -> Catalog:
    """Build a Catalog from data in the ``catalog.json`` schema."""
    try:
        prices = data["prices"]
        return Catalog(
            schema_version=int(data.get("schemaVersion", 1)),
            prices_date=str(prices["date"]),
            prices_source=str(prices["source"]),
            currency=str(prices["currency"]),
            prices_notes=str(prices.get("notes", "")),
            notes=dict(data.get("notes", {})),
            regions=tuple(_region_from_json(item) for item in data["regions"]),
            machine_types=tuple(_machine_type_from_json(item) for item in data["machineTypes"]),
            os_templates=tuple(_template_from_json(item) for item in data["osTemplates"]),
            disks=tuple(_storage_from_json(item) for item in data["disks"]),
            public_ip=_capped_from_json(data["publicIp"]),
            private_network=_capped_from_json(data["privateNetwork"]),
            vpn=_capped_from_json(data["vpn"]),
            snapshots=tuple(_storage_from_json(item) for item in data["snapshots"]),
            custom_templates=tuple(_storage_from_json(item) for item in data["customTemplates"]),
            shared_drives=tuple(_storage_from_json(item) for item in data["sharedDrives"]),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise CatalogError(f"bundled catalog {_DATA_FILE} is invalid: {exc!r}") from exc


def _decimal(value: Any) -> Decimal:
    # Floats go through str() so 0.08 stays 0.08 rather than its binary approximation.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, float):
        value = str(value)
    if not isinstance(value, (str, int, Decimal)):
        raise ValueError(f"expected a number, got {value!r}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _optional_decimal(value: Any) -> Decimal | None:
    return None if value is None else _decimal(value)


def _region_from_json(item: Mapping[str, Any]) -> Region:
    return Region(
        code=item["code"], api_value=item["apiValue"], name=item["name"], location=item["location"]
    )


def _machine_type_from_json(item: Mapping[str, Any]) -> MachineType:
    return MachineType(
        label=item["label"],
        kind=item["kind"],
        cpus=int(item["cpus"]),
        ram_gib=_decimal(item["ramGiB"]),
        gpu=item["gpu"],
        gpu_count=int(item["gpuCount"]),
        gpu_memory_gb=item["gpuMemoryGB"],
        hourly=_optional_decimal(item["hourly"]),
        regions=tuple(item["regions"]),
        needs_approval=bool(item["needsApproval"]),
        nvlink=bool(item["nvlink"]),
        notes=item.get("notes"),
    )


def _template_from_json(item: Mapping[str, Any]) -> OsTemplate:
    return OsTemplate(
        id=item["id"],
        name=item["name"],
        operating_system_label=item["operatingSystemLabel"],
        agent_type=item["agentType"],
        default_size_gb=item["defaultSizeGb"],
        dt_created=item["dtCreated"],
        machine_types=tuple(item["machineTypes"]),
        notes=item.get("notes"),
    )


def _storage_from_json(item: Mapping[str, Any]) -> StoragePrice:
    return StoragePrice(
        size_gb=int(item["sizeGb"]),
        hourly=_decimal(item["hourly"]),
        monthly_cap=_decimal(item["monthlyCap"]),
    )


def _capped_from_json(item: Mapping[str, Any]) -> CappedPrice:
    return CappedPrice(
        hourly=_decimal(item["hourly"]),
        monthly_cap=_decimal(item["monthlyCap"]),
        notes=item.get("notes"),
    )


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(str(value))


def _without_none_notes(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("notes") is None:
        data.pop("notes", None)
    return data


def _region_to_json(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "apiValue": region.api_value,
        "name": region.name,
        "location": region.location,
    }


def _machine_type_to_json(machine_type: MachineType) -> dict[str, Any]:
    return _without_none_notes(
        {
            "label": machine_type.label,
            "kind": machine_type.kind,
            "cpus": machine_type.cpus,
            "ramGiB": _json_number(machine_type.ram_gib),
            "gpu": machine_type.gpu,
            "gpuCount": machine_type.gpu_count,
            "gpuMemoryGB": machine_type.gpu_memory_gb,
            "hourly": None if machine_type.hourly is None else str(machine_type.hourly),
            "regions": list(machine_type.regions),
            "needsApproval": machine_type.needs_approval,
            "nvlink": machine_type.nvlink,
            "notes": machine_type.notes,
        }
    )


def _template_to_json(template: OsTemplate) -> dict[str, Any]:
    return _without_none_notes(
        {
            "id": template.id,
            "name": template.name,
            "operatingSystemLabel": template.operating_system_label,
            "agentType": template.agent_type,
            "defaultSizeGb": template.default_size_gb,
            "dtCreated": template.dt_created,
            "machineTypes": list(template.machine_types),
            "notes": template.notes,
        }
    )


def _storage_to_json(price: StoragePrice) -> dict[str, Any]:
    return {
        "sizeGb": price.size_gb,
        "hourly": str(price.hourly),
        "monthlyCap": str(price.monthly_cap),
    }


def _capped_to_json(price: CappedPrice) -> dict[str, Any]:
    return _without_none_notes(
        {"hourly": str(price.hourly), "monthlyCap": str(price.monthly_cap), "notes": price.notes}
    )


# ---------------------------------------------------------------------------------------------
# User overrides (catalog.toml)
# ---------------------------------------------------------------------------------------------

_OVERRIDE_TABLES = ("machine-types", "disks", "public-ip")
_MACHINE_TYPE_KEYS = (
    "hourly",
    "kind",
    "cpus",
    "ram-gib",
    "gpu",
    "gpu-count",
    "gpu-memory-gb",
    "regions",
    "needs-approval",
    "nvlink",
    "notes",
)
_CAPPED_PRICE_KEYS = ("hourly", "monthly-cap")


def _read_toml(path: Path) -> dict[str, Any]:
    # tomllib (3.11+) / tomli are imported here so importing the catalog stays cheap.
    if sys.version_info >= (3, 11):
        import tomllib as toml_parser
    else:
        import tomli as toml_parser
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read the catalog override file: {exc}") from exc
    try:
        # parse_float=Decimal keeps `hourly = 0.08` exact.
        return toml_parser.loads(text, parse_float=Decimal)
    except toml_parser.TOMLDecodeError as exc:
        # The parser's message carries "(at line N, column M)".
        raise CatalogError(f"{path}: invalid TOML: {exc}") from exc


def apply_overrides(catalog: Catalog, overrides: Mapping[str, Any], path: Path) -> Catalog:
    """A copy of `catalog` with the parsed override TOML applied (errors name `path`)."""
    try:
        _check_keys(overrides, _OVERRIDE_TABLES, "top-level table")
        machine_types = catalog.machine_types
        for label, fields in _table(overrides, "machine-types").items():
            machine_types = _override_machine_type(catalog, machine_types, label, fields)
        disks = catalog.disks
        for size, fields in _table(overrides, "disks").items():
            disks = _override_disk(disks, size, fields)
        public_ip = _override_capped_price(catalog.public_ip, overrides.get("public-ip"))
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise CatalogError(f"{path}: {exc}") from exc
    return replace(
        catalog,
        machine_types=machine_types,
        disks=disks,
        public_ip=public_ip,
        override_path=path,
    )


def _check_keys(table: Mapping[str, Any], allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    for key in table:
        if key not in allowed:
            raise ValueError(f"unknown {what} {key!r}; expected one of: {', '.join(allowed)}")


def _table(overrides: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = overrides.get(name, {})
    if not isinstance(table, Mapping):
        raise ValueError(f"[{name}] must be a table")
    return table


def _override_machine_type(
    catalog: Catalog,
    machine_types: tuple[MachineType, ...],
    label: str,
    fields: Any,
) -> tuple[MachineType, ...]:
    where = f"[machine-types.{label!r}]"
    if not isinstance(fields, Mapping):
        raise ValueError(f"{where} must be a table")
    _check_keys(fields, _MACHINE_TYPE_KEYS, f"key in {where}")
    try:
        changes = _machine_type_changes(catalog, fields)
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ValueError(f"{where}: {exc}") from exc
    existing = _find_machine_type(machine_types, label)
    if existing is not None:
        updated = replace(existing, **changes)
        return tuple(updated if item is existing else item for item in machine_types)
    if "hourly" not in changes:
        raise ValueError(f"{where}: a new machine type needs at least `hourly`")
    return (*machine_types, _new_machine_type(catalog, label, changes))


def _find_machine_type(machine_types: tuple[MachineType, ...], label: str) -> MachineType | None:
    exact, folded = _machine_type_index(machine_types)
    return exact.get(label) or folded.get(label.casefold())


def _machine_type_changes(catalog: Catalog, fields: Mapping[str, Any]) -> dict[str, Any]:
    converters: dict[str, tuple[str, Any]] = {
        "hourly": ("hourly", _non_negative_decimal),
        "kind": ("kind", _machine_kind),
        "cpus": ("cpus", _non_negative_int),
        "ram-gib": ("ram_gib", _non_negative_decimal),
        "gpu": ("gpu", _string),
        "gpu-count": ("gpu_count", _non_negative_int),
        "gpu-memory-gb": ("gpu_memory_gb", _non_negative_int),
        "regions": ("regions", lambda value: _region_codes(catalog, value)),
        "needs-approval": ("needs_approval", _boolean),
        "nvlink": ("nvlink", _boolean),
        "notes": ("notes", _string),
    }
    changes: dict[str, Any] = {}
    for key, value in fields.items():
        attribute, convert = converters[key]
        try:
            changes[attribute] = convert(value)
        except (ValueError, TypeError, InvalidOperation) as exc:
            raise ValueError(f"`{key}`: {exc}") from exc
    return changes


def _new_machine_type(catalog: Catalog, label: str, changes: Mapping[str, Any]) -> MachineType:
    is_gpu = "gpu" in changes or changes.get("gpu_count", 0) > 0
    kind = changes.get("kind", "gpu" if is_gpu else "cpu")
    defaults: dict[str, Any] = {
        "label": label,
        "kind": kind,
        "cpus": 0,
        "ram_gib": Decimal(0),
        "gpu": None,
        "gpu_count": 1 if kind == "gpu" else 0,
        "gpu_memory_gb": None,
        "hourly": None,
        "regions": catalog.region_codes,
        "needs_approval": False,
        "nvlink": False,
        "notes": None,
    }
    return MachineType(**{**defaults, **changes})


def _override_disk(
    disks: tuple[StoragePrice, ...], size_key: str, fields: Any
) -> tuple[StoragePrice, ...]:
    where = f"[disks.{size_key!r}]"
    try:
        size_gb = int(size_key)
    except ValueError:
        raise ValueError(f"{where}: the disk size must be a whole number of GB") from None
    if size_gb <= 0:
        raise ValueError(f"{where}: the disk size must be positive")
    if not isinstance(fields, Mapping):
        raise ValueError(f"{where} must be a table")
    existing = _price_for_size(disks, size_gb)
    if existing is None and not all(key in fields for key in _CAPPED_PRICE_KEYS):
        raise ValueError(f"{where}: a new disk size needs both `hourly` and `monthly-cap`")
    base = existing or StoragePrice(size_gb, Decimal(0), Decimal(0))
    try:
        price = _override_capped_price(CappedPrice(base.hourly, base.monthly_cap), fields)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc
    updated = StoragePrice(size_gb, price.hourly, price.monthly_cap)
    others = [disk for disk in disks if disk.size_gb != size_gb]
    return tuple(sorted([*others, updated], key=lambda disk: disk.size_gb))


def _override_capped_price(price: CappedPrice, fields: Any) -> CappedPrice:
    if fields is None:
        return price
    if not isinstance(fields, Mapping):
        raise ValueError("a price must be a table with `hourly` and/or `monthly-cap`")
    _check_keys(fields, _CAPPED_PRICE_KEYS, "price key")
    hourly = price.hourly
    monthly_cap = price.monthly_cap
    try:
        if "hourly" in fields:
            hourly = _non_negative_decimal(fields["hourly"])
        if "monthly-cap" in fields:
            monthly_cap = _non_negative_decimal(fields["monthly-cap"])
    except (ValueError, TypeError, InvalidOperation) as exc:
        raise ValueError(f"bad price: {exc}") from exc
    return replace(price, hourly=hourly, monthly_cap=monthly_cap)


def _non_negative_decimal(value: Any) -> Decimal:
    try:
        result = _decimal(value)
    except InvalidOperation:
        raise ValueError(f"expected a decimal number, got {value!r}") from None
    if result < 0:
        raise ValueError(f"expected a number >= 0, got {value!r}")
    return result


def _non_negative_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    return value


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {value!r}")
    return value


def _machine_kind(value: Any) -> str:
    if value not in MACHINE_KINDS:
        raise ValueError(f"expected one of {', '.join(MACHINE_KINDS)}, got {value!r}")
    return str(value)


def _region_codes(catalog: Catalog, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"expected a list of region names, got {value!r}")
    return tuple(catalog.normalize_region(item).code for item in value)
