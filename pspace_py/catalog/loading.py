"""Loading the catalog: the bundled ``pspace_py/data/catalog.json`` (the sandbox serves the same
file), with the user's ``catalog.toml`` overrides applied on top when there are any."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from pspace_py.catalog.data_file import (
    DATA_FILE_NAME,
    OVERRIDE_FILE_NAME,
    bundled_data,
    override_file,
)
from pspace_py.catalog.models import (
    CappedPrice,
    Catalog,
    CatalogError,
    MachineType,
    OsTemplate,
    Region,
    StoragePrice,
)

__all__ = ["OVERRIDE_FILE_NAME", "bundled_catalog", "catalog_from_json", "load_catalog"]


def load_catalog(config_dir: Path | None = None) -> Catalog:
    """The bundled catalog, with ``config_dir / "catalog.toml"`` applied when it exists.

    `config_dir` None means no overrides; ``catalog/overrides.py`` describes the file.
    """
    catalog = bundled_catalog()
    override_path = override_file(config_dir)
    if override_path is None:
        return catalog
    # Read only when the file exists: pydantic stays off every other command's start-up.
    from pspace_py.catalog.overrides import apply_override_file

    return apply_override_file(catalog, override_path)


@lru_cache(maxsize=1)
def bundled_catalog() -> Catalog:
    """The catalog shipped in the package (parsed once per process)."""
    return catalog_from_json(bundled_data())


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
            disk_sizes_accepted=tuple(int(size) for size in data.get("diskSizesGb", ())),
            shared_drive_sizes_accepted=tuple(
                int(size) for size in data.get("sharedDriveSizesGb", ())
            ),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise CatalogError(f"bundled catalog {DATA_FILE_NAME} is invalid: {exc!r}") from exc


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
