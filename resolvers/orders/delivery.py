"""Delivery methods and their rules.

* EXPRESS: a parcel carrier to any address; a flat fee, free when the goods (after
  discounts) reach a threshold.
* COURIER: same-city delivery from a store, only to addresses within that store's delivery
  radius (great-circle distance), with an ETA of preparation time plus riding time.
* PICKUP: the shopper collects at a chosen active store; no fee, no address.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from models import Store
from resolvers.core.geo import distance_m
from settings import Settings

ZERO = Decimal("0.00")


def express_fee(goods_total: Decimal, settings: Settings) -> Decimal:
    if goods_total >= settings.express_free_threshold:
        return ZERO
    return settings.express_fee


@dataclass(frozen=True, slots=True)
class CourierRoute:
    store: Store
    distance_m: int

    def eta(self, now: datetime, settings: Settings) -> datetime:
        ride_minutes = (self.distance_m / 1000) / settings.courier_speed_kmh * 60
        return now + timedelta(minutes=settings.courier_prep_minutes + math.ceil(ride_minutes))


def courier_route(
    stores: list[Store], latitude: float, longitude: float, *, store_id: int | None = None
) -> CourierRoute | None:
    """The nearest active store (or the chosen one) whose radius covers the address."""
    best: CourierRoute | None = None
    for store in stores:
        if not store.is_active or (store_id is not None and store.id != store_id):
            continue
        meters = distance_m(store.latitude, store.longitude, latitude, longitude)
        if meters <= store.delivery_radius_m and (best is None or meters < best.distance_m):
            best = CourierRoute(store=store, distance_m=round(meters))
    return best
