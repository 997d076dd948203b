"""Table columns for team members, machine accessors and autoscaling groups."""

from __future__ import annotations

from typing import Any

from pspace_py.output.columns import Column
from pspace_py.output.format import MISSING, one_line


def full_name(user: Any) -> str:
    """``First Last`` of a member's ``user`` (either may be missing); '' when neither is set."""
    if not isinstance(user, dict):
        return ""
    parts = [str(user[key]) for key in ("firstName", "lastName") if user.get(key)]
    return " ".join(parts)


def role(membership: dict[str, Any]) -> str:
    if membership.get("isOwner"):
        return "owner"
    return "admin" if membership.get("isAdmin") else "member"


def _name_cell(item: dict[str, Any]) -> str:
    return one_line(full_name(item.get("user"))) or MISSING


TEAM_MEMBER = [
    Column("ID", "user.id"),
    Column("EMAIL", "user.email"),
    Column("NAME", "user", compute=_name_cell),
    Column("ROLE", "isAdmin", compute=lambda item: role(item)),
    Column("CONFIRMED", "dtConfirmed"),
]

# What `user update` shows: the API answers the membership without its user, so the command
# adds the `user` it resolved.
MEMBERSHIP = [
    Column("USER", "user.email"),
    Column("ADMIN", "isAdmin"),
    Column("OWNER", "isOwner"),
    Column("CONFIRMED", "dtConfirmed"),
]

ACCESSOR = [
    Column("USER", "user.id"),
    Column("EMAIL", "user.email"),
    Column("NAME", "user", compute=_name_cell),
]

# The official CLI's default fields for autoscaling groups.
AUTOSCALING_GROUP = [
    Column("ID", "id"),
    Column("NAME", "name"),
    Column("CLUSTER", "clusterId"),
    Column("MACHINE TYPE", "machineType"),
    Column("MIN", "min"),
    Column("MAX", "max"),
    Column("CURRENT", "current"),
]

AUTOSCALING_GROUP_DETAIL = [
    *AUTOSCALING_GROUP,
    Column("NETWORK", "networkId"),
    Column("TEMPLATE", "templateId"),
    Column("STARTUP SCRIPT", "startupScriptId"),
    Column("PROVISIONING TIMEOUT (MIN)", "provisioningTimeout"),
    Column("CREATED", "dtCreated"),
    Column("MODIFIED", "dtModified"),
]
