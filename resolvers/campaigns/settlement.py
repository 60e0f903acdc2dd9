"""Units going back: a sale's end or cancellation (unsold units to the SKU, once), and a
reservation confirmed or released in its order's transaction."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tortoise import connections
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import (
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    ReleaseReason,
    ReservationStatus,
    StockChangeReason,
)
from resolvers.campaigns.common import (
    held_units,
    sale_reference,
    sql,
)
from resolvers.catalog import stock
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)


async def settle_locked(sale: FlashSale, status: FlashSaleStatus, *, actor_id: int | None) -> int:
    """In a transaction holding the sale row FOR UPDATE: close it and give every free
    unit back to the SKU. The row lock keeps purchases and releases out meanwhile."""
    free = sale.quantity - sale.returned_quantity - await held_units(sale.id)
    if sale.settled_at is None and free > 0:
        await stock.return_stock(
            [stock.StockLine(sale.sku_id, free)],
            reason=StockChangeReason.FLASH_SALE_RETURNED,
            reference=sale_reference(sale.id),
            actor_id=actor_id,
        )
        sale.returned_quantity += free
    sale.status = status
    sale.settled_at = sale.settled_at or datetime.now(UTC)
    sale.version += 1
    await sale.save()
    return free


async def settle_redis(state: AppState, sale: FlashSale) -> None:
    """After the commit: close the gate. A failure is repaired by the reconciler."""
    try:
        await state.flash_sales.settle(sale_id=sale.id)
    except Exception:
        logger.exception("closing flash sale %s in Redis failed; the reconciler will", sale.id)


async def settle_ended_sales(*, state: AppState) -> int:
    """Worker job: PUBLISHED sales past their end become ENDED, once, unsold units back."""
    now = datetime.now(UTC)
    ids = await FlashSale.filter(
        status=FlashSaleStatus.PUBLISHED, ends_at__lte=now, settled_at=None
    ).values_list("id", flat=True)
    settled: list[FlashSale] = []
    for sale_id in ids:
        async with in_transaction():
            sale = (
                await FlashSale.filter(id=sale_id, status=FlashSaleStatus.PUBLISHED)
                .select_for_update(skip_locked=True)
                .first()
            )
            if sale is None or sale.settled_at is not None:
                continue  # another worker has it
            free = await settle_locked(sale, FlashSaleStatus.ENDED, actor_id=None)
            logger.info("flash sale %s ended; %d unsold units back to the SKU", sale.id, free)
        settled.append(sale)
    for sale in settled:
        await settle_redis(state, sale)
    return len(settled)


# --- reservations: confirm, release, expire -------------------------------------------------


async def confirm_in_database(*, token: str) -> FlashSaleReservation | None:
    """RESERVED -> CONFIRMED in the caller's transaction (the payment's); the reservation
    if this call changed it, else None (not found, or not RESERVED)."""
    reservation = await FlashSaleReservation.get_or_none(token=token)
    if reservation is None:
        return None
    changed = await FlashSaleReservation.filter(
        id=reservation.id, status=ReservationStatus.RESERVED
    ).update(status=ReservationStatus.CONFIRMED, confirmed_at=datetime.now(UTC))
    return reservation if changed else None


_LOCK_SALE_SHARED = "SELECT settled_at, sku_id FROM flash_sale WHERE id = $1 FOR KEY SHARE"


async def release_in_database(
    *, token: str, reason: ReleaseReason, actor_id: int | None = None
) -> FlashSaleReservation | None:
    """RESERVED -> RELEASED in the caller's transaction (e.g. the order's close); its units
    are free again: back on sale while it runs, back to the SKU once it is over. The
    reservation if this call changed it, else None (not found, or not RESERVED)."""
    reservation = await FlashSaleReservation.get_or_none(token=token)
    if reservation is None:
        return None
    conn = connections.get("default")
    # The sale row first (every path locks the sale before its reservations), shared:
    # settling the sale waits for this release, or this release sees it settled.
    rows = await conn.execute_query_dict(
        sql(conn, _LOCK_SALE_SHARED, _LOCK_SALE_SHARED.removesuffix(" FOR KEY SHARE")),
        [reservation.sale_id],
    )
    changed = await FlashSaleReservation.filter(
        id=reservation.id, status=ReservationStatus.RESERVED
    ).update(
        status=ReservationStatus.RELEASED,
        release_reason=reason,
        released_at=datetime.now(UTC),
    )
    if not changed:
        return None
    await FlashSaleUnit.filter(reservation_id=reservation.id).delete()
    await FlashSaleBuyer.filter(sale_id=reservation.sale_id, user_id=reservation.user_id).update(
        held=F("held") - reservation.quantity
    )
    if rows[0]["settled_at"] is not None:
        await _return_to_sku(
            sale_id=reservation.sale_id,
            sku_id=rows[0]["sku_id"],
            quantity=reservation.quantity,
            actor_id=actor_id,
        )
    return reservation


async def _return_to_sku(*, sale_id: int, sku_id: int, quantity: int, actor_id: int | None) -> None:
    await FlashSale.filter(id=sale_id).update(returned_quantity=F("returned_quantity") + quantity)
    await stock.return_stock(
        [stock.StockLine(sku_id, quantity)],
        reason=StockChangeReason.FLASH_SALE_RETURNED,
        reference=sale_reference(sale_id),
        actor_id=actor_id,
    )
