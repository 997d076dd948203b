"""Shell completion of machine names and IDs from a short-lived local cache.

Completion runs on every Tab press, so it must be quick and must never need
the user to be logged in: it answers from a cache file, refreshing it at most
once a minute with one page of machines and a one-second budget. Any failure
(no key, no network, a corrupt cache) just means fewer suggestions.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE_TTL_SECONDS = 60.0
REFRESH_TIMEOUT_SECONDS = 1.0
_CACHE_FILE = "machines.json"


def cache_path() -> Path:
    override = os.environ.get("PSPACE_CACHE_DIR")
    if override:
        return Path(override) / _CACHE_FILE
    import platformdirs

    return Path(platformdirs.user_cache_dir("pspace-py", appauthor=False)) / _CACHE_FILE


def read_cache(path: Path) -> tuple[float, str, list[dict[str, str]]]:
    """(written at, API URL it came from, machines); empty when absent or unreadable."""
    try:
        data = json.loads(path.read_text())
        machines = [
            {"id": str(m["id"]), "name": str(m.get("name", "")), "state": str(m.get("state", ""))}
            for m in data["machines"]
        ]
        return float(data["written"]), str(data["apiUrl"]), machines
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0, "", []


def write_cache(path: Path, api_url: str, machines: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "written": time.time(),
        "apiUrl": api_url,
        "machines": [
            {"id": m.get("id"), "name": m.get("name"), "state": m.get("state")} for m in machines
        ],
    }
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".machines-")
    with os.fdopen(fd, "w") as handle:
        json.dump(payload, handle)
    os.replace(tmp, path)


def _refresh(path: Path) -> list[dict[str, Any]] | None:
    """One page of machines within the time budget, or None."""
    from pspace_py.api.client import ApiClient
    from pspace_py.config import load_config
    from pspace_py.settings import resolve_settings

    settings = resolve_settings(load_config())
    if not settings.api_key:
        return None
    transport = None
    if settings.sandbox:
        from pspace_py.sandbox import in_process_transport

        transport = in_process_transport()
    with ApiClient(
        settings.api_url,
        settings.api_key,
        timeout=REFRESH_TIMEOUT_SECONDS,
        retries=0,
        transport=transport,
    ) as client:
        machines = client.list_page("machines", {"limit": 120}).items
    write_cache(path, settings.api_url, machines)
    return machines


def machine_candidates(incomplete: str) -> list[tuple[str, str]]:
    """Names and IDs starting with ``incomplete``, each with a short description."""
    path = cache_path()
    written, _, machines = read_cache(path)
    if time.time() - written > CACHE_TTL_SECONDS:
        with contextlib.suppress(Exception):
            machines = _refresh(path) or machines
    candidates: list[tuple[str, str]] = []
    for machine in machines:
        description = f"{machine.get('name')} ({machine.get('state')})"
        for value in (machine.get("name"), machine.get("id")):
            if value and str(value).startswith(incomplete):
                candidates.append((str(value), description))
    return candidates


def complete_machine(incomplete: str) -> list[tuple[str, str]]:
    """Typer ``autocompletion`` callback for machine arguments."""
    try:
        return machine_candidates(incomplete)
    except Exception:  # completion must never print a traceback into the shell
        return []
