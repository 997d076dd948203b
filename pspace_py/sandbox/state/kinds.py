"""The kinds of stored resources: the store's partition name and what a message calls one."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # the store's `kind` column
    label: str  # "Machine 'psabc123' not found."


MACHINE = Kind("machine", "Machine")
EVENT = Kind("event", "Machine event")
SNAPSHOT = Kind("snapshot", "Snapshot")
PRIVATE_NETWORK = Kind("private_network", "Private network")
PUBLIC_IP = Kind("public_ip", "Public IP")
CUSTOM_TEMPLATE = Kind("custom_template", "Custom template")
STARTUP_SCRIPT = Kind("startup_script", "Startup script")
SHARED_DRIVE = Kind("shared_drive", "Shared drive")
TEAM_MEMBER = Kind("team_member", "Team member")
MACHINE_ACCESSOR = Kind("machine_accessor", "Accessor")
AUTOSCALING_GROUP = Kind("autoscaling_group", "Autoscaling group")
