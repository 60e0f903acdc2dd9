"""A sale's Redis keys computed from PostgreSQL: warming on publish, rebuilds after Redis
lost or garbled them (each a new epoch, so grants of the old one are refused)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import (
    FlashSale,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    ReservationStatus,
)
from resolvers.campaigns.gate import (
    CONFIRMED,
    KEYS_LINGER_MS,
    RESERVED,
    Record,
    SaleImage,
    ms,
)
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)


# --- Redis images and rebuilds ----------------------------------------------------------------


async def sale_image(state: AppState, sale: FlashSale, *, epoch: int) -> SaleImage:
    """What Redis must hold for `sale`, from PostgreSQL. Call holding the sale row lock."""
    reservations = await FlashSaleReservation.filter(
        sale_id=sale.id,
        status__in=[ReservationStatus.RESERVED, ReservationStatus.CONFIRMED],
    ).values("id", "token", "user_id", "quantity", "status", "created_at", "expires_at")
    units_of: dict[int, list[int]] = {}
    for reservation_id, unit_no in await FlashSaleUnit.filter(sale_id=sale.id).values_list(
        "reservation_id", "unit_no"
    ):
        units_of.setdefault(reservation_id, []).append(unit_no)
    records: dict[str, Record] = {}
    buyers: dict[int, int] = {}
    held: set[int] = set()
    for row in reservations:
        units = tuple(sorted(units_of.get(row["id"], [])))
        held.update(units)
        records[row["token"]] = Record(
            status=RESERVED if row["status"] == ReservationStatus.RESERVED else CONFIRMED,
            user_id=row["user_id"],
            quantity=row["quantity"],
            created_ms=ms(row["created_at"]),
            expires_ms=ms(row["expires_at"]),
            units=units,
        )
        buyers[row["user_id"]] = buyers.get(row["user_id"], 0) + row["quantity"]
    settled = sale.settled_at is not None
    free = [] if settled else [u for u in range(1, sale.quantity + 1) if u not in held]
    hold_ms = state.settings.flash_sale_payment_seconds * 1000
    return SaleImage(
        sale_id=sale.id,
        epoch=epoch,
        starts_ms=ms(sale.starts_at),
        ends_ms=ms(sale.ends_at),
        limit=sale.per_user_limit,
        offered=sale.quantity,
        returned=sale.returned_quantity,
        open=sale.status == FlashSaleStatus.PUBLISHED and not settled,
        settled=settled,
        free_units=free,
        buyers=buyers,
        records=records,
        expire_at_ms=max(ms(sale.ends_at), ms(datetime.now(UTC))) + hold_ms + KEYS_LINGER_MS,
    )


async def load_into_redis(state: AppState, sale: FlashSale) -> None:
    """Next epoch: Redis gets a fresh image. Call holding the sale row FOR UPDATE, before
    saving the row; grants of the previous epoch are refused from now on."""
    sale.redis_epoch += 1
    await state.flash_sales.load(await sale_image(state, sale, epoch=sale.redis_epoch))


async def rebuild_redis(
    *, state: AppState, sale_id: int, stale_epoch: int | None = None, force: bool = False
) -> bool:
    """Rebuild a sale's Redis keys from PostgreSQL if they need it; True if rebuilt.

    Needed when Redis lost the sale (no keys), holds another epoch than PostgreSQL, or
    (`stale_epoch`) the keys of that epoch were found wrong. Several processes may ask at
    once: the row lock serialises them and the later ones find nothing left to do.
    """
    async with in_transaction():
        sale = await FlashSale.filter(id=sale_id).select_for_update().first()
        if sale is None or sale.status == FlashSaleStatus.DRAFT:
            return False
        if not force:
            if stale_epoch is not None:
                if sale.redis_epoch != stale_epoch:
                    return False  # rebuilt since that epoch was seen
            elif await state.flash_sales.epoch(sale.id) == sale.redis_epoch:
                return False  # present and current
        await load_into_redis(state, sale)
        await FlashSale.filter(id=sale.id).update(redis_epoch=sale.redis_epoch)
    logger.warning(
        "flash sale %s: Redis rebuilt from PostgreSQL (epoch %s)", sale_id, sale.redis_epoch
    )
    return True


def request_rebuild(state: AppState, sale_id: int, *, stale_epoch: int | None = None) -> None:
    """Rebuild in the background (once per process at a time); purchases answer PAUSED
    meanwhile."""
    state.flash_sales.run_once(
        ("rebuild", sale_id),
        lambda: rebuild_redis(state=state, sale_id=sale_id, stale_epoch=stale_epoch),
    )
