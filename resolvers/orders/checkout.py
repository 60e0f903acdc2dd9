"""Checkout: turn what the shopper asks for into a priced quote, for preview and for placing.

`build_checkout` is what `checkoutPreview` shows and what `orderCreate` writes, so the two
can never disagree: lines and prices read from the database now, the discount pipeline,
the delivery method's fee and reach. Nothing here writes.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models import Address, DeliveryMethod, ProductStatus, Store
from resolvers.addresses import service as addresses
from resolvers.cart.service import cover_image, spec_text
from resolvers.core.crypto import FieldCipher
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.sql import fetch, placeholders
from resolvers.orders import delivery, pricing
from resolvers.orders.errors import OrderErrorCode
from resolvers.stores import stock as store_stock
from settings import Settings

MAX_NOTE_LENGTH = 200
# Served from one store's shelf (StoreStock), not from the central stock (Sku.stock).
STORE_SERVED = frozenset({DeliveryMethod.PICKUP, DeliveryMethod.COURIER})


@dataclass(frozen=True, slots=True)
class BuyItem:
    sku_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """What the client chose. Prices are never part of it."""

    delivery_method: DeliveryMethod
    # Cart lines to buy; None = every selected line of the cart.
    line_ids: tuple[int, ...] | None = None
    # "Buy now" items that bypass the cart; exclusive with line_ids.
    items: tuple[BuyItem, ...] | None = None
    # EXPRESS / COURIER: None = the shopper's default address.
    address_id: int | None = None
    # PICKUP: required; COURIER: optional (None = the nearest store that reaches).
    store_id: int | None = None
    note: str = ""

    def fingerprint(self) -> str:
        """sha256 of the request, to tell a retry from a different request under one key."""
        canonical = {
            "deliveryMethod": str(self.delivery_method),
            "lineIds": sorted(self.line_ids) if self.line_ids is not None else None,
            "items": sorted((i.sku_id, i.quantity) for i in self.items)
            if self.items is not None
            else None,
            "addressId": self.address_id,
            "storeId": self.store_id,
            "note": self.note.strip(),
        }
        return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(slots=True)
class Checkout:
    request: CheckoutRequest
    quote: pricing.Quote
    address: Address | None = None
    store: Store | None = None
    courier_distance_m: int | None = None
    courier_eta: datetime | None = None
    # Line index -> field path in the request, for errors found later (stock taking).
    line_fields: list[list[str]] = field(default_factory=list)

    @property
    def cart_line_ids(self) -> list[int]:
        return [line.cart_line_id for line in self.quote.lines if line.cart_line_id is not None]


def _priced(sku: SkuRow, quantity: int, cart_line_id: int | None) -> pricing.PricedLine:
    product = sku.product
    return pricing.PricedLine(
        sku_id=sku.id,
        product_id=product.id,
        title=product.title,
        spec_text=spec_text(product, sku),
        image_url=cover_image(product),
        unit_price=sku.price,
        quantity=quantity,
        cart_line_id=cart_line_id,
    )


def _line_checks(
    sku: SkuRow | None,
    quantity: int,
    paths: _Paths,
    settings: Settings,
    held: int | None = 0,
) -> DomainError | None:
    """`held`: stock a campaign keeps for this order; None = not served from the central
    stock (a store's shelf is checked once the store is known)."""
    if quantity <= 0:
        return DomainError(
            OrderErrorCode.INVALID_QUANTITY, "Quantity must be at least 1", field=paths.quantity
        )
    if quantity > settings.cart_max_quantity_per_line:
        return DomainError(
            OrderErrorCode.QUANTITY_LIMIT_EXCEEDED,
            f"At most {settings.cart_max_quantity_per_line} of one item per order",
            field=paths.quantity,
        )
    if sku is None:
        return DomainError(OrderErrorCode.SKU_NOT_FOUND, "No such SKU", field=paths.sku)
    if not (sku.is_active and sku.product.status == ProductStatus.ON_SHELF):
        return DomainError(
            OrderErrorCode.PRODUCT_NOT_AVAILABLE,
            f"{sku.product.title} is no longer on sale",
            field=paths.sku,
        )
    if held is not None and sku.stock + held < quantity:
        return DomainError(
            OrderErrorCode.INSUFFICIENT_STOCK,
            f"Only {max(sku.stock, 0)} of {sku.product.title} left",
            field=paths.quantity,
        )
    return None


@dataclass(frozen=True, slots=True)
class _Paths:
    """Where a line's problems point: a cart line is one entry (["lineIds", "2"]); a buy-now
    item names its own field (["items", "2", "quantity"])."""

    line: list[str]
    quantity: list[str]
    sku: list[str]

    @classmethod
    def cart_line(cls, i: int) -> _Paths:
        path = ["lineIds", str(i)]
        return cls(path, path, path)

    @classmethod
    def item(cls, i: int) -> _Paths:
        path = ["items", str(i)]
        return cls(path, [*path, "quantity"], [*path, "skuId"])


# The hot path of placing an order reads with plain SQL: building these through the ORM's
# query builder cost more CPU than the database spent answering them.
_SKU_COLUMNS = (
    "s.id AS sku_id, s.price, s.stock, s.is_active, s.spec_values, s.spec_key, "
    "p.id AS product_id, p.title, p.status, p.images, p.spec_groups"
)


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: int
    title: str
    status: ProductStatus
    images: list
    spec_groups: list


@dataclass(frozen=True, slots=True)
class SkuRow:
    """What checkout needs of a SKU and its product (duck-types `Sku` with `.product`)."""

    id: int
    price: Decimal
    stock: int
    is_active: bool
    spec_values: dict
    spec_key: str
    product: ProductRow

    @classmethod
    def from_record(cls, row: dict) -> SkuRow:
        return cls(
            id=row["sku_id"],
            price=Decimal(row["price"]),
            stock=row["stock"],
            is_active=bool(row["is_active"]),
            spec_values=_json(row["spec_values"]) or {},
            spec_key=row["spec_key"],
            product=ProductRow(
                id=row["product_id"],
                title=row["title"],
                status=ProductStatus(row["status"]),
                images=_json(row["images"]) or [],
                spec_groups=_json(row["spec_groups"]) or [],
            ),
        )


def _json(value: object) -> object:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


async def _skus(ids: list[int]) -> dict[int, SkuRow]:
    unique = sorted(set(ids))
    rows = await fetch(
        # Only constant columns and numbered placeholders are interpolated; values are bound.
        f"SELECT {_SKU_COLUMNS} FROM sku s JOIN product p ON p.id = s.product_id "  # noqa: S608
        f"WHERE s.id IN ({placeholders(1, len(unique))})",
        unique,
    )
    return {row["sku_id"]: SkuRow.from_record(row) for row in rows}


async def _cart(user_id: int, line_ids: tuple[int, ...] | None) -> list[tuple[int, int, SkuRow]]:
    """(cart line id, quantity, SKU) of the selected lines (newest first) or of `line_ids`."""
    sql = (
        f"SELECT c.id AS line_id, c.quantity, {_SKU_COLUMNS} FROM cart_line c "  # noqa: S608
        "JOIN sku s ON s.id = c.sku_id JOIN product p ON p.id = s.product_id "
        "WHERE c.user_id = $1 "
    )
    if line_ids is None:
        rows = await fetch(sql + "AND c.selected ORDER BY c.id DESC", [user_id])
    else:
        unique = sorted(set(line_ids))
        rows = await fetch(
            sql + f"AND c.id IN ({placeholders(2, len(unique))})", [user_id, *unique]
        )
    return [(row["line_id"], row["quantity"], SkuRow.from_record(row)) for row in rows]


@dataclass(frozen=True, slots=True)
class Prefetched:
    """The rows `build_checkout` reads, read ahead by `prefetch` in one statement."""

    # (cart line id or None for a buy-now item, quantity (cart lines), SKU), cart lines
    # newest first.
    lines: list[tuple[int | None, int, SkuRow]]
    address: Address | None  # EXPRESS / COURIER: the given or the default address
    store: Store | None  # PICKUP: the given store, if active


def _columns(alias: str, model: type[Address] | type[Store]) -> str:
    return ", ".join(f'{alias}.{c} AS "{alias}.{c}"' for c in sorted(model._meta.db_fields))


def _model(alias: str, model: type[Address] | type[Store], row: Mapping[str, Any]) -> Any:
    prefix = f"{alias}."
    if row[f"{prefix}id"] is None:
        return None
    return model._init_from_db(
        **{c: row[prefix + c] for c in model._meta.db_fields}  # type: ignore[attr-defined]
    )


@functools.cache
def _prefetch_sql() -> str:
    """Built on first use: the models know their foreign key columns only once Tortoise
    is initialised."""
    return _PREFETCH.format(
        sku_columns=_SKU_COLUMNS, address=_columns("a", Address), store=_columns("st", Store)
    )


# Locks the shopper's row (as placing does first, see service.py) and reads the SKUs of the
# buy-now items or of the cart lines, the address and the pickup store: one round trip.
_PREFETCH = """
WITH shopper AS (
    SELECT id FROM "user" WHERE id = $1 FOR NO KEY UPDATE
), wanted AS (
    SELECT NULL::bigint AS line_id, 0 AS quantity, w.sku_id FROM unnest($2::bigint[]) AS w(sku_id)
    UNION ALL
    SELECT c.id, c.quantity, c.sku_id FROM cart_line c
    WHERE c.user_id = $1 AND (($3::bool AND c.selected) OR c.id = ANY($4::bigint[]))
)
SELECT (SELECT count(*) FROM shopper) AS shopper, w.line_id, w.quantity, {sku_columns},
    {address}, {store}
FROM (SELECT 1) AS one
LEFT JOIN (wanted w JOIN sku s ON s.id = w.sku_id JOIN product p ON p.id = s.product_id) ON true
LEFT JOIN LATERAL (
    SELECT * FROM address
    WHERE $5::bool AND user_id = $1 AND (id = $6::bigint OR ($6::bigint IS NULL AND is_default))
    ORDER BY id DESC LIMIT 1
) a ON true
LEFT JOIN store st ON st.id = $7::bigint AND st.is_active
ORDER BY w.line_id DESC NULLS LAST
"""


async def prefetch(
    conn: BaseDBAsyncClient, *, user_id: int, request: CheckoutRequest
) -> Prefetched:
    """PostgreSQL, in the placing transaction: lock the shopper and read what the checkout
    of `request` needs, in one statement (`build_checkout(prefetched=)` then reads nothing
    more, except a courier order's stores and a store's shelf)."""
    items = [i.sku_id for i in request.items] if request.items is not None else []
    from_cart = request.items is None
    rows = await conn.execute_query_dict(
        _prefetch_sql(),
        [
            user_id,
            items,
            from_cart and request.line_ids is None,
            list(request.line_ids or ()) if from_cart else [],
            request.delivery_method != DeliveryMethod.PICKUP,
            request.address_id,
            request.store_id if request.delivery_method == DeliveryMethod.PICKUP else None,
        ],
    )
    first = rows[0]
    return Prefetched(
        lines=[
            (row["line_id"], row["quantity"], SkuRow.from_record(row))
            for row in rows
            if row["sku_id"] is not None
        ],
        address=_model("a", Address, first),
        store=_model("st", Store, first),
    )


# `_PREFETCH` for many shoppers buying one item each (the flash sale's batched writer):
# every shopper locked in id order (two batches never deadlock), then per request its SKU,
# address and store, in the requests' order.
_PREFETCH_MANY = """
WITH shopper AS (
    SELECT id FROM "user" WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE
), wanted AS (
    SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bool[], $4::bigint[], $5::bigint[])
        WITH ORDINALITY AS w(user_id, sku_id, wants_address, address_id, store_id, n)
)
SELECT w.n, (SELECT count(*) FROM shopper) AS shoppers, {sku_columns}, {address}, {store}
FROM wanted w
LEFT JOIN (sku s JOIN product p ON p.id = s.product_id) ON s.id = w.sku_id
LEFT JOIN LATERAL (
    SELECT * FROM address
    WHERE w.wants_address AND user_id = w.user_id
        AND (id = w.address_id OR (w.address_id IS NULL AND is_default))
    ORDER BY id DESC LIMIT 1
) a ON true
LEFT JOIN store st ON st.id = w.store_id AND st.is_active
ORDER BY w.n
"""


@functools.cache
def _prefetch_many_sql() -> str:
    return _PREFETCH_MANY.format(
        sku_columns=_SKU_COLUMNS, address=_columns("a", Address), store=_columns("st", Store)
    )


async def prefetch_many(
    conn: BaseDBAsyncClient, requests: Sequence[tuple[int, CheckoutRequest]]
) -> list[Prefetched]:
    """`prefetch` for many (shopper, request) pairs in one statement, each request buying
    exactly one item (not from the cart); the shoppers are locked in id order."""
    for _, request in requests:
        if request.items is None or len(request.items) != 1:
            raise ValueError("prefetch_many reads requests of exactly one item")
    pickup = [r.delivery_method == DeliveryMethod.PICKUP for _, r in requests]
    rows = await conn.execute_query_dict(
        _prefetch_many_sql(),
        [
            [user_id for user_id, _ in requests],
            [r.items[0].sku_id for _, r in requests],  # type: ignore[index]
            [not p for p in pickup],
            [r.address_id for _, r in requests],
            [r.store_id if p else None for (_, r), p in zip(requests, pickup, strict=True)],
        ],
    )
    return [
        Prefetched(
            lines=[(None, 0, SkuRow.from_record(row))] if row["sku_id"] is not None else [],
            address=_model("a", Address, row),
            store=_model("st", Store, row),
        )
        for row in rows
    ]


# `_PREFETCH` for a batch of EXPRESS requests, one per shopper (resolvers/orders/batching.py):
# every shopper locked in id order, then, gated on those locks (the one-time filter), every
# SKU the batch wants locked in id order, the lock order of every placement (shopper, then
# SKUs), so a batch never deadlocks with another or with a single placement. A locked SKU's
# stock is its latest committed value. Per request: its lines (buy-now SKUs or cart lines,
# newest first), its address, the order its key already made, its shopper's unpaid orders.
_PREFETCH_BATCH = """
WITH req AS (
    SELECT * FROM unnest($1::bigint[], $2::bool[], $3::bigint[], $4::text[])
        WITH ORDINALITY AS q(user_id, whole_cart, address_id, idempotency_key, n)
), shopper AS MATERIALIZED (
    SELECT id FROM "user" WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE
), chosen AS (
    SELECT * FROM unnest($7::bigint[], $8::bigint[]) AS x(n, line_id)
), wanted AS MATERIALIZED (
    SELECT i.n, NULL::bigint AS line_id, 0 AS quantity, i.sku_id
    FROM unnest($5::bigint[], $6::bigint[]) AS i(n, sku_id)
    UNION ALL
    SELECT q.n, c.id, c.quantity, c.sku_id FROM req q JOIN cart_line c ON c.user_id = q.user_id
    WHERE (q.whole_cart AND c.selected)
        OR c.id IN (SELECT x.line_id FROM chosen x WHERE x.n = q.n)
), sku_locked AS MATERIALIZED (
    SELECT s.id, s.stock FROM sku s
    WHERE s.id IN (SELECT sku_id FROM wanted) AND (SELECT count(*) FROM shopper) > 0
    ORDER BY s.id
    FOR NO KEY UPDATE
)
SELECT q.n, (SELECT count(*) FROM sku_locked) AS skus_locked, e.id AS existing_id,
    (SELECT count(*) FROM (
        SELECT 1 FROM "order" o WHERE o.user_id = q.user_id AND o.status || '' = $9 LIMIT $10
    ) AS unpaid) AS other_unpaid,
    w.line_id, w.quantity, k.stock AS locked_stock, {sku_columns}, {address}
FROM req q
LEFT JOIN (
    wanted w JOIN sku s ON s.id = w.sku_id JOIN product p ON p.id = s.product_id
    JOIN sku_locked k ON k.id = w.sku_id
) ON w.n = q.n
LEFT JOIN LATERAL (
    SELECT * FROM address
    WHERE user_id = q.user_id AND (id = q.address_id OR (q.address_id IS NULL AND is_default))
    ORDER BY id DESC LIMIT 1
) a ON true
LEFT JOIN "order" e ON e.user_id = q.user_id AND e.idempotency_key = q.idempotency_key
ORDER BY q.n, w.line_id DESC NULLS LAST
"""


@functools.cache
def _prefetch_batch_sql() -> str:
    return _PREFETCH_BATCH.format(sku_columns=_SKU_COLUMNS, address=_columns("a", Address))


@dataclass(slots=True)
class BatchRows:
    """What `prefetch_batch` read for one request."""

    prefetched: Prefetched
    # The order this shopper's idempotency key already made, if any.
    existing_order_id: int | None
    # The shopper's unpaid orders (counted up to the cap).
    other_unpaid: int


async def prefetch_batch(
    conn: BaseDBAsyncClient,
    requests: Sequence[tuple[int, str, CheckoutRequest]],
    *,
    unpaid_status: str,
    unpaid_cap: int,
) -> tuple[list[BatchRows], dict[int, int]]:
    """For (shopper, idempotency key, EXPRESS request) triples, one per shopper: lock the
    shoppers and the SKUs, read what each checkout needs (see `_PREFETCH_BATCH`). Returns
    the rows per request, in order, and the locked SKUs' stock by id."""
    item_n: list[int] = []
    item_sku: list[int] = []
    chosen_n: list[int] = []
    chosen_line: list[int] = []
    for n, (_, _, request) in enumerate(requests, start=1):
        if request.delivery_method != DeliveryMethod.EXPRESS:
            raise ValueError("prefetch_batch reads EXPRESS requests")
        for item in request.items or ():
            item_n.append(n)
            item_sku.append(item.sku_id)
        if request.items is None:
            for line_id in request.line_ids or ():
                chosen_n.append(n)
                chosen_line.append(line_id)
    rows = await conn.execute_query_dict(
        _prefetch_batch_sql(),
        [
            [user_id for user_id, _, _ in requests],
            [r.items is None and r.line_ids is None for _, _, r in requests],
            [r.address_id for _, _, r in requests],
            [key for _, key, _ in requests],
            item_n,
            item_sku,
            chosen_n,
            chosen_line,
            unpaid_status,
            unpaid_cap,
        ],
    )
    read: list[BatchRows] = []
    stock: dict[int, int] = {}
    for row in rows:
        if len(read) < row["n"]:
            read.append(
                BatchRows(
                    prefetched=Prefetched(lines=[], address=_model("a", Address, row), store=None),
                    existing_order_id=row["existing_id"],
                    other_unpaid=row["other_unpaid"],
                )
            )
        if row["sku_id"] is not None:
            sku = SkuRow.from_record(row)
            read[-1].prefetched.lines.append((row["line_id"], row["quantity"], sku))
            stock[sku.id] = row["locked_stock"]
    assert len(read) == len(requests)
    return read, stock


def _duplicates(request: CheckoutRequest) -> list[DomainError]:
    """The same SKU (or cart line) twice would add up past the per-line cap and count twice:
    each may appear once per order."""
    errors = []
    seen: set[int] = set()
    for i, item in enumerate(request.items or ()):
        if item.sku_id in seen:
            errors.append(
                DomainError(
                    OrderErrorCode.DUPLICATE_SKU,
                    "Each SKU once per order: put the whole quantity on one item",
                    field=["items", str(i), "skuId"],
                )
            )
        seen.add(item.sku_id)
    seen.clear()
    for i, line_id in enumerate(request.line_ids or ()):
        if line_id in seen:
            errors.append(
                DomainError(
                    OrderErrorCode.DUPLICATE_LINE,
                    "Each cart line once per order",
                    field=["lineIds", str(i)],
                )
            )
        seen.add(line_id)
    return errors


async def _lines(
    *,
    user_id: int,
    request: CheckoutRequest,
    settings: Settings,
    held: dict[int, int] | None = None,
    prefetched: Prefetched | None = None,
) -> tuple[list[pricing.PricedLine], list[list[str]]]:
    central = request.delivery_method not in STORE_SERVED
    errors: list[DomainError] = []
    lines: list[pricing.PricedLine] = []
    fields: list[list[str]] = []
    wanted: list[tuple[int | None, int, SkuRow | None, _Paths]] = []
    if request.items is not None and request.line_ids is not None:
        raise DomainError(
            OrderErrorCode.INVALID, "Give lineIds or items, not both", field=["items"]
        )
    if duplicates := _duplicates(request):
        raise DomainErrors(duplicates)
    if request.items is not None:
        if prefetched is not None:
            skus = {sku.id: sku for _, _, sku in prefetched.lines}
        else:
            skus = await _skus([i.sku_id for i in request.items]) if request.items else {}
        wanted = [
            (None, item.quantity, skus.get(item.sku_id), _Paths.item(i))
            for i, item in enumerate(request.items)
        ]
    elif request.line_ids is None:
        cart = prefetched.lines if prefetched is not None else await _cart(user_id, None)
        wanted = [(lid, q, sku, _Paths.cart_line(i)) for i, (lid, q, sku) in enumerate(cart)]
    else:
        rows = (
            prefetched.lines if prefetched is not None else await _cart(user_id, request.line_ids)
        )
        by_id = {lid: (q, sku) for lid, q, sku in rows}
        for i, line_id in enumerate(request.line_ids):
            paths = _Paths.cart_line(i)
            if line_id not in by_id:
                # Another shopper's cart line is just as missing.
                errors.append(
                    DomainError(
                        OrderErrorCode.LINE_NOT_FOUND, "No such cart line", field=paths.line
                    )
                )
            else:
                quantity, sku = by_id[line_id]
                wanted.append((line_id, quantity, sku, paths))
    for line_id, quantity, sku, paths in wanted:
        held_here = (held or {}).get(sku.id, 0) if sku is not None and central else 0
        problem = _line_checks(sku, quantity, paths, settings, held_here if central else None)
        if problem:
            errors.append(problem)
        else:
            assert sku is not None
            lines.append(_priced(sku, quantity, line_id))
            fields.append(paths.quantity)
    if errors:
        raise DomainErrors(errors)
    if not lines:
        raise DomainError(
            OrderErrorCode.NOTHING_TO_CHECK_OUT,
            "Select something to buy first",
            field=["lineIds"] if request.items is None else ["items"],
        )
    if len(lines) > settings.cart_max_lines:
        raise DomainError(
            OrderErrorCode.INVALID, f"At most {settings.cart_max_lines} lines per order"
        )
    return lines, fields


async def _address(
    *, user_id: int, address_id: int | None, prefetched: Prefetched | None = None
) -> Address:
    if prefetched is not None:
        if prefetched.address is not None:
            return prefetched.address
        if address_id is None:
            raise DomainError(
                OrderErrorCode.ADDRESS_REQUIRED, "Add a delivery address", field=["addressId"]
            )
        raise DomainError(OrderErrorCode.ADDRESS_NOT_FOUND, "No such address", field=["addressId"])
    if address_id is None:
        rows = await fetch(
            "SELECT * FROM address WHERE user_id = $1 AND is_default ORDER BY id DESC LIMIT 1",
            [user_id],
        )
        address = Address(**rows[0]) if rows else None
        if address is None:
            raise DomainError(
                OrderErrorCode.ADDRESS_REQUIRED, "Add a delivery address", field=["addressId"]
            )
        return address
    address = await Address.get_or_none(id=address_id, user_id=user_id)
    if address is None:
        raise DomainError(OrderErrorCode.ADDRESS_NOT_FOUND, "No such address", field=["addressId"])
    return address


def store_needs(lines: list[pricing.PricedLine], held: dict[int, int]) -> dict[int, int]:
    """SKU id -> units a store must hand over: the lines less what a campaign holds."""
    needs: dict[int, int] = {}
    for line in lines:
        needs[line.sku_id] = needs.get(line.sku_id, 0) + line.quantity
    return {
        sku_id: quantity - held.get(sku_id, 0)
        for sku_id, quantity in needs.items()
        if quantity > held.get(sku_id, 0)
    }


async def store_shortages(
    store_id: int, lines: list[pricing.PricedLine], held: dict[int, int]
) -> dict[int, int]:
    """SKU id -> units the store holds, for each SKU it holds too few of."""
    needs = store_needs(lines, held)
    have = await store_stock.store_quantities(store_ids=[store_id], sku_ids=needs)
    return {
        sku_id: have.get((store_id, sku_id), 0)
        for sku_id, quantity in needs.items()
        if have.get((store_id, sku_id), 0) < quantity
    }


async def _stocked_stores(
    stores: list[Store], lines: list[pricing.PricedLine], held: dict[int, int]
) -> list[Store]:
    needs = store_needs(lines, held)
    have = await store_stock.store_quantities(store_ids=[s.id for s in stores], sku_ids=needs)
    return [
        store
        for store in stores
        if all(have.get((store.id, sku_id), 0) >= q for sku_id, q in needs.items())
    ]


def _raise_shortages(checkout: Checkout, shortages: dict[int, int]) -> None:
    errors = [
        DomainError(
            OrderErrorCode.INSUFFICIENT_STOCK,
            f"Only {max(shortages[line.sku_id], 0)} of {line.title} left at this store",
            field=path,
        )
        for line, path in zip(checkout.quote.lines, checkout.line_fields, strict=True)
        if line.sku_id in shortages
    ]
    if errors:
        raise DomainErrors(errors)


async def build_checkout(
    *,
    settings: Settings,
    user_id: int,
    request: CheckoutRequest,
    now: datetime | None = None,
    hold: pricing.CampaignHold | None = None,
    prefetched: Prefetched | None = None,
) -> Checkout:
    """Price a request; raises DomainError(s) for anything that stops it being placed.
    `hold`: a campaign placing the order itself (see pricing.CampaignHold); `prefetched`:
    the rows to price it from (see `prefetch`), instead of reading them here."""
    now = now or datetime.now(UTC)
    if len(request.note) > MAX_NOTE_LENGTH:
        raise DomainError(
            OrderErrorCode.INVALID, f"At most {MAX_NOTE_LENGTH} characters", field=["note"]
        )
    held = hold.held_stock if hold is not None else {}
    lines, fields = await _lines(
        user_id=user_id, request=request, settings=settings, held=held, prefetched=prefetched
    )
    quote = pricing.Quote(user_id=user_id, delivery_method=request.delivery_method, lines=lines)
    checkout = Checkout(request=request, quote=quote, line_fields=fields)
    if hold is not None:
        pricing.apply_campaign_hold(quote, hold)
    else:
        await pricing.apply_discounts(quote)

    method = request.delivery_method
    if method == DeliveryMethod.PICKUP:
        if request.store_id is None:
            raise DomainError(
                OrderErrorCode.STORE_REQUIRED, "Choose a store to pick up at", field=["storeId"]
            )
        if prefetched is not None:
            store = prefetched.store
        else:
            store = await Store.get_or_none(id=request.store_id, is_active=True)
        if store is None:
            raise DomainError(OrderErrorCode.STORE_NOT_FOUND, "No such store", field=["storeId"])
        checkout.store = store
        quote.shipping_fee = pricing.ZERO
        _raise_shortages(checkout, await store_shortages(store.id, quote.lines, held))
        return checkout

    checkout.address = await _address(
        user_id=user_id, address_id=request.address_id, prefetched=prefetched
    )
    if method == DeliveryMethod.EXPRESS:
        quote.shipping_fee = delivery.express_fee(quote.goods_total, settings)
        return checkout

    # COURIER
    address = checkout.address
    if address.latitude is None or address.longitude is None:
        raise DomainError(
            OrderErrorCode.ADDRESS_WITHOUT_LOCATION,
            "Same-city delivery needs the address's location",
            field=["addressId"],
        )
    if request.store_id is not None and not await Store.exists(id=request.store_id, is_active=True):
        raise DomainError(OrderErrorCode.STORE_NOT_FOUND, "No such store", field=["storeId"])
    stores = await Store.filter(is_active=True)
    route = delivery.courier_route(
        stores, address.latitude, address.longitude, store_id=request.store_id
    )
    if route is not None and request.store_id is None:
        # The nearest store in reach that holds every line; else the nearest says what's short.
        stocked = await _stocked_stores(stores, quote.lines, held)
        route = delivery.courier_route(stocked, address.latitude, address.longitude) or route
    if route is None:
        raise DomainError(
            OrderErrorCode.OUT_OF_DELIVERY_RANGE,
            "No store delivers this far; choose express delivery or pickup",
            field=["addressId"],
        )
    checkout.store = route.store
    _raise_shortages(checkout, await store_shortages(route.store.id, quote.lines, held))
    checkout.courier_distance_m = route.distance_m
    checkout.courier_eta = route.eta(now, settings)
    quote.shipping_fee = pricing.money(settings.courier_fee)
    return checkout


def address_snapshot(address: Address, crypto: FieldCipher) -> dict[str, object]:
    """Order columns copied from an address. The ciphertexts are re-encrypted under the
    order's own context, so an address ciphertext cannot be pasted into an order."""
    phone = crypto.decrypt(address.phone_encrypted, context=addresses.PHONE_CONTEXT)
    detail = crypto.decrypt(address.detail_encrypted, context=addresses.DETAIL_CONTEXT)
    return snapshot_fields(
        crypto,
        recipient_name=address.recipient_name,
        phone=phone,
        province=address.province,
        city=address.city,
        district=address.district,
        detail=detail,
        latitude=address.latitude,
        longitude=address.longitude,
    )


ORDER_PHONE_CONTEXT = "order.phone"
ORDER_DETAIL_CONTEXT = "order.detail"


def snapshot_fields(
    crypto: FieldCipher,
    *,
    recipient_name: str,
    phone: str,
    province: str,
    city: str,
    district: str,
    detail: str,
    latitude: float | None,
    longitude: float | None,
) -> dict[str, object]:
    return {
        "recipient_name": recipient_name,
        "recipient_phone_encrypted": crypto.encrypt(phone, context=ORDER_PHONE_CONTEXT),
        # The same index as the address book's, so one phone finds both.
        "recipient_phone_index": addresses.phone_index(crypto, phone),
        "province": province,
        "city": city,
        "district": district,
        "address_detail_encrypted": crypto.encrypt(detail, context=ORDER_DETAIL_CONTEXT),
        "latitude": latitude,
        "longitude": longitude,
    }


def totals_match(expected: Decimal | None, quote: pricing.Quote) -> bool:
    return expected is None or pricing.money(expected) == pricing.money(quote.total)
