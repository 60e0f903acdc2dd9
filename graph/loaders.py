"""Per-request DataLoaders: related objects come in one query per kind, never one per item.

Each loader is created on first use and lives as long as the request (for WebSocket, the
connection's context), so a cache never serves data from another request.
"""

from __future__ import annotations

from functools import cached_property, partial

from strawberry.dataloader import DataLoader

import models
from resolvers.catalog import reviews
from resolvers.catalog import service as catalog
from resolvers.catalog.data import ReviewData, SkuData
from resolvers.core.batch import load_by_ids
from resolvers.core.pagination import Page
from resolvers.stores import service as stores


def _by_id(model: type) -> DataLoader:
    return DataLoader(load_fn=partial(load_by_ids, model))


class Loaders:
    @cached_property
    def user_by_id(self) -> DataLoader[int, models.User | None]:
        return _by_id(models.User)

    @cached_property
    def category_by_id(self) -> DataLoader[int, models.Category | None]:
        return _by_id(models.Category)

    @cached_property
    def product_by_id(self) -> DataLoader[int, models.Product | None]:
        return _by_id(models.Product)

    @cached_property
    def sku_by_id(self) -> DataLoader[int, models.Sku | None]:
        return _by_id(models.Sku)

    @cached_property
    def store_by_id(self) -> DataLoader[int, models.Store | None]:
        return _by_id(models.Store)

    # --- catalog ---------------------------------------------------------------------------
    @cached_property
    def category_children(self) -> DataLoader[int, list[models.Category]]:
        async def load(parent_ids: list[int]) -> list[list[models.Category]]:
            rows = await models.Category.filter(parent_id__in=list(set(parent_ids)))
            grouped: dict[int, list[models.Category]] = {pid: [] for pid in parent_ids}
            for row in sorted(rows, key=lambda r: (r.sort_order, r.id)):
                grouped[row.parent_id].append(row)
            return [grouped[pid] for pid in parent_ids]

        return DataLoader(load_fn=load)

    @cached_property
    def skus_by_product(self) -> DataLoader[int, list[SkuData]]:
        """Every SKU of a product, stock included."""
        return DataLoader(load_fn=catalog.skus_of_products)

    @cached_property
    def sku_stock_by_product(self) -> DataLoader[int, dict[int, int]]:
        """Live stock of a product's SKUs (cached snapshots carry no stock)."""
        return DataLoader(load_fn=catalog.stock_of_products)

    @cached_property
    def product_description(self) -> DataLoader[int, str | None]:
        return DataLoader(load_fn=catalog.product_descriptions)

    @cached_property
    def favorite_flag(self) -> DataLoader[tuple[int, int], bool]:
        """Keyed by (user id, product id)."""
        return DataLoader(load_fn=catalog.favorite_flags)

    @cached_property
    def review_pages(self) -> DataLoader[reviews.ReviewPageKey, Page[ReviewData]]:
        """Keyed by (product id, page size, cursor or None, hidden ones too): the first pages
        of any number of products in one query."""
        return DataLoader(load_fn=reviews.review_pages)

    @cached_property
    def review_by_id(self) -> DataLoader[int, ReviewData | None]:
        return DataLoader(load_fn=reviews.reviews_by_ids)

    @cached_property
    def review_by_order_line(self) -> DataLoader[int, ReviewData | None]:
        return DataLoader(load_fn=reviews.reviews_by_order_lines)

    # --- stores ----------------------------------------------------------------------------
    @cached_property
    def store_quantity(self) -> DataLoader[tuple[int, int], int]:
        """Units a store holds of a SKU, keyed by (store id, sku id)."""
        return DataLoader(load_fn=stores.store_quantities)

    # --- cart and orders (children grouped by their order: one query per page of orders) ---
    @cached_property
    def order_by_id(self) -> DataLoader[int, models.Order | None]:
        return _by_id(models.Order)

    @cached_property
    def order_lines_by_order(self) -> DataLoader[int, list[models.OrderLine]]:
        return _children(models.OrderLine, "order_id")

    @cached_property
    def order_events_by_order(self) -> DataLoader[int, list[models.OrderEvent]]:
        return _children(models.OrderEvent, "order_id")

    @cached_property
    def shipments_by_order(self) -> DataLoader[int, list[models.Shipment]]:
        return _children(models.Shipment, "order_id")

    @cached_property
    def order_notes_by_order(self) -> DataLoader[int, list[models.OrderNote]]:
        return _children(models.OrderNote, "order_id")

    @cached_property
    def after_sales_by_order(self) -> DataLoader[int, list[models.AfterSale]]:
        return _children(models.AfterSale, "order_id")

    @cached_property
    def after_sale_lines_by_after_sale(self) -> DataLoader[int, list[models.AfterSaleLine]]:
        return _children(models.AfterSaleLine, "after_sale_id")

    @cached_property
    def payments_by_order(self) -> DataLoader[int, list[models.Payment]]:
        return _children(models.Payment, "order_id")

    @cached_property
    def refunds_by_order(self) -> DataLoader[int, list[models.Refund]]:
        return _children(models.Refund, "order_id")

    # --- campaigns -------------------------------------------------------------------------
    @cached_property
    def flash_sale_by_id(self) -> DataLoader[int, models.FlashSale | None]:
        return _by_id(models.FlashSale)

    @cached_property
    def flash_sale_reservation_by_id(self) -> DataLoader[int, models.FlashSaleReservation | None]:
        return _by_id(models.FlashSaleReservation)


def _children(model: type, parent: str) -> DataLoader:
    """Rows grouped by a foreign key, in id order: `loader.load(parent_id) -> [rows]`."""

    async def load(ids: list[int]) -> list[list]:
        groups: dict[int, list] = {i: [] for i in ids}
        for row in await model.filter(**{f"{parent}__in": list(set(ids))}).order_by("id"):
            groups[getattr(row, parent)].append(row)
        return [groups[i] for i in ids]

    return DataLoader(load_fn=load)
