"""What the preflight reads from the API (read-only): templates, networks, the standing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pspace_py.preflight.results import Check, failed, ok

if TYPE_CHECKING:
    from pspace_py.api.client import ApiClient
    from pspace_py.catalog import Catalog
    from pspace_py.preflight.rules import TemplateFacts


def find_template(client: ApiClient, catalog: Catalog, ref: str) -> TemplateFacts | None:
    """The OS or custom template whose ID or exact name is ``ref`` (ambiguous names fail)."""
    from pspace_py.api.errors import NotFoundError
    from pspace_py.api.templates import CustomTemplatesApi, OsTemplatesApi
    from pspace_py.cli.refs import pick_one

    ref = ref.strip()
    os_templates = list(OsTemplatesApi(client).iter({}))
    by_id = [item for item in os_templates if item.get("id") == ref]
    if by_id:
        return template_facts(catalog, by_id[0], "OS")
    customs = CustomTemplatesApi(client)
    try:
        return template_facts(catalog, customs.get(ref), "custom")
    except NotFoundError:
        pass
    named = [("OS", item) for item in os_templates if item.get("name") == ref]
    named += [("custom", item) for item in customs.iter({"name": ref}) if item.get("name") == ref]
    if not named:
        return None
    kinds = {str(item.get("id")): kind for kind, item in named}
    chosen = pick_one(
        [item for _, item in named], ref, noun="template", list_command="pspace os-template list"
    )
    return template_facts(catalog, chosen, kinds[str(chosen.get("id"))])


def template_facts(catalog: Catalog, item: dict[str, Any], kind: str) -> TemplateFacts:
    from pspace_py.preflight.rules import TemplateFacts

    template_id = str(item.get("id"))
    listed = [
        str(entry["machineTypeLabel"])
        for entry in item.get("availableMachineTypes") or []
        if isinstance(entry, dict)
        and entry.get("machineTypeLabel")
        and entry.get("isAvailable", True) is not False
    ]
    known = catalog.os_template(template_id)
    machine_types: tuple[str, ...] | None = None
    source = "none"
    if listed:
        machine_types, source = tuple(listed), "API"
    elif known is not None and known.machine_types:
        machine_types, source = known.machine_types, "catalog"
    default_size = item.get("defaultSizeGb")
    return TemplateFacts(
        id=template_id,
        name=_text(item.get("name")),
        kind=kind,
        operating_system=_text(item.get("operatingSystemLabel")),
        machine_types=machine_types,
        machine_types_source=source,
        default_size_gb=default_size if isinstance(default_size, int) else None,
        agent_type=_text(item.get("agentType")) or (known.agent_type if known else None),
        region=_text(item.get("region")) if kind == "custom" else None,
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def find_network(client: ApiClient, ref: str) -> dict[str, Any] | None:
    from pspace_py.api.private_networks import PrivateNetworksApi
    from pspace_py.cli.refs import resolve
    from pspace_py.errors import NotFoundError

    try:
        return resolve(PrivateNetworksApi(client), ref, list_command="pspace network list")
    except NotFoundError:
        return None


def standing_check(client: ApiClient) -> Check:
    """Whether the team may spend (``GET /billing/account-standing``, as the official CLI asks)."""
    from pspace_py.api.auth import AuthApi

    standing = AuthApi(client).account_standing()
    if standing.get("isInGoodStanding") is False:
        reasons = "; ".join(str(message) for message in standing.get("messages") or [])
        return failed(
            "account",
            "The account is not in good standing" + (f": {reasons}." if reasons else "."),
            "check billing in the Paperspace console",
            refused=True,
        )
    return ok("account", "in good standing")
