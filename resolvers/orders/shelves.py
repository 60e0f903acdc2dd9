"""Where an order's goods go back to: the central stock (Sku.stock) or the serving store's.

Express orders take from the central stock; PICKUP and COURIER orders from the store that
serves them (resolvers/stores/stock.py). Whatever gives goods back (a cancelled or closed
order, an approved refund of goods never sent, a received return) must put them on the
shelf they came from, or one shelf oversells while the other hoards.
"""

from __future__ import annotations

from collections.abc import Sequence

from models import Order, StockChangeReason, StockLedger
from resolvers.catalog import stock
from resolvers.orders.checkout import STORE_SERVED
from resolvers.stores import stock as store_stock


async def took_central_stock(order: Order) -> bool:
    """Whether the order's units came from Sku.stock. The ledger decides rather than the
    delivery method, so a store order placed before stores kept their own stock still
    gives back to where it took from."""
    if order.delivery_method not in STORE_SERVED or order.store_id is None:
        return True
    return await StockLedger.exists(reference=order.number, reason=StockChangeReason.ORDER_PLACED)


async def return_goods(
    order: Order,
    lines: Sequence[stock.StockLine],
    *,
    reason: StockChangeReason,
    reference: str,
    actor_id: int | None = None,
) -> None:
    if not lines:
        return
    if await took_central_stock(order):
        await stock.return_stock(lines, reason=reason, reference=reference, actor_id=actor_id)
    else:
        assert order.store_id is not None  # took_central_stock is True without a store
        await store_stock.return_store_stock(store_id=order.store_id, lines=lines)
