"""Who is on a team and which of its machines each may use.

A team's members are its owner (the user of the team's key, as `GET /auth/session` shows it)
and the users added to it with `POST /_sandbox/team-members` (the sandbox has no invitations:
a member is confirmed when added). Paths name the team by ID or by namespace, since the
official CLI passes its configured team, a namespace. A machine's accessors are members given
access to it; only members can be ("You can only grant access to users who are members of your
team", DO-USERS), and leaving the team, or the machine's deletion, ends that access.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pspace_py.sandbox.errors import SandboxError, bad_request
from pspace_py.sandbox.models import ListQuery
from pspace_py.sandbox.state import memory_pages
from pspace_py.sandbox.state.kinds import MACHINE, MACHINE_ACCESSOR, TEAM_MEMBER
from pspace_py.sandbox.state.lists import Listing
from pspace_py.sandbox.state.tx import Record, Tx
from pspace_py.sandbox.teams import OWNER_FIRST_NAME, OWNER_LAST_NAME, SIGNED_UP_MS

ROLES = ("member", "admin", "owner")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MEMBER_ORDERS = {"dtConfirmed": memory_pages.by_time("dtCreated")}
_ACCESSOR_ORDERS = {"id": memory_pages.by_text("userId", tie="userId")}


# -- members -------------------------------------------------------------------------------------


def check_team(tx: Tx, team_ref: str) -> None:
    """404 unless `team_ref` is the caller's team, by ID or namespace."""
    if team_ref not in (tx.team.id, tx.team.namespace):
        raise SandboxError(404, f"Team {team_ref!r} not found.")


def owner(tx: Tx) -> Record:
    team = tx.team
    return {
        "id": team.user_id,
        "email": team.email,
        "firstName": OWNER_FIRST_NAME,
        "lastName": OWNER_LAST_NAME,
        "isAdmin": True,
        "isOwner": True,
        "dtCreated": SIGNED_UP_MS,
        "dtDeleted": None,
    }


def members(tx: Tx) -> list[Record]:
    return [owner(tx), *tx.find(TEAM_MEMBER)]


def member(tx: Tx, user_id: str) -> Record:
    """The member, or 404 naming the user as not on this team."""
    if user_id == tx.team.user_id:
        return owner(tx)
    found = tx.lookup(TEAM_MEMBER, user_id)
    if found is None:
        raise SandboxError(
            404,
            f"User {user_id!r} is not a member of team {tx.namespace!r}; only team members "
            "can be given access to a machine.",
        )
    return found


def role_of(record: Record) -> str:
    return "owner" if record["isOwner"] else "admin" if record["isAdmin"] else "member"


def list_members(tx: Tx, team_ref: str, query: ListQuery, role: str | None) -> Listing[Record]:
    check_team(tx, team_ref)
    if role is not None and role not in ROLES:
        raise bad_request(f"`role` must be one of {', '.join(ROLES)}, not {role!r}.")
    found = [record for record in members(tx) if role is None or role_of(record) == role]
    return memory_pages.page(found, query, _MEMBER_ORDERS, default_order_by="dtConfirmed")


def add(
    tx: Tx, *, email: str, first_name: str | None, last_name: str | None, is_admin: bool
) -> Record:
    """A new confirmed member (the admin route's)."""
    if not _EMAIL.fullmatch(email.strip()):
        raise bad_request(
            f"`email` must be an email address (e.g. ada@example.com), not {email!r}."
        )
    wanted = email.strip().casefold()
    if any(record["email"].casefold() == wanted for record in members(tx)):
        raise SandboxError(409, f"{email} is already a member of team {tx.namespace!r}.")
    record = {
        "id": tx.new_id(TEAM_MEMBER, lambda: tx.ids.prefixed("u")),
        "email": email.strip(),
        "name": wanted,  # what the store's name column holds
        "firstName": first_name,
        "lastName": last_name,
        "isAdmin": is_admin,
        "isOwner": False,
        "dtCreated": tx.now_ms,
        "dtDeleted": None,
    }
    tx.insert(TEAM_MEMBER, record)
    return record


def set_admin(tx: Tx, team_ref: str, user_id: str, is_admin: bool) -> Record:
    check_team(tx, team_ref)
    record = _removable(tx, user_id, "The team owner is always an admin.")
    record["isAdmin"] = is_admin
    tx.update(TEAM_MEMBER, record)
    return record


def remove(tx: Tx, team_ref: str, user_id: str) -> Record:
    """Take the user off the team and off every machine of the team."""
    check_team(tx, team_ref)
    _removable(tx, user_id, "The team owner cannot be removed from the team.")
    for access in tx.find(MACHINE_ACCESSOR):
        if access["userId"] == user_id:
            tx.delete(MACHINE_ACCESSOR, access["id"])
    return tx.remove(TEAM_MEMBER, user_id)


def _removable(tx: Tx, user_id: str, refusal: str) -> Record:
    if user_id == tx.team.user_id:
        raise bad_request(refusal)
    return tx.get(TEAM_MEMBER, user_id)


# -- machine accessors ---------------------------------------------------------------------------


def list_accessors(tx: Tx, machine_id: str, query: ListQuery) -> Listing[Record]:
    """Accessors as `{userId, dtDeleted, user: <member>}` records."""
    machine = tx.get(MACHINE, machine_id)
    found = [
        _with_user(tx, access) for access in tx.find(MACHINE_ACCESSOR, machine_id=machine["id"])
    ]
    return memory_pages.page(found, query, _ACCESSOR_ORDERS, default_order_by="id")


def get_accessor(tx: Tx, machine_id: str, user_id: str) -> Record:
    return _with_user(tx, _access(tx, tx.get(MACHINE, machine_id)["id"], user_id))


def add_accessor(tx: Tx, machine_id: str, user_id: str) -> Record:
    """Give a member access (again: nothing changes)."""
    machine = tx.get(MACHINE, machine_id)
    grant(tx, machine["id"], members_to_grant(tx, [user_id]))
    return get_accessor(tx, machine["id"], user_id)


def remove_accessor(tx: Tx, machine_id: str, user_id: str) -> Record:
    access = _access(tx, tx.get(MACHINE, machine_id)["id"], user_id)
    shown = _with_user(tx, access)
    tx.delete(MACHINE_ACCESSOR, access["id"])
    shown["dtDeleted"] = tx.now_ms
    return shown


def members_to_grant(tx: Tx, user_ids: Iterable[str] | None) -> list[str]:
    """The distinct user IDs, each checked to be a member (404 for the first that is not)."""
    unique = list(dict.fromkeys(user_ids or ()))
    for user_id in unique:
        member(tx, user_id)
    return unique


def grant(tx: Tx, machine_id: str, user_ids: Iterable[str]) -> None:
    """Give members (already checked) access to a machine."""
    for user_id in user_ids:
        access_id = _access_id(machine_id, user_id)
        if tx.lookup(MACHINE_ACCESSOR, access_id) is None:
            tx.insert(
                MACHINE_ACCESSOR,
                {
                    "id": access_id,
                    "machineId": machine_id,
                    "userId": user_id,
                    "dtCreated": tx.now_ms,
                    "dtDeleted": None,
                },
            )


def forget_machine(tx: Tx, machine_id: str) -> None:
    """A deleted machine has no accessors."""
    for access in tx.find(MACHINE_ACCESSOR, machine_id=machine_id):
        tx.delete(MACHINE_ACCESSOR, access["id"])


def _access_id(machine_id: str, user_id: str) -> str:
    return f"{machine_id}/{user_id}"


def _access(tx: Tx, machine_id: str, user_id: str) -> Record:
    found = tx.lookup(MACHINE_ACCESSOR, _access_id(machine_id, user_id))
    if found is None:
        raise SandboxError(404, f"User {user_id!r} has no access to machine {machine_id!r}.")
    return found


def _with_user(tx: Tx, access: Record) -> Record:
    return {
        "userId": access["userId"],
        "dtDeleted": access["dtDeleted"],
        "user": member(tx, access["userId"]),
    }
