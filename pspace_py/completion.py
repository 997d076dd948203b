"""Shell completion of every value pspace can know, without a login and within a second.

What a value is follows from the parameter (its option name or its argument's noun, see
``OPTION_KINDS``/``ARGUMENT_KINDS``), for every command: :func:`attach` gives each such
parameter its completer when the shell asks (pspace_py/cli/command_classes.py), so a new
command gets completion by naming its parameters as the others do.

- regions and machine types come from the catalog, templates from it and the API;
- machines, snapshots, networks, IPs, custom templates, startup scripts, shared drives and
  autoscaling groups from the API, through a cache file per kind: a Tab press reads it, and
  refreshes it at most once a minute with one page and a one-second budget;
- profiles from the config file.

Any failure (no key, no network, a corrupt cache) only means fewer suggestions. A cache is
for one API and one key (a fingerprint of both, never the key itself).

A Tab press on a machine argument of a plain line (``pspace machine stop web-1 <TAB>``) is
answered from a fresh cache before the app is even imported (pspace_py/completion_fast.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

CACHE_TTL_SECONDS = 60.0
REFRESH_TIMEOUT_SECONDS = 1.0
PAGE_SIZE = 120

Candidate = tuple[str, str]  # (value, what it is)


class ApiKind(NamedTuple):
    """A resource whose values come from a list endpoint."""

    path: str
    candidates: Callable[[dict[str, Any]], list[Candidate]]


def _by_name_and_id(
    details: Callable[[dict[str, Any]], str],
) -> Callable[[dict[str, Any]], list[Candidate]]:
    """A resource completes by its name (described by its ID) and its ID (by its name)."""

    def candidates(item: dict[str, Any]) -> list[Candidate]:
        name, item_id, about = item.get("name"), item.get("id"), details(item)
        found = [(str(name), f"{item_id} {about}".strip())] if name else []
        return found + ([(str(item_id), f"{name or ''} {about}".strip())] if item_id else [])

    return candidates


def _region_of(item: dict[str, Any]) -> str:
    from pspace_py.output.format import region_code

    return region_code(item.get("region"))


API_KINDS: dict[str, ApiKind] = {
    "machine": ApiKind(
        "machines", _by_name_and_id(lambda m: f"({m.get('state')}, {_region_of(m)})")
    ),
    "snapshot": ApiKind("snapshots", _by_name_and_id(lambda s: f"(of {s.get('machineId')})")),
    "network": ApiKind("private-networks", _by_name_and_id(lambda n: f"({_region_of(n)})")),
    "ip": ApiKind(
        "public-ips",
        lambda ip: (
            [
                (
                    str(ip["ip"]),
                    f"{_region_of(ip)}, "
                    + (f"on {ip['assignedMachineId']}" if ip.get("assignedMachineId") else "free"),
                )
            ]
            if ip.get("ip")
            else []
        ),
    ),
    "custom-template": ApiKind("custom-templates", _by_name_and_id(lambda t: "(custom)")),
    "startup-script": ApiKind("startup-scripts", _by_name_and_id(lambda s: "")),
    "shared-drive": ApiKind("shared-drives", _by_name_and_id(lambda d: f"({_region_of(d)})")),
    "autoscaling-group": ApiKind("autoscaling-groups", _by_name_and_id(lambda g: "")),
}

# What a value is, by the option that takes it ...
OPTION_KINDS = {
    "--region": "region",
    "--machine-type": "machine-type",
    "--template-id": "template",
    "--network-id": "network",
    "--network": "network",
    "--startup-script-id": "startup-script",
    "--restore-point-snapshot-id": "snapshot",
    "--machine-id": "machine",
    "--machine": "machine",
    "--profile": "profile",
}
# ... or by the noun an argument is shown as (its metavar).
ARGUMENT_KINDS = {
    "MACHINE": "machine",
    "SNAPSHOT": "snapshot",
    "NETWORK": "network",
    "IP": "ip",
    "TEMPLATE": "custom-template",
    "SCRIPT": "startup-script",
    "DRIVE": "shared-drive",
    "GROUP": "autoscaling-group",
    "PROFILE": "profile",
}


# -- which parameters complete what ------------------------------------------------------------


def kind_of(param: Any) -> str | None:
    """What ``param``'s values are, or None (choices and files complete themselves)."""
    if getattr(param.type, "choices", None):
        return None
    if param.param_type_name == "argument":
        return ARGUMENT_KINDS.get(str(param.metavar or "").strip("[]."))
    return next((OPTION_KINDS[name] for name in param.opts if name in OPTION_KINDS), None)


def attach(params: Iterable[Any]) -> None:
    """Give each parameter whose kind is known its completer (once)."""
    # Click's CompletionItem, which Typer imports there (it has no public home).
    from typer.core import CompletionItem  # type: ignore[attr-defined]

    for param in params:
        kind = kind_of(param)
        if kind is None or getattr(param, "_pspace_completes", None) == kind:
            continue

        def complete(ctx: Any, incomplete: str, kind: str = kind) -> list[Any]:
            return [
                CompletionItem(value, help=about)
                for value, about in candidates(kind, incomplete, ctx)
            ]

        # Click asks a parameter for its values with its (public) shell_complete method.
        param.shell_complete = complete
        param._pspace_completes = kind


def candidates(kind: str, incomplete: str, ctx: Any = None) -> list[Candidate]:
    """Values of ``kind`` starting with ``incomplete``; never raises."""
    try:
        return _candidates(kind, incomplete, _root_options(ctx))
    except Exception:  # completion must never print a traceback into the shell
        return []


def _candidates(kind: str, incomplete: str, options: dict[str, Any]) -> list[Candidate]:
    if kind == "region":
        return matching(_regions(), incomplete, any_case=True)
    if kind == "machine-type":
        return matching(_machine_types(), incomplete, any_case=True)
    if kind == "profile":
        return matching(_profiles(), incomplete)
    if kind == "template":
        found = matching(_os_templates(), incomplete)
        return found + api_candidates("custom-template", incomplete, options)
    return api_candidates(kind, incomplete, options)


def matching(
    found: Iterable[Candidate], incomplete: str, *, any_case: bool = False
) -> list[Candidate]:
    if any_case:
        return [c for c in found if c[0].lower().startswith(incomplete.lower())]
    return [c for c in found if c[0].startswith(incomplete)]


def _root_options(ctx: Any) -> dict[str, Any]:
    """The root options on the line being completed (``pspace --sandbox machine get <TAB>``)."""
    root = ctx.find_root() if ctx is not None else None
    params = dict(getattr(root, "params", None) or {})
    return {name: params.get(name) for name in ("api_key", "api_url", "profile", "sandbox")}


# -- from the catalog and the config file ------------------------------------------------------


def _catalog() -> Any:
    from pspace_py.catalog import load_catalog
    from pspace_py.config import config_dir

    return load_catalog(config_dir())


def _regions() -> list[Candidate]:
    return [(region.code, region.name) for region in _catalog().regions]


def _machine_types() -> list[Candidate]:
    found = []
    for machine in _catalog().machine_types:
        ram = f"{machine.ram_gib.normalize():f} GB RAM"
        gpu = f", {machine.gpu_count}x {machine.gpu}" if machine.gpu else ""
        price = f", ${machine.hourly}/hr" if machine.hourly is not None else ""
        found.append((machine.label, f"{machine.cpus} CPUs, {ram}{gpu}{price}"))
    return found


def _os_templates() -> list[Candidate]:
    found: list[Candidate] = []
    for template in _catalog().os_templates:
        about = template.operating_system_label
        found.extend([(template.name, about), (template.id, f"{template.name}: {about}")])
    return found


def _profiles() -> list[Candidate]:
    from pspace_py.config import load_config

    config = load_config()
    return [
        (name, "default profile" if name == config.default_profile else "profile")
        for name in config.profiles
    ]


# -- from the API, through the cache -----------------------------------------------------------


def cache_path(kind: str = "machine") -> Path:
    override = os.environ.get("PSPACE_CACHE_DIR")
    if override:
        directory = Path(override)
    else:
        import platformdirs

        directory = Path(platformdirs.user_cache_dir("pspace-py", appauthor=False))
    return directory / f"{API_KINDS[kind].path}.json"


def read_cache(path: Path) -> tuple[float, str, list[Candidate]]:
    """(written at, the API and key it is for, candidates); empty when absent or unreadable."""
    try:
        data = json.loads(path.read_text())
        found = [(str(value), str(about)) for value, about in data["candidates"]]
        return float(data["written"]), str(data["scope"]), found
    except (OSError, ValueError, KeyError, TypeError):
        return 0.0, "", []


def write_cache(path: Path, scope: str, found: list[Candidate]) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"written": time.time(), "scope": scope, "candidates": found}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(payload, handle)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def api_candidates(
    kind: str, incomplete: str, options: dict[str, Any] | None = None
) -> list[Candidate]:
    """``kind``'s values from the cache, refreshed first when stale or for another key."""
    settings = settings_for(options or {})
    scope = cache_scope(settings)
    path = cache_path(kind)
    written, cached_scope, found = read_cache(path)
    stale = not is_fresh(written, cached_scope, scope)
    if cached_scope != scope:
        found = []  # another API's or key's names are not this user's
    if scope is not None and stale:
        with contextlib.suppress(Exception):
            found = _refresh(kind, settings, scope, path)
    return matching(found, incomplete)


def settings_for(options: dict[str, Any]) -> Any:
    """The settings a Tab press acts with: the line's root options over the usual precedence."""
    from pspace_py.config import load_config
    from pspace_py.settings import resolve_settings

    return resolve_settings(
        load_config(),
        api_key=options.get("api_key"),
        api_url=options.get("api_url"),
        profile=options.get("profile"),
        sandbox=bool(options.get("sandbox")),
    )


def cache_scope(settings: Any) -> str | None:
    """A fingerprint of the API and the key (None: no key, nothing to ask)."""
    return scope_for(settings.api_url, settings.api_key) if settings.api_key else None


def is_fresh(written: float, cached_scope: str | None, scope: str | None) -> bool:
    """Whether a cache written at ``written`` for ``cached_scope`` may answer for ``scope``."""
    return cached_scope == scope and time.time() - written <= CACHE_TTL_SECONDS


def scope_for(api_url: str, api_key: str) -> str:
    """What a cache is for: one API and one key, fingerprinted (the key is never written)."""
    return hashlib.sha256(f"{api_url}\0{api_key}".encode()).hexdigest()[:16]


def _refresh(kind: str, settings: Any, scope: str, path: Path) -> list[Candidate]:
    """One page of ``kind`` within the time budget, written to the cache."""
    from pspace_py.api.client import ApiClient

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
        items = client.list_page(API_KINDS[kind].path, {"limit": PAGE_SIZE}).items
    found = [candidate for item in items for candidate in API_KINDS[kind].candidates(item)]
    write_cache(path, scope, found)
    return found
