from __future__ import annotations

import strawberry

from graph.relay import decode_id
from resolvers.delivery.service import Report


@strawberry.input
class DeliveryAssignInput:
    order_id: strawberry.ID
    courier_id: strawberry.ID | None = strawberry.field(
        default=None, description="Omit to give it to the nearest free courier."
    )

    def order_pk(self) -> int:
        return decode_id(self.order_id, expected="Order", field="orderId")

    def courier_pk(self) -> int | None:
        if self.courier_id is None:
            return None
        return decode_id(self.courier_id, expected="User", field="courierId")


@strawberry.input
class DeliveryStepInput:
    order_id: strawberry.ID

    def order_pk(self) -> int:
        return decode_id(self.order_id, expected="Order", field="orderId")


@strawberry.input(description="Where the courier is; at most one report a second.")
class CourierLocationReportInput:
    order_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The delivery this position belongs to (it must be yours). Omit when "
        "not delivering: the idle position lets the shop choose the nearest free courier.",
    )
    latitude: float
    longitude: float
    heading: float = strawberry.field(description="Degrees clockwise from north, [0, 360).")

    def order_pk(self) -> int | None:
        if self.order_id is None:
            return None
        return decode_id(self.order_id, expected="Order", field="orderId")

    def report(self) -> Report:
        return Report(latitude=self.latitude, longitude=self.longitude, heading=self.heading)
