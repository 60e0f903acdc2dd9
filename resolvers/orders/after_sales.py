"""After-sales: the shopper asks for money back (and maybe sends goods back); staff decide.

    REQUESTED --reject--> REJECTED
    REQUESTED --approve--> REFUNDING (refund only)          --refund done--> REFUNDED
    REQUESTED --approve--> AWAITING_RETURN --goods back--> REFUNDING --refund done--> REFUNDED

When: a refund only, before the order is handed over: while the goods are still in the shop
(PAID, READY_FOR_PICKUP) they go back into stock on approval, once; once they left with a
carrier or courier (SHIPPED, OUT_FOR_DELIVERY: say the parcel was lost) nothing is restocked.
While such a request waits for staff, or once every unit is refunded, the goods are held back
from fulfilment (resolvers/orders/fulfilment.py). Either kind within `after_sale_window_days`
of delivery (DELIVERED / COMPLETED). A request lists each order line at most once.

Money can never go back beyond what was asked for, nor beyond what was paid, however many
approvals race: an approval is at most the after-sale's `requested_amount` (itself at most
what is left of its lines), and approving adds
the amount to `order.refund_committed` with a conditional UPDATE (`... WHERE
refund_committed + amount <= paid_amount`), and each line's `refunded_quantity` the same
way. Returned goods go back into stock once: the `restocked_at` column of the after-sale is
set with a guarded UPDATE, and only the call that set it moves stock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from urllib.parse import urlsplit

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from models import (
    AfterSale,
    AfterSaleKind,
    AfterSaleLine,
    AfterSaleStatus,
    Order,
    OrderLine,
    OrderStatus,
    Refund,
    RefundReason,
    StockChangeReason,
)
from resolvers.catalog import stock
from resolvers.core import outbox
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.outbox import EventPublisher
from resolvers.core.pagination import Page, SortKey, paginate
from resolvers.orders import fulfilment, lifecycle, payment_hook, shelves
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.numbers import new_number
from settings import Settings

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_REASON_LENGTH = 200
MAX_PHOTOS = 9
MAX_PHOTO_URL_LENGTH = 512
AFTER_SALE_REQUESTED_TOPIC = "order.after_sale_requested"
AFTER_DELIVERY = frozenset({OrderStatus.DELIVERED, OrderStatus.COMPLETED})
# Requests that still count against a line (everything but a rejection).
LIVE = [s for s in AfterSaleStatus if s != AfterSaleStatus.REJECTED]


@dataclass(frozen=True, slots=True)
class LineRequest:
    order_line_id: int
    quantity: int


def _paid_for(line: OrderLine) -> Decimal:
    return line.line_total - line.discount_share


def _check_text(reason: str, photos: list[str]) -> tuple[str, list[str]]:
    errors: list[DomainError] = []
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_LENGTH:
        errors.append(
            DomainError(
                OrderErrorCode.INVALID, f"1 to {MAX_REASON_LENGTH} characters", field=["reason"]
            )
        )
    if len(photos) > MAX_PHOTOS:
        errors.append(
            DomainError(OrderErrorCode.INVALID, f"At most {MAX_PHOTOS} photos", field=["photos"])
        )
    for i, url in enumerate(photos[:MAX_PHOTOS]):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc or len(url) > MAX_PHOTO_URL_LENGTH:
            errors.append(
                DomainError(
                    OrderErrorCode.INVALID, "Photos are https URLs", field=["photos", str(i)]
                )
            )
    if errors:
        raise DomainErrors(errors)
    return reason, photos


async def request_after_sale(
    *,
    settings: Settings,
    user_id: int,
    order_id: int,
    kind: AfterSaleKind,
    lines: list[LineRequest] | None,
    reason: str,
    photos: list[str],
    events: EventPublisher | None = None,
) -> AfterSale:
    """`lines` None asks for everything not yet refunded or asked for.

    Announces the request (`order.after_sale_requested`, the staff order feed) through the
    outbox: published by `events` after commit, or by the worker's republisher."""
    reason, photos = _check_text(reason, photos)
    now = datetime.now(UTC)
    async with in_transaction():
        order = await lifecycle.lock_order(order_id, user_id=user_id, field_name="orderId")
        if order.status in fulfilment.NOT_HANDED_OVER:
            if kind != AfterSaleKind.REFUND_ONLY:
                raise DomainError(
                    OrderErrorCode.AFTER_SALE_NOT_ALLOWED,
                    "Nothing was delivered yet: ask for a refund only",
                    field=["kind"],
                )
        elif order.status in AFTER_DELIVERY:
            window = timedelta(days=settings.after_sale_window_days)
            if order.delivered_at is None or now > order.delivered_at + window:
                raise DomainError(
                    OrderErrorCode.AFTER_SALE_WINDOW_CLOSED,
                    f"After-sales close {settings.after_sale_window_days} days after delivery",
                    field=["orderId"],
                )
        else:
            raise DomainError(
                OrderErrorCode.AFTER_SALE_NOT_ALLOWED,
                f"A {order.status} order cannot have an after-sale",
                field=["orderId"],
            )

        order_lines = {line.id: line for line in await OrderLine.filter(order_id=order.id)}
        asked: dict[int, tuple[int, Decimal]] = {}
        for line_id, quantity, amount in await AfterSaleLine.filter(
            order_line_id__in=list(order_lines), after_sale__status__in=LIVE
        ).values_list("order_line_id", "quantity", "amount"):
            q, a = asked.get(line_id, (0, ZERO))
            asked[line_id] = (q + quantity, a + amount)

        def left(line: OrderLine) -> int:
            return line.quantity - asked.get(line.id, (0, ZERO))[0]

        wanted = (
            [LineRequest(line.id, left(line)) for line in order_lines.values() if left(line) > 0]
            if lines is None
            else lines
        )
        errors: list[DomainError] = []
        planned: list[tuple[OrderLine, int, Decimal]] = []
        seen: set[int] = set()
        for i, request in enumerate(wanted):
            line = order_lines.get(request.order_line_id)
            path = ["lines", str(i)]
            if request.order_line_id in seen:
                # Each entry is checked against what is left of its line, so a line listed
                # twice would ask for more than was bought.
                errors.append(
                    DomainError(
                        OrderErrorCode.DUPLICATE_LINE,
                        "This order line is already listed: give its whole quantity once",
                        field=[*path, "orderLineId"],
                    )
                )
                continue
            seen.add(request.order_line_id)
            if line is None:
                errors.append(
                    DomainError(
                        OrderErrorCode.LINE_NOT_FOUND,
                        "Not a line of this order",
                        field=[*path, "orderLineId"],
                    )
                )
                continue
            if request.quantity <= 0 or request.quantity > left(line):
                errors.append(
                    DomainError(
                        OrderErrorCode.QUANTITY_EXCEEDS_REFUNDABLE,
                        f"{max(left(line), 0)} of {line.title} can still be returned",
                        field=[*path, "quantity"],
                    )
                )
                continue
            paid = _paid_for(line)
            if request.quantity == left(line):
                # The last units take whatever the line has left, so rounding never strands cents.
                amount = paid - asked.get(line.id, (0, ZERO))[1]
            else:
                amount = (paid * request.quantity / line.quantity).quantize(CENT, ROUND_DOWN)
            planned.append((line, request.quantity, amount))
        if errors:
            raise DomainErrors(errors)
        if not planned:
            raise DomainError(
                OrderErrorCode.QUANTITY_EXCEEDS_REFUNDABLE,
                "Everything was already asked for",
                field=["lines"],
            )

        amount = sum((a for _, _, a in planned), ZERO)
        asked_total = sum((a for _, a in asked.values()), ZERO)
        everything = all(
            left(line) == sum(q for ln, q, _ in planned if ln.id == line.id)
            for line in order_lines.values()
        )
        if everything:
            # The last request gets the rest of what was paid (the shipping fee too), so a
            # fully refunded order has given back every cent.
            amount = order.paid_amount - asked_total
        after_sale = await AfterSale.create(
            number=new_number(now),
            order_id=order.id,
            user_id=user_id,
            kind=kind,
            reason=reason,
            photos=photos,
            requested_amount=max(amount, ZERO),
        )
        await AfterSaleLine.bulk_create(
            [
                AfterSaleLine(
                    after_sale_id=after_sale.id,
                    order_line_id=line.id,
                    quantity=quantity,
                    amount=line_amount,
                )
                for line, quantity, line_amount in planned
            ]
        )
        event = await outbox.record(
            topic=AFTER_SALE_REQUESTED_TOPIC,
            aggregate_type="order",
            aggregate_id=order.id,
            # Not a change of the order itself: its version stays, so the order's status
            # stream skips this event and the staff feed tells events apart by their id.
            version=order.version,
            payload={
                "orderId": order.id,
                "number": order.number,
                "userId": order.user_id,
                "status": str(order.status),
                "version": order.version,
                "afterSaleId": after_sale.id,
                "afterSaleNumber": after_sale.number,
                "kind": str(kind),
                "requestedAmount": str(after_sale.requested_amount),
            },
        )
    if events is not None:
        await events.publish([event])
    return after_sale


async def _lock(after_sale_id: int) -> tuple[AfterSale, Order]:
    """Order row first, then the after-sale: the same order as payments and timers."""
    found = await AfterSale.filter(id=after_sale_id).values_list("order_id", flat=True)
    if not found:
        raise DomainError(
            OrderErrorCode.AFTER_SALE_NOT_FOUND, "No such after-sale", field=["afterSaleId"]
        )
    order = await lifecycle.lock_order(found[0], field_name="afterSaleId")
    after_sale = await AfterSale.filter(id=after_sale_id).select_for_update().get()
    return after_sale, order


async def _restock(after_sale: AfterSale, order: Order, staff_id: int, now: datetime) -> None:
    """Goods of this after-sale back on the shelf they came from, once."""
    claimed = await AfterSale.filter(id=after_sale.id, restocked_at=None).update(
        restocked_at=now, updated_at=now
    )
    if claimed != 1:
        return
    lines = await AfterSaleLine.filter(after_sale_id=after_sale.id).prefetch_related("order_line")
    await shelves.return_goods(
        order,
        [stock.StockLine(line.order_line.sku_id, line.quantity) for line in lines],
        reason=StockChangeReason.RETURNED,
        reference=after_sale.number,
        actor_id=staff_id,
    )
    for line in lines:
        await OrderLine.filter(id=line.order_line_id).update(
            returned_quantity=F("returned_quantity") + line.quantity
        )
    after_sale.restocked_at = now


async def _create_refund(after_sale: AfterSale, order: Order) -> Refund:
    payment = await payment_hook.succeeded_payment(order.id)
    if payment is None:
        raise RuntimeError(f"order {order.id} has refunds approved but no payment")
    return await Refund.create(
        order_id=order.id,
        payment_id=payment.id,
        after_sale_id=after_sale.id,
        out_refund_no=payment_hook.after_sale_refund_number(after_sale),
        amount=after_sale.approved_amount,
        currency=order.currency,
        reason=RefundReason.AFTER_SALE,
    )


async def approve(
    *, staff_id: int, after_sale_id: int, amount: Decimal | None, note: str = ""
) -> AfterSale:
    """Approve, refunding `amount` (default: what was asked). Approving again changes nothing."""
    now = datetime.now(UTC)
    async with in_transaction():
        after_sale, order = await _lock(after_sale_id)
        if after_sale.status != AfterSaleStatus.REQUESTED:
            if after_sale.status == AfterSaleStatus.REJECTED:
                raise DomainError(
                    OrderErrorCode.AFTER_SALE_ILLEGAL_STATE,
                    "A rejected after-sale cannot be approved",
                    field=["afterSaleId"],
                )
            return after_sale
        refund = after_sale.requested_amount if amount is None else Decimal(amount)
        if refund <= ZERO or refund != refund.quantize(CENT):
            raise DomainError(
                OrderErrorCode.INVALID, "A positive amount in cents", field=["amount"]
            )
        if refund > after_sale.requested_amount:
            # What was asked is already capped at what is left of its lines (and of what was
            # paid), so approvals of every after-sale of a line never add up to more.
            raise DomainError(
                OrderErrorCode.REFUND_EXCEEDS_REQUESTED,
                f"At most the {after_sale.requested_amount} asked for",
                field=["amount"],
            )
        committed = await (
            Order.filter(id=order.id)
            .filter(Q(refund_committed__lte=F("paid_amount") - refund))
            .update(refund_committed=F("refund_committed") + refund, updated_at=now)
        )
        if committed != 1:
            left = order.paid_amount - order.refund_committed
            raise DomainError(
                OrderErrorCode.REFUND_EXCEEDS_PAID,
                f"Only {max(left, ZERO)} of what was paid is left to refund",
                field=["amount"],
            )
        for line in await AfterSaleLine.filter(after_sale_id=after_sale.id):
            raised = await (
                OrderLine.filter(id=line.order_line_id)
                .filter(Q(refunded_quantity__lte=F("quantity") - line.quantity))
                .update(refunded_quantity=F("refunded_quantity") + line.quantity)
            )
            if raised != 1:
                raise DomainError(
                    OrderErrorCode.QUANTITY_EXCEEDS_REFUNDABLE,
                    "These goods were already refunded",
                    field=["afterSaleId"],
                )
        returns_goods = (
            after_sale.kind == AfterSaleKind.RETURN_AND_REFUND and order.status in AFTER_DELIVERY
        )
        after_sale.status = (
            AfterSaleStatus.AWAITING_RETURN if returns_goods else AfterSaleStatus.REFUNDING
        )
        after_sale.approved_amount = refund
        after_sale.reviewer_id = staff_id
        after_sale.review_note = note.strip()[:200]
        after_sale.reviewed_at = now
        await after_sale.save(
            update_fields=[
                "status",
                "approved_amount",
                "reviewer_id",
                "review_note",
                "reviewed_at",
                "updated_at",
            ]
        )
        if not returns_goods:
            if order.status in fulfilment.IN_SHOP:
                # Refunded before it left the shop: the goods never left the shelf or counter.
                await _restock(after_sale, order, staff_id, now)
            await _create_refund(after_sale, order)
        return after_sale


async def reject(*, staff_id: int, after_sale_id: int, note: str) -> AfterSale:
    note = note.strip()
    if not note or len(note) > MAX_REASON_LENGTH:
        raise DomainError(
            OrderErrorCode.INVALID,
            f"Say why, in 1 to {MAX_REASON_LENGTH} characters",
            field=["note"],
        )
    now = datetime.now(UTC)
    async with in_transaction():
        after_sale, _ = await _lock(after_sale_id)
        if after_sale.status == AfterSaleStatus.REJECTED:
            return after_sale
        if after_sale.status != AfterSaleStatus.REQUESTED:
            raise DomainError(
                OrderErrorCode.AFTER_SALE_ILLEGAL_STATE,
                f"A {after_sale.status} after-sale cannot be rejected",
                field=["afterSaleId"],
            )
        after_sale.status = AfterSaleStatus.REJECTED
        after_sale.reviewer_id = staff_id
        after_sale.review_note = note
        after_sale.reviewed_at = now
        await after_sale.save(
            update_fields=["status", "reviewer_id", "review_note", "reviewed_at", "updated_at"]
        )
        return after_sale


async def receive_return(*, staff_id: int, after_sale_id: int) -> AfterSale:
    """The returned goods arrived: back into stock (once) and the refund goes out."""
    now = datetime.now(UTC)
    async with in_transaction():
        after_sale, order = await _lock(after_sale_id)
        if after_sale.status in (AfterSaleStatus.REFUNDING, AfterSaleStatus.REFUNDED) and (
            after_sale.restocked_at is not None
        ):
            return after_sale
        if after_sale.status != AfterSaleStatus.AWAITING_RETURN:
            raise DomainError(
                OrderErrorCode.AFTER_SALE_ILLEGAL_STATE,
                f"A {after_sale.status} after-sale is not waiting for goods",
                field=["afterSaleId"],
            )
        moved = await AfterSale.filter(
            id=after_sale.id, status=AfterSaleStatus.AWAITING_RETURN
        ).update(status=AfterSaleStatus.REFUNDING, updated_at=now)
        if moved != 1:
            return after_sale
        after_sale.status = AfterSaleStatus.REFUNDING
        await _restock(after_sale, order, staff_id, now)
        await _create_refund(after_sale, order)
        return after_sale


async def get_after_sale(*, after_sale_id: int, user_id: int | None) -> AfterSale | None:
    query = AfterSale.filter(id=after_sale_id)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    return await query.first()


async def search(
    *, statuses: list[AfterSaleStatus] | None, first: int | None, after: str | None
) -> Page[AfterSale]:
    query = AfterSale.all()
    if statuses:
        query = query.filter(status__in=statuses)
    return await paginate(
        query,
        first=first,
        after=after,
        keys=[SortKey("created_at", descending=True), SortKey("id", descending=True)],
    )
