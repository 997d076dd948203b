"""Table columns the resources around machines need beyond ``columns.py``."""

from __future__ import annotations

from typing import Any

from pspace_py.output.columns import OS_TEMPLATE, Column
from pspace_py.output.format import MISSING, sanitize


def available_machine_types(template: dict[str, Any]) -> list[str]:
    """The machine types a template runs on (``availableMachineTypes`` that are available)."""
    return [
        str(entry.get("machineTypeLabel"))
        for entry in template.get("availableMachineTypes") or []
        if isinstance(entry, dict)
        and entry.get("isAvailable", True)
        and entry.get("machineTypeLabel")
    ]


def _machine_types_cell(template: dict[str, Any]) -> str:
    labels = available_machine_types(template)
    return sanitize(", ".join(labels)) if labels else MISSING


# The official columns plus which machine types each template supports (what decides
# whether `machine create --template-id` will work).
OS_TEMPLATE_WITH_MACHINE_TYPES = [
    *OS_TEMPLATE,
    Column(
        "MACHINE TYPES",
        "availableMachineTypes",
        compute=_machine_types_cell,
        priority=1,
        truncate=True,
    ),
]
