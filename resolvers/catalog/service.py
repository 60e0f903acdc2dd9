"""Catalog business rules: categories, products and SKUs, listings and search, favorites.

Reads for shoppers go through the Redis cache (resolvers/catalog/cache.py); staff reads go
to the database. Every staff change runs in one transaction with its audit row, then
invalidates what it touched once committed. Stock only moves through resolvers/catalog/stock.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import orjson
from pypika_tortoise.terms import BasicCriterion, Function, ValueWrapper
from pypika_tortoise.terms import Field as SqlField
from tortoise import connections
from tortoise.contrib.postgres.array_functions import PostgresArrayOperators
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Max, Min
from tortoise.transactions import in_transaction

from models import (
    Category,
    Favorite,
    Product,
    ProductStatus,
    Sku,
    StockChangeReason,
)
from resolvers.catalog import audit, stock, text
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import LISTING_FIELDS, CategoryData, ProductData, SkuData, dumps
from resolvers.catalog.errors import CatalogErrorCode
from resolvers.core.errors import DomainError
from resolvers.core.pagination import Page, SortKey, check_page_size, paginate

logger = logging.getLogger(__name__)

STAFF_STOCK_REASONS = frozenset(
    {StockChangeReason.RESTOCK, StockChangeReason.CORRECTION, StockChangeReason.DAMAGE}
)
BULK_PRICE_MAX_ITEMS = 100


class _Keep:
    """Marks an optional change that was not asked for (as opposed to "set it to null")."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


def _not_found(what: str, path: list[str]) -> DomainError:
    return DomainError(CatalogErrorCode.NOT_FOUND, f"{what} not found", field=path)


def _now() -> datetime:
    return datetime.now(UTC)


# --- categories ---------------------------------------------------------------------------------


def _tree(rows: Sequence[Category], *, include_inactive: bool) -> list[CategoryData]:
    items = [CategoryData.from_model(r) for r in rows if include_inactive or r.is_active]
    for item in items:
        item.children = []
    by_id = {c.id: c for c in items}
    top: list[CategoryData] = []
    for item in sorted(items, key=lambda c: (c.sort_order, c.id)):
        if item.parent_id is None:
            top.append(item)
        elif (parent := by_id.get(item.parent_id)) is not None:
            parent.children.append(item)  # type: ignore[union-attr]
        # else: the parent is hidden, and so is its child
    return top


async def category_tree(
    *, cache: CatalogCache, include_inactive: bool = False
) -> list[CategoryData]:
    """The two-level tree in display order; shoppers get only active categories (cached)."""
    if include_inactive:
        return _tree(await Category.all(), include_inactive=True)

    async def load() -> str:
        tree = _tree(await Category.all(), include_inactive=False)
        return dumps([c.to_json() for c in tree])

    generation_key, value_key = cache.category_keys()
    body = await cache.fetch(
        generation_key=generation_key,
        value_key=value_key,
        ttl_seconds=cache.listing_ttl_seconds,
        load=load,
    )
    return [CategoryData.from_json(raw) for raw in orjson.loads(body)]


async def create_category(
    *,
    cache: CatalogCache,
    actor_id: int,
    name: str,
    parent_id: int | None = None,
    icon_url: str = "",
    sort_order: int = 0,
) -> Category:
    problems = v.Problems()
    name = v.text(problems, name, path=["name"], max_length=v.CATEGORY_NAME_MAX, required=True)
    icon_url = v.url(problems, icon_url, path=["iconUrl"], required=False)
    if parent_id is not None:
        parent = await Category.get_or_none(id=parent_id)
        if parent is None:
            problems.errors.append(_not_found("Parent category", ["parentId"]))
        elif parent.parent_id is not None:
            problems.add(
                CatalogErrorCode.CATEGORY_TOO_DEEP, "Categories have two levels", ["parentId"]
            )
    problems.raise_if_any()
    async with in_transaction():
        category = await Category.create(
            name=name, parent_id=parent_id, icon_url=icon_url, sort_order=sort_order
        )
        await audit.record(
            actor_id=actor_id,
            action="category.create",
            entity_type="category",
            entity_id=category.id,
            changes=audit.diff(
                {},
                {"name": name, "parentId": parent_id, "iconUrl": icon_url, "sortOrder": sort_order},
            ),
        )
    await cache.invalidate(listings=True)
    return category


async def update_category(
    *, cache: CatalogCache, actor_id: int, category_id: int, changes: dict[str, Any]
) -> Category:
    """`changes` holds any of: name, icon_url, sort_order, is_active, parent_id."""
    problems = v.Problems()
    async with in_transaction():
        category = await Category.filter(id=category_id).select_for_update().first()
        if category is None:
            raise _not_found("Category", ["id"])
        before = {k: getattr(category, k) for k in changes}
        if "name" in changes:
            changes["name"] = v.text(
                problems,
                changes["name"],
                path=["name"],
                max_length=v.CATEGORY_NAME_MAX,
                required=True,
            )
        if "icon_url" in changes:
            changes["icon_url"] = v.url(
                problems, changes["icon_url"], path=["iconUrl"], required=False
            )
        if changes.get("parent_id") is not None:
            parent = await Category.get_or_none(id=changes["parent_id"])
            if parent is None:
                problems.errors.append(_not_found("Parent category", ["parentId"]))
            elif parent.id == category.id or parent.parent_id is not None:
                problems.add(
                    CatalogErrorCode.CATEGORY_TOO_DEEP, "Categories have two levels", ["parentId"]
                )
            elif await Category.exists(parent_id=category.id):
                problems.add(
                    CatalogErrorCode.CATEGORY_TOO_DEEP,
                    "A category with subcategories stays at the top level",
                    ["parentId"],
                )
        problems.raise_if_any()
        for name, value in changes.items():
            setattr(category, name, value)
        await category.save(update_fields=[*changes, "updated_at"])
        await audit.record(
            actor_id=actor_id,
            action="category.update",
            entity_type="category",
            entity_id=category.id,
            changes=audit.diff(before, changes),
        )
    await cache.invalidate(listings=True)
    return category


# --- reading products ----------------------------------------------------------------------------


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


class ProductSort(StrEnum):
    RELEVANCE = "RELEVANCE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"
    SALES = "SALES"
    NEWEST = "NEWEST"
    RATING = "RATING"


_POPULAR = [SortKey("sales_count", descending=True), SortKey("id", descending=True)]
SORT_KEYS: dict[ProductSort, list[SortKey]] = {
    # Every keyword must match; among the matches the most sold come first. (A textual
    # rank would have to score every match of a broad word before the first page.)
    ProductSort.RELEVANCE: _POPULAR,
    ProductSort.PRICE_ASC: [SortKey("min_price"), SortKey("id")],
    ProductSort.PRICE_DESC: [SortKey("min_price", descending=True), SortKey("id", descending=True)],
    ProductSort.SALES: _POPULAR,
    ProductSort.NEWEST: [SortKey("created_at", descending=True), SortKey("id", descending=True)],
    ProductSort.RATING: [
        SortKey("rating_avg", descending=True),
        SortKey("rating_count", descending=True),
        SortKey("id", descending=True),
    ],
}


@dataclass(slots=True)
class ProductQuery:
    first: int | None = None
    after: str | None = None
    category_id: int | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    keyword: str | None = None
    status: ProductStatus | None = None  # staff only; shoppers always see ON_SHELF
    sort: ProductSort = ProductSort.RELEVANCE

    def cache_digest(self) -> str:
        raw = dumps(
            [
                self.first,
                self.category_id,
                self.min_price,
                self.max_price,
                self.in_stock,
                text.normalise(self.keyword or ""),
                str(self.sort),
            ]
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:32]


def _check_query(query: ProductQuery) -> None:
    problems = v.Problems()
    for name, value in (("minPrice", query.min_price), ("maxPrice", query.max_price)):
        if value is not None:
            v.money(problems, value, path=["filter", name])
    if query.keyword is not None and len(query.keyword) > text.MAX_KEYWORD_LENGTH:
        problems.add(
            CatalogErrorCode.TOO_LONG,
            f"A keyword has at most {text.MAX_KEYWORD_LENGTH} characters",
            ["filter", "keyword"],
        )
    problems.raise_if_any()


def _grams_match(grams: list[str]) -> BasicCriterion:
    """`ms_search_grams(search_text) @> $grams`: the GIN index's own expression."""
    return BasicCriterion(
        PostgresArrayOperators.CONTAINS,
        Function("ms_search_grams", SqlField("search_text")),
        ValueWrapper(grams),
    )


def _is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"


async def _query_products(query: ProductQuery, *, staff: bool) -> Page[ProductData]:
    qs = Product.all()
    if not staff:
        qs = qs.filter(status=ProductStatus.ON_SHELF)
    elif query.status is not None:
        qs = qs.filter(status=query.status)
    if query.category_id is not None:
        family = Category.filter(Q(id=query.category_id) | Q(parent_id=query.category_id))
        qs = qs.filter(category_id__in=Subquery(family.values("id")))
    if query.min_price is not None:
        qs = qs.filter(min_price__gte=query.min_price)
    if query.max_price is not None:
        qs = qs.filter(min_price__lte=query.max_price)
    if query.in_stock:
        available = Sku.filter(is_active=True, stock__gt=0).values("product_id")
        qs = qs.filter(id__in=Subquery(available))
    keys = SORT_KEYS[query.sort]
    terms = text.keyword_terms(query.keyword or "")
    if terms:
        if _is_postgres():
            # Candidates through the GIN index; the LIKEs below recheck them exactly. As a
            # subquery the gram function stays in the index condition, out of the select list.
            candidates = (
                Product.annotate(keyword_match=_grams_match(text.query_grams(terms)))
                .filter(keyword_match=True)
                .values("id")
            )
            qs = qs.filter(id__in=Subquery(candidates))
        for term in terms:
            qs = qs.filter(search_text__contains=term)
    page = await paginate(qs.only(*LISTING_FIELDS), first=query.first, after=query.after, keys=keys)
    return Page(
        rows=[ProductData.from_model(r, with_description=False) for r in page.rows],
        cursors=page.cursors,
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
    )


async def list_products(
    *, cache: CatalogCache, query: ProductQuery, staff: bool
) -> Page[ProductData]:
    """A page of products. A shopper's first pages are cached until the next catalog change."""
    check_page_size(query.first)
    _check_query(query)
    if staff or query.after:
        return await _query_products(query, staff=staff)

    async def load() -> str:
        page = await _query_products(query, staff=False)
        return dumps(
            {
                "rows": [p.to_json() for p in page.rows],
                "cursors": page.cursors,
                "has_next": page.has_next_page,
            }
        )

    generation_key, value_key = cache.listing_keys(query.cache_digest())
    body = await cache.fetch(
        generation_key=generation_key,
        value_key=value_key,
        ttl_seconds=cache.listing_ttl_seconds,
        load=load,
    )
    raw = orjson.loads(body)
    return Page(
        rows=[ProductData.from_json(r) for r in raw["rows"]],
        cursors=raw["cursors"],
        has_next_page=raw["has_next"],
        has_previous_page=False,
    )


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


async def list_low_stock(*, first: int | None, after: str | None) -> Page[Sku]:
    """Active SKUs at or below their low-stock threshold, emptiest first (staff)."""
    qs = Sku.filter(is_active=True, stock__lte=F("low_stock_threshold"))
    return await paginate(qs, first=first, after=after, keys=[SortKey("stock"), SortKey("id")])


# --- writing products ----------------------------------------------------------------------------


@dataclass(slots=True)
class SpecGroupInput:
    name: str
    values: list[str]


@dataclass(slots=True)
class SkuInput:
    spec_values: list[tuple[str, str]]
    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int = 0
    low_stock_threshold: int = 5
    barcode: str | None = None
    weight_grams: int = 0


@dataclass(slots=True)
class ProductInput:
    category_id: int
    title: str
    subtitle: str = ""
    description_html: str = ""
    images: list[str] = field(default_factory=list)
    spec_groups: list[SpecGroupInput] = field(default_factory=list)
    skus: list[SkuInput] = field(default_factory=list)


@dataclass(slots=True)
class _CheckedSku:
    values: dict[str, str]
    key: str
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    low_stock_threshold: int
    barcode: str | None
    weight_grams: int


def _description(problems: v.Problems, html: str) -> str:
    if len(html) > v.DESCRIPTION_MAX:
        problems.add(
            CatalogErrorCode.TOO_LONG,
            f"At most {v.DESCRIPTION_MAX} characters",
            ["descriptionHtml"],
        )
        return ""
    return text.sanitize_description(html)


def _check_compare_at(
    problems: v.Problems, price: Decimal, compare_at: Decimal | None, path: list[str]
) -> None:
    if compare_at is not None and compare_at < price:
        problems.add(
            CatalogErrorCode.INVALID,
            "The compare-at price is the higher, original price",
            path,
        )


def _check_barcode(problems: v.Problems, barcode: str | None, path: list[str]) -> str | None:
    if barcode is None:
        return None
    barcode = barcode.strip()
    if len(barcode) > v.BARCODE_MAX:
        problems.add(CatalogErrorCode.TOO_LONG, f"At most {v.BARCODE_MAX} characters", path)
    return barcode or None


def _check_sku(
    problems: v.Problems, groups: v.SpecGroups, sku: SkuInput, path: list[str]
) -> _CheckedSku | None:
    values = v.combination(problems, groups, sku.spec_values, path=[*path, "specValues"])
    price = v.money(problems, sku.price, path=[*path, "price"])
    compare_at = (
        v.money(problems, sku.compare_at_price, path=[*path, "compareAtPrice"])
        if sku.compare_at_price is not None
        else None
    )
    _check_compare_at(problems, price, compare_at, [*path, "compareAtPrice"])
    stock_level = v.count(problems, sku.stock, path=[*path, "stock"])
    threshold = v.count(problems, sku.low_stock_threshold, path=[*path, "lowStockThreshold"])
    weight = v.count(problems, sku.weight_grams, path=[*path, "weightGrams"])
    barcode = _check_barcode(problems, sku.barcode, [*path, "barcode"])
    if values is None:
        return None
    return _CheckedSku(
        values, v.spec_key(values), price, compare_at, stock_level, threshold, barcode, weight
    )


async def _check_barcodes_free(
    problems: v.Problems,
    barcodes: list[tuple[str | None, list[str]]],
    *,
    except_sku: int | None = None,
) -> None:
    wanted: dict[str, list[str]] = {}
    for barcode, path in barcodes:
        if barcode is None:
            continue
        if barcode in wanted:
            problems.add(CatalogErrorCode.DUPLICATE_BARCODE, "Barcode given twice", path)
        wanted[barcode] = path
    if not wanted:
        return
    qs = Sku.filter(barcode__in=list(wanted))
    if except_sku is not None:
        qs = qs.exclude(id=except_sku)
    for taken in await qs.values_list("barcode", flat=True):
        problems.add(
            CatalogErrorCode.DUPLICATE_BARCODE, "Another SKU has this barcode", wanted[taken]
        )


async def _lock_products(product_ids: Sequence[int]) -> dict[int, Product]:
    """Lock products in id order. Every change to a product's SKUs takes this lock first, so
    the price range recomputed at the end sees every concurrent change (and no deadlock)."""
    rows = await Product.filter(id__in=sorted(set(product_ids))).order_by("id").select_for_update()
    return {row.id: row for row in rows}


async def _refresh_price_ranges(product_ids: Sequence[int]) -> None:
    """Product.min_price / max_price from its active SKUs (callers hold the product lock)."""
    ids = sorted(set(product_ids))
    ranges = {
        row["product_id"]: (row["low"], row["high"])
        for row in await Sku.filter(product_id__in=ids, is_active=True)
        .annotate(low=Min("price"), high=Max("price"))
        .group_by("product_id")
        .values("product_id", "low", "high")
    }
    for pid in ids:
        low, high = ranges.get(pid, (Decimal(0), Decimal(0)))
        await Product.filter(id=pid).update(min_price=low, max_price=high, updated_at=_now())


async def _create_skus(
    *, product_id: int, skus: list[_CheckedSku], actor_id: int | None
) -> list[Sku]:
    created: list[Sku] = []
    for sku in skus:
        row = await Sku.create(
            product_id=product_id,
            spec_values=sku.values,
            spec_key=sku.key,
            price=sku.price,
            compare_at_price=sku.compare_at_price,
            stock=0,
            low_stock_threshold=sku.low_stock_threshold,
            barcode=sku.barcode,
            weight_grams=sku.weight_grams,
        )
        if sku.stock:
            # The opening stock is a movement like any other: it gets its ledger row.
            row.stock = await stock.adjust_stock(
                sku_id=row.id,
                delta=sku.stock,
                reason=StockChangeReason.RESTOCK,
                note="opening stock",
                actor_id=actor_id,
            )
        created.append(row)
    return created


def _sku_audit(sku: _CheckedSku) -> dict[str, Any]:
    return {
        "specValues": sku.values,
        "price": sku.price,
        "compareAtPrice": sku.compare_at_price,
        "stock": sku.stock,
        "lowStockThreshold": sku.low_stock_threshold,
        "barcode": sku.barcode,
        "weightGrams": sku.weight_grams,
    }


def _duplicate_barcode(exc: IntegrityError) -> DomainError:
    # A concurrent writer took the barcode between our check and our insert.
    logger.info("barcode taken concurrently: %s", type(exc).__name__)
    return DomainError(CatalogErrorCode.DUPLICATE_BARCODE, "Another SKU has this barcode")


async def create_product(
    *, cache: CatalogCache | None, actor_id: int | None, data: ProductInput
) -> ProductData:
    problems = v.Problems()
    title = v.text(problems, data.title, path=["title"], max_length=v.TITLE_MAX, required=True)
    subtitle = v.text(problems, data.subtitle, path=["subtitle"], max_length=v.SUBTITLE_MAX)
    description = _description(problems, data.description_html)
    images = v.images(problems, data.images, path=["images"])
    groups = v.spec_groups(
        problems, [(g.name, g.values) for g in data.spec_groups], path=["specGroups"]
    )
    checked: list[_CheckedSku] = []
    if len(data.skus) > v.SKUS_MAX:
        problems.add(CatalogErrorCode.TOO_MANY, f"At most {v.SKUS_MAX} SKUs", ["skus"])
    else:
        seen: dict[str, int] = {}
        for i, sku in enumerate(data.skus):
            path = ["skus", str(i)]
            result = _check_sku(problems, groups, sku, path)
            if result is None:
                continue
            if result.key in seen:
                problems.add(
                    CatalogErrorCode.DUPLICATE_COMBINATION,
                    f"Same combination as skus[{seen[result.key]}]",
                    [*path, "specValues"],
                )
                continue
            seen[result.key] = i
            checked.append(result)
        await _check_barcodes_free(
            problems,
            [(s.barcode, ["skus", str(i), "barcode"]) for i, s in enumerate(checked)],
        )
    if not await Category.exists(id=data.category_id):
        problems.errors.append(_not_found("Category", ["categoryId"]))
    problems.raise_if_any()

    try:
        async with in_transaction():
            product = await Product.create(
                category_id=data.category_id,
                title=title,
                subtitle=subtitle,
                description_html=description,
                images=images,
                spec_groups=groups,
                search_text=text.search_text(title=title, subtitle=subtitle),
            )
            await _create_skus(product_id=product.id, skus=checked, actor_id=actor_id)
            await _refresh_price_ranges([product.id])
            await audit.record(
                actor_id=actor_id,
                action="product.create",
                entity_type="product",
                entity_id=product.id,
                changes=audit.diff(
                    {},
                    {
                        "categoryId": data.category_id,
                        "title": title,
                        "subtitle": subtitle,
                        "images": images,
                        "specGroups": groups,
                        "skus": [_sku_audit(s) for s in checked],
                    },
                ),
            )
    except IntegrityError as exc:
        raise _duplicate_barcode(exc) from exc
    if cache is not None:
        await cache.invalidate(product_ids=[product.id])
    loaded = await load_product(product.id)
    assert loaded is not None
    return loaded


PRODUCT_FIELDS = ("category_id", "title", "subtitle", "description_html", "images", "spec_groups")
_CAMEL = {
    "category_id": "categoryId",
    "description_html": "descriptionHtml",
    "spec_groups": "specGroups",
    "compare_at_price": "compareAtPrice",
    "low_stock_threshold": "lowStockThreshold",
    "weight_grams": "weightGrams",
    "is_active": "isActive",
    "icon_url": "iconUrl",
    "sort_order": "sortOrder",
    "parent_id": "parentId",
}


def camel(name: str) -> str:
    return _CAMEL.get(name, name)


async def update_product(
    *, cache: CatalogCache, actor_id: int, product_id: int, changes: dict[str, Any]
) -> ProductData:
    """`changes` holds any of PRODUCT_FIELDS; spec_groups as a list of SpecGroupInput."""
    problems = v.Problems()
    async with in_transaction():
        locked = await _lock_products([product_id])
        product = locked.get(product_id)
        if product is None:
            raise _not_found("Product", ["id"])
        new: dict[str, Any] = {}
        if "title" in changes:
            new["title"] = v.text(
                problems, changes["title"], path=["title"], max_length=v.TITLE_MAX, required=True
            )
        if "subtitle" in changes:
            new["subtitle"] = v.text(
                problems, changes["subtitle"], path=["subtitle"], max_length=v.SUBTITLE_MAX
            )
        if "description_html" in changes:
            new["description_html"] = _description(problems, changes["description_html"])
        if "images" in changes:
            new["images"] = v.images(problems, changes["images"], path=["images"])
        if "category_id" in changes:
            if not await Category.exists(id=changes["category_id"]):
                problems.errors.append(_not_found("Category", ["categoryId"]))
            new["category_id"] = changes["category_id"]
        if "spec_groups" in changes:
            groups = v.spec_groups(
                problems,
                [(g.name, g.values) for g in changes["spec_groups"]],
                path=["specGroups"],
            )
            new["spec_groups"] = groups
            # Every active SKU must still be a combination of the new groups; retire
            # (deactivate) a SKU before removing its value.
            for sku in await Sku.filter(product_id=product_id, is_active=True).order_by("id"):
                pairs = list(sku.spec_values.items())
                inner = v.Problems()
                if v.combination(inner, groups, pairs, path=["specGroups"]) is None:
                    label = " / ".join(sku.spec_values.values()) or "the default SKU"
                    problems.add(
                        CatalogErrorCode.UNKNOWN_COMBINATION,
                        f"Active SKU {label} would not fit these spec groups; deactivate it first",
                        ["specGroups"],
                    )
        problems.raise_if_any()
        before = {camel(k): getattr(product, k) for k in new}
        for name, value in new.items():
            setattr(product, name, value)
        update_fields = [*new]
        if "title" in new or "subtitle" in new:
            product.search_text = text.search_text(title=product.title, subtitle=product.subtitle)
            update_fields.append("search_text")
        if update_fields:
            await product.save(update_fields=[*update_fields, "updated_at"])
            await audit.record(
                actor_id=actor_id,
                action="product.update",
                entity_type="product",
                entity_id=product.id,
                changes=audit.diff(before, {camel(k): val for k, val in new.items()}),
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded


async def publish_product(*, cache: CatalogCache, actor_id: int, product_id: int) -> ProductData:
    """DRAFT / OFF_SHELF -> ON_SHELF. Publishing an ON_SHELF product changes nothing."""
    async with in_transaction():
        product = (await _lock_products([product_id])).get(product_id)
        if product is None:
            raise _not_found("Product", ["id"])
        if product.status != ProductStatus.ON_SHELF:
            if not await Sku.exists(product_id=product_id, is_active=True):
                raise DomainError(
                    CatalogErrorCode.NO_ACTIVE_SKUS, "Add a SKU before publishing", field=["id"]
                )
            now = _now()
            await Product.filter(id=product_id, status=product.status).update(
                status=ProductStatus.ON_SHELF,
                published_at=product.published_at or now,
                updated_at=now,
            )
            await audit.record(
                actor_id=actor_id,
                action="product.publish",
                entity_type="product",
                entity_id=product_id,
                changes={"status": [product.status, ProductStatus.ON_SHELF]},
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded


async def unpublish_product(*, cache: CatalogCache, actor_id: int, product_id: int) -> ProductData:
    """ON_SHELF -> OFF_SHELF. An OFF_SHELF product stays; a DRAFT was never on the shelf."""
    async with in_transaction():
        product = (await _lock_products([product_id])).get(product_id)
        if product is None:
            raise _not_found("Product", ["id"])
        if product.status == ProductStatus.DRAFT:
            raise DomainError(
                CatalogErrorCode.INVALID_STATUS,
                "A draft is not on the shelf; publish it first",
                field=["id"],
            )
        if product.status == ProductStatus.ON_SHELF:
            await Product.filter(id=product_id, status=ProductStatus.ON_SHELF).update(
                status=ProductStatus.OFF_SHELF, updated_at=_now()
            )
            await audit.record(
                actor_id=actor_id,
                action="product.unpublish",
                entity_type="product",
                entity_id=product_id,
                changes={"status": [ProductStatus.ON_SHELF, ProductStatus.OFF_SHELF]},
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded


async def create_sku(
    *, cache: CatalogCache, actor_id: int, product_id: int, data: SkuInput
) -> SkuData:
    problems = v.Problems()
    try:
        async with in_transaction():
            product = (await _lock_products([product_id])).get(product_id)
            if product is None:
                raise _not_found("Product", ["productId"])
            checked = _check_sku(problems, product.spec_groups, data, [])
            existing = await Sku.filter(product_id=product_id).values_list("spec_key", flat=True)
            if len(existing) >= v.SKUS_MAX:
                problems.add(CatalogErrorCode.TOO_MANY, f"At most {v.SKUS_MAX} SKUs", [])
            if checked is not None and checked.key in existing:
                problems.add(
                    CatalogErrorCode.DUPLICATE_COMBINATION,
                    "This product already has a SKU for this combination (reactivate it instead)",
                    ["specValues"],
                )
            if checked is not None:
                await _check_barcodes_free(problems, [(checked.barcode, ["barcode"])])
            problems.raise_if_any()
            assert checked is not None
            (row,) = await _create_skus(product_id=product_id, skus=[checked], actor_id=actor_id)
            await _refresh_price_ranges([product_id])
            await audit.record(
                actor_id=actor_id,
                action="sku.create",
                entity_type="sku",
                entity_id=row.id,
                changes=audit.diff({}, {"productId": product_id, **_sku_audit(checked)}),
            )
    except IntegrityError as exc:
        raise _duplicate_barcode(exc) from exc
    await cache.invalidate(product_ids=[product_id])
    return SkuData.from_model(row)


SKU_FIELDS = (
    "price",
    "compare_at_price",
    "low_stock_threshold",
    "barcode",
    "weight_grams",
    "is_active",
)


async def update_sku(
    *, cache: CatalogCache, actor_id: int, sku_id: int, changes: dict[str, Any]
) -> SkuData:
    """`changes` holds any of SKU_FIELDS (compare_at_price / barcode may be None: clear)."""
    problems = v.Problems()
    sku = await Sku.get_or_none(id=sku_id)
    if sku is None:
        raise _not_found("SKU", ["id"])
    try:
        async with in_transaction():
            product = (await _lock_products([sku.product_id]))[sku.product_id]
            sku = await Sku.get(id=sku_id)  # again, under the product lock
            new: dict[str, Any] = {}
            if "price" in changes:
                new["price"] = v.money(problems, changes["price"], path=["price"])
            if "compare_at_price" in changes:
                value = changes["compare_at_price"]
                new["compare_at_price"] = (
                    v.money(problems, value, path=["compareAtPrice"]) if value is not None else None
                )
            if "low_stock_threshold" in changes:
                new["low_stock_threshold"] = v.count(
                    problems, changes["low_stock_threshold"], path=["lowStockThreshold"]
                )
            if "weight_grams" in changes:
                new["weight_grams"] = v.count(
                    problems, changes["weight_grams"], path=["weightGrams"]
                )
            if "barcode" in changes:
                new["barcode"] = _check_barcode(problems, changes["barcode"], ["barcode"])
                await _check_barcodes_free(
                    problems, [(new["barcode"], ["barcode"])], except_sku=sku_id
                )
            if "is_active" in changes:
                new["is_active"] = bool(changes["is_active"])
                if new["is_active"] and not sku.is_active:
                    v.combination(
                        problems,
                        product.spec_groups,
                        list(sku.spec_values.items()),
                        path=["isActive"],
                    )
                if (
                    not new["is_active"]
                    and sku.is_active
                    and product.status == ProductStatus.ON_SHELF
                    and not await Sku.filter(product_id=product.id, is_active=True)
                    .exclude(id=sku_id)
                    .exists()
                ):
                    problems.add(
                        CatalogErrorCode.NO_ACTIVE_SKUS,
                        "The last active SKU of a product on the shelf; unpublish it first",
                        ["isActive"],
                    )
            _check_compare_at(
                problems,
                new.get("price", sku.price),
                new.get("compare_at_price", sku.compare_at_price),
                ["compareAtPrice"],
            )
            problems.raise_if_any()
            before = {camel(k): getattr(sku, k) for k in new}
            for name, value in new.items():
                setattr(sku, name, value)
            if new:
                await sku.save(update_fields=[*new, "updated_at"])
                await _refresh_price_ranges([product.id])
                await audit.record(
                    actor_id=actor_id,
                    action="sku.update",
                    entity_type="sku",
                    entity_id=sku_id,
                    changes=audit.diff(before, {camel(k): val for k, val in new.items()}),
                )
    except IntegrityError as exc:
        raise _duplicate_barcode(exc) from exc
    await cache.invalidate(product_ids=[sku.product_id])
    return SkuData.from_model(sku)


async def adjust_stock(
    *,
    cache: CatalogCache,
    actor_id: int,
    sku_id: int,
    delta: int,
    reason: StockChangeReason,
    note: str = "",
) -> SkuData:
    """A staff stock movement (restock, count correction, write-off) with its ledger row."""
    problems = v.Problems()
    if reason not in STAFF_STOCK_REASONS:
        problems.add(CatalogErrorCode.INVALID, "Not a reason staff can give", ["reason"])
    if delta == 0:
        problems.add(CatalogErrorCode.INVALID, "An adjustment changes the stock", ["delta"])
    elif abs(delta) > v.COUNT_MAX:
        problems.add(CatalogErrorCode.INVALID, f"At most {v.COUNT_MAX} at once", ["delta"])
    note = v.text(problems, note, path=["note"], max_length=v.NOTE_MAX)
    problems.raise_if_any()
    async with in_transaction():
        try:
            balance = await stock.adjust_stock(
                sku_id=sku_id, delta=delta, reason=reason, note=note, actor_id=actor_id
            )
        except LookupError as exc:
            raise _not_found("SKU", ["skuId"]) from exc
        except stock.InsufficientStock as exc:
            available = exc.shortages[0].available
            raise DomainError(
                CatalogErrorCode.INSUFFICIENT_STOCK,
                f"Only {available} in stock; cannot take {-delta}",
                field=["delta"],
            ) from exc
        await audit.record(
            actor_id=actor_id,
            action="sku.stock_adjust",
            entity_type="sku",
            entity_id=sku_id,
            changes={"stock": [balance - delta, balance], "reason": reason, "note": note},
        )
    sku = await Sku.get(id=sku_id)
    # Stock itself is never cached, but "in stock" listings are.
    await cache.invalidate(listings=True)
    return SkuData.from_model(sku)


@dataclass(slots=True)
class PriceChange:
    sku_id: int
    price: Decimal
    compare_at_price: Decimal | _Keep | None = KEEP


async def update_prices(
    *, cache: CatalogCache, actor_id: int, items: list[PriceChange]
) -> list[SkuData]:
    """Change many SKUs' prices at once: all of them or, on any error, none."""
    problems = v.Problems()
    if not items:
        problems.add(CatalogErrorCode.REQUIRED, "Give at least one price", ["items"])
    if len(items) > BULK_PRICE_MAX_ITEMS:
        problems.add(
            CatalogErrorCode.TOO_MANY, f"At most {BULK_PRICE_MAX_ITEMS} prices at once", ["items"]
        )
    problems.raise_if_any()
    seen: set[int] = set()
    for i, item in enumerate(items):
        path = ["items", str(i)]
        if item.sku_id in seen:
            problems.add(CatalogErrorCode.INVALID, "SKU given twice", [*path, "skuId"])
        seen.add(item.sku_id)
        v.money(problems, item.price, path=[*path, "price"])
        if isinstance(item.compare_at_price, Decimal):
            v.money(problems, item.compare_at_price, path=[*path, "compareAtPrice"])
    problems.raise_if_any()

    product_of = dict(await Sku.filter(id__in=list(seen)).values_list("id", "product_id"))
    for i, item in enumerate(items):
        if item.sku_id not in product_of:
            problems.errors.append(_not_found("SKU", ["items", str(i), "skuId"]))
    problems.raise_if_any()

    async with in_transaction():
        await _lock_products(list(product_of.values()))
        skus = {s.id: s for s in await Sku.filter(id__in=list(seen))}
        for i, item in enumerate(items):
            sku = skus[item.sku_id]
            compare_at = (
                sku.compare_at_price
                if isinstance(item.compare_at_price, _Keep)
                else item.compare_at_price
            )
            _check_compare_at(problems, item.price, compare_at, ["items", str(i), "compareAtPrice"])
        problems.raise_if_any()
        for item in items:
            sku = skus[item.sku_id]
            before = {"price": sku.price, "compareAtPrice": sku.compare_at_price}
            sku.price = item.price
            if not isinstance(item.compare_at_price, _Keep):
                sku.compare_at_price = item.compare_at_price
            changes = audit.diff(
                before, {"price": sku.price, "compareAtPrice": sku.compare_at_price}
            )
            if changes:
                await sku.save(update_fields=["price", "compare_at_price", "updated_at"])
                await audit.record(
                    actor_id=actor_id,
                    action="sku.price_bulk_update",
                    entity_type="sku",
                    entity_id=sku.id,
                    changes=changes,
                )
        await _refresh_price_ranges(list(product_of.values()))
    await cache.invalidate(product_ids=product_of.values())
    return [SkuData.from_model(skus[item.sku_id]) for item in items]


# --- favorites -----------------------------------------------------------------------------------


async def _visible_product(product_id: int, path: list[str]) -> Product:
    product = await Product.get_or_none(id=product_id, status=ProductStatus.ON_SHELF)
    if product is None:
        raise _not_found("Product", path)
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
        raise _not_found("Product", ["productId"])
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
