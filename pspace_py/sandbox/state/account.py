"""The account's standing: good until `POST /_sandbox/account-standing` says otherwise, per team
or for every team; what costs money is refused (412) while it is not good."""

from __future__ import annotations

import sqlite3
from typing import Any

from pspace_py.sandbox import store
from pspace_py.sandbox.errors import SandboxError
from pspace_py.sandbox.state.tx import Tx

GOOD_STANDING: dict[str, Any] = {
    "hasPaymentMethod": True,
    "isAdminLocked": False,
    "isInGoodStanding": True,
    "messages": [],
}
# Team-settings row that applies to every team without its own (the admin route's default).
ALL_TEAMS = "*"
_SETTING = "standing"


def standing(tx: Tx) -> dict[str, Any]:
    for team in (tx.namespace, ALL_TEAMS):
        stored = store.get_setting(tx.conn, team, _SETTING)
        if stored is not None:
            return {**GOOD_STANDING, **stored}
    return dict(GOOD_STANDING)


def require_good_standing(tx: Tx, action: str) -> None:
    current = standing(tx)
    if not current["isInGoodStanding"]:
        reasons = " ".join(current["messages"]) or "No reason was given."
        raise SandboxError(
            412,
            f"Cannot {action}: the account is not in good standing. {reasons} "
            "(Sandbox: POST /_sandbox/account-standing to change this.)",
        )


def set_standing(conn: sqlite3.Connection, team: str, new_standing: dict[str, Any]) -> None:
    """`team` is a namespace, or ALL_TEAMS: then every team's own standing is dropped too."""
    if team == ALL_TEAMS:
        store.delete_setting(conn, _SETTING)
    store.set_setting(conn, team, _SETTING, new_standing)
