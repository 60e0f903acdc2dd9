"""Stores for nearby-store (O2O) shopping."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.permissions import IsStaff
from graph.relay import Connection, node_pks
from resolvers.stores.errors import StoreErrorCode as _StoreErrorCode
from resolvers.stores.service import DAYS

StoreErrorCode = strawberry.enum(_StoreErrorCode, name="StoreErrorCode")


@strawberry.enum
class Weekday(Enum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


@strawberry.type(description="Local opening hours of one day; closes < opens runs past midnight.")
class OpeningHours:
    day: Weekday
    opens: str
    closes: str


@strawberry.type
class StoreError(UserError):
    code: StoreErrorCode


@strawberry.type(name="Store")
class Store(relay.Node):
    id: relay.NodeID[int]
    name: str
    address: str
    phone: str
    latitude: float
    longitude: float
    delivery_radius_m: int
    is_active: bool
    distance_m: int | None = strawberry.field(
        default=None, description="From the point nearbyStores was asked about, in metres."
    )
    _sku_id: strawberry.Private[int | None] = None
    _hours: strawberry.Private[dict[str, list[str]]] = strawberry.field(default_factory=dict)

    @classmethod
    def from_row(
        cls, row: models.Store, *, distance_m: float | None = None, sku_id: int | None = None
    ) -> Store:
        return cls(
            id=row.id,
            name=row.name,
            address=row.address,
            phone=row.phone,
            latitude=row.latitude,
            longitude=row.longitude,
            delivery_radius_m=row.delivery_radius_m,
            is_active=row.is_active,
            distance_m=round(distance_m) if distance_m is not None else None,
            _sku_id=sku_id,
            _hours=dict(row.opening_hours or {}),
        )

    @strawberry.field
    def opening_hours(self) -> list[OpeningHours]:
        return [
            OpeningHours(day=Weekday(day), opens=self._hours[day][0], closes=self._hours[day][1])
            for day in DAYS
            if day in self._hours
        ]

    @strawberry.field(description="Whether it delivers to the point nearbyStores was asked about.")
    def delivers_there(self) -> bool | None:
        if self.distance_m is None:
            return None
        return self.distance_m <= self.delivery_radius_m

    @strawberry.field(description="Whether it holds the SKU nearbyStores was asked about.")
    async def sku_in_stock(self, info: Info) -> bool | None:
        if self._sku_id is None:
            return None
        return await info.context.loaders.store_quantity.load((self.id, self._sku_id)) > 0

    @strawberry.field(
        description="Units of that SKU here; staff only.", permission_classes=[IsStaff]
    )
    async def sku_quantity(self, info: Info) -> int | None:
        if self._sku_id is None:
            return None
        return await info.context.loaders.store_quantity.load((self.id, self._sku_id))

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Store | None]:
        rows = await info.context.loaders.store_by_id.load_many(node_pks(node_ids))
        claims = info.context.claims
        staff = claims is not None and claims.is_staff
        return [
            cls.from_row(row) if row is not None and (staff or row.is_active) else None
            for row in rows
        ]


StoreConnection = Connection[Store]


@strawberry.type
class StorePayload:
    store: Store | None = None
    errors: list[StoreError] = strawberry.field(default_factory=list)


@strawberry.type
class StoreStockSetPayload:
    store: Store | None = None
    quantity: int | None = None
    errors: list[StoreError] = strawberry.field(default_factory=list)
