"""``pspace cost``: what the account is spending right now."""

from __future__ import annotations

from typing import Annotated

import typer

from pspace_py.api.machines import MachinesApi
from pspace_py.api.public_ips import PublicIpsApi
from pspace_py.cli.context import app_context
from pspace_py.cli.options import JsonOpt, NoHeaderOpt, command_app

app = command_app("What the account is spending right now.")


@app.command("cost")
def account_cost(
    ctx: typer.Context,
    json_: JsonOpt = False,
    no_header: NoHeaderOpt = False,
    running_only: Annotated[
        bool, typer.Option("--running", help="Only machines that are not off.")
    ] = False,
) -> None:
    """Each machine's running and lifetime rates, claimed IPs, and totals per hour and month."""
    from pspace_py.cli.prices import SPEND, spend_rows
    from pspace_py.output.money import usd
    from pspace_py.pricing.spend import account_spend

    state = app_context(ctx)
    out = state.output(json_mode=json_, no_header=no_header)
    client = state.client()
    machines = [
        machine
        for machine in MachinesApi(client).iter({})
        if not running_only or machine.get("state") != "off"
    ]
    public_ips = list(PublicIpsApi(client).iter({}))
    spend = account_spend(state.catalog(), machines, public_ips)

    def show_spend() -> None:
        if not out.table(spend_rows(spend), SPEND):
            out.info("No machines or public IPs: nothing is being spent.")
        now, month = usd(spend.hourly_now), usd(spend.monthly_now, "mo")
        out.text(f"Now: {now}   A month at this rate: {month}")
        if not spend.totals_complete:
            out.warn(
                f"{spend.unknown_count} machine(s) have a price the catalog does not know; "
                "they are left out of the totals."
            )

    out.report(spend.to_json(), people=show_spend)
