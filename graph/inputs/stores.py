"""Store inputs (staff)."""

from __future__ import annotations

import strawberry

from graph.types.stores import Weekday


@strawberry.input
class OpeningHoursInput:
    day: Weekday
    opens: str = strawberry.field(description='"09:00"')
    closes: str = strawberry.field(description='"21:00"')


@strawberry.input
class StoreCreateInput:
    name: str
    address: str
    latitude: float
    longitude: float
    phone: str = ""
    opening_hours: list[OpeningHoursInput] = strawberry.field(default_factory=list)
    delivery_radius_m: int = 3000


@strawberry.input
class StoreUpdateInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    latitude: float | None = strawberry.UNSET
    longitude: float | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    opening_hours: list[OpeningHoursInput] | None = strawberry.UNSET
    delivery_radius_m: int | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET


@strawberry.input
class StoreStockSetInput:
    store_id: strawberry.ID
    sku_id: strawberry.ID
    quantity: int = strawberry.field(description="What the store holds now (after a count).")
