from __future__ import annotations

import strawberry

from graph.context import Info
from graph.permissions import IsStaff
from graph.relay import Edge, PageInfo, decode_id
from graph.types.campaigns import (
    FlashSale,
    FlashSaleConnection,
    FlashSaleInvariant,
    FlashSalePhase,
    FlashSaleStatus,
)
from resolvers.campaigns import reconcile, service


@strawberry.type
class CampaignQueries:
    @strawberry.field(
        description="Flash sales, soonest first, with the server time for countdowns. "
        "Shoppers get the published ones that are upcoming or live; staff may ask for "
        "any `statuses`."
    )
    async def flash_sales(
        self,
        info: Info,
        phase: FlashSalePhase | None = None,
        statuses: list[FlashSaleStatus] | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> FlashSaleConnection:
        if statuses:
            info.context.require_staff()
        listing = await service.list_flash_sales(
            state=info.context.state,
            phase=service.Phase(phase.value) if phase else None,
            statuses=statuses,
            first=first,
            after=after,
        )
        page = listing.page
        return FlashSaleConnection(
            edges=[
                Edge(
                    cursor=cursor,
                    node=FlashSale.from_row(
                        row, remaining=listing.remaining.get(row.id), now=listing.server_time
                    ),
                )
                for row, cursor in zip(page.rows, page.cursors, strict=True)
            ],
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            server_time=listing.server_time,
        )

    @strawberry.field(
        description="Check a sale's invariant (stock + reserved + sold + returned == offered "
        "in Redis and in PostgreSQL, and they agree) without changing anything; null when "
        "there is no such sale.",
        permission_classes=[IsStaff],
    )
    async def flash_sale_invariant(
        self, info: Info, sale_id: strawberry.ID
    ) -> FlashSaleInvariant | None:
        report = await reconcile.check(
            state=info.context.state,
            sale_id=decode_id(sale_id, expected="FlashSale", field="saleId"),
        )
        return FlashSaleInvariant.from_report(report) if report is not None else None
