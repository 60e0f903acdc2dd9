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
from settings import Settings

EARTH_RADIUS_M = 6_371_000.0
ZERO = Decimal("0.00")


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Haversine distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


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
