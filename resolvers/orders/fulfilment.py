"""Goods being refunded are not sent out.

A refund-only after-sale of an order that has not been handed over yet holds the goods
back: while one waits for staff, nothing of the order leaves the shop (the shopper may get
the money instead), and once every unit is refunded nothing is left to send. Callers hold
the order's row lock, and so does `request_after_sale`, so a request and a shipment never
both win.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import F

from models import AfterSale, AfterSaleKind, AfterSaleStatus, Order, OrderLine, OrderStatus

# The goods are still on the shop's shelf or counter: a refund puts them back into stock.
IN_SHOP = frozenset({OrderStatus.PAID, OrderStatus.READY_FOR_PICKUP})
# The goods left with a carrier or courier: a refund (say the parcel was lost) restocks nothing.
IN_TRANSIT = frozenset({OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY})
NOT_HANDED_OVER = IN_SHOP | IN_TRANSIT
# After-sales whose money has not finished going back (or whose decision is pending).
UNSETTLED = [AfterSaleStatus.REQUESTED, AfterSaleStatus.AWAITING_RETURN, AfterSaleStatus.REFUNDING]

AFTER_SALE_OPEN = "AFTER_SALE_OPEN"
ORDER_REFUNDED = "ORDER_REFUNDED"


@dataclass(frozen=True, slots=True)
class Hold:
    """Why the goods stay; `code` has the same value in the orders' and delivery's enums."""

    code: str
    message: str


async def everything_refunded(order_id: int) -> bool:
    """Every unit of every line is covered by an approved after-sale."""
    return not await OrderLine.filter(
        order_id=order_id, refunded_quantity__lt=F("quantity")
    ).exists()


async def hold_on(order_id: int) -> Hold | None:
    """What stops the goods of this order from being sent or handed over, if anything."""
    if await AfterSale.filter(
        order_id=order_id, kind=AfterSaleKind.REFUND_ONLY, status=AfterSaleStatus.REQUESTED
    ).exists():
        return Hold(
            AFTER_SALE_OPEN, "A refund is waiting for a decision: approve or reject it first"
        )
    if await everything_refunded(order_id):
        return Hold(ORDER_REFUNDED, "Every item of this order was refunded: nothing to send")
    return None


async def nothing_left_to_send(order: Order) -> bool:
    """A not yet handed-over order whose every unit was refunded and whose refunds are all
    done: it is over, even when staff gave back less than was paid (kept the fee, say)."""
    return (
        order.status in NOT_HANDED_OVER
        and await everything_refunded(order.id)
        and not await AfterSale.filter(order_id=order.id, status__in=UNSETTLED).exists()
    )
