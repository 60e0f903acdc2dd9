"""Browsing and searching products: filters, sorts, keyset pages, keyword search.

A shopper's first pages are cached (resolvers/catalog/cache.py); later pages and staff
listings read the database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import Any

import asyncpg
import orjson
from tortoise.expressions import F

from models import ProductStatus, Sku
from resolvers.catalog import text
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import LISTING_FIELDS, ProductData, dumps
from resolvers.catalog.errors import CatalogErrorCode
from resolvers.core import sql
from resolvers.core.pagination import (
    Cursors,
    InvalidPageRequest,
    Page,
    SortKey,
    check_page_size,
    decode_cursor,
    paginate,
)
from resolvers.core.times import utc_text


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


# Columns whose values are decimals: SQLite keeps them as text (Tortoise's VARCHAR), so
# there they are compared and sorted as numbers through a cast.
_DECIMAL_COLUMNS = frozenset({"min_price", "rating_avg"})
# The listing reads its decimals as text: asyncpg's binary NUMERIC decoding costs several
# times what Decimal(text) does (the same value, scale included). Aliased apart, so that
# ORDER BY (which prefers a select-list name) still sorts the numbers.
_AS_TEXT = frozenset({"min_price", "max_price", "rating_avg"})


# What a listing can have the database compute instead of sending a whole column: the
# cover, the first of the images (on PostgreSQL; SQLite reads `images`, whose `->>` is
# recent).
COVER_IMAGE = "cover_image"

# The creation time as the API writes it (resolvers/core/times.py `utc_text`: RFC 3339,
# UTC, `Z`, microseconds only when there are some), written by PostgreSQL: asyncpg's
# timestamptz decoding and the formatting cost ~11k instructions per product, the text
# ~1k. `ListedProduct.created_at` parses it back when a datetime is wanted (cursors,
# snapshots): the same instant to the microsecond, which is PostgreSQL's precision.
_CREATED_AT_TEXT = (
    "replace(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), "
    "'.000000Z', 'Z') AS created_at_text"
)


@lru_cache(maxsize=256)
def _columns(wanted: frozenset[str] | None, sort: ProductSort, postgres: bool) -> tuple[str, str]:
    """The select lists of a page: converted for the reader, and raw (for a keyword page's
    head, whose outer query sorts by them). Only the columns a page's fields read, when the
    caller knows them (`wanted`, None: all): each column costs the database and the driver
    on every row. The id and the sort keys are always there, for the cursors."""
    keys = SORT_KEYS[sort]

    def needed(column: str) -> bool:
        return (
            wanted is None
            or column in wanted
            or column == "id"
            or any(k.field == column for k in keys)
        )

    raw = [f for f in LISTING_FIELDS if needed(f) or (f == "images" and needed(COVER_IMAGE))]
    selected = raw  # SQLite: the cover comes from `images`
    if postgres:
        selected = [f for f in LISTING_FIELDS if needed(f)]
        if needed(COVER_IMAGE):
            selected.append(f"images->>0 AS {COVER_IMAGE}")
    converted = [f"CAST({f} AS TEXT) AS {f}_text" if f in _AS_TEXT else f for f in selected]
    if postgres and "created_at" in converted:
        converted[converted.index("created_at")] = _CREATED_AT_TEXT
    return ", ".join(converted), ", ".join(raw)


class _Where:
    """WHERE conditions with their bound values, numbered as they are added."""

    def __init__(self, *, postgres: bool) -> None:
        self.postgres = postgres
        self.conditions: list[str] = []
        self.values: list[object] = []

    def bind(self, value: object) -> str:
        self.values.append(value)
        return f"${len(self.values)}"

    def add(self, condition: str) -> None:
        self.conditions.append(condition)

    def number(self, column: str, value: object | None = None) -> str:
        """A column (or a value bound for it) as something that compares as a number."""
        term = column if value is None else self.bind(value)
        if column in _DECIMAL_COLUMNS and not self.postgres:
            return f"CAST({term} AS REAL)"
        return term


# What each sort column's cursor value must be (a forged cursor is BAD_USER_INPUT, not a
# database error).
_CURSOR_TYPES: dict[str, type] = {
    "id": int,
    "sales_count": int,
    "rating_count": int,
    "min_price": Decimal,
    "rating_avg": Decimal,
    "created_at": datetime,
}


def _cursor_values(cursor: str, keys: list[SortKey]) -> list[object]:
    values = decode_cursor(cursor, keys)
    for key, value in zip(keys, values, strict=True):
        expected = _CURSOR_TYPES[key.field]
        if not isinstance(value, expected) or isinstance(value, bool):
            raise InvalidPageRequest("Invalid cursor", field="after")
    return values


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Enum lookups by value without the enum call machinery.
_STATUSES = {str(status): status for status in ProductStatus}


# JSON columns as the drivers give them: text (asyncpg without a codec, SQLite) or bytes.
_JSON_TEXT = (str, bytes)


def _json(value: Any) -> Any:
    return orjson.loads(value) if type(value) in _JSON_TEXT else value


def _datetime(value: Any) -> Any:
    return datetime.fromisoformat(value) if type(value) is str else value


class ListedProduct:
    """A listing row that reads like a `ProductData` (the same attributes), each column
    converted from the driver's row only when it is asked for.

    The listing is the hottest read, and a page query shows a handful of each product's
    fields: converting all fifteen columns of every row up front (JSON, decimals, datetimes,
    one snapshot object each) was a large part of what a cold page cost. So the driver's
    row itself is the product (`_PostgresRow` is asyncpg's Record, `_SQLiteRow` the dict
    Tortoise gives), and a column the driver already gives in its final form is read by a
    property over `itemgetter`: in C, without a Python call per field. Nothing is kept, so
    it is as immutable as the row; `snapshot()` gives the full `ProductData` (for the
    cache). A column the page did not select (`columns`) is a KeyError."""

    __slots__ = ()

    # Never part of a listing row: the description and the SKUs load on demand.
    description_html = None
    skus = None

    id = property(itemgetter("id"))
    category_id = property(itemgetter("category_id"))
    title = property(itemgetter("title"))
    subtitle = property(itemgetter("subtitle"))
    sales_count = property(itemgetter("sales_count"))
    rating_count = property(itemgetter("rating_count"))
    published_at = property(itemgetter("published_at"))
    updated_at = property(itemgetter("updated_at"))

    # What the API shows as it is: the cover, decimals as their own text.
    cover_image = property(itemgetter(COVER_IMAGE))
    min_price_text = property(itemgetter("min_price_text"))
    max_price_text = property(itemgetter("max_price_text"))
    rating_avg_text = property(itemgetter("rating_avg_text"))
    created_at_text = property(itemgetter("created_at_text"))

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self["created_at_text"])

    @property
    def images(self) -> list[str]:
        return _json(self["images"])

    @property
    def spec_groups(self) -> list[dict[str, Any]]:
        return _json(self["spec_groups"])

    @property
    def status(self) -> ProductStatus:
        return _STATUSES[self["status"]]

    @property
    def min_price(self) -> Decimal:
        return Decimal(self["min_price_text"])

    @property
    def max_price(self) -> Decimal:
        return Decimal(self["max_price_text"])

    @property
    def rating_avg(self) -> Decimal:
        return Decimal(self["rating_avg_text"])

    @property
    def is_visible_to_shoppers(self) -> bool:
        return self.status == ProductStatus.ON_SHELF

    def snapshot(self) -> ProductData:
        return ProductData(**{name: getattr(self, name) for name in LISTING_FIELDS})

    def to_json(self) -> dict[str, Any]:
        return self.snapshot().to_json()


class _PostgresRow(ListedProduct, asyncpg.Record):
    __slots__ = ()


class _SQLiteRow(ListedProduct, dict):
    __slots__ = ()

    @property
    def cover_image(self) -> str | None:
        images = self.images
        return images[0] if images else None

    # SQLite gives datetimes back as text, Tortoise's.
    published_at = property(lambda self: _datetime(self["published_at"]))
    created_at = property(lambda self: _datetime(self["created_at"]))
    updated_at = property(lambda self: _datetime(self["updated_at"]))

    @property
    def created_at_text(self) -> str:
        return utc_text(self.created_at)


def _filter(where: _Where, query: ProductQuery, keys: list[SortKey], *, staff: bool) -> None:
    """Every condition but the keyword's."""
    status = ProductStatus.ON_SHELF if not staff else query.status
    if status is not None:
        where.add(f"status = {where.bind(str(status))}")
    if query.category_id is not None:
        family = where.bind(query.category_id)
        where.add(
            "category_id IN (SELECT id FROM category "  # noqa: S608 (placeholders only)
            f"WHERE id = {family} OR parent_id = {family})"
        )
    if query.min_price is not None:
        where.add(f"{where.number('min_price')} >= {where.number('min_price', query.min_price)}")
    if query.max_price is not None:
        where.add(f"{where.number('min_price')} <= {where.number('min_price', query.max_price)}")
    if query.in_stock:
        where.add(
            "id IN (SELECT product_id FROM sku "  # noqa: S608 (placeholders only)
            f"WHERE is_active = {where.bind(True)} AND stock > 0)"
        )
    if query.after:
        # Every ordering runs one way, so "after the cursor" is one row comparison, which
        # PostgreSQL answers from the ordering's index.
        values = _cursor_values(query.after, keys)
        op = "<" if keys[0].descending else ">"
        left = ", ".join(where.number(k.field) for k in keys)
        right = ", ".join(
            where.number(k.field, value) for k, value in zip(keys, values, strict=True)
        )
        where.add(f"({left}) {op} ({right})")


def _where(conditions: list[str]) -> str:
    return " WHERE " + " AND ".join(conditions) if conditions else ""


def _order(where: _Where, keys: list[SortKey]) -> str:
    return ", ".join(f"{where.number(k.field)} {'DESC' if k.descending else 'ASC'}" for k in keys)


def _likes(where: _Where, terms: list[str]) -> list[str]:
    return [f"search_text LIKE {where.bind(_like_pattern(term))} ESCAPE '\\'" for term in terms]


# How far down its ordering a keyword page looks before asking the search index instead.
HEAD_ROWS = 2000


def _head_statement(
    query: ProductQuery,
    keys: list[SortKey],
    terms: list[str],
    size: int,
    *,
    staff: bool,
    columns: frozenset[str] | None = None,
) -> tuple[str, list[object]]:
    """The first matches among the first HEAD_ROWS products in the page's order: a walk
    down the ordering's index that stops early, which is what a broad keyword wants."""
    converted, raw = _columns(columns, query.sort, True)
    where = _Where(postgres=True)
    _filter(where, query, keys, staff=staff)
    order = _order(where, keys)
    head = f"SELECT {raw}, search_text FROM product{_where(where.conditions)} ORDER BY {order}"  # noqa: S608
    head += f" LIMIT {where.bind(HEAD_ROWS)}"
    statement = (
        f"SELECT {converted} FROM ({head}) AS head "  # noqa: S608 (placeholders only)
        f"WHERE {' AND '.join(_likes(where, terms))} "
        f"ORDER BY {order} LIMIT {where.bind(size + 1)}"
    )
    return statement, where.values


def _statement(
    query: ProductQuery,
    keys: list[SortKey],
    terms: list[str],
    size: int,
    *,
    staff: bool,
    postgres: bool = True,
    columns: frozenset[str] | None = None,
) -> tuple[str, list[object]]:
    if not terms and _unfiltered(query):
        # Browsing without filters, keyword or cursor: the statement and its values
        # depend on these alone, so each is built once.
        status = query.status if staff else None
        statement, values = _unfiltered_statement(
            query.sort, size, status, staff=staff, postgres=postgres, columns=columns
        )
        return statement, list(values)
    return _build_statement(
        query, keys, terms, size, staff=staff, postgres=postgres, columns=columns
    )


def _unfiltered(query: ProductQuery) -> bool:
    return (
        query.after is None
        and query.category_id is None
        and query.min_price is None
        and query.max_price is None
        and not query.in_stock
        and query.keyword is None
    )


@lru_cache(maxsize=256)
def _unfiltered_statement(
    sort: ProductSort,
    size: int,
    status: ProductStatus | None,
    *,
    staff: bool,
    postgres: bool,
    columns: frozenset[str] | None,
) -> tuple[str, tuple[object, ...]]:
    query = ProductQuery(first=size, sort=sort, status=status)
    statement, values = _build_statement(
        query, SORT_KEYS[sort], [], size, staff=staff, postgres=postgres, columns=columns
    )
    return statement, tuple(values)


def _build_statement(
    query: ProductQuery,
    keys: list[SortKey],
    terms: list[str],
    size: int,
    *,
    staff: bool,
    postgres: bool = True,
    columns: frozenset[str] | None = None,
) -> tuple[str, list[object]]:
    converted, _ = _columns(columns, query.sort, postgres)
    where = _Where(postgres=postgres)
    _filter(where, query, keys, staff=staff)
    if terms and where.postgres:
        # Candidates through the GIN index; the LIKEs below recheck them exactly. As a
        # subquery the gram function stays in the index condition, out of the select list.
        grams = where.bind(text.query_grams(terms))
        where.add(
            "id IN (SELECT id FROM product "  # noqa: S608 (placeholders only)
            f"WHERE ms_search_grams(search_text) @> {grams})"
        )
    where.conditions += _likes(where, terms)
    statement = f"SELECT {converted} FROM product{_where(where.conditions)}"  # noqa: S608
    statement += f" ORDER BY {_order(where, keys)}"
    statement += f" LIMIT {where.bind(size + 1)}"
    return statement, where.values


async def _query_products(
    query: ProductQuery, *, staff: bool, columns: frozenset[str] | None = None
) -> Page[ListedProduct]:
    """A page in one plain statement (two for some keyword pages): filters, keyset, order and
    limit all bound, never interpolated.

    A keyword page on PostgreSQL has two good plans and the planner cannot tell which: it
    estimates how many rows hold all of a word's character pairs as if the pairs were
    independent ("wool": wo, oo, ol), so a word found in a sixth of the shop looks like one
    in a few hundred rows, and it collects all those rows through the GIN index and sorts
    them (tens of ms) instead of walking the order's index and stopping after a page (~1 ms).
    So a keyword page first looks at the head of the ordering; only when that holds less than
    a page of matches (a rare word) does it ask the GIN index, which is then fast.
    """
    size = check_page_size(query.first)
    keys = SORT_KEYS[query.sort]
    terms = text.keyword_terms(query.keyword) if query.keyword else []
    conn = sql.connection()
    postgres = sql.is_postgres(conn)
    rows: Sequence[ListedProduct] = []
    if terms and postgres:
        statement, values = _head_statement(query, keys, terms, size, staff=staff, columns=columns)
        rows = await sql.fetch_records(statement, values, record_class=_PostgresRow, conn=conn)
    if len(rows) <= size:
        statement, values = _statement(
            query, keys, terms, size, staff=staff, postgres=postgres, columns=columns
        )
        rows = await sql.fetch_records(statement, values, record_class=_PostgresRow, conn=conn)
    products = list(rows) if postgres else [_SQLiteRow(r) for r in rows]
    shown = products[:size]
    return Page(
        rows=shown,
        cursors=Cursors(shown, keys),
        has_next_page=len(products) > size,
        has_previous_page=bool(query.after),
    )


async def list_products(
    *,
    cache: CatalogCache,
    query: ProductQuery,
    staff: bool,
    columns: Iterable[str] | None = None,
) -> Page[ProductData] | Page[ListedProduct]:
    """A page of products. A shopper's first pages are cached until the next catalog change,
    except "in stock only" pages: orders move stock without a catalog change.

    `columns`: the product attributes the caller will read (None: any). A page read from
    the database then loads only those (and what its cursors need); reading another
    attribute of its rows is a KeyError. Cached pages always hold whole products."""
    check_page_size(query.first)
    _check_query(query)
    if staff or query.after or query.in_stock or not cache.enabled:
        wanted = frozenset(columns) if columns is not None else None
        return await _query_products(query, staff=staff, columns=wanted)

    async def load() -> str:
        page = await _query_products(query, staff=False)
        return dumps(
            {
                "rows": [p.to_json() for p in page.rows],
                "cursors": list(page.cursors),
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
