from __future__ import annotations

import strawberry

from graph.context import Info
from graph.permissions import IsAuthenticated, IsCourier
from graph.types.delivery import (
    CourierLocationUpdate,
    DeliveryTask,
    DeliveryTracking,
    TrackingPlace,
)
from resolvers.delivery import service


@strawberry.type
class DeliveryQueries:
    @strawberry.field(
        description="The courier's deliveries in progress, newest first.",
        permission_classes=[IsCourier],
    )
    async def my_deliveries(self, info: Info) -> list[DeliveryTask]:
        rows = await service.courier_tasks(courier_id=info.context.require_user().user_id)
        return [DeliveryTask.from_row(row) for row in rows]

    @strawberry.field(
        description="The shopper's COURIER order as the tracking page draws it; null when "
        "missing or not yours.",
        permission_classes=[IsAuthenticated],
    )
    async def delivery_tracking(self, info: Info, order_number: str) -> DeliveryTracking | None:
        tracking = await service.tracking(
            user_id=info.context.require_user().user_id, order_number=order_number
        )
        if tracking is None:
            return None
        order, store, task = tracking
        return DeliveryTracking(
            order_id=strawberry.relay.GlobalID("Order", str(order.id)),
            number=order.number,
            status=order.status,
            store=TrackingPlace(name=store.name, latitude=store.latitude, longitude=store.longitude)
            if store
            else None,
            destination=TrackingPlace(name="", latitude=order.latitude, longitude=order.longitude)
            if order.latitude is not None and order.longitude is not None
            else None,
            courier=CourierLocationUpdate.from_payload(service.task_payload(task), task.version)
            if task is not None and task.status == "PICKED_UP"
            else None,
        )
