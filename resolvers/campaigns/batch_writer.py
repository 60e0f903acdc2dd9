"""Group commit for granted flash sale purchases on PostgreSQL.

A purchase the Redis gate granted used to be its own transaction (BEGIN, the prefetch that
locks the shopper, the order's statement, COMMIT): four round trips per purchase, and on a
small machine the storm's throughput was those round trips. Here a process collects the
grants that arrive within a few milliseconds (at most `max_batch`) and writes them all in
ONE transaction of two statements, whatever the batch's size:

1. `checkout.prefetch_many`: every shopper of the batch locked in id order (the lock every
   placement takes first, so two batches, or a batch and an ordinary checkout, never
   deadlock), and each purchase's SKU, address and store read;
2. `_WRITE`: for each purchase, the checks the single path's statement makes (the sale
   still PUBLISHED at the grant's epoch, the shopper's count within the sale's limit, the
   shopper's unpaid orders under the cap) and, for those that pass, the order, its line,
   OrderEvent and OutboxEvent, the reservation and its units; one row back per purchase.

Failures stay per purchase. A checkout that cannot be priced (no address, a store that
closed, ...) or a row the statement skipped (sale changed, limit, unpaid cap) is refused on
its own while its batch-mates commit; anything that fails the whole statement (a unit
someone already holds is a unique violation, an order number that collides, the database
going away) rolls the batch back and every purchase of it is retried on its own through the
single path (`single`, purchase.py), which refuses exactly the ones that would have failed.
A refused grant goes back to Redis (`gate.release`) only once the transaction that refused
it has ended: it can never be both recorded and released.

Unpaid-order cap: a flash order counts towards the shopper's unpaid orders and is refused
at the cap, as on the single path. A shopper has at most one purchase per batch (the next
waits for the next batch), so each purchase's count, read by `_WRITE` after `prefetch_many`
took the shopper's lock, sees every order committed before it; the buyer upsert would also
refuse to touch one row twice in a statement.

The request only waits for its purchase: if it is cancelled (the client went away), the
purchase still commits or is released, by the writer's own task.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
from tortoise.transactions import in_transaction

from models import ActorRole, Order, OrderEventKind, OrderStatus, OutboxEvent
from resolvers.campaigns.common import FLASH_SALE_CODE
from resolvers.campaigns.gate import Verdict, from_ms
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.group_commit import GroupCommitWriter, Queued
from resolvers.core.state import AppState
from resolvers.orders import checkout as checkout_rules
from resolvers.orders import lifecycle, placing, pricing
from resolvers.orders import service as orders
from resolvers.orders.checkout import Checkout, CheckoutRequest

logger = logging.getLogger(__name__)

MAX_BATCH = 64
WINDOW_SECONDS = 0.002
# Batches in flight at once per process: one is being written while the next gathers.
CONCURRENCY = 2


@dataclass(frozen=True, slots=True)
class Grant:
    """A purchase the gate granted, validated and priced the way the single path would."""

    sale_id: int
    user_id: int
    token: str
    verdict: Verdict
    sku_id: int
    request: CheckoutRequest
    hold: pricing.CampaignHold  # prices, held stock, deadline (no on_placed / statement)

    @property
    def quantity(self) -> int:
        return len(self.verdict.units)


@dataclass(frozen=True, slots=True)
class Recorded:
    """A grant recorded with its order."""

    order: Order
    reservation_id: int
    reservation_created_at: datetime
    unit_price: Decimal


class NotRecorded(Exception):
    """The grant was not recorded, and its transaction has ended: it was given back to
    Redis (or the reconciler will). `reason`: "sale", "limit", "unit" or "order"
    (`order_error` then says why)."""

    def __init__(self, reason: str, order_error: DomainError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.order_error = order_error


# One row per purchase (n = its place in the batch). Arrays carry the purchases; every
# value is bound. The buyer upsert, the order insert and what hangs off it run only for the
# purchases that passed the checks before them; the data-modifying CTEs always run to
# completion. A unit held twice is a unique violation, which undoes the whole batch.
#
# The shopper's unpaid orders are counted with the status inside an expression, so no plan
# can answer it from an index led by `status`: a storm starts on an order table whose
# statistics say it is (nearly) empty, the generic plan chosen then tied (status, ...) with
# (user_id, status) and kept the status one for good, and every purchase then walked all
# of the storm's unpaid orders (its cost grew with each order placed). Led by user_id, the
# count reads this shopper's few orders whatever the statistics say.
_WRITE = """
WITH r AS (
    SELECT * FROM unnest(
        $1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[],
        $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
        $13::text[], $14::float8[], $15::float8[], $16::numeric[], $17::numeric[],
        $18::numeric[], $19::numeric[], $20::text[], $21::text[], $22::int[],
        $23::timestamptz[], $24::timestamptz[], $25::bigint[], $26::bigint[], $27::text[],
        $28::text[], $29::text[], $30::numeric[], $31::int[], $32::numeric[],
        $33::numeric[], $34::text[], $35::bigint[], $36::int[], $37::timestamptz[]
    ) WITH ORDINALITY AS r(
        number, user_id, delivery_method, store_id, idempotency_key, request_hash,
        recipient_name, recipient_phone_encrypted, recipient_phone_index, province, city,
        district, address_detail_encrypted, latitude, longitude, subtotal, discount_total,
        shipping_fee, total, adjustments, buyer_note, courier_distance_m, courier_eta,
        payment_deadline, sku_id, product_id, title, spec_text, image_url, unit_price,
        quantity, line_total, discount_share, payload, sale_id, epoch, expires_at, n)
), sale AS (
    SELECT id, price, per_user_limit, redis_epoch FROM flash_sale
    WHERE id = ANY($35::bigint[]) AND status = 'PUBLISHED' AND settled_at IS NULL
    ORDER BY id
    FOR KEY SHARE
), checked AS (
    SELECT r.n,
        EXISTS (SELECT 1 FROM sale WHERE sale.id = r.sale_id AND sale.redis_epoch = r.epoch)
            AS sale_ok,
        (SELECT count(*) FROM (
            SELECT 1 FROM "order" o
            WHERE o.user_id = r.user_id AND o.status || '' = $40 LIMIT $45
        ) AS unpaid) AS other_unpaid
    FROM r
), buyer AS (
    INSERT INTO flash_sale_buyer AS b (sale_id, user_id, held)
    SELECT r.sale_id, r.user_id, r.quantity
    FROM r JOIN checked c ON c.n = r.n JOIN sale ON sale.id = r.sale_id
    WHERE c.sale_ok AND c.other_unpaid < $45 AND r.quantity <= sale.per_user_limit
    ORDER BY r.sale_id, r.user_id
    ON CONFLICT (sale_id, user_id) DO UPDATE SET held = b.held + excluded.held
    WHERE b.held + excluded.held
        <= (SELECT per_user_limit FROM sale WHERE sale.id = b.sale_id)
    RETURNING sale_id, user_id
), ok AS (
    SELECT r.*, sale.price AS sale_price
    FROM r
    JOIN buyer ON buyer.sale_id = r.sale_id AND buyer.user_id = r.user_id
    JOIN sale ON sale.id = r.sale_id
), placed AS (
    INSERT INTO "order" ({order_columns})
    SELECT ok.number, ok.user_id, $40, ok.delivery_method, ok.store_id, ok.idempotency_key,
        ok.request_hash, ok.recipient_name, ok.recipient_phone_encrypted,
        ok.recipient_phone_index, ok.province, ok.city, ok.district,
        ok.address_detail_encrypted, ok.latitude, ok.longitude, $46, ok.subtotal,
        ok.discount_total, ok.shipping_fee, ok.total, 0, 0, 0, ok.adjustments::jsonb,
        ok.buyer_note, ok.courier_distance_m, ok.courier_eta, ok.payment_deadline, 1, $41, $41
    FROM ok ORDER BY ok.n
    RETURNING id, user_id, idempotency_key
), done AS (
    SELECT ok.*, placed.id AS order_id
    FROM ok JOIN placed
        ON placed.user_id = ok.user_id AND placed.idempotency_key = ok.idempotency_key
), lines AS (
    INSERT INTO order_line (
        order_id, sku_id, product_id, title, spec_text, image_url, unit_price, quantity,
        line_total, discount_share, refunded_quantity, returned_quantity)
    SELECT done.order_id, done.sku_id, done.product_id, done.title, done.spec_text,
        done.image_url, done.unit_price, done.quantity, done.line_total, done.discount_share,
        0, 0
    FROM done ORDER BY done.n
), happened AS (
    INSERT INTO order_event (
        order_id, kind, from_status, to_status, actor_id, actor_role, note, version, created_at)
    SELECT done.order_id, $42, NULL, $40, done.user_id, $43, '', 1, $41
    FROM done ORDER BY done.n
), announced AS (
    INSERT INTO outbox_event (
        topic, aggregate_type, aggregate_id, version, payload, created_at, published_at)
    SELECT $44, 'order', done.order_id, 1,
        jsonb_build_object('orderId', done.order_id) || done.payload::jsonb, $41, NULL
    FROM done ORDER BY done.n
    RETURNING id, aggregate_id
), reservation AS (
    INSERT INTO flash_sale_reservation
        (token, sale_id, user_id, quantity, unit_price, status, expires_at, redis_epoch,
         order_id, created_at)
    SELECT done.idempotency_key, done.sale_id, done.user_id, done.quantity, done.sale_price,
        'RESERVED', done.expires_at, done.epoch, done.order_id, now()
    FROM done ORDER BY done.n
    RETURNING id, token, created_at, unit_price
), units AS (
    INSERT INTO flash_sale_unit (sale_id, unit_no, reservation_id)
    SELECT done.sale_id, u.unit_no, reservation.id
    FROM unnest($38::int[], $39::int[]) AS u(n, unit_no)
    JOIN done ON done.n = u.n
    JOIN reservation ON reservation.token = done.idempotency_key
)
SELECT c.n, c.sale_ok, c.other_unpaid, done.order_id, announced.id AS event_id,
    reservation.id AS reservation_id, reservation.created_at AS reservation_created_at,
    reservation.unit_price AS reservation_unit_price
FROM checked c
LEFT JOIN done ON done.n = c.n
LEFT JOIN announced ON announced.aggregate_id = done.order_id
LEFT JOIN reservation ON reservation.token = done.idempotency_key
ORDER BY c.n
"""


@functools.cache
def _write_sql() -> str:
    return _WRITE.format(order_columns=placing.ORDER_COLUMNS)


@dataclass(slots=True)
class _Plan:
    grant: Grant
    order: Order
    payload: dict[str, Any]
    columns: dict[str, Any]
    line: dict[str, Any]


def _fits(grant: Grant, checkout: Checkout) -> bool:
    """What `_WRITE` writes: one line, all of it the sale's held units, nothing from the
    cart, something to pay (a free order is paid at once, on the single path)."""
    lines = checkout.quote.lines
    return (
        len(lines) == 1
        and lines[0].sku_id == grant.sku_id
        and lines[0].quantity == grant.quantity
        and not checkout.cart_line_ids
        and checkout.quote.total > 0
        # reserve_benefits would have nothing to do: only the flash price applies.
        and all(a.code == FLASH_SALE_CODE for a in checkout.quote.adjustments)
    )


def _values(plans: list[_Plan], *, now: datetime, cap: int) -> list[Any]:
    def column(name: str) -> list[Any]:
        return [p.columns[name] for p in plans]

    def line(name: str) -> list[Any]:
        return [p.line[name] for p in plans]

    unit_n: list[int] = []
    unit_no: list[int] = []
    for n, plan in enumerate(plans, start=1):
        for unit in plan.grant.verdict.units:
            unit_n.append(n)
            unit_no.append(unit)
    return [
        column("number"),
        column("user_id"),
        [str(p.order.delivery_method) for p in plans],
        column("store_id"),
        column("idempotency_key"),
        column("request_hash"),
        column("recipient_name"),
        column("recipient_phone_encrypted"),
        column("recipient_phone_index"),
        column("province"),
        column("city"),
        column("district"),
        column("address_detail_encrypted"),
        column("latitude"),
        column("longitude"),
        column("subtotal"),
        column("discount_total"),
        column("shipping_fee"),
        column("total"),
        [orjson.dumps(p.columns["adjustments"]).decode() for p in plans],
        column("buyer_note"),
        column("courier_distance_m"),
        column("courier_eta"),
        column("payment_deadline"),
        line("sku_id"),
        line("product_id"),
        line("title"),
        line("spec_text"),
        line("image_url"),
        line("unit_price"),
        line("quantity"),
        line("line_total"),
        line("discount_share"),
        [orjson.dumps(p.payload).decode() for p in plans],
        [p.grant.sale_id for p in plans],
        [p.grant.verdict.epoch for p in plans],
        [from_ms(p.grant.verdict.expires_ms) for p in plans],
        unit_n,
        unit_no,
        str(OrderStatus.PENDING_PAYMENT),
        now,
        str(OrderEventKind.STATUS_CHANGED),
        str(ActorRole.CUSTOMER),
        lifecycle.STATUS_TOPIC,
        cap,
        orders.CURRENCY,
    ]


def _order_error(exc: DomainError | DomainErrors) -> DomainError:
    return exc.errors[0] if isinstance(exc, DomainErrors) else exc


class FlashOrderWriter(GroupCommitWriter[Grant, Recorded]):
    """One per process (AppState.flash_orders): batches granted purchases, see module doc.

    `single(state, grant)` records one grant through the single path, giving it back and raising
    NotRecorded if it cannot be recorded."""

    kind = "flash sale batch"

    def __init__(
        self,
        state: AppState,
        *,
        single: Callable[[AppState, Grant], Awaitable[Recorded]],
        max_batch: int = MAX_BATCH,
        window_seconds: float = WINDOW_SECONDS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        super().__init__(
            max_batch=max_batch, window_seconds=window_seconds, concurrency=concurrency
        )
        self._state = state
        self._single = single

    async def submit(self, grant: Grant) -> Recorded:
        """Record `grant` with its order, in the next batch; raises NotRecorded."""
        return await self._enqueue(grant)

    def _shopper(self, item: Grant) -> int:
        return item.user_id

    async def _write_batch(self, batch: list[Queued[Grant, Recorded]]) -> None:
        state = self._state
        now = datetime.now(UTC)
        cap = state.settings.order_max_unpaid_per_user
        recorded: list[tuple[asyncio.Future[Recorded], Recorded]] = []
        refused: list[tuple[Grant, asyncio.Future[Recorded], NotRecorded]] = []
        singles: list[tuple[Grant, asyncio.Future[Recorded]]] = []
        events: list[OutboxEvent] = []
        try:
            async with in_transaction() as conn:
                prefetched = await checkout_rules.prefetch_many(
                    conn, [(grant.user_id, grant.request) for grant, _ in batch]
                )
                plans: list[tuple[_Plan, asyncio.Future[Recorded]]] = []
                for (grant, future), rows in zip(batch, prefetched, strict=True):
                    placement = orders.placement(
                        state=state,
                        user_id=grant.user_id,
                        request=grant.request,
                        idempotency_key=grant.token,
                        now=now,
                        hold=grant.hold,
                    )
                    try:
                        checkout = await checkout_rules.build_checkout(
                            settings=state.settings,
                            user_id=grant.user_id,
                            request=grant.request,
                            now=now,
                            hold=grant.hold,
                            prefetched=rows,
                        )
                    except (DomainError, DomainErrors) as exc:
                        refused.append((grant, future, NotRecorded("order", _order_error(exc))))
                        continue
                    if not _fits(grant, checkout):
                        singles.append((grant, future))
                        continue
                    columns = placement.columns(checkout)
                    order, payload = placing.new_order(columns, now=now)
                    [line] = placement.line_columns(checkout)
                    plans.append((_Plan(grant, order, payload, columns, line), future))
                if plans:
                    rows = await conn.execute_query_dict(
                        _write_sql(), _values([p for p, _ in plans], now=now, cap=cap)
                    )
                    self.statements += 1
                    for (plan, future), row in zip(plans, rows, strict=True):
                        grant = plan.grant
                        if not row["sale_ok"]:
                            refused.append((grant, future, NotRecorded("sale")))
                        elif row["other_unpaid"] >= cap:
                            error = orders.too_many_unpaid(cap)
                            refused.append((grant, future, NotRecorded("order", error)))
                        elif row["order_id"] is None:
                            refused.append((grant, future, NotRecorded("limit")))
                        else:
                            plan.order.id = row["order_id"]
                            events.append(
                                placing.placed_event(
                                    plan.order, row["event_id"], plan.payload, now=now
                                )
                            )
                            recorded.append(
                                (
                                    future,
                                    Recorded(
                                        order=plan.order,
                                        reservation_id=row["reservation_id"],
                                        reservation_created_at=row["reservation_created_at"],
                                        unit_price=row["reservation_unit_price"],
                                    ),
                                )
                            )
                self.statements += 1  # prefetch_many
                self.batches += 1
        except Exception:
            # Rolled back: nothing of the batch was kept. Each purchase on its own now, so
            # only the one that cannot be recorded is refused.
            logger.warning(
                "a flash sale batch of %d was rolled back; writing them one by one",
                len(batch),
                exc_info=True,
            )
            recorded, refused, singles = [], [], list(batch)
            events = []
        if events:
            await state.events.publish(events)
        if refused:
            await asyncio.gather(
                *(give_back(state, grant, exc.reason) for grant, _, exc in refused)
            )
        outcomes: list[tuple[asyncio.Future[Recorded], Recorded | BaseException]] = [
            *recorded,
            *((future, exc) for _, future, exc in refused),
        ]
        if singles:
            results = await asyncio.gather(
                *(self._single(state, grant) for grant, _ in singles), return_exceptions=True
            )
            outcomes += [(future, r) for (_, future), r in zip(singles, results, strict=True)]
        # Answered only now: a refusal may rebuild the sale's Redis (purchase.py), which
        # would refuse batch-mates still being written one by one.
        for future, outcome in outcomes:
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


async def give_back(state: AppState, grant: Grant, reason: str) -> None:
    """A grant whose transaction rolled back or refused it: nothing will ever record it,
    so it goes back to Redis now."""
    await give_back_token(state, sale_id=grant.sale_id, token=grant.token, reason=reason)


async def give_back_token(state: AppState, *, sale_id: int, token: str, reason: str) -> None:
    logger.info("flash sale %s: a grant was not recorded (%s)", sale_id, reason)
    try:
        await state.flash_sales.release(sale_id=sale_id, token=token)
    except Exception:
        logger.exception("giving a refused grant back failed; the reconciler will")
