"""A shopper's saved products."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from tortoise.exceptions import IntegrityError

from models import Favorite, Product, ProductStatus
from resolvers.catalog.data import ProductData
from resolvers.catalog.errors import not_found
from resolvers.core.pagination import Page, SortKey, paginate


async def _visible_product(product_id: int, path: list[str]) -> Product:
    product = await Product.get_or_none(id=product_id, status=ProductStatus.ON_SHELF)
    if product is None:
        raise not_found("Product", path)
    return product


async def add_favorite(*, user_id: int, product_id: int) -> ProductData:
    """Save a product; saving it twice keeps one favorite."""
    product = await _visible_product(product_id, ["productId"])
    # A concurrent request may save it first: the outcome is the same.
    with contextlib.suppress(IntegrityError):
        await Favorite.get_or_create(user_id=user_id, product_id=product_id)
    return ProductData.from_model(product)


async def remove_favorite(*, user_id: int, product_id: int) -> ProductData:
    """Forget a saved product; forgetting one that is not saved changes nothing."""
    deleted = await Favorite.filter(user_id=user_id, product_id=product_id).delete()
    product = await Product.get_or_none(id=product_id)
    if product is None or (not deleted and product.status != ProductStatus.ON_SHELF):
        raise not_found("Product", ["productId"])
    return ProductData.from_model(product)


async def list_favorites(*, user_id: int, first: int | None, after: str | None) -> Page[Favorite]:
    """The shopper's saved products that are on the shelf, most recently saved first."""
    qs = Favorite.filter(user_id=user_id, product__status=ProductStatus.ON_SHELF)
    return await paginate(qs, first=first, after=after, keys=[SortKey("id", descending=True)])


async def favorite_flags(keys: Sequence[tuple[int, int]]) -> list[bool]:
    """For DataLoaders: is each (user id, product id) a favorite? One query per batch."""
    by_user: dict[int, set[int]] = {}
    for user_id, product_id in keys:
        by_user.setdefault(user_id, set()).add(product_id)
    saved: set[tuple[int, int]] = set()
    for user_id, product_ids in by_user.items():
        rows = await Favorite.filter(user_id=user_id, product_id__in=list(product_ids)).values_list(
            "product_id", flat=True
        )
        saved.update((user_id, pid) for pid in rows)
    return [key in saved for key in keys]
