from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph.context import Info
from graph.permissions import IsAuthenticated, IsStaff
from graph.relay import decode_id
from graph.types.orders import OrderFeedEvent, OrderStatusUpdate
from resolvers.orders import live


@strawberry.type
class OrderSubscriptions:
    @strawberry.subscription(
        description="The owner's order: its status now, then each change (versions strictly "
        "increase). Completes once the order is cancelled, closed or refunded. Someone "
        "else's order: the same error as a missing one, and no events.",
        permission_classes=[IsAuthenticated],
    )
    async def order_status_changed(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[OrderStatusUpdate]:
        ctx = info.context
        stream = await live.order_status_stream(
            state=ctx.state,
            user_id=ctx.require_user().user_id,
            order_id=decode_id(order_id, expected="Order", field="orderId"),
        )

        async def updates() -> AsyncGenerator[OrderStatusUpdate]:
            async for event in stream:
                yield OrderStatusUpdate.from_event(event)

        return updates()

    @strawberry.subscription(
        description="Staff: the shop's order news as it happens (new, paid, cancelled, "
        "refund requested). Starts now; nothing is replayed.",
        permission_classes=[IsStaff],
    )
    async def order_feed(self, info: Info) -> AsyncGenerator[OrderFeedEvent]:
        stream = live.order_feed_stream(state=info.context.state)

        async def events() -> AsyncGenerator[OrderFeedEvent]:
            async for kind, event in stream:
                yield OrderFeedEvent.from_event(kind, event)

        return events()
