"""The user's ``catalog.toml``: prices the bundled catalog has wrong, and types it lacks.

``load_catalog(config_dir)`` applies ``config_dir / "catalog.toml"`` when it exists. Every
table is optional::

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
floats. The file's shape and types are checked by the pydantic models below; any problem (bad
TOML, unknown key, bad value) raises :class:`CatalogError`, whose message names the file and
the line (TOML syntax) or the table and key (everything else).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)
from pydantic_core import ErrorDetails

from pspace_py.catalog.models import CappedPrice, Catalog, CatalogError, MachineType, StoragePrice

Amount = Annotated[Decimal, Field(ge=0)]
Count = Annotated[StrictInt, Field(ge=0)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PriceOverride(_Table):
    hourly: Amount | None = None
    monthly_cap: Amount | None = Field(None, alias="monthly-cap")


class MachineTypeOverride(_Table):
    hourly: Amount | None = None
    kind: Literal["cpu", "gpu"] | None = None
    cpus: Count | None = None
    ram_gib: Amount | None = Field(None, alias="ram-gib")
    gpu: StrictStr | None = None
    gpu_count: Count | None = Field(None, alias="gpu-count")
    gpu_memory_gb: Count | None = Field(None, alias="gpu-memory-gb")
    regions: list[StrictStr] | None = None
    needs_approval: StrictBool | None = Field(None, alias="needs-approval")
    nvlink: StrictBool | None = None
    notes: StrictStr | None = None


class CatalogOverrides(_Table):
    machine_types: dict[str, MachineTypeOverride] = Field({}, alias="machine-types")
    disks: dict[PositiveInt, PriceOverride] = Field({})
    public_ip: PriceOverride | None = Field(None, alias="public-ip")


def apply_override_file(catalog: Catalog, path: Path) -> Catalog:
    """A copy of ``catalog`` with the override file at ``path`` applied."""
    try:
        overrides = CatalogOverrides.model_validate(_read_toml(path))
    except ValidationError as error:
        first, *others = error.errors(include_url=False)
        more = f" (and {len(others)} more problems)" if others else ""
        raise CatalogError(f"{path}: {_describe(first)}{more}") from None
    try:
        machine_types = catalog.machine_types
        for label, fields in overrides.machine_types.items():
            machine_types = _override_machine_type(catalog, machine_types, label, fields)
        disks = catalog.disks
        for size_gb, price in overrides.disks.items():
            disks = _override_disk(disks, size_gb, price)
        public_ip = _override_price(catalog.public_ip, overrides.public_ip)
    except ValueError as error:
        raise CatalogError(f"{path}: {error}") from None
    return replace(
        catalog, machine_types=machine_types, disks=disks, public_ip=public_ip, override_path=path
    )


def _read_toml(path: Path) -> dict[str, Any]:
    from pspace_py.toml_reader import tomllib

    toml_parser = tomllib()
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


def _describe(error: ErrorDetails) -> str:
    """One validation error in the file's own words: its table, its key, what is wrong."""
    loc = [str(part) for part in error["loc"]]
    if loc[-1] == "[key]":  # a [disks.N] size that is not a positive whole number
        return f"{_table(loc[:2])}: the disk size must be a whole number of GB above 0"
    # [public-ip] is one table; [machine-types] and [disks] hold one table per type or size.
    depth = 1 if loc[0] == "public-ip" else 2
    table, key = (loc[:depth], loc[depth]) if len(loc) > depth else (loc[:-1], loc[-1])
    if error["type"] == "extra_forbidden":
        model = _MODEL_OF_TABLE[table[0] if table else ""]
        expected = ", ".join(field.alias or name for name, field in model.model_fields.items())
        where = f"key {key!r} in {_table(table)}" if table else f"table {key!r}"
        return f"unknown {where}; expected one of: {expected}"
    if error["type"] in ("model_type", "dict_type"):
        return f"{_table(loc)} must be a table"
    value = error.get("input")
    got = "" if isinstance(value, dict | list) else f", got {value!r}"
    return f"{_table(table)} `{key}`: {error['msg']}{got}"


def _table(parts: list[str]) -> str:
    """``[machine-types.C5]``, ``[machine-types."A100 80G"]``: a table header as TOML writes it."""
    return "[" + ".".join(p if _BARE_KEY.fullmatch(p) else f'"{p}"' for p in parts) + "]"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_MODEL_OF_TABLE: dict[str, type[BaseModel]] = {
    "": CatalogOverrides,
    "machine-types": MachineTypeOverride,
    "disks": PriceOverride,
    "public-ip": PriceOverride,
}


def _override_machine_type(
    catalog: Catalog,
    machine_types: tuple[MachineType, ...],
    label: str,
    fields: MachineTypeOverride,
) -> tuple[MachineType, ...]:
    where = _table(["machine-types", label])
    changes = fields.model_dump(exclude_unset=True)
    if "regions" in changes:
        try:
            changes["regions"] = tuple(catalog.normalize_region(r).code for r in changes["regions"])
        except ValueError as error:
            raise ValueError(f"{where} `regions`: {error}") from None
    folded = label.casefold()
    existing = next((t for t in machine_types if t.label.casefold() == folded), None)
    if existing is not None:
        updated = existing._replace(**changes)
        return tuple(updated if item is existing else item for item in machine_types)
    if "hourly" not in changes:
        raise ValueError(f"{where}: a new machine type needs at least `hourly`")
    return (*machine_types, _new_machine_type(catalog, label, changes))


def _new_machine_type(catalog: Catalog, label: str, changes: dict[str, Any]) -> MachineType:
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
    disks: tuple[StoragePrice, ...], size_gb: int, price: PriceOverride
) -> tuple[StoragePrice, ...]:
    existing = next((disk for disk in disks if disk.size_gb == size_gb), None)
    if existing is None and (price.hourly is None or price.monthly_cap is None):
        raise ValueError(
            f"{_table(['disks', str(size_gb)])}: a new disk size needs both `hourly` and "
            "`monthly-cap`"
        )
    base = existing or StoragePrice(size_gb, Decimal(0), Decimal(0))
    capped = _override_price(CappedPrice(base.hourly, base.monthly_cap), price)
    updated = StoragePrice(size_gb, capped.hourly, capped.monthly_cap)
    others = [disk for disk in disks if disk.size_gb != size_gb]
    return tuple(sorted([*others, updated], key=lambda disk: disk.size_gb))


def _override_price(price: CappedPrice, change: PriceOverride | None) -> CappedPrice:
    if change is None:
        return price
    return price._replace(
        hourly=price.hourly if change.hourly is None else change.hourly,
        monthly_cap=price.monthly_cap if change.monthly_cap is None else change.monthly_cap,
    )
