"""Where the catalog's data is: the bundled ``pspace_py/data/catalog.json`` as parsed JSON, and
the user's override file when there is one. Light on purpose: reading one price from here (the
COST line, ``pricing.current``) builds no records and loads no ``decimal``."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

OVERRIDE_FILE_NAME = "catalog.toml"
DATA_FILE_NAME = "catalog.json"
_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


@lru_cache(maxsize=1)
def bundled_data() -> Any:
    """The bundled catalog's JSON (read once per process; callers do not change it)."""
    # Next to the package's modules, as a wheel installs it (importlib.resources would load its
    # zip readers first: ~1 ms of every command that shows a price).
    return json.loads((_DATA_DIR / DATA_FILE_NAME).read_text(encoding="utf-8"))


def override_file(config_dir: Path | None) -> Path | None:
    """The user's ``catalog.toml`` in `config_dir` when it exists (None: no overrides)."""
    if config_dir is None:
        return None
    path = Path(config_dir) / OVERRIDE_FILE_NAME
    return path if path.is_file() else None
