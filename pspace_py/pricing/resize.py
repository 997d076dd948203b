"""What a resize changes: old and new machine and disk prices for ``machine resize``."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pspace_py.catalog import Catalog, StoragePrice
from pspace_py.pricing.money import difference, json_money, sum_known


@dataclass(frozen=True)
class ResizePriceChange:
    """Old -> new machine and disk prices for `pspace machine update`."""

    old_machine_type: str
    new_machine_type: str
    old_machine_hourly: Decimal | None
    new_machine_hourly: Decimal | None
    old_disk_size_gb: int | None
    new_disk_size_gb: int | None
    old_disk_hourly: Decimal | None
    new_disk_hourly: Decimal | None
    old_disk_monthly_cap: Decimal | None
    new_disk_monthly_cap: Decimal | None

    @property
    def machine_delta_hourly(self) -> Decimal | None:
        return difference(self.new_machine_hourly, self.old_machine_hourly)

    @property
    def disk_delta_hourly(self) -> Decimal | None:
        return difference(self.new_disk_hourly, self.old_disk_hourly)

    @property
    def disk_delta_monthly_cap(self) -> Decimal | None:
        return difference(self.new_disk_monthly_cap, self.old_disk_monthly_cap)

    @property
    def delta_hourly(self) -> Decimal | None:
        """Change in the hourly cost while running (machine + disk); None if any part unknown."""
        return sum_known([self.machine_delta_hourly, self.disk_delta_hourly])

    @property
    def price_known(self) -> bool:
        return self.delta_hourly is not None

    @property
    def machine_type_changes(self) -> bool:
        return self.old_machine_type != self.new_machine_type

    @property
    def disk_changes(self) -> bool:
        return self.old_disk_size_gb != self.new_disk_size_gb

    def to_json(self) -> dict[str, Any]:
        return {
            "priceKnown": self.price_known,
            "machineType": {
                "old": self.old_machine_type,
                "new": self.new_machine_type,
                "oldHourly": json_money(self.old_machine_hourly),
                "newHourly": json_money(self.new_machine_hourly),
                "deltaHourly": json_money(self.machine_delta_hourly),
            },
            "disk": {
                "oldSizeGb": self.old_disk_size_gb,
                "newSizeGb": self.new_disk_size_gb,
                "oldHourly": json_money(self.old_disk_hourly),
                "newHourly": json_money(self.new_disk_hourly),
                "oldMonthlyCap": json_money(self.old_disk_monthly_cap),
                "newMonthlyCap": json_money(self.new_disk_monthly_cap),
                "deltaHourly": json_money(self.disk_delta_hourly),
                "deltaMonthlyCap": json_money(self.disk_delta_monthly_cap),
            },
            "deltaHourly": json_money(self.delta_hourly),
        }


def summarize_resize(
    catalog: Catalog,
    old_type: str,
    new_type: str | None,
    old_disk: int | None,
    new_disk: int | None,
) -> ResizePriceChange:
    """Price change of resizing; `new_type`/`new_disk` None means unchanged."""
    old_known = catalog.machine_type(old_type)
    new_known = catalog.machine_type(new_type) if new_type is not None else old_known
    new_label = new_type if new_type is not None else old_type
    new_disk_size = new_disk if new_disk is not None else old_disk
    old_disk_price = _disk_price_or_none(catalog, old_disk)
    new_disk_price = _disk_price_or_none(catalog, new_disk_size)
    return ResizePriceChange(
        old_machine_type=old_known.label if old_known is not None else old_type,
        new_machine_type=new_known.label if new_known is not None else new_label,
        old_machine_hourly=old_known.hourly if old_known is not None else None,
        new_machine_hourly=new_known.hourly if new_known is not None else None,
        old_disk_size_gb=old_disk,
        new_disk_size_gb=new_disk_size,
        old_disk_hourly=old_disk_price.hourly if old_disk_price else None,
        new_disk_hourly=new_disk_price.hourly if new_disk_price else None,
        old_disk_monthly_cap=old_disk_price.monthly_cap if old_disk_price else None,
        new_disk_monthly_cap=new_disk_price.monthly_cap if new_disk_price else None,
    )


def _disk_price_or_none(catalog: Catalog, size_gb: int | None) -> StoragePrice | None:
    return None if size_gb is None else catalog.disk_price(size_gb)
