"""auth-session and billingAccountStanding-get."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import render
from pspace_py.sandbox.context import Ctx
from pspace_py.sandbox.state import account


def get_session(ctx: Ctx) -> Any:
    return render.session(ctx.tx.team)


def get_account_standing(ctx: Ctx) -> Any:
    return render.account_standing(account.standing(ctx.tx))
