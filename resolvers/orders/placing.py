"""Writing a placed order on PostgreSQL in one statement.

`create_order` (service.py) prices the checkout, opens the transaction and takes the
shopper's row lock; this module then writes everything an order is made of with one
round trip instead of a dozen:

    the order row, its lines (one INSERT over unnest), its OrderEvent and OutboxEvent,
    the cart lines it empties, the stock it takes (central SKU stock with its ledger rows,
    or a store's shelf) and the count of the shopper's other unpaid orders.

Stock is taken the way `resolvers/catalog/stock.py` and `resolvers/stores/stock.py` take it:
the rows are locked in id order first (so two orders never deadlock), then each is
decremented only while it holds enough (`WHERE stock >= quantity`, re-checked on the row's
latest version under the lock). The statement reports which lines it could not take and
what each row held; the caller then raises, and the rollback undoes everything, so an order
short of one line writes nothing. The count of unpaid orders is read by this statement, which
starts after the shopper's lock was granted, so it sees every placement committed before it
(it cannot see its own insert: the caller adds one). It also reports how many cart lines it
deleted: fewer than the checkout read means another placement of the shopper emptied them
after that read (which came from a snapshot taken before the shopper's lock was granted),
and the caller starts again.

SQLite (the embedded default) keeps the ORM path in service.py; tests check both write the
same rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient

from models import (
    ActorRole,
    Order,
    OrderEventKind,
    OrderStatus,
    OutboxEvent,
    StockChangeReason,
)
from resolvers.catalog.stock import Shortage
from resolvers.orders import lifecycle, pricing

# The order's columns in the order the statements below (and the flash sale's batched
# writer, resolvers/campaigns/batch_writer.py) give them.
ORDER_COLUMNS = """
    number, user_id, status, delivery_method, store_id, idempotency_key, request_hash,
    recipient_name, recipient_phone_encrypted, recipient_phone_index, province, city,
    district, address_detail_encrypted, latitude, longitude, currency, subtotal,
    discount_total, shipping_fee, total, paid_amount, refund_committed, refunded_amount,
    adjustments, buyer_note, courier_distance_m, courier_eta, payment_deadline, version,
    created_at, updated_at"""

# Constant SQL only; every value is bound. `$n::type[]` arrays carry the lines.
# The unpaid count compares `status || ''` so that no plan can answer it from an index led by
# status (a plan chosen while the order table looked empty would walk every shop's unpaid
# orders per placement); led by user_id it reads only this shopper's orders. The batched
# writers (orders/batching.py, campaigns/batch_writer.py) and checkout.prefetch_batch do the same.
_PLACE = """
WITH placed AS (
    INSERT INTO "order" ({order_columns})
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
        $19, $20, $21, 0, 0, 0, $22::jsonb, $23, $24, $25, $26, 1, $27, $27)
    RETURNING id
), lines AS (
    INSERT INTO order_line (
        order_id, sku_id, product_id, title, spec_text, image_url, unit_price, quantity,
        line_total, discount_share, refunded_quantity, returned_quantity)
    SELECT placed.id, l.sku_id, l.product_id, l.title, l.spec_text, l.image_url,
        l.unit_price, l.quantity, l.line_total, l.discount_share, 0, 0
    FROM placed, unnest($28::bigint[], $29::bigint[], $30::text[], $31::text[], $32::text[],
        $33::numeric[], $34::int[], $35::numeric[], $36::numeric[]) WITH ORDINALITY
        AS l(sku_id, product_id, title, spec_text, image_url, unit_price, quantity,
             line_total, discount_share, n)
    ORDER BY l.n
), happened AS (
    INSERT INTO order_event (
        order_id, kind, from_status, to_status, actor_id, actor_role, note, version, created_at)
    SELECT placed.id, $37, NULL, $3, $2, $38, '', 1, $27 FROM placed
), announced AS (
    INSERT INTO outbox_event (
        topic, aggregate_type, aggregate_id, version, payload, created_at, published_at)
    SELECT $39, 'order', placed.id, 1, jsonb_build_object('orderId', placed.id) || $40::jsonb,
        $27, NULL
    FROM placed
    RETURNING id
), emptied AS (
    DELETE FROM cart_line WHERE user_id = $2 AND id = ANY($41::bigint[])
    RETURNING id
), sku_wanted AS (
    SELECT * FROM unnest($42::bigint[], $43::int[]) AS w(sku_id, quantity)
), sku_locked AS (
    SELECT s.id, s.stock FROM sku s
    WHERE s.id = ANY($42::bigint[])
    ORDER BY s.id
    FOR NO KEY UPDATE
), sku_taken AS (
    UPDATE sku SET stock = sku.stock - w.quantity, updated_at = CURRENT_TIMESTAMP
    FROM sku_wanted w JOIN sku_locked k ON k.id = w.sku_id
    WHERE sku.id = w.sku_id AND sku.stock >= w.quantity
    RETURNING sku.id, sku.stock, w.quantity
), ledger AS (
    INSERT INTO stock_ledger (
        sku_id, delta, balance_after, reason, note, reference, actor_id, created_at)
    SELECT t.id, -t.quantity, t.stock, $44, '', $1, $2, $27 FROM sku_taken t
), shelf_wanted AS (
    SELECT * FROM unnest($45::bigint[], $46::int[]) AS w(sku_id, quantity)
), shelf_locked AS (
    SELECT s.sku_id, s.quantity FROM store_stock s
    WHERE s.store_id = $5 AND s.sku_id = ANY($45::bigint[])
    ORDER BY s.sku_id
    FOR NO KEY UPDATE
), shelf_taken AS (
    UPDATE store_stock SET quantity = store_stock.quantity - w.quantity,
        updated_at = CURRENT_TIMESTAMP
    FROM shelf_wanted w JOIN shelf_locked k ON k.sku_id = w.sku_id
    WHERE store_stock.store_id = $5 AND store_stock.sku_id = w.sku_id
        AND store_stock.quantity >= w.quantity
    RETURNING store_stock.sku_id
){ctes}
SELECT placed.id, announced.id AS event_id,
    ARRAY(SELECT id FROM sku_taken) AS sku_taken,
    ARRAY(SELECT id FROM sku_locked) AS sku_ids,
    ARRAY(SELECT stock FROM sku_locked) AS sku_stock,
    ARRAY(SELECT sku_id FROM shelf_taken) AS shelf_taken,
    ARRAY(SELECT sku_id FROM shelf_locked) AS shelf_ids,
    ARRAY(SELECT quantity FROM shelf_locked) AS shelf_stock,
    (SELECT count(*) FROM emptied) AS emptied,
    (SELECT count(*) FROM (
        SELECT 1 FROM "order" o WHERE o.user_id = $2 AND o.status || '' = $3 LIMIT $47
    ) AS unpaid) AS other_unpaid{columns}
FROM placed, announced
"""
_VALUES = 47


@functools.cache
def _statement(ctes: str, columns: str) -> str:
    """The statement, with a campaign's part (pricing.StatementPart) if any; cached per
    part, so each is one prepared statement."""
    if not ctes:
        return _PLACE.format(ctes="", columns="", order_columns=ORDER_COLUMNS)
    count = ctes.count("{") + columns.count("{")  # an upper bound is enough for format
    numbers = [f"${_VALUES + 1 + i}" for i in range(count)]
    order_id = "(SELECT id FROM placed)"
    return _PLACE.format(
        ctes=", " + ctes.format(*numbers, order_id=order_id).strip(),
        columns=", " + columns.format(*numbers, order_id=order_id).strip(),
        order_columns=ORDER_COLUMNS,
    )


@dataclass(frozen=True, slots=True)
class Placed:
    order: Order
    event: OutboxEvent
    # The shopper's unpaid orders before this one (counted up to the cap, then it stops).
    other_unpaid: int
    # Lines the stock (central or the store's) could not cover; non-empty = roll back.
    shortages: list[Shortage]
    # Cart lines deleted: fewer than the checkout's = another placement emptied them after
    # the checkout read them (roll back).
    cart_lines_emptied: int


def _shortages(
    wanted: Sequence[tuple[int, int]], taken: Sequence[int], ids: Sequence[int], held: Sequence[int]
) -> list[Shortage]:
    done = set(taken)
    have = dict(zip(ids, held, strict=True))
    return [
        Shortage(sku_id, quantity, have.get(sku_id, 0))
        for sku_id, quantity in wanted
        if sku_id not in done
    ]


def new_order(columns: dict[str, Any], *, now: datetime) -> tuple[Order, dict[str, Any]]:
    """The order of `columns` as the statement will write it (its id is set once the
    statement returns it), and its placed event's payload without the id (the statement
    adds it). Built before the statement, so the payload is lifecycle's, exactly as every
    other transition writes it."""
    order = Order._init_from_db(**_order_row(columns, now=now))
    payload = lifecycle.event_payload(order, None)
    payload["kind"] = str(OrderEventKind.STATUS_CHANGED)
    del payload["orderId"]
    return order, payload


def placed_event(
    order: Order, event_id: int, payload: dict[str, Any], *, now: datetime
) -> OutboxEvent:
    """The OutboxEvent the statement wrote for `order` (payload from `new_order`)."""
    return OutboxEvent._init_from_db(
        id=event_id,
        topic=lifecycle.STATUS_TOPIC,
        aggregate_type="order",
        aggregate_id=order.id,
        version=order.version,
        payload={"orderId": order.id, **payload},
        created_at=now,
        published_at=None,
    )


async def place(
    conn: BaseDBAsyncClient,
    *,
    columns: dict[str, Any],
    now: datetime,
    lines: Sequence[dict[str, Any]],
    cart_line_ids: Sequence[int],
    central: Sequence[tuple[int, int]],
    shelf: Sequence[tuple[int, int]],
    unpaid_cap: int,
    part: pricing.StatementPart | None = None,
) -> Placed:
    """Write the order described by `columns` (Order's columns, as service.py computes them)
    and `lines` (OrderLine columns without order_id); take `central` (SKU id, quantity),
    merged and sorted, from the SKUs, or `shelf` from the order's store. In the caller's
    transaction, under the shopper's lock."""
    user_id = columns["user_id"]
    order, payload = new_order(columns, now=now)
    values: list[Any] = [
        columns["number"],
        user_id,
        str(order.status),
        str(order.delivery_method),
        columns["store_id"],
        columns["idempotency_key"],
        columns["request_hash"],
        columns["recipient_name"],
        columns["recipient_phone_encrypted"],
        columns["recipient_phone_index"],
        columns["province"],
        columns["city"],
        columns["district"],
        columns["address_detail_encrypted"],
        columns["latitude"],
        columns["longitude"],
        columns["currency"],
        columns["subtotal"],
        columns["discount_total"],
        columns["shipping_fee"],
        columns["total"],
        orjson.dumps(columns["adjustments"]).decode(),
        columns["buyer_note"],
        columns["courier_distance_m"],
        columns["courier_eta"],
        columns["payment_deadline"],
        now,
        [line["sku_id"] for line in lines],
        [line["product_id"] for line in lines],
        [line["title"] for line in lines],
        [line["spec_text"] for line in lines],
        [line["image_url"] for line in lines],
        [line["unit_price"] for line in lines],
        [line["quantity"] for line in lines],
        [line["line_total"] for line in lines],
        [line["discount_share"] for line in lines],
        str(OrderEventKind.STATUS_CHANGED),
        str(ActorRole.CUSTOMER),
        lifecycle.STATUS_TOPIC,
        orjson.dumps(payload).decode(),
        list(cart_line_ids),
        [sku_id for sku_id, _ in central],
        [quantity for _, quantity in central],
        str(StockChangeReason.ORDER_PLACED),
        [sku_id for sku_id, _ in shelf],
        [quantity for _, quantity in shelf],
        unpaid_cap,
    ]
    assert len(values) == _VALUES
    sql = _statement("", "")
    if part is not None:
        sql = _statement(part.ctes, part.columns)
        values += part.values
    [row] = await conn.execute_query_dict(sql, values)
    order.id = row["id"]
    event = placed_event(order, row["event_id"], payload, now=now)
    if part is not None:
        part.on_row(order, row)
    shortages = _shortages(central, row["sku_taken"], row["sku_ids"], row["sku_stock"])
    shortages += _shortages(shelf, row["shelf_taken"], row["shelf_ids"], row["shelf_stock"])
    return Placed(
        order=order,
        event=event,
        other_unpaid=row["other_unpaid"],
        shortages=shortages,
        cart_lines_emptied=row["emptied"],
    )


_NULL_COLUMNS = (
    "auto_complete_at",
    "close_next_attempt_at",
    "paid_at",
    "shipped_at",
    "ready_at",
    "delivered_at",
    "completed_at",
    "cancelled_at",
    "closed_at",
    "refunded_at",
)


def _order_row(columns: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """The order's row as the database will hold it (what a SELECT would return); its id
    is set once the statement returns it."""
    zero = Decimal("0.00")
    row = {
        **columns,
        "id": None,
        "status": OrderStatus.PENDING_PAYMENT,
        "paid_amount": zero,
        "refund_committed": zero,
        "refunded_amount": zero,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }
    for name in _NULL_COLUMNS:
        row[name] = None
    return row
