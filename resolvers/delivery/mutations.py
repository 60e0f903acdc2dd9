from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.delivery import (
    CourierLocationReportInput,
    DeliveryAssignInput,
    DeliveryStepInput,
)
from graph.permissions import IsCourier, IsStaff
from graph.types.delivery import (
    CourierLocationReportPayload,
    CourierLocationUpdate,
    DeliveryError,
    DeliveryTask,
    DeliveryTaskPayload,
)
from resolvers.delivery import service

_TASK = {
    "payload": DeliveryTaskPayload,
    "error": DeliveryError,
    "build": lambda row: DeliveryTaskPayload(task=DeliveryTask.from_row(row)),
}


@strawberry.type
class DeliveryMutations:
    @strawberry.mutation(
        description="Give a paid COURIER order to a courier, or to the nearest free one.",
        permission_classes=[IsStaff],
    )
    async def delivery_assign(self, info: Info, input: DeliveryAssignInput) -> DeliveryTaskPayload:
        ctx = info.context
        return await run_mutation(
            service.assign(
                state=ctx.state,
                staff_id=ctx.require_staff().user_id,
                order_id=input.order_pk(),
                courier_id=input.courier_pk(),
            ),
            **_TASK,
        )

    @strawberry.mutation(
        description="The courier has the goods: the order goes out for delivery.",
        permission_classes=[IsCourier],
    )
    async def delivery_picked_up(self, info: Info, input: DeliveryStepInput) -> DeliveryTaskPayload:
        ctx = info.context
        return await run_mutation(
            service.picked_up(
                state=ctx.state, courier_id=ctx.require_user().user_id, order_id=input.order_pk()
            ),
            **_TASK,
        )

    @strawberry.mutation(
        description="Handed over: the order is delivered.", permission_classes=[IsCourier]
    )
    async def delivery_completed(self, info: Info, input: DeliveryStepInput) -> DeliveryTaskPayload:
        ctx = info.context
        return await run_mutation(
            service.completed(
                state=ctx.state, courier_id=ctx.require_user().user_id, order_id=input.order_pk()
            ),
            **_TASK,
        )

    @strawberry.mutation(
        description="Report the courier's position (at most once a second; RATE_LIMITED "
        "beyond). For a delivery that is not yours: FORBIDDEN.",
        permission_classes=[IsCourier],
    )
    async def courier_location_report(
        self, info: Info, input: CourierLocationReportInput
    ) -> CourierLocationReportPayload:
        ctx = info.context
        return await run_mutation(
            service.report_location(
                state=ctx.state,
                courier_id=ctx.require_user().user_id,
                order_id=input.order_pk(),
                report=input.report(),
            ),
            payload=CourierLocationReportPayload,
            error=DeliveryError,
            build=lambda task: CourierLocationReportPayload(
                location=CourierLocationUpdate.from_payload(
                    service.task_payload(task), task.version
                )
                if task is not None
                else None
            ),
        )
