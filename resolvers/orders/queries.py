from __future__ import annotations

import strawberry

import models
from graph.context import Info
from graph.errors import payload_errors
from graph.inputs.orders import CheckoutInput, OrderFilterInput
from graph.permissions import IsAuthenticated, IsStaff
from graph.types.orders import (
    AfterSale,
    AfterSaleConnection,
    AfterSaleStatus,
    CheckoutPreview,
    CheckoutPreviewPayload,
    Order,
    OrderConnection,
    OrderError,
    OrderStatus,
)
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.orders import after_sales, service


@strawberry.type
class OrderQueries:
    @strawberry.field(
        description="Price a checkout without placing it: lines, discounts, shipping, total.",
        permission_classes=[IsAuthenticated],
    )
    async def checkout_preview(self, info: Info, input: CheckoutInput) -> CheckoutPreviewPayload:
        ctx = info.context
        try:
            checkout = await service.preview_checkout(
                state=ctx.state, user_id=ctx.require_user().user_id, request=input.to_request()
            )
        except (DomainError, DomainErrors) as exc:
            return CheckoutPreviewPayload(errors=payload_errors(exc, OrderError))
        return CheckoutPreviewPayload(preview=CheckoutPreview.from_checkout(checkout, info))

    @strawberry.field(
        description="The shopper's orders, newest first.", permission_classes=[IsAuthenticated]
    )
    async def my_orders(
        self,
        info: Info,
        status: list[OrderStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OrderConnection:
        page = await service.list_my_orders(
            user_id=info.context.require_user().user_id,
            statuses=[models.OrderStatus(s) for s in status] if status else None,
            first=first,
            after=after,
        )
        return OrderConnection.from_page(page, Order.from_row)

    @strawberry.field(
        description="An order by its number: the shopper's own, or any for staff.",
        permission_classes=[IsAuthenticated],
    )
    async def order_by_number(self, info: Info, number: str) -> Order | None:
        claims = info.context.require_user()
        row = await service.get_order_by_number(
            number=number, user_id=None if claims.is_staff else claims.user_id
        )
        return Order.from_row(row) if row else None

    @strawberry.field(
        description="Staff: search orders (status, dates, recipient phone, number), newest first.",
        permission_classes=[IsStaff],
    )
    async def orders(
        self,
        info: Info,
        filter: OrderFilterInput | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> OrderConnection:
        page = await service.search_orders(
            state=info.context.state,
            filters=filter.to_filter() if filter else service.OrderFilter(),
            first=first,
            after=after,
        )
        return OrderConnection.from_page(page, Order.from_row)

    @strawberry.field(
        description="Staff: after-sales to handle, newest first.", permission_classes=[IsStaff]
    )
    async def after_sales(
        self,
        info: Info,
        status: list[AfterSaleStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> AfterSaleConnection:
        page = await after_sales.search(
            statuses=[models.AfterSaleStatus(s) for s in status] if status else None,
            first=first,
            after=after,
        )
        return AfterSaleConnection.from_page(page, AfterSale.from_row)
