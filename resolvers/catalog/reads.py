"""Reading products for their page: the cached snapshot, and the batch reads behind the
per-request DataLoaders (descriptions, SKUs, live stock)."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from models import Product, Sku
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import ProductData, SkuData, dumps


async def load_product(product_id: int) -> ProductData | None:
    """Product, SKUs (with stock) and description straight from the database."""
    row = await Product.get_or_none(id=product_id)
    if row is None:
        return None
    skus = await Sku.filter(product_id=product_id).order_by("id")
    return ProductData.from_model(row, skus=[SkuData.from_model(s) for s in skus])


async def get_product(*, cache: CatalogCache, product_id: int, staff: bool) -> ProductData | None:
    """One product for its page. Shoppers see only ON_SHELF products, through the cache.

    On a cache miss the SKUs come back with their stock already loaded; on a hit the stock
    is absent (`None`) and the API reads it live.
    """
    if staff:
        return await load_product(product_id)
    loaded: ProductData | None = None

    async def load() -> str:
        nonlocal loaded
        loaded = await load_product(product_id)
        return dumps(loaded.to_json() if loaded is not None else None)

    generation_key, value_key = cache.detail_keys(product_id)
    body = await cache.fetch(
        generation_key=generation_key,
        value_key=value_key,
        ttl_seconds=cache.detail_ttl_seconds,
        load=load,
    )
    data = loaded
    if data is None:
        raw = orjson.loads(body)
        data = ProductData.from_json(raw) if raw is not None else None
    if data is None or not data.is_visible_to_shoppers:
        return None
    return data


async def product_descriptions(product_ids: Sequence[int]) -> list[str | None]:
    rows = dict(
        await Product.filter(id__in=list(set(product_ids))).values_list("id", "description_html")
    )
    return [rows.get(pid) for pid in product_ids]


async def skus_of_products(product_ids: Sequence[int]) -> list[list[SkuData]]:
    """Every SKU (with stock) of each product, in creation order."""
    grouped: dict[int, list[SkuData]] = {pid: [] for pid in product_ids}
    for row in await Sku.filter(product_id__in=list(set(product_ids))).order_by("id"):
        grouped[row.product_id].append(SkuData.from_model(row))
    return [grouped[pid] for pid in product_ids]


async def stock_of_products(product_ids: Sequence[int]) -> list[dict[int, int]]:
    """Live stock of each product's SKUs, {sku id: stock}; one narrow query."""
    grouped: dict[int, dict[int, int]] = {pid: {} for pid in product_ids}
    rows = await Sku.filter(product_id__in=list(set(product_ids))).values_list(
        "id", "product_id", "stock"
    )
    for sku_id, product_id, level in rows:
        grouped[product_id][sku_id] = level
    return [grouped[pid] for pid in product_ids]
