"""Shoppers and staff read flash sales: listings with the units left and the gate's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models import (
    FlashSale,
    FlashSaleStatus,
)
from resolvers.campaigns.common import Phase
from resolvers.core.pagination import Page, SortKey, paginate
from resolvers.core.state import AppState

SALE_KEYS = [SortKey("starts_at"), SortKey("id")]


@dataclass(frozen=True, slots=True)
class SaleListing:
    page: Page[FlashSale]
    server_time: datetime
    remaining: dict[int, int | None]


async def list_flash_sales(
    *,
    state: AppState,
    phase: Phase | None,
    statuses: list[FlashSaleStatus] | None,
    first: int | None,
    after: str | None,
) -> SaleListing:
    """Shoppers (no `statuses`): published sales that are upcoming or live, soonest first.
    Staff may list any statuses. Time is Redis server time, the gate's clock."""
    gate = state.flash_sales
    now = await gate.server_time()
    if statuses:
        query = FlashSale.filter(status__in=statuses)
    else:
        query = FlashSale.filter(status=FlashSaleStatus.PUBLISHED, ends_at__gt=now)
    if phase == Phase.UPCOMING:
        query = query.filter(starts_at__gt=now, ends_at__gt=now)
    elif phase == Phase.LIVE:
        query = query.filter(starts_at__lte=now, ends_at__gt=now)
    elif phase == Phase.ENDED:
        query = query.filter(ends_at__lte=now)
    page = await paginate(query, first=first, after=after, keys=SALE_KEYS)
    remaining: dict[int, int | None] = {}
    if page.rows:
        _, remaining = await gate.remaining(row.id for row in page.rows)
    return SaleListing(page=page, server_time=now, remaining=remaining)


async def remaining_units(*, state: AppState, sale_ids: list[int]) -> dict[int, int | None]:
    if not sale_ids:
        return {}
    _, remaining = await state.flash_sales.remaining(sale_ids)
    return remaining
