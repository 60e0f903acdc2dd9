"""Products' sales counts, moved by the order life (resolvers/orders/lifecycle.py).

An order's units count as sold when it is paid, and stop counting when everything paid went
back (REFUNDED). The lifecycle calls these only when its guarded transition really happened,
in that transition's transaction, so each order adds its units once and takes them back at
most once. (A partly refunded order keeps counting: it was sold.)

Sales counts are not invalidated in the catalog cache: a page may show a count up to one
cache TTL old, which is what a "1.2k sold" badge can afford, and paying never wipes every
shopper's cached pages.
"""

from __future__ import annotations

from tortoise.functions import Sum

from models import OrderLine
from resolvers.core import sql


async def _move(order_id: int, sign: int) -> None:
    rows = (
        await OrderLine.filter(order_id=order_id)
        .annotate(units=Sum("quantity"))
        .group_by("product_id")
        .values_list("product_id", "units")
    )
    # Product rows in id order, like every other writer that locks several products.
    for product_id, units in sorted(rows):
        await sql.execute(
            "UPDATE product SET sales_count = sales_count + $1 WHERE id = $2",
            [sign * int(units), product_id],
        )


async def order_paid(order_id: int) -> None:
    """Count a just-paid order's units as sold (call in the transition's transaction)."""
    await _move(order_id, 1)


async def order_refunded(order_id: int) -> None:
    """Take back a paid order's units once it is fully refunded (same contract)."""
    await _move(order_id, -1)
