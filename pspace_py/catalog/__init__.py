"""The machine-type and price catalog: ``models`` (what it knows), ``loading`` (the bundled
data file into records), ``data_file`` (the file itself), ``overrides`` (the user's
``catalog.toml``, read only when it exists).

The names below are loaded on first use, so reading one price through ``data_file`` does not
define the records (NamedTuples and a dataclass, ~2 ms).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pspace_py.catalog.data_file import OVERRIDE_FILE_NAME
    from pspace_py.catalog.loading import bundled_catalog, load_catalog
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

_MODULE_OF = {
    "OVERRIDE_FILE_NAME": "data_file",
    "bundled_catalog": "loading",
    "load_catalog": "loading",
}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_MODULE_OF.get(name, 'models')}"), name)
    globals()[name] = value
    return value
