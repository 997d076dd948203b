"""The COST column of machine tables: what each machine costs per hour right now.

The command builds it (the output layer prices nothing); the catalog and the price maths are
loaded when the first cell is drawn, so ``--json`` and ``-q`` never load them.
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
        from pspace_py.output.money import usd
        from pspace_py.pricing.rates import machine_rates

        return usd(machine_rates(catalog(), machine).current_hourly)

    return Column("COST", "", compute=cell)
