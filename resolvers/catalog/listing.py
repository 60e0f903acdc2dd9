"""Browsing and searching products: filters, sorts, keyset pages, keyword search.

A shopper's first pages are cached (resolvers/catalog/cache.py); later pages and staff
listings read the database."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import orjson
from pypika_tortoise.terms import BasicCriterion, Function, ValueWrapper
from pypika_tortoise.terms import Field as SqlField
from tortoise import connections
from tortoise.contrib.postgres.array_functions import PostgresArrayOperators
from tortoise.expressions import F, Q, Subquery

from models import Category, Product, ProductStatus, Sku
from resolvers.catalog import text
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import LISTING_FIELDS, ProductData, dumps
from resolvers.catalog.errors import CatalogErrorCode
from resolvers.core.pagination import Page, SortKey, check_page_size, paginate


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
    """A page of products. A shopper's first pages are cached until the next catalog change,
    except "in stock only" pages: orders move stock without a catalog change."""
    check_page_size(query.first)
    _check_query(query)
    if staff or query.after or query.in_stock or not cache.enabled:
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


async def list_low_stock(*, first: int | None, after: str | None) -> Page[Sku]:
    """Active SKUs at or below their low-stock threshold, emptiest first (staff)."""
    qs = Sku.filter(is_active=True, stock__lte=F("low_stock_threshold"))
    return await paginate(qs, first=first, after=after, keys=[SortKey("stock"), SortKey("id")])
