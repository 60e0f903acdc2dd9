from __future__ import annotations

from typing import Annotated

import strawberry

from graph.context import Info
from graph.relay import Connection, decode_id
from graph.types.stores import Store, StoreConnection
from resolvers.catalog.queries import bad_input
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.stores import service


@strawberry.type
class StoreQueries:
    @strawberry.field(description="Open stores near a point, nearest first.")
    async def nearby_stores(
        self,
        info: Info,
        latitude: float,
        longitude: float,
        first: int | None = 20,
        after: str | None = None,
        sku_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Tell for each store whether it holds this SKU."),
        ] = None,
        within_km: float | None = None,
    ) -> StoreConnection:
        sku = decode_id(sku_id, expected="Sku", field="skuId") if sku_id is not None else None
        try:
            page = await service.nearby_stores(
                latitude=latitude,
                longitude=longitude,
                first=first,
                after=after,
                radius_km=within_km
                if within_km is not None
                else info.context.state.settings.stores_search_radius_km,
            )
        except (DomainError, DomainErrors) as exc:
            raise bad_input(exc) from exc
        return Connection.from_page(
            page, lambda near: Store.from_row(near.store, distance_m=near.distance_m, sku_id=sku)
        )
