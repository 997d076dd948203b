"""Option types that machine create, resize and update share."""

from __future__ import annotations

from enum import Enum
from typing import Any

import typer


class PublicIpType(str, Enum):
    static = "static"
    dynamic = "dynamic"
    none = "none"


class SnapshotFrequency(str, Enum):
    hourly = "hourly"
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class RestorePointFrequency(str, Enum):
    shutdown = "shutdown"


def flag(name: str, help_text: str) -> Any:
    """A tri-state ``--x/--no-x`` option: None when the user says nothing."""
    return typer.Option(f"--{name}/--no-{name}", help=help_text, show_default=False)


def enum_value(value: Enum | None) -> str | None:
    return None if value is None else str(value.value)
