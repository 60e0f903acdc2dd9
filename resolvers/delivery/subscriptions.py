from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graph.context import Info
from graph.permissions import IsAuthenticated
from graph.relay import decode_id
from graph.types.delivery import CourierLocationUpdate
from resolvers.delivery import service


@strawberry.type
class DeliverySubscriptions:
    @strawberry.subscription(
        description="The owner's COURIER order while it is out for delivery: the courier's "
        "position, heading and ETA, first as they are now, then at each report. Nothing "
        "before pickup; completes when the delivery ends. Someone else's order: the same "
        "error as a missing one.",
        permission_classes=[IsAuthenticated],
    )
    async def courier_location(
        self, info: Info, order_id: strawberry.ID
    ) -> AsyncGenerator[CourierLocationUpdate]:
        ctx = info.context
        stream = await service.courier_location_stream(
            state=ctx.state,
            user_id=ctx.require_user().user_id,
            order_id=decode_id(order_id, expected="Order", field="orderId"),
        )

        async def updates() -> AsyncGenerator[CourierLocationUpdate]:
            async for event in stream:
                location = CourierLocationUpdate.from_event(event)
                if location is not None and event.payload.get("status") == "PICKED_UP":
                    yield location

        return updates()
