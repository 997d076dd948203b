"""The machine-type and price catalog: ``models`` (what it knows), ``loading`` (the bundled
data file), ``overrides`` (the user's ``catalog.toml``, read only when it exists)."""

from pspace_py.catalog.loading import OVERRIDE_FILE_NAME, bundled_catalog, load_catalog
from pspace_py.catalog.models import (
    MACHINE_KINDS,
    CappedPrice,
    Catalog,
    CatalogError,
    MachineType,
    OsTemplate,
    Region,
    StoragePrice,
)

__all__ = [
    "MACHINE_KINDS",
    "OVERRIDE_FILE_NAME",
    "CappedPrice",
    "Catalog",
    "CatalogError",
    "MachineType",
    "OsTemplate",
    "Region",
    "StoragePrice",
    "bundled_catalog",
    "load_catalog",
]
