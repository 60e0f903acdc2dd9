"""What the flash sale modules share: limits, error codes, refusals, small helpers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from models import (
    FlashSale,
    FlashSaleStatus,
    FlashSaleUnit,
)
from resolvers.campaigns.errors import FlashSaleErrorCode
from resolvers.core.errors import DomainError

MAX_PER_USER_LIMIT = 99

Code = FlashSaleErrorCode
# The code of a flash sale's adjustment on its order (resolvers/campaigns/orders.py).
FLASH_SALE_CODE = "flash_sale"


class Phase(StrEnum):
    """Where a sale stands for a shopper, by the server's clock."""

    UPCOMING = "UPCOMING"
    LIVE = "LIVE"
    ENDED = "ENDED"


def phase_of(sale: FlashSale, now: datetime) -> Phase:
    if sale.status in (FlashSaleStatus.CANCELLED, FlashSaleStatus.ENDED) or now >= sale.ends_at:
        return Phase.ENDED
    return Phase.UPCOMING if now < sale.starts_at else Phase.LIVE


class PurchaseRefused(DomainError):
    """A purchase attempt the gate or the database turned down; may say when to retry."""

    def __init__(
        self,
        code: FlashSaleErrorCode,
        message: str,
        *,
        field: list[str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        self.retry_after = retry_after


def sale_reference(sale_id: int) -> str:
    """StockLedger reference of a sale's movements."""
    return f"flash_sale:{sale_id}"


def sql(conn: BaseDBAsyncClient, postgres: str, sqlite: str | None = None) -> str:
    """Written once with PostgreSQL placeholders; SQLite takes `?` (and no row locks)."""
    if conn.capabilities.dialect != "sqlite":
        return postgres
    text = sqlite if sqlite is not None else postgres
    for n in range(9, 0, -1):
        text = text.replace(f"${n}", "?")
    return text


async def held_units(sale_id: int) -> int:
    return await FlashSaleUnit.filter(sale_id=sale_id).count()
