"""Per-request DataLoaders: related objects come in one query per kind, never one per item.

Each loader is created on first use and lives as long as the request (for WebSocket, the
connection's context), so a cache never serves data from another request.
"""

from __future__ import annotations

from functools import cached_property, partial

from strawberry.dataloader import DataLoader

import models
from resolvers.core.batch import load_by_ids


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
