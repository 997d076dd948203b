"""auth-session and billingAccountStanding-get."""

from __future__ import annotations

from typing import Any

from pspace_py.sandbox import render
from pspace_py.sandbox.context import Ctx, account_standing


def get_session(ctx: Ctx) -> Any:
    return render.session(ctx.team)


def get_account_standing(ctx: Ctx) -> Any:
    return render.account_standing(account_standing(ctx.conn, ctx.namespace))
