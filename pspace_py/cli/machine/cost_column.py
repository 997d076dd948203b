"""The COST column of machine tables: what each machine costs per hour right now.

The command builds it (the output layer prices nothing). A cell is computed from the machine's
own rates and at most one catalog price (``pricing.current``), without ``decimal`` or the
catalog's records; only a machine that needs more (no disk rate, a catalog override) loads the
catalog, when its cell is drawn, so ``--json`` and ``-q`` never load it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pspace_py.output.columns import Column

if TYPE_CHECKING:
    from pspace_py.cli.context import AppContext


def cost_column(state: AppContext) -> Column:
    """COST: compute while the machine is not off, its public IP while it accrues, its disk."""
    catalog = functools.cache(state.catalog)

    def cell(machine: dict[str, Any]) -> str:
        from pspace_py.config import config_dir
        from pspace_py.output.money import usd, usd_exact
        from pspace_py.pricing.current import FULL_PATH, hourly_now

        amount = hourly_now(machine, config_dir())
        if not isinstance(amount, str):
            return usd_exact(amount)
        assert amount == FULL_PATH
        from pspace_py.pricing.rates import machine_rates

        return usd(machine_rates(catalog(), machine).current_hourly)

    return Column("COST", "", compute=cell)
