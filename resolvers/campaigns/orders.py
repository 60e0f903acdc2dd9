"""Flash sales plugged into orders (resolvers/orders/pricing.py's adjuster pipeline).

A flash sale purchase places its order itself (service.purchase, with a CampaignHold): the
order carries a `flash_sale` adjustment (the discount down to the flash price) whose
reference is the reservation's token. Through it, the orders code calls back here, in its
own transactions, exactly once each:

* paid (PENDING_PAYMENT -> PAID): the reservation is CONFIRMED, its units sold;
* cancelled or closed unpaid: the reservation is RELEASED, its units back on sale (or
  back to the SKU once the sale is over);
* and the order's stock is the sale's (`held_stock`): orders neither takes it from the SKU
  nor puts it back there.

These run inside the order's transaction, so only PostgreSQL changes here; Redis follows
when the reconciler replays the confirm or release (resolvers/campaigns/reconcile.py),
within seconds. Until then Redis counts those units as still reserved: the sale may sell
a little slower for a moment, never more than it has.
"""

from __future__ import annotations

from collections.abc import Sequence

from models import FlashSaleReservation, Order, OrderStatus, ReleaseReason
from resolvers.campaigns import service
from resolvers.orders import pricing


class FlashSaleAdjuster:
    code = service.FLASH_SALE_CODE

    async def adjust(self, quote: pricing.Quote) -> Sequence[pricing.Adjustment]:
        return ()  # only a flash sale purchase brings this discount (a CampaignHold)

    async def reserve(self, *, order: Order, adjustment: pricing.Adjustment) -> None:
        return None  # the purchase recorded the reservation in the order's transaction

    async def release(self, *, order: Order, adjustment: pricing.Adjustment) -> None:
        reason = (
            ReleaseReason.CANCELLED
            if order.status == OrderStatus.CANCELLED
            else ReleaseReason.EXPIRED
        )
        await service.release_in_database(token=adjustment.reference, reason=reason)

    async def confirm(self, *, order: Order, adjustment: pricing.Adjustment) -> None:
        await service.confirm_in_database(token=adjustment.reference)

    async def held_stock(
        self, *, order: Order, adjustment: pricing.Adjustment
    ) -> Sequence[tuple[int, int]]:
        return await FlashSaleReservation.filter(
            token=adjustment.reference, order_id=order.id
        ).values_list("sale__sku_id", "quantity")


FLASH_SALE_ADJUSTER = FlashSaleAdjuster()


def register() -> None:
    """Put the flash sale into the orders pipeline (once; main.create_state calls it, so
    every web and worker process that handles orders knows it)."""
    if all(a.code != FLASH_SALE_ADJUSTER.code for a in pricing.DISCOUNT_PIPELINE):
        pricing.DISCOUNT_PIPELINE.append(FLASH_SALE_ADJUSTER)
