"""Group commit for ordinary orders on PostgreSQL.

Placed one by one, an order is its own transaction: BEGIN, the statement that locks the
shopper and reads the checkout's rows, the statement that writes the order, COMMIT (an
fsync). On a small machine the database spent as much CPU per order on being asked (parse,
executor start-up, the commit) as on the rows. Here a process collects the EXPRESS orders
that arrive within a few milliseconds (at most `max_batch`, one per shopper) and places them
all in ONE transaction of two statements, whatever the batch's size:

1. `checkout.prefetch_batch`: every shopper locked in id order, then every SKU the batch
   wants, in id order (the lock order of every placement, so nothing deadlocks), and each
   request's lines, address, the order its key already made and its shopper's unpaid orders;
2. `_WRITE`: the accepted orders, their lines, OrderEvents and OutboxEvents, the cart lines
   they empty, the stock they take (one UPDATE per SKU) with a ledger row per line.

Between the two, each request is priced in arrival order against the locked stock less what
the batch-mates before it took, so every decision is the one the single path would have
made in that order: an order gets all its lines or nothing, and a refused request gets its
own errors (every short line at its field; the unpaid-order cap; anything the preview
refuses). A request whose key already made an order gets that order back (or
IDEMPOTENCY_MISMATCH): two requests of one shopper never share a batch, so the second sees
the first's order.

What the batch does not write is placed on its own (`service.place_one`) once the batch has
committed: a checkout with campaign adjustments (campaigns claim their benefits per order),
one with nothing to pay (paid at once). And anything that would make the batch's rows wrong
rolls the whole batch back and places each of its requests on its own, which decides each
exactly: a duplicate key racing in from another process (unique violation), a cart line or
an unpaid order the first statement could not see yet (it read its snapshot before the
shopper locks were granted; `_WRITE` recounts and reports what it emptied), the database
going away.

The request only waits for its order: if it is cancelled (the client went away), the batch
still commits or rolls back as a whole, by the writer's own task.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from tortoise.transactions import in_transaction

from models import (
    ActorRole,
    DeliveryMethod,
    Order,
    OrderEventKind,
    OrderStatus,
    OutboxEvent,
    StockChangeReason,
)
from resolvers.catalog.stock import Shortage
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.group_commit import GroupCommitWriter, Queued
from resolvers.core.state import AppState
from resolvers.orders import checkout as checkout_rules
from resolvers.orders import lifecycle, placing

logger = logging.getLogger(__name__)

MAX_BATCH = 64
WINDOW_SECONDS = 0.002
# Batches in flight at once per process: one is being written while the next gathers.
CONCURRENCY = 2


@dataclass(frozen=True, slots=True)
class Existing:
    """The request's idempotency key already made this order (the caller replays it)."""

    order_id: int


class _StaleBatch(Exception):
    """`_WRITE` found what the first statement could not see: roll back, place singly."""


# One row per accepted order (n = its place among them). Arrays carry the orders and their
# lines; every value is bound. Every order was decided in Python against locked rows, so
# nothing here is conditional; `taken`, `emptied` and `other_unpaid` let the caller check
# that before it commits.
_WRITE = """
WITH r AS (
    SELECT * FROM unnest(
        $1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
        $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::float8[],
        $13::float8[], $14::numeric[], $15::numeric[], $16::numeric[], $17::numeric[],
        $18::text[], $19::text[], $20::timestamptz[], $21::timestamptz[], $22::text[]
    ) WITH ORDINALITY AS r(
        number, user_id, idempotency_key, request_hash, recipient_name,
        recipient_phone_encrypted, recipient_phone_index, province, city, district,
        address_detail_encrypted, latitude, longitude, subtotal, discount_total, shipping_fee,
        total, adjustments, buyer_note, payment_deadline, created_at, payload, n)
), placed AS (
    INSERT INTO "order" ({order_columns})
    SELECT r.number, r.user_id, $23, $24, NULL, r.idempotency_key, r.request_hash,
        r.recipient_name, r.recipient_phone_encrypted, r.recipient_phone_index, r.province,
        r.city, r.district, r.address_detail_encrypted, r.latitude, r.longitude, $25,
        r.subtotal, r.discount_total, r.shipping_fee, r.total, 0, 0, 0, r.adjustments::jsonb,
        r.buyer_note, NULL, NULL, r.payment_deadline, 1, r.created_at, r.created_at
    FROM r ORDER BY r.n
    RETURNING id, user_id
), done AS (
    -- one order per shopper per batch
    SELECT r.n, r.user_id, r.created_at, r.payload, placed.id AS order_id
    FROM r JOIN placed ON placed.user_id = r.user_id
), lines AS (
    INSERT INTO order_line (
        order_id, sku_id, product_id, title, spec_text, image_url, unit_price, quantity,
        line_total, discount_share, refunded_quantity, returned_quantity)
    SELECT done.order_id, l.sku_id, l.product_id, l.title, l.spec_text, l.image_url,
        l.unit_price, l.quantity, l.line_total, l.discount_share, 0, 0
    FROM unnest($26::bigint[], $27::bigint[], $28::bigint[], $29::text[], $30::text[],
        $31::text[], $32::numeric[], $33::int[], $34::numeric[], $35::numeric[])
        WITH ORDINALITY AS l(n, sku_id, product_id, title, spec_text, image_url, unit_price,
            quantity, line_total, discount_share, k)
    JOIN done ON done.n = l.n
    ORDER BY l.k
), happened AS (
    INSERT INTO order_event (
        order_id, kind, from_status, to_status, actor_id, actor_role, note, version, created_at)
    SELECT done.order_id, $36, NULL, $23, done.user_id, $37, '', 1, done.created_at
    FROM done ORDER BY done.n
), announced AS (
    INSERT INTO outbox_event (
        topic, aggregate_type, aggregate_id, version, payload, created_at, published_at)
    SELECT $38, 'order', done.order_id, 1,
        jsonb_build_object('orderId', done.order_id) || done.payload::jsonb, done.created_at,
        NULL
    FROM done ORDER BY done.n
    RETURNING id, aggregate_id
), emptied AS (
    DELETE FROM cart_line c
    USING unnest($39::bigint[], $40::bigint[]) AS e(user_id, id)
    WHERE c.user_id = e.user_id AND c.id = e.id
    RETURNING c.id
), taken AS (
    UPDATE sku SET stock = sku.stock - t.quantity, updated_at = CURRENT_TIMESTAMP
    FROM unnest($41::bigint[], $42::int[]) AS t(sku_id, quantity)
    WHERE sku.id = t.sku_id AND sku.stock >= t.quantity
    RETURNING sku.id
), ledger AS (
    INSERT INTO stock_ledger (
        sku_id, delta, balance_after, reason, note, reference, actor_id, created_at)
    SELECT g.sku_id, -g.quantity, g.balance_after, $43, '', g.reference, g.actor_id,
        g.created_at
    FROM unnest($44::bigint[], $45::int[], $46::int[], $47::text[], $48::bigint[],
        $49::timestamptz[]) WITH ORDINALITY
        AS g(sku_id, quantity, balance_after, reference, actor_id, created_at, k)
    ORDER BY g.k
)
SELECT done.n, done.order_id, announced.id AS event_id,
    (SELECT count(*) FROM (
        SELECT 1 FROM "order" o WHERE o.user_id = done.user_id AND o.status || '' = $23 LIMIT $50
    ) AS unpaid) AS other_unpaid,
    (SELECT count(*) FROM emptied) AS emptied,
    (SELECT count(*) FROM taken) AS taken
FROM done JOIN announced ON announced.aggregate_id = done.order_id
ORDER BY done.n
"""


@functools.cache
def _write_sql() -> str:
    return _WRITE.format(order_columns=placing.ORDER_COLUMNS)


@dataclass(slots=True)
class _Accepted:
    """An order the batch writes: its columns, lines, stock and what it answers with."""

    job: _Job
    order: Order
    payload: dict[str, Any]
    columns: dict[str, Any]
    lines: list[dict[str, Any]]
    cart_line_ids: list[int]
    # (SKU id, quantity, balance after) per merged SKU, in id order.
    takes: list[tuple[int, int, int]]


# One request: how to price it (service.Pricing; not imported, service imports this
# module's users) and where its outcome goes.
_Job = Queued[Any, "Order | Existing"]


def batchable(request: checkout_rules.CheckoutRequest) -> bool:
    """What the batch places: EXPRESS, from the central stock. (A store's shelf, a courier's
    reach: their own path.)"""
    return request.delivery_method == DeliveryMethod.EXPRESS


def _fits(checkout: checkout_rules.Checkout) -> bool:
    """What `_WRITE` writes: no campaign adjustment (campaigns claim benefits per order),
    something to pay (a free order is paid at once), no store."""
    quote = checkout.quote
    return not quote.adjustments and quote.total > 0 and checkout.store is None


def _take(
    checkout: checkout_rules.Checkout, balance: dict[int, int]
) -> tuple[list[tuple[int, int, int]], list[Shortage]]:
    """The stock `checkout` takes, against `balance` (the locked stock less what the batch
    took so far): (SKU id, quantity, balance after) per SKU in id order, and every Shortage
    (the order takes nothing if there is one)."""
    wanted: dict[int, int] = {}
    for line in checkout.quote.lines:
        wanted[line.sku_id] = wanted.get(line.sku_id, 0) + line.quantity
    takes, short = [], []
    for sku_id, quantity in sorted(wanted.items()):
        have = balance.get(sku_id, 0)
        if have < quantity:
            short.append(Shortage(sku_id, quantity, have))
        else:
            takes.append((sku_id, quantity, have - quantity))
    return takes, short


class OrderWriter(GroupCommitWriter[Any, "Order | Existing"]):
    """One per process (AppState.order_writer): batches ordinary EXPRESS placements, see
    the module doc. `single(priced)` places one request on its own (service.place_one)."""

    kind = "order batch"

    def __init__(
        self,
        state: AppState,
        *,
        single: Callable[[Any], Awaitable[Order]],
        max_batch: int = MAX_BATCH,
        window_seconds: float = WINDOW_SECONDS,
        concurrency: int = CONCURRENCY,
    ) -> None:
        super().__init__(
            max_batch=max_batch, window_seconds=window_seconds, concurrency=concurrency
        )
        self._state = state
        self._single = single
        # Batches rolled back and placed one by one (read by tests and benches).
        self.rolled_back = 0

    async def submit(self, priced: Any) -> Order | Existing:
        """Place `priced` (service.Pricing) in the next batch: its order, Existing (its key's
        order), or its DomainError(s)."""
        return await self._enqueue(priced)

    def _shopper(self, item: Any) -> int:
        return item.user_id

    async def _write_batch(self, batch: list[_Job]) -> None:
        outcomes: list[tuple[_Job, Order | Existing | BaseException]] = []
        singles: list[_Job] = []
        events: list[OutboxEvent] = []
        try:
            outcomes, singles, events = await self._write(batch)
        except Exception:
            # Rolled back: nothing of the batch was kept. Each request on its own now, so
            # only the one that cannot be placed is refused.
            self.rolled_back += 1
            logger.warning(
                "an order batch of %d was rolled back; placing them one by one",
                len(batch),
                exc_info=True,
            )
            outcomes, singles, events = [], list(batch), []
        if events:
            await self._state.events.publish(events)
        for job, outcome in outcomes:
            _settle(job.future, outcome)
        if singles:
            results = await asyncio.gather(
                *(self._single(job.item) for job in singles), return_exceptions=True
            )
            for job, result in zip(singles, results, strict=True):
                _settle(job.future, result)

    async def _write(
        self, batch: list[_Job]
    ) -> tuple[list[tuple[_Job, Order | Existing | BaseException]], list[_Job], list[OutboxEvent]]:
        state = self._state
        cap = state.settings.order_max_unpaid_per_user
        unpaid = str(OrderStatus.PENDING_PAYMENT)
        outcomes: list[tuple[_Job, Order | Existing | BaseException]] = []
        singles: list[_Job] = []
        accepted: list[_Accepted] = []
        async with in_transaction() as conn:
            read, locked = await checkout_rules.prefetch_batch(
                conn,
                [(job.item.user_id, job.item.key, job.item.request) for job in batch],
                unpaid_status=unpaid,
                unpaid_cap=cap,
            )
            self.statements += 1
            balance = dict(locked)
            for job, found in zip(batch, read, strict=True):
                if found.existing_order_id is not None:
                    outcomes.append((job, Existing(found.existing_order_id)))
                    continue
                # Priced against what is left for it: the checkout's own stock check then
                # names every line the batch-mates before it left short.
                prefetched = dataclasses.replace(
                    found.prefetched,
                    lines=[
                        (line_id, quantity, dataclasses.replace(sku, stock=balance[sku.id]))
                        for line_id, quantity, sku in found.prefetched.lines
                    ],
                )
                try:
                    checkout = await job.item.priced(prefetched)
                except (DomainError, DomainErrors) as exc:
                    outcomes.append((job, exc))
                    continue
                if not _fits(checkout):
                    singles.append(job)
                    continue
                if found.other_unpaid >= cap:
                    outcomes.append((job, _too_many_unpaid(cap)))
                    continue
                # The checkout checked the same balances; this guards what is written.
                takes, short = _take(checkout, balance)
                if short:
                    outcomes.append((job, _shortage_errors(checkout, short)))
                    continue
                for sku_id, _, after in takes:
                    balance[sku_id] = after
                columns = job.item.columns(checkout)
                order, payload = placing.new_order(columns, now=job.item.now)
                accepted.append(
                    _Accepted(
                        job=job,
                        order=order,
                        payload=payload,
                        columns=columns,
                        lines=job.item.line_columns(checkout),
                        cart_line_ids=checkout.cart_line_ids,
                        takes=takes,
                    )
                )
            events: list[OutboxEvent] = []
            if accepted:
                rows = await conn.execute_query_dict(_write_sql(), _values(accepted, cap=cap))
                self.statements += 1
                _check(rows, accepted, cap=cap)
                for plan, row in zip(accepted, rows, strict=True):
                    plan.order.id = row["order_id"]
                    events.append(
                        placing.placed_event(
                            plan.order, row["event_id"], plan.payload, now=plan.job.item.now
                        )
                    )
                    outcomes.append((plan.job, plan.order))
            self.batches += 1
        return outcomes, singles, events


def _settle(future: asyncio.Future, outcome: object) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _check(rows: list[dict[str, Any]], accepted: list[_Accepted], *, cap: int) -> None:
    """Raise _StaleBatch (roll back) unless `_WRITE` did exactly what was decided."""
    if len(rows) != len(accepted):
        raise _StaleBatch("orders written")
    skus = {sku_id for plan in accepted for sku_id, _, _ in plan.takes}
    if rows[0]["taken"] != len(skus):
        raise _StaleBatch("stock taken")
    if rows[0]["emptied"] != sum(len(plan.cart_line_ids) for plan in accepted):
        # A cart line another placement of the shopper emptied after the first statement's
        # snapshot: that order would sell it twice.
        raise _StaleBatch("cart lines emptied")
    if any(row["other_unpaid"] >= cap for row in rows):
        # An unpaid order committed after the first statement's snapshot.
        raise _StaleBatch("unpaid orders")


def _values(accepted: list[_Accepted], *, cap: int) -> list[Any]:
    def column(name: str) -> list[Any]:
        return [plan.columns[name] for plan in accepted]

    lines = [(n, line) for n, plan in enumerate(accepted, start=1) for line in plan.lines]

    def line(name: str) -> list[Any]:
        return [values[name] for _, values in lines]

    totals: dict[int, int] = {}
    for plan in accepted:
        for sku_id, quantity, _ in plan.takes:
            totals[sku_id] = totals.get(sku_id, 0) + quantity
    ledger = [(plan, take) for plan in accepted for take in plan.takes]
    return [
        column("number"),
        column("user_id"),
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
        [orjson.dumps(plan.columns["adjustments"]).decode() for plan in accepted],
        column("buyer_note"),
        column("payment_deadline"),
        [plan.job.item.now for plan in accepted],
        [orjson.dumps(plan.payload).decode() for plan in accepted],
        str(OrderStatus.PENDING_PAYMENT),
        str(DeliveryMethod.EXPRESS),
        accepted[0].columns["currency"],
        [n for n, _ in lines],
        line("sku_id"),
        line("product_id"),
        line("title"),
        line("spec_text"),
        line("image_url"),
        line("unit_price"),
        line("quantity"),
        line("line_total"),
        line("discount_share"),
        str(OrderEventKind.STATUS_CHANGED),
        str(ActorRole.CUSTOMER),
        lifecycle.STATUS_TOPIC,
        [plan.order.user_id for plan in accepted for _ in plan.cart_line_ids],
        [line_id for plan in accepted for line_id in plan.cart_line_ids],
        sorted(totals),
        [totals[sku_id] for sku_id in sorted(totals)],
        str(StockChangeReason.ORDER_PLACED),
        [sku_id for _, (sku_id, _, _) in ledger],
        [quantity for _, (_, quantity, _) in ledger],
        [after for _, (_, _, after) in ledger],
        [plan.columns["number"] for plan, _ in ledger],
        [plan.order.user_id for plan, _ in ledger],
        [plan.job.item.now for plan, _ in ledger],
        cap,
    ]


def _too_many_unpaid(cap: int) -> DomainError:
    from resolvers.orders import service

    return service.too_many_unpaid(cap)


def _shortage_errors(checkout: checkout_rules.Checkout, shortages: list[Shortage]) -> DomainErrors:
    from resolvers.orders import service

    return service.shortage_errors(checkout, shortages)
