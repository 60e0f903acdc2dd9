from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.relay import node_pks
from graph.types.orders import OrderStatus, Recipient, recipient_of
from models.delivery import ACTIVE_TASK_STATUSES
from resolvers.core.live import LiveEvent
from resolvers.delivery.errors import DeliveryErrorCode as _DeliveryErrorCode

DeliveryErrorCode = strawberry.enum(_DeliveryErrorCode, name="DeliveryErrorCode")
DeliveryTaskStatus = strawberry.enum(models.DeliveryTaskStatus, name="DeliveryTaskStatus")


def _datetime(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@strawberry.type(description="Where the courier is and when they should arrive.")
class CourierLocationUpdate:
    latitude: float
    longitude: float
    heading: float = strawberry.field(description="Degrees clockwise from north, [0, 360).")
    eta: datetime | None = strawberry.field(
        description="Expected arrival: remaining distance at the courier's recent speed."
    )
    distance_remaining_m: int | None
    reported_at: datetime | None
    version: int = strawberry.field(description="The delivery's version: strictly increasing.")

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any], version: int) -> CourierLocationUpdate | None:
        if payload.get("latitude") is None or payload.get("longitude") is None:
            return None
        return cls(
            latitude=payload["latitude"],
            longitude=payload["longitude"],
            heading=payload.get("heading") or 0.0,
            eta=_datetime(payload.get("eta")),
            distance_remaining_m=payload.get("distanceRemainingM"),
            reported_at=_datetime(payload.get("reportedAt")),
            version=version,
        )

    @classmethod
    def from_event(cls, event: LiveEvent) -> CourierLocationUpdate | None:
        return cls.from_payload(event.payload, event.version)


@strawberry.type(name="DeliveryTask", description="One courier delivery of a COURIER order.")
class DeliveryTask(relay.Node):
    id: relay.NodeID[int]
    order_id: relay.GlobalID
    courier_id: relay.GlobalID
    store_id: relay.GlobalID
    status: DeliveryTaskStatus
    assigned_at: datetime
    picked_up_at: datetime | None
    finished_at: datetime | None
    location: CourierLocationUpdate | None = strawberry.field(
        description="The latest report (null before the first and after the data is purged)."
    )
    order_pk: strawberry.Private[int]
    courier_pk: strawberry.Private[int]

    @strawberry.field(
        description="Where to take the goods. The assigned courier sees the phone in full "
        "while the delivery is active; staff see it masked; null for anyone else and, for "
        "the courier, once the delivery is over."
    )
    async def recipient(self, info: Info) -> Recipient | None:
        claims = info.context.claims
        if claims is None:
            return None
        delivering = claims.user_id == self.courier_pk and self.status in ACTIVE_TASK_STATUSES
        if not (delivering or claims.is_staff):
            return None
        row = await info.context.loaders.order_by_id.load(self.order_pk)
        return recipient_of(row, info, full_phone=delivering) if row is not None else None

    @classmethod
    def from_row(cls, row: models.DeliveryTask) -> DeliveryTask:
        return cls(
            order_pk=row.order_id,  # type: ignore[attr-defined]
            courier_pk=row.courier_id,  # type: ignore[attr-defined]
            id=row.id,
            order_id=relay.GlobalID("Order", str(row.order_id)),  # type: ignore[attr-defined]
            courier_id=relay.GlobalID("User", str(row.courier_id)),  # type: ignore[attr-defined]
            store_id=relay.GlobalID("Store", str(row.store_id)),  # type: ignore[attr-defined]
            status=row.status,
            assigned_at=row.assigned_at,
            picked_up_at=row.picked_up_at,
            finished_at=row.finished_at,
            location=CourierLocationUpdate(
                latitude=row.latitude,
                longitude=row.longitude,
                heading=row.heading or 0.0,
                eta=row.eta,
                distance_remaining_m=row.distance_remaining_m,
                reported_at=row.reported_at,
                version=row.version,
            )
            if row.latitude is not None and row.longitude is not None
            else None,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[DeliveryTask | None]:
        claims = info.context.claims
        ids = node_pks(node_ids)
        if claims is None:
            return [None] * len(ids)
        rows = {r.id: r for r in await models.DeliveryTask.filter(id__in=ids)}
        # Staff see every delivery, a courier their own; anyone else: as if missing.
        return [
            cls.from_row(rows[i])
            if i in rows and (claims.is_staff or rows[i].courier_id == claims.user_id)  # type: ignore[attr-defined]
            else None
            for i in ids
        ]


@strawberry.type
class TrackingPlace:
    name: str
    latitude: float
    longitude: float


@strawberry.type(description="What the tracking page draws: where from, where to, who's where.")
class DeliveryTracking:
    order_id: relay.GlobalID
    number: str
    status: OrderStatus
    store: TrackingPlace | None
    destination: TrackingPlace | None
    courier: CourierLocationUpdate | None


@strawberry.type
class DeliveryError(UserError):
    code: DeliveryErrorCode


@strawberry.type
class DeliveryTaskPayload:
    task: DeliveryTask | None = None
    errors: list[DeliveryError] = strawberry.field(default_factory=list)


@strawberry.type
class CourierLocationReportPayload:
    location: CourierLocationUpdate | None = strawberry.field(
        default=None, description="The delivery's position and ETA; null for an idle report."
    )
    errors: list[DeliveryError] = strawberry.field(default_factory=list)
