"""Placing orders and living with them: the customer's and the staff's order operations.

Placing (`create_order`) is idempotent per (shopper, idempotency key), Stripe's way: the
same key with the same request returns the order it made; the same key with a different
request is IDEMPOTENCY_MISMATCH. Concurrent duplicates meet at the unique constraint on
(user_id, idempotency_key): the transaction takes the shopper's row lock and then inserts
the order row, so every duplicate waits for the winner, fails with a unique violation once
the winner commits, rolls back everything it did, and answers with the winner's order.
The same lock makes the cap on a shopper's unpaid orders exact under concurrency.
Stock is taken last, so the hot SKU rows stay locked only for the end of the transaction.

No lookup of the key comes first: a new order (the common case) would pay for it, and a
retry is answered anyway, by the unique constraint or, when its cart lines are already
gone, by the look-up after a refused checkout.

On PostgreSQL an order is BEGIN, two statements, COMMIT: one locks the shopper and reads
what the checkout needs (checkout.prefetch), one writes everything (placing.py). An ordinary
EXPRESS order (the common case) shares that transaction with the others arriving within a
few milliseconds: resolvers/orders/batching.py places a batch of them with two statements
and one commit, each request still getting exactly its own order or errors. SQLite,
the embedded default, writes through the ORM statement by statement; a test checks both
leave the same rows.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    ActorRole,
    CartLine,
    DeliveryMethod,
    Order,
    OrderEventKind,
    OrderLine,
    OrderNote,
    OrderStatus,
    OutboxEvent,
    Payment,
    PaymentStatus,
    Shipment,
    StockChangeReason,
    Store,
    User,
)
from resolvers.addresses.service import AddressData, phone_index, validate_address
from resolvers.catalog import stock
from resolvers.core import sql
from resolvers.core.crypto import normalise_phone
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.pagination import Page, SortKey, paginate
from resolvers.core.state import AppState
from resolvers.orders import batching, delivery, lifecycle, placing, pricing, shelves
from resolvers.orders import checkout as checkout_rules
from resolvers.orders.checkout import Checkout, CheckoutRequest
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import Actor, OrderAction
from resolvers.orders.numbers import new_number
from resolvers.stores import stock as store_stock
from settings import Settings

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9_\-:.]{8,64}")
ORDER_KEYS = [SortKey("created_at", descending=True), SortKey("id", descending=True)]
MAX_NOTE_LENGTH = 500
MAX_CARRIER_LENGTH = 32
MAX_TRACKING_LENGTH = 64
# Statuses in which the goods have not left yet, so the address may still change.
ADDRESS_EDITABLE = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.PAID})


def customer(user_id: int) -> Actor:
    return Actor(ActorRole.CUSTOMER, user_id)


def staff(user_id: int) -> Actor:
    return Actor(ActorRole.STAFF, user_id)


# --- checkout and placing ---------------------------------------------------------------------


async def preview_checkout(*, state: AppState, user_id: int, request: CheckoutRequest) -> Checkout:
    return await checkout_rules.build_checkout(
        settings=state.settings, user_id=user_id, request=request
    )


def _check_key(key: str) -> str:
    if not IDEMPOTENCY_KEY.fullmatch(key):
        raise DomainError(
            OrderErrorCode.IDEMPOTENCY_KEY_INVALID,
            "8 to 64 letters, digits or _-:. (a UUID is ideal)",
            field=["idempotencyKey"],
        )
    return key


async def _by_key(user_id: int, key: str) -> Order | None:
    return await Order.get_or_none(user_id=user_id, idempotency_key=key)


def _replay(order: Order, fingerprint: str) -> Order:
    if order.request_hash != fingerprint:
        raise DomainError(
            OrderErrorCode.IDEMPOTENCY_MISMATCH,
            "This idempotency key was used for a different order request",
            field=["idempotencyKey"],
        )
    return order


def _fingerprint(request: CheckoutRequest, expected_total: Decimal | None) -> str:
    expected = "" if expected_total is None else str(pricing.money(expected_total))
    return hashlib.sha256(f"{request.fingerprint()}|{expected}".encode()).hexdigest()


async def create_order(
    *,
    state: AppState,
    user_id: int,
    request: CheckoutRequest,
    idempotency_key: str,
    expected_total: Decimal | None = None,
    hold: pricing.CampaignHold | None = None,
) -> Order:
    """Cart (or buy-now items) -> an order awaiting payment, stock taken. See module doc.

    `hold`: a campaign placing the order itself (a flash sale purchase): its prices, the
    stock it already holds, its payment deadline, and its own writes in the same
    transaction (pricing.CampaignHold)."""
    key = _check_key(idempotency_key)
    fingerprint = _fingerprint(request, expected_total)
    now = datetime.now(UTC)
    priced = Pricing(
        state=state,
        user_id=user_id,
        request=request,
        key=key,
        fingerprint=fingerprint,
        expected_total=expected_total,
        now=now,
        hold=hold,
    )
    writer = state.order_writer
    if writer is not None and hold is None and batching.batchable(request) and sql.is_postgres():
        try:
            outcome = await writer.submit(priced)
        except (DomainError, DomainErrors):
            # As on the single path: a retry whose cart its first request already emptied
            # is answered with that request's order, not with what its checkout lacks.
            existing = await _by_key(user_id, key)
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        if isinstance(outcome, batching.Existing):
            return _replay(await Order.get(id=outcome.order_id), fingerprint)
        return outcome
    return await place_one(priced)


# A placement's read of the cart predates the shopper's lock when it had to wait for it
# (one statement, one snapshot): another placement of the shopper may have emptied the
# lines meanwhile. Its write then deletes fewer lines than it read; it rolls back and
# starts again, and reads them gone.
_CART_ATTEMPTS = 3


class _CartChanged(Exception):
    pass


async def place_one(priced: Pricing) -> Order:
    """One placement in its own transaction (see module doc); also what the batch writer
    falls back to (resolvers/orders/batching.py)."""
    for _ in range(_CART_ATTEMPTS - 1):
        try:
            return await _place_one(priced)
        except _CartChanged:
            continue
    try:
        return await _place_one(priced)
    except _CartChanged:
        raise DomainError(
            OrderErrorCode.INVALID,
            "The cart changed while the order was placed; review it and try again",
            field=["lineIds"],
        ) from None


async def _place_one(priced: Pricing) -> Order:
    state, user_id, request, hold = priced.state, priced.user_id, priced.request, priced.hold
    key, fingerprint, now = priced.key, priced.fingerprint, priced.now
    held = hold.held_stock if hold is not None else {}
    cap = state.settings.order_max_unpaid_per_user
    try:
        if sql.is_postgres():
            # One transaction from the first read: one statement locks the shopper and reads
            # what the checkout needs, one more writes the order (placing.py).
            async with in_transaction() as conn:
                prefetched = await checkout_rules.prefetch(conn, user_id=user_id, request=request)
                checkout = await priced.checkout(prefetched)
                if isinstance(checkout, Order):
                    return checkout
                part = hold.statement if hold is not None else None
                order, events = await _write_postgres(
                    conn,
                    checkout,
                    columns=priced.columns(checkout),
                    now=now,
                    held=held,
                    cap=cap,
                    part=part,
                )
                events += await _after_written(
                    order, checkout, hold, written_with_part=part is not None
                )
        else:
            checkout = await priced.checkout(None)
            if isinstance(checkout, Order):
                return checkout
            async with in_transaction():
                # Serialises the shopper's placements for the unpaid-order cap. First, like
                # the cart's and the address book's lock of the same row, so they cannot
                # deadlock.
                await User.filter(id=user_id).select_for_update(no_key=True).only("id").first()
                order, events = await _write_orm(
                    checkout, columns=priced.columns(checkout), held=held, cap=cap
                )
                events += await _after_written(order, checkout, hold)
    except IntegrityError:
        # A concurrent request with the same key won the unique constraint.
        existing = await _by_key(user_id, key)
        if existing is None:
            raise
        return _replay(existing, fingerprint)
    await state.events.publish(events)
    return order


@dataclass(frozen=True, slots=True)
class Pricing:
    """One placement's request, priced the same way on either path."""

    state: AppState
    user_id: int
    request: CheckoutRequest
    key: str
    fingerprint: str
    expected_total: Decimal | None
    now: datetime
    hold: pricing.CampaignHold | None

    async def checkout(self, prefetched: checkout_rules.Prefetched | None) -> Checkout | Order:
        """The priced checkout; or, when it cannot be placed, the order this key already
        made: a duplicate that arrives while the first request commits finds the cart
        already emptied by it, and the answer is that order, not "nothing to check out"."""
        try:
            return await self.priced(prefetched)
        except (DomainError, DomainErrors):
            existing = await _by_key(self.user_id, self.key)
            if existing is not None:
                return _replay(existing, self.fingerprint)
            raise

    async def priced(self, prefetched: checkout_rules.Prefetched | None) -> Checkout:
        """The priced checkout; raises DomainError(s) when it cannot be placed."""
        checkout = await checkout_rules.build_checkout(
            settings=self.state.settings,
            user_id=self.user_id,
            request=self.request,
            now=self.now,
            hold=self.hold,
            prefetched=prefetched,
        )
        quote = checkout.quote
        if not checkout_rules.totals_match(self.expected_total, quote):
            raise DomainError(
                OrderErrorCode.TOTAL_CHANGED,
                f"The total is now {pricing.money(quote.total)}; review the order again",
                field=["expectedTotal"],
            )
        return checkout

    def columns(self, checkout: Checkout) -> dict[str, object]:
        return _order_columns(
            checkout,
            state=self.state,
            user_id=self.user_id,
            key=self.key,
            fingerprint=self.fingerprint,
            now=self.now,
            hold=self.hold,
        )

    def line_columns(self, checkout: Checkout) -> list[dict[str, object]]:
        return _line_columns(checkout.quote)


def placement(
    *,
    state: AppState,
    user_id: int,
    request: CheckoutRequest,
    idempotency_key: str,
    now: datetime,
    hold: pricing.CampaignHold | None = None,
) -> Pricing:
    """One placement priced as `create_order` prices it, for a caller that writes orders
    its own way (the flash sale's batched writer, resolvers/campaigns/batch_writer.py)."""
    return Pricing(
        state=state,
        user_id=user_id,
        request=request,
        key=_check_key(idempotency_key),
        fingerprint=_fingerprint(request, None),
        expected_total=None,
        now=now,
        hold=hold,
    )


def too_many_unpaid(cap: int) -> DomainError:
    return _too_many_unpaid(cap)


async def _after_written(
    order: Order,
    checkout: Checkout,
    hold: pricing.CampaignHold | None,
    *,
    written_with_part: bool = False,
) -> list[OutboxEvent]:
    """In the order's transaction, once it is written: campaigns claim what they granted
    (unless the hold's StatementPart did, in the order's statement); a free order is paid
    at once."""
    quote = checkout.quote
    await pricing.reserve_benefits(order, quote.adjustments)
    if hold is not None and hold.on_placed is not None and not written_with_part:
        await hold.on_placed(order)
    if quote.total <= 0:
        return await _paid_at_once(order)
    return []


# The shop's one currency: the model's default, written explicitly by the one-statement path.
CURRENCY = Order._meta.fields_map["currency"].default
# Order columns a pickup order (no address) leaves empty.
_NO_ADDRESS: dict[str, object] = {
    "recipient_name": "",
    "recipient_phone_encrypted": "",
    "recipient_phone_index": "",
    "province": "",
    "city": "",
    "district": "",
    "address_detail_encrypted": "",
    "latitude": None,
    "longitude": None,
}


def _order_columns(
    checkout: Checkout,
    *,
    state: AppState,
    user_id: int,
    key: str,
    fingerprint: str,
    now: datetime,
    hold: pricing.CampaignHold | None,
) -> dict[str, object]:
    """The new order's columns, whichever way it is written."""
    request, quote = checkout.request, checkout.quote
    address = _NO_ADDRESS
    if checkout.address is not None:
        address = checkout_rules.address_snapshot(checkout.address, state.crypto)
    # Each of the quote's totals adds its lines up again: add them up once.
    subtotal, discount_total = quote.subtotal, quote.discount_total
    return {
        "number": new_number(now),
        "user_id": user_id,
        "delivery_method": request.delivery_method,
        "store_id": checkout.store.id if checkout.store else None,
        "idempotency_key": key,
        "request_hash": fingerprint,
        "currency": CURRENCY,
        "subtotal": subtotal,
        "discount_total": discount_total,
        "shipping_fee": quote.shipping_fee,
        "total": subtotal - discount_total + quote.shipping_fee,  # = quote.total
        "adjustments": [a.as_json() for a in quote.adjustments],
        "buyer_note": request.note.strip(),
        "courier_distance_m": checkout.courier_distance_m,
        "courier_eta": checkout.courier_eta,
        "payment_deadline": (
            hold.payment_deadline
            if hold is not None and hold.payment_deadline is not None
            else now + timedelta(seconds=state.settings.order_payment_timeout_seconds)
        ),
        **address,
    }


def _line_columns(quote: pricing.Quote) -> list[dict[str, object]]:
    """OrderLine columns (but order_id): the snapshots of title, spec, image and price."""
    return [
        {
            "sku_id": line.sku_id,
            "product_id": line.product_id,
            "title": line.title,
            "spec_text": line.spec_text[:255],
            "image_url": line.image_url[:512],
            "unit_price": line.unit_price,
            "quantity": line.quantity,
            "line_total": line.line_total,
            "discount_share": share,
        }
        for line, share in zip(quote.lines, quote.discount_shares(), strict=True)
    ]


async def _write_orm(
    checkout: Checkout,
    *,
    columns: dict[str, object],
    held: dict[int, int],
    cap: int,
) -> tuple[Order, list[OutboxEvent]]:
    """The order through the ORM (SQLite), statement by statement; the same rows as
    `_write_postgres`."""
    user_id = int(columns["user_id"])  # type: ignore[call-overload]
    order = await Order.create(**columns, status=OrderStatus.PENDING_PAYMENT)
    lines = _line_columns(checkout.quote)
    await OrderLine.bulk_create([OrderLine(order_id=order.id, **line) for line in lines])
    if checkout.cart_line_ids:
        await CartLine.filter(user_id=user_id, id__in=checkout.cart_line_ids).delete()
    events = [await lifecycle.record(order, actor=customer(user_id))]
    if order.total > 0:  # a free order is paid at once: it holds nothing unpaid
        await _within_unpaid_cap(user_id, cap)
    await _take_stock(order, checkout, held=held)
    return order, events


async def _write_postgres(
    conn: BaseDBAsyncClient,
    checkout: Checkout,
    *,
    columns: dict[str, object],
    now: datetime,
    held: dict[int, int],
    cap: int,
    part: pricing.StatementPart | None,
) -> tuple[Order, list[OutboxEvent]]:
    """The order in one statement (placing.py) with a campaign's `part` of it, if any; the
    same rules as `_write_orm`: the cap first, then the stock, and nothing kept if either
    refuses."""
    to_take = _not_held(_stock_pairs(checkout), held)
    from_store = _store_served(checkout)
    placed = await placing.place(
        conn,
        columns=columns,
        now=now,
        lines=_line_columns(checkout.quote),
        cart_line_ids=checkout.cart_line_ids,
        central=[] if from_store else stock.merged(to_take),
        shelf=stock.merged(to_take) if from_store else [],
        unpaid_cap=cap,
        part=part,
    )
    if placed.cart_lines_emptied != len(checkout.cart_line_ids):
        raise _CartChanged
    if placed.order.total > 0 and placed.other_unpaid >= cap:
        raise _too_many_unpaid(cap)
    if placed.shortages:
        raise _shortage_errors(checkout, placed.shortages)
    return placed.order, [placed.event]


async def _paid_at_once(order: Order) -> list:
    """Nothing to pay (free gifts, a discount covering everything): no provider takes a
    zero amount, so the order is paid now, in its own transaction, by the system."""
    change = await lifecycle.apply(
        order,
        OrderAction.PAY,
        actor=lifecycle.SYSTEM,
        updates={"paid_amount": pricing.ZERO},
        note="nothing to pay",
    )
    if change.changed:
        await pricing.confirm_benefits(order)  # as a provider's payment would
    return change.events


async def _within_unpaid_cap(user_id: int, cap: int) -> None:
    """Refuse an order beyond the shopper's cap of unpaid ones (they hold stock). Runs
    under the shopper's row lock taken when the transaction began, so each placement counts
    the ones committed before it; and after the order row is inserted, so a retried key
    still meets its order at the unique constraint first."""
    unpaid = await (
        Order.filter(user_id=user_id, status=OrderStatus.PENDING_PAYMENT)
        .limit(cap + 1)  # this order included; no need to count further
        .values_list("id", flat=True)
    )
    if len(unpaid) > cap:
        raise _too_many_unpaid(cap)


def _too_many_unpaid(cap: int) -> DomainError:
    return DomainError(
        OrderErrorCode.TOO_MANY_UNPAID_ORDERS,
        f"You have {cap} orders awaiting payment; pay or cancel one first",
    )


def _not_held(pairs: list[tuple[int, int]], held: dict[int, int]) -> list[stock.StockLine]:
    """(SKU id, quantity) pairs less what a campaign holds itself."""
    left = dict(held)
    lines = []
    for sku_id, quantity in pairs:
        kept = min(quantity, left.get(sku_id, 0))
        left[sku_id] = left.get(sku_id, 0) - kept
        if quantity - kept > 0:
            lines.append(stock.StockLine(sku_id, quantity - kept))
    return lines


def _stock_pairs(checkout: Checkout) -> list[tuple[int, int]]:
    return [(line.sku_id, line.quantity) for line in checkout.quote.lines]


def _store_served(checkout: Checkout) -> bool:
    return (
        checkout.request.delivery_method in checkout_rules.STORE_SERVED
        and checkout.store is not None
    )


async def _take_stock(order: Order, checkout: Checkout, *, held: dict[int, int]) -> None:
    to_take = _not_held(_stock_pairs(checkout), held)
    if not to_take:
        return
    try:
        if _store_served(checkout):
            await store_stock.take_store_stock(store_id=order.store_id, lines=to_take)
        else:
            await stock.take_stock(
                to_take,
                reason=StockChangeReason.ORDER_PLACED,
                reference=order.number,
                actor_id=order.user_id,
            )
    except stock.InsufficientStock as exc:
        raise _shortage_errors(checkout, exc.shortages) from exc


def shortage_errors(checkout: Checkout, shortages: list[stock.Shortage]) -> DomainErrors:
    return _shortage_errors(checkout, shortages)


def _shortage_errors(checkout: Checkout, shortages: list[stock.Shortage]) -> DomainErrors:
    """Every short line, at its field in the request."""
    errors = []
    lines = checkout.quote.lines
    for shortage in shortages:
        for line, path in zip(lines, checkout.line_fields, strict=True):
            if line.sku_id == shortage.sku_id:
                errors.append(
                    DomainError(
                        OrderErrorCode.INSUFFICIENT_STOCK,
                        f"Only {max(shortage.available, 0)} of {line.title} left",
                        field=path,
                    )
                )
    return DomainErrors(errors)


# --- giving back what an unpaid order held ----------------------------------------------------


async def release_order(order: Order) -> None:
    """Stock, campaign benefits and open payment attempts of an order that will never be
    paid. Call only when the CANCEL / CLOSE transition changed the order (exactly once)."""
    lines = await OrderLine.filter(order_id=order.id).values_list("sku_id", "quantity")
    # Stock a campaign holds goes back through the campaign (release_benefits), not here.
    to_return = _not_held(list(lines), await pricing.held_stock(order))
    await shelves.return_goods(
        order, to_return, reason=StockChangeReason.ORDER_RELEASED, reference=order.number
    )
    await pricing.release_benefits(order)
    await Payment.filter(order_id=order.id, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.CLOSED, updated_at=datetime.now(UTC)
    )


# --- the customer's operations ----------------------------------------------------------------


async def _transition(
    state: AppState,
    *,
    order_id: int,
    action: OrderAction,
    actor: Actor,
    owner_id: int | None = None,
    updates: dict[str, object] | None = None,
    now: datetime | None = None,
) -> Order:
    async with in_transaction():
        order = await lifecycle.lock_order(order_id, user_id=owner_id, field_name="orderId")
        change = await lifecycle.apply(order, action, actor=actor, updates=updates, now=now)
        if change.changed and action in (OrderAction.CANCEL, OrderAction.CLOSE):
            await release_order(order)
    await state.events.publish(change.events)
    return change.order


async def cancel_order(*, state: AppState, user_id: int, order_id: int) -> Order:
    return await _transition(
        state,
        order_id=order_id,
        action=OrderAction.CANCEL,
        actor=customer(user_id),
        owner_id=user_id,
    )


async def confirm_receipt(*, state: AppState, user_id: int, order_id: int) -> Order:
    return await _transition(
        state,
        order_id=order_id,
        action=OrderAction.CONFIRM_RECEIPT,
        actor=customer(user_id),
        owner_id=user_id,
    )


async def get_order_by_number(*, number: str, user_id: int | None) -> Order | None:
    query = Order.filter(number=number)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    return await query.first()


async def list_my_orders(
    *,
    user_id: int,
    statuses: list[OrderStatus] | None,
    first: int | None,
    after: str | None,
) -> Page[Order]:
    query = Order.filter(user_id=user_id)
    if statuses:
        query = query.filter(status__in=statuses)
    return await paginate(query, first=first, after=after, keys=ORDER_KEYS)


# --- the staff's operations -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderFilter:
    statuses: list[OrderStatus] | None = None
    created_from: date | datetime | None = None
    created_to: date | datetime | None = None
    phone: str | None = None
    number: str | None = None
    delivery_method: DeliveryMethod | None = None


def _start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time.min, tzinfo=UTC)


def _end(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value + timedelta(days=1), time.min, tzinfo=UTC)


async def search_orders(
    *, state: AppState, filters: OrderFilter, first: int | None, after: str | None
) -> Page[Order]:
    """Staff search, newest first. The phone is matched by its blind index, so it never
    has to be decrypted (or even sent to the database) in clear."""
    query = Order.all()
    if filters.statuses:
        query = query.filter(status__in=filters.statuses)
    if filters.delivery_method:
        query = query.filter(delivery_method=filters.delivery_method)
    if filters.created_from:
        query = query.filter(created_at__gte=_start(filters.created_from))
    if filters.created_to:
        # A date means the whole day; a datetime is exclusive.
        query = query.filter(created_at__lt=_end(filters.created_to))
    if filters.number:
        query = query.filter(number=filters.number.strip())
    if filters.phone is not None:
        phone = normalise_phone(filters.phone)
        if phone is None:
            raise DomainError(
                OrderErrorCode.INVALID, "Not a phone number", field=["filter", "phone"]
            )
        query = query.filter(recipient_phone_index=phone_index(state.crypto, phone))
    return await paginate(query, first=first, after=after, keys=ORDER_KEYS)


@dataclass(frozen=True, slots=True)
class ShipRequest:
    order_id: int
    carrier: str
    tracking_number: str


@dataclass(slots=True)
class ShipResult:
    orders: list[Order] = field(default_factory=list)
    errors: list[DomainError] = field(default_factory=list)


async def ship_orders(
    *, state: AppState, staff_id: int, shipments: list[ShipRequest]
) -> ShipResult:
    """Ship one or many EXPRESS orders; each succeeds or fails on its own (a batch of 50
    should not wait for one typo). Errors name the position in `shipments`."""
    result = ShipResult()
    for i, request in enumerate(shipments):
        path = ["shipments", str(i)]
        carrier = request.carrier.strip()
        tracking = request.tracking_number.strip()
        if not carrier or len(carrier) > MAX_CARRIER_LENGTH:
            result.errors.append(
                DomainError(
                    OrderErrorCode.INVALID,
                    f"Carrier: 1 to {MAX_CARRIER_LENGTH} characters",
                    field=[*path, "carrier"],
                )
            )
            continue
        if not tracking or len(tracking) > MAX_TRACKING_LENGTH:
            result.errors.append(
                DomainError(
                    OrderErrorCode.INVALID,
                    f"Tracking number: 1 to {MAX_TRACKING_LENGTH} characters",
                    field=[*path, "trackingNumber"],
                )
            )
            continue
        try:
            async with in_transaction():
                order = await lifecycle.lock_order(request.order_id, field_name="orderId")
                change = await lifecycle.apply(
                    order,
                    OrderAction.SHIP,
                    actor=staff(staff_id),
                    note=f"{carrier} {tracking}",
                )
                if change.changed:
                    await Shipment.create(
                        order_id=order.id,
                        carrier=carrier,
                        tracking_number=tracking,
                        shipped_by_id=staff_id,
                    )
        except DomainError as error:
            error.field = [*path, *(error.field or ["orderId"])]
            result.errors.append(error)
            continue
        await state.events.publish(change.events)
        result.orders.append(change.order)
    return result


HANDLING_STEPS = frozenset(
    {OrderAction.SEND_OUT, OrderAction.MARK_READY, OrderAction.DELIVER, OrderAction.PICK_UP}
)


def step_updates(action: OrderAction, *, settings: Settings, now: datetime) -> dict[str, object]:
    """What a handling step sets besides the status (its timers)."""
    if action == OrderAction.DELIVER:
        return {"auto_complete_at": now + timedelta(days=settings.order_auto_confirm_days)}
    if action == OrderAction.PICK_UP:
        # Handing over at the counter is the delivery; the after-sale window starts here.
        return {"delivered_at": now}
    return {}


async def apply_step(
    order: Order, action: OrderAction, *, actor: Actor, settings: Settings, now: datetime
) -> lifecycle.Change:
    """A handling step on an order the caller locked, inside the caller's transaction (the
    courier's pickup and hand-over change their delivery task in the same transaction)."""
    if action not in HANDLING_STEPS:
        raise ValueError(f"{action} is not a handling step")
    return await lifecycle.apply(
        order,
        action,
        actor=actor,
        updates=step_updates(action, settings=settings, now=now),
        now=now,
    )


async def advance_order(
    *, state: AppState, staff_id: int, order_id: int, action: OrderAction
) -> Order:
    """Staff moves an order along: out for delivery, ready for pickup, delivered, picked up."""
    if action not in HANDLING_STEPS:
        raise ValueError(f"{action} is not a staff step")
    now = datetime.now(UTC)
    return await _transition(
        state,
        order_id=order_id,
        action=action,
        actor=staff(staff_id),
        updates=step_updates(action, settings=state.settings, now=now),
        now=now,
    )


async def change_address(
    *, state: AppState, staff_id: int, order_id: int, data: AddressData
) -> Order:
    """Correct the delivery address before the goods leave; a courier order must stay
    within its store's radius."""
    cleaned, phone = validate_address(data)
    async with in_transaction():
        order = await lifecycle.lock_order(order_id, field_name="orderId")
        if order.delivery_method == DeliveryMethod.PICKUP:
            raise DomainError(
                OrderErrorCode.ADDRESS_LOCKED, "A pickup order has no delivery address"
            )
        if order.status not in ADDRESS_EDITABLE:
            raise DomainError(
                OrderErrorCode.ADDRESS_LOCKED,
                f"A {order.status} order's address can no longer change",
            )
        updates = checkout_rules.snapshot_fields(
            state.crypto,
            recipient_name=cleaned.recipient_name,
            phone=phone,
            province=cleaned.province,
            city=cleaned.city,
            district=cleaned.district,
            detail=cleaned.detail,
            latitude=cleaned.latitude,
            longitude=cleaned.longitude,
        )
        if order.delivery_method == DeliveryMethod.COURIER:
            store = await Store.get_or_none(id=order.store_id) if order.store_id else None
            if cleaned.latitude is None or cleaned.longitude is None:
                raise DomainError(
                    OrderErrorCode.ADDRESS_WITHOUT_LOCATION,
                    "Same-city delivery needs the address's location",
                    field=["address", "latitude"],
                )
            route = delivery.courier_route(
                [store] if store else [], cleaned.latitude, cleaned.longitude
            )
            if route is None:
                raise DomainError(
                    OrderErrorCode.OUT_OF_DELIVERY_RANGE,
                    "The order's store does not deliver this far",
                    field=["address", "latitude"],
                )
            updates["courier_distance_m"] = route.distance_m
            updates["courier_eta"] = route.eta(datetime.now(UTC), state.settings)
        event = await lifecycle.bump(
            order,
            actor=staff(staff_id),
            kind=OrderEventKind.ADDRESS_CHANGED,
            updates=updates,
            allowed=ADDRESS_EDITABLE,
        )
    await state.events.publish([event])
    return order


async def add_note(*, staff_id: int, order_id: int, body: str) -> OrderNote:
    body = body.strip()
    if not body or len(body) > MAX_NOTE_LENGTH:
        raise DomainError(
            OrderErrorCode.INVALID, f"1 to {MAX_NOTE_LENGTH} characters", field=["body"]
        )
    if not await Order.exists(id=order_id):
        raise lifecycle.not_found("orderId")
    return await OrderNote.create(order_id=order_id, author_id=staff_id, body=body)
