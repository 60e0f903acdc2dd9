from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.stores import (
    OpeningHoursInput,
    StoreCreateInput,
    StoreStockSetInput,
    StoreUpdateInput,
)
from graph.permissions import IsStaff
from graph.relay import decode_id
from graph.types.stores import Store, StoreError, StorePayload, StoreStockSetPayload
from resolvers.stores import service


def _hours(hours: list[OpeningHoursInput]) -> dict[str, list[str]]:
    return {h.day.value: [h.opens.strip(), h.closes.strip()] for h in hours}


@strawberry.type
class StoreMutations:
    @strawberry.mutation(permission_classes=[IsStaff])
    async def store_create(self, info: Info, input: StoreCreateInput) -> StorePayload:
        claims = info.context.require_staff()
        return await run_mutation(
            service.create_store(
                actor_id=claims.user_id,
                data=service.StoreInput(
                    name=input.name,
                    address=input.address,
                    latitude=input.latitude,
                    longitude=input.longitude,
                    phone=input.phone,
                    opening_hours=_hours(input.opening_hours),
                    delivery_radius_m=input.delivery_radius_m,
                ),
            ),
            payload=StorePayload,
            error=StoreError,
            build=lambda row: StorePayload(store=Store.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def store_update(self, info: Info, input: StoreUpdateInput) -> StorePayload:
        claims = info.context.require_staff()
        names = (
            "name", "address", "latitude", "longitude", "phone",
            "opening_hours", "delivery_radius_m", "is_active",
        )  # fmt: skip
        changes = {
            n: getattr(input, n)
            for n in names
            if getattr(input, n) is not strawberry.UNSET and getattr(input, n) is not None
        }
        if "opening_hours" in changes:
            changes["opening_hours"] = _hours(changes["opening_hours"])
        return await run_mutation(
            service.update_store(
                actor_id=claims.user_id,
                store_id=decode_id(input.id, expected="Store", field="id"),
                changes=changes,
            ),
            payload=StorePayload,
            error=StoreError,
            build=lambda row: StorePayload(store=Store.from_row(row)),
        )

    @strawberry.mutation(
        description="Set what a store holds of a SKU (audited).", permission_classes=[IsStaff]
    )
    async def store_stock_set(self, info: Info, input: StoreStockSetInput) -> StoreStockSetPayload:
        claims = info.context.require_staff()
        store_id = decode_id(input.store_id, expected="Store", field="storeId")
        return await run_mutation(
            service.set_store_stock(
                actor_id=claims.user_id,
                store_id=store_id,
                sku_id=decode_id(input.sku_id, expected="Sku", field="skuId"),
                quantity=input.quantity,
            ),
            payload=StoreStockSetPayload,
            error=StoreError,
            build=lambda row: StoreStockSetPayload(quantity=row.quantity),
        )
