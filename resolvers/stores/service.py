"""Stores for nearby-store shopping: where they are, when they open, what they hold.

Distances are great-circle (haversine) metres. A bounding box on the indexed
(latitude, longitude) columns narrows the candidates in SQL; exact distances and the
ordering are computed here, which suits a shop's tens to hundreds of stores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from models import Sku, Store, StoreStock
from resolvers.catalog import audit
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.geo import EARTH_RADIUS_M, distance_m
from resolvers.core.pagination import Page, SortKey, check_page_size, decode_cursor, encode_cursor
from resolvers.stores import stock as store_stock
from resolvers.stores.errors import StoreErrorCode

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
NAME_MAX = 64
ADDRESS_MAX = 255
PHONE_MAX = 32
RADIUS_MAX_M = 100_000
QUANTITY_MAX = 1_000_000_000


def check_position(latitude: float, longitude: float, *, path: list[str]) -> list[DomainError]:
    errors = []
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        errors.append(
            DomainError(StoreErrorCode.INVALID, "Latitude is -90..90", field=[*path, "latitude"])
        )
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        errors.append(
            DomainError(
                StoreErrorCode.INVALID, "Longitude is -180..180", field=[*path, "longitude"]
            )
        )
    return errors


@dataclass(slots=True)
class NearbyStore:
    store: Store
    distance_m: float


NEARBY_KEYS = [SortKey("distance_m"), SortKey("id")]


@dataclass(slots=True)
class _Row:
    """What the keyset cursor reads: distance rounded to the metre, then id."""

    distance_m: int
    id: int


async def nearby_stores(
    *,
    latitude: float,
    longitude: float,
    first: int | None,
    after: str | None,
    radius_km: float,
) -> Page[NearbyStore]:
    """Active stores within `radius_km`, nearest first (keyset cursor on distance, id)."""
    size = check_page_size(first)
    errors = check_position(latitude, longitude, path=[])
    if not (math.isfinite(radius_km) and 0 < radius_km <= RADIUS_MAX_M / 1000 * 10):
        errors.append(
            DomainError(StoreErrorCode.INVALID, "Radius is 0-1000 km", field=["withinKm"])
        )
    if errors:
        raise DomainErrors(errors)
    dlat = math.degrees(radius_km * 1000 / EARTH_RADIUS_M)
    cos_lat = max(math.cos(math.radians(latitude)), 1e-6)
    dlng = min(180.0, dlat / cos_lat)
    candidates = await Store.filter(
        is_active=True,
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlng,
        longitude__lte=longitude + dlng,
    )
    found = []
    for store in candidates:
        d = distance_m(latitude, longitude, store.latitude, store.longitude)
        if d <= radius_km * 1000:
            found.append((round(d), store.id, NearbyStore(store, d)))
    found.sort(key=lambda item: (item[0], item[1]))
    if after:
        last = decode_cursor(after, NEARBY_KEYS)
        found = [f for f in found if (f[0], f[1]) > (last[0], last[1])]
    page = found[: size + 1]
    rows = page[:size]
    return Page(
        rows=[item[2] for item in rows],
        cursors=[encode_cursor(_Row(item[0], item[1]), NEARBY_KEYS) for item in rows],  # type: ignore[arg-type]
        has_next_page=len(page) > size,
        has_previous_page=bool(after),
    )


async def store_quantities(keys: Sequence[tuple[int, int]]) -> list[int]:
    """For DataLoaders: units of each (store id, sku id); 0 when the store has none."""
    store_ids = {s for s, _ in keys}
    sku_ids = {k for _, k in keys}
    rows = await StoreStock.filter(
        store_id__in=list(store_ids), sku_id__in=list(sku_ids)
    ).values_list("store_id", "sku_id", "quantity")
    found = {(s, k): q for s, k, q in rows}
    return [found.get(key, 0) for key in keys]


# --- staff ------------------------------------------------------------------------------------


@dataclass(slots=True)
class StoreInput:
    name: str
    address: str
    latitude: float
    longitude: float
    phone: str = ""
    # {"mon": ["09:00", "21:00"], ...}; a missing day is closed.
    opening_hours: dict[str, list[str]] | None = None
    delivery_radius_m: int = 3000
    is_active: bool = True


def _check(fields: dict[str, Any]) -> list[DomainError]:
    errors: list[DomainError] = []
    for name, limit, path in (
        ("name", NAME_MAX, "name"),
        ("address", ADDRESS_MAX, "address"),
        ("phone", PHONE_MAX, "phone"),
    ):
        if name not in fields:
            continue
        value = fields[name] = fields[name].strip()
        if not value and name != "phone":
            errors.append(
                DomainError(StoreErrorCode.REQUIRED, "This field is required", field=[path])
            )
        elif len(value) > limit:
            errors.append(
                DomainError(StoreErrorCode.TOO_LONG, f"At most {limit} characters", field=[path])
            )
    if "latitude" in fields or "longitude" in fields:
        errors += check_position(fields.get("latitude", 0.0), fields.get("longitude", 0.0), path=[])
    if "delivery_radius_m" in fields:
        radius = fields["delivery_radius_m"]
        if radius < 0:
            errors.append(
                DomainError(
                    StoreErrorCode.NEGATIVE_VALUE, "Must not be negative", field=["deliveryRadiusM"]
                )
            )
        elif radius > RADIUS_MAX_M:
            errors.append(
                DomainError(
                    StoreErrorCode.INVALID, f"At most {RADIUS_MAX_M} m", field=["deliveryRadiusM"]
                )
            )
    for day, span in (fields.get("opening_hours") or {}).items():
        path = ["openingHours", day]
        if day not in DAYS:
            errors.append(DomainError(StoreErrorCode.INVALID, "Unknown day", field=path))
        elif len(span) != 2 or not all(_HHMM.match(t) for t in span) or span[0] == span[1]:
            errors.append(
                DomainError(
                    StoreErrorCode.INVALID, "Hours are HH:MM opens, HH:MM closes", field=path
                )
            )
    return errors


def _raise(errors: list[DomainError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise DomainErrors(errors)


async def create_store(*, actor_id: int | None, data: StoreInput) -> Store:
    fields = {
        "name": data.name,
        "address": data.address,
        "phone": data.phone,
        "latitude": data.latitude,
        "longitude": data.longitude,
        "opening_hours": data.opening_hours or {},
        "delivery_radius_m": data.delivery_radius_m,
        "is_active": data.is_active,
    }
    _raise(_check(fields))
    async with in_transaction():
        store = await Store.create(**fields)
        await audit.record(
            actor_id=actor_id,
            action="store.create",
            entity_type="store",
            entity_id=store.id,
            changes=audit.diff({}, fields),
        )
    return store


async def update_store(*, actor_id: int, store_id: int, changes: dict[str, Any]) -> Store:
    """`changes` holds any of StoreInput's fields."""
    async with in_transaction():
        store = await Store.filter(id=store_id).select_for_update().first()
        if store is None:
            raise DomainError(StoreErrorCode.NOT_FOUND, "Store not found", field=["id"])
        merged = dict(changes)
        if "latitude" in merged or "longitude" in merged:
            merged.setdefault("latitude", store.latitude)
            merged.setdefault("longitude", store.longitude)
        _raise(_check(merged))
        before = {k: getattr(store, k) for k in merged}
        for name, value in merged.items():
            setattr(store, name, value)
        if merged:
            await store.save(update_fields=[*merged, "updated_at"])
            await audit.record(
                actor_id=actor_id,
                action="store.update",
                entity_type="store",
                entity_id=store.id,
                changes=audit.diff(before, merged),
            )
    return store


async def set_store_stock(
    *, actor_id: int, store_id: int, sku_id: int, quantity: int
) -> StoreStock:
    """Set what a store holds of a SKU (after a count), audited with before and after."""
    errors = []
    if quantity < 0:
        errors.append(
            DomainError(StoreErrorCode.NEGATIVE_VALUE, "Must not be negative", field=["quantity"])
        )
    elif quantity > QUANTITY_MAX:
        errors.append(
            DomainError(StoreErrorCode.INVALID, f"At most {QUANTITY_MAX}", field=["quantity"])
        )
    if not await Store.exists(id=store_id):
        errors.append(DomainError(StoreErrorCode.NOT_FOUND, "Store not found", field=["storeId"]))
    if not await Sku.exists(id=sku_id):
        errors.append(DomainError(StoreErrorCode.NOT_FOUND, "SKU not found", field=["skuId"]))
    _raise(errors)
    async with in_transaction():
        # Upsert first: a concurrent first write of this row waits here instead of failing
        # on the unique key, and the row lock below orders the audit's before/after.
        await store_stock.ensure_row(store_id=store_id, sku_id=sku_id)
        row = await StoreStock.filter(store_id=store_id, sku_id=sku_id).select_for_update().get()
        before = row.quantity
        row.quantity = quantity
        await row.save(update_fields=["quantity", "updated_at"])
        await audit.record(
            actor_id=actor_id,
            action="store.stock_set",
            entity_type="store",
            entity_id=store_id,
            changes={"skuId": sku_id, "quantity": [before, quantity]},
        )
    return row
