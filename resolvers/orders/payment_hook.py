"""Where orders meet payment providers. The payments layer (WeChat Pay, Stripe, sandbox)
calls the inbound functions; orders leave work for it in the outbound queue.

Contract
========

Inbound: the provider layer calls these after verifying a notification or a query answer
(signature, decryption, merchant / app id). Each is idempotent and safe to call again with
the same arguments; each takes the order row lock first, then the payment or refund row,
the same order the close timer uses, so they never deadlock with it.

``open_payment(*, user_id, order_id, provider) -> Payment``
    Start (or resume) paying an order with a provider. Returns the PENDING attempt for that
    provider, creating it with ``out_trade_no = <order number> + "P" + 2-digit attempt``
    (<= 32 characters, digits and P: valid for WeChat Pay) and ``amount = order.total``.
    Raises DomainError NOT_FOUND (not the shopper's order) or ILLEGAL_TRANSITION (the
    order no longer awaits payment, or its payment deadline has passed). Hand ``out_trade_no``, ``amount`` and
    ``order.payment_deadline`` (WeChat's ``time_expire``) to the provider.

``set_payment_reference(*, out_trade_no, reference, expires_at=None) -> Payment``
    Remember the provider's handle on a PENDING attempt (WeChat prepay_id, Stripe
    PaymentIntent id) so a retried checkout reuses it and query / close can name it
    (``payment.provider_reference``, ``payment.provider_reference_expires_at``).

``record_payment_success(*, state, out_trade_no, provider_transaction_id, amount,
currency="CNY", paid_at=None) -> PaymentOutcome``
    Money arrived. In one transaction, exactly one of:
    * PAID: the payment becomes SUCCEEDED and the order PENDING_PAYMENT -> PAID (guarded),
      with ``paid_amount = amount``, an OrderEvent and an outbox event;
    * REFUND_SCHEDULED: the order was already CLOSED or CANCELLED (LATE_PAYMENT) or paid by
      another attempt (DUPLICATE_PAYMENT): the payment becomes SUCCEEDED and a Refund of the
      whole payment is created PENDING with ``out_refund_no = <out_trade_no> + "-R"``;
    * ALREADY_RECORDED: this payment was already SUCCEEDED (a repeated notification);
      nothing changes.
    Raises PaymentRejected(UNKNOWN_PAYMENT | AMOUNT_MISMATCH | TRANSACTION_CONFLICT); the
    provider layer should then answer the provider with a failure and alert someone.

``record_payment_failure(*, out_trade_no, reason) -> Payment``
    The provider says this attempt failed for good (card declined, ...). PENDING -> FAILED;
    the order keeps waiting for payment until its deadline (the shopper may try again).

``record_payment_attempt_failure(*, out_trade_no, reason) -> Payment``
    One try of a still-open attempt failed (a declined card the shopper may replace on
    the same Stripe PaymentIntent). Records ``last_failure`` / ``last_failed_at``; the
    attempt stays PENDING, so a retry resumes it and the close timer still closes it at
    the provider before the order closes.

``record_refund_result(*, state, out_refund_no, succeeded, provider_refund_id=None,
failure_reason="") -> Refund``
    A refund finished. SUCCEEDED adds it to ``order.refunded_amount`` (never above what
    was paid), marks its after-sale REFUNDED and, when everything paid is back (or, before
    hand-over, every unit was refunded and no after-sale is still open), moves the order to
    REFUNDED. FAILED records the reason; staff may ``retry_refund`` it. A result
    for a refund that already succeeded changes nothing.

Outbound: refunds to execute.

``Refund`` rows with status PENDING are the queue. The payments worker calls
``claim_refunds(limit=)`` (``SELECT ... FOR UPDATE SKIP LOCKED``, PENDING -> PROCESSING,
``attempts + 1``; safe with several workers), and for each asks the provider to refund
``refund.amount`` of payment ``refund.payment`` (``out_trade_no``, ``provider_transaction_id``,
total ``amount``) under ``refund.out_refund_no``. The number is stable (after-sale number
+ "-R", or out_trade_no + "-R"), so retrying after a crash is the same refund at the
provider. The result comes back through ``record_refund_result`` (from the provider's
notification or the processor's own query). ``release_stale_refunds(older_than=)`` puts
PROCESSING refunds whose worker died back to PENDING.

Closing unpaid orders: ``CLOSE_GATES``.

Before the close timer closes an order that has a PENDING payment with provider ``p``, it
calls ``CLOSE_GATES[p](payment)`` (no gate registered: close straight away). The gate
closes the trade at the provider (WeChat: close-order API) and answers a ``CloseVerdict``:
``CLOSE`` (the provider closed it: close the order), ``KEEP_OPEN`` (the provider could not
be reached or is still deciding: ask again at the order's ``close_next_attempt_at``, later
each time), or ``Paid(...)`` (the provider says it was paid: the timer records it through
``record_payment_success`` instead of closing). A gate runs with no transaction open and no
lock held (it waits on the network); the timer then locks the order again and closes it
only if it still awaits payment, so a notification that arrived meanwhile wins.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from models import (
    AfterSale,
    AfterSaleStatus,
    Order,
    OrderEventKind,
    OrderStatus,
    OutboxEvent,
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
)
from resolvers.core.errors import DomainError
from resolvers.core.state import AppState
from resolvers.orders import fulfilment, lifecycle, pricing
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import PAYMENT_PROVIDER, SYSTEM, OrderAction

logger = logging.getLogger(__name__)

MAX_PAYMENT_ATTEMPTS = 99


class PaymentOutcome(StrEnum):
    PAID = "PAID"
    REFUND_SCHEDULED = "REFUND_SCHEDULED"
    ALREADY_RECORDED = "ALREADY_RECORDED"


class PaymentRejectReason(StrEnum):
    UNKNOWN_PAYMENT = "UNKNOWN_PAYMENT"
    AMOUNT_MISMATCH = "AMOUNT_MISMATCH"
    TRANSACTION_CONFLICT = "TRANSACTION_CONFLICT"
    UNKNOWN_REFUND = "UNKNOWN_REFUND"


class PaymentRejected(Exception):
    """A provider's message does not match what we know; nothing was changed."""

    def __init__(self, reason: PaymentRejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Paid:
    """A close gate's answer when the provider says the trade was paid after all."""

    provider_transaction_id: str
    amount: Decimal
    currency: str = "CNY"
    paid_at: datetime | None = None


class CloseVerdict(StrEnum):
    CLOSE = "CLOSE"
    KEEP_OPEN = "KEEP_OPEN"


CloseGate = Callable[[Payment], Awaitable[CloseVerdict | Paid]]

# provider name -> gate. The payments layer registers e.g. CLOSE_GATES["wechat"].
CLOSE_GATES: dict[str, CloseGate] = {}


def late_refund_number(payment: Payment) -> str:
    return f"{payment.out_trade_no}-R"


def after_sale_refund_number(after_sale: AfterSale) -> str:
    return f"{after_sale.number}-R"


# --- inbound: payments ------------------------------------------------------------------------


async def open_payment(*, user_id: int, order_id: int, provider: str) -> Payment:
    async with in_transaction():
        order = await lifecycle.lock_order(order_id, user_id=user_id, field_name="orderId")
        if order.status != OrderStatus.PENDING_PAYMENT:
            raise DomainError(
                OrderErrorCode.ILLEGAL_TRANSITION, f"A {order.status} order cannot be paid"
            )
        if order.payment_deadline is not None and order.payment_deadline <= datetime.now(UTC):
            # The close timer is about to take it; starting a payment now would only race it.
            raise DomainError(OrderErrorCode.ILLEGAL_TRANSITION, "The payment deadline has passed")
        pending = await Payment.get_or_none(
            order_id=order.id, provider=provider, status=PaymentStatus.PENDING
        )
        if pending is not None:
            return pending
        attempts = await Payment.filter(order_id=order.id).count()
        if attempts >= MAX_PAYMENT_ATTEMPTS:
            raise DomainError(OrderErrorCode.INVALID, "Too many payment attempts for this order")
        return await Payment.create(
            order_id=order.id,
            provider=provider,
            out_trade_no=f"{order.number}P{attempts + 1:02d}",
            amount=order.total,
            currency=order.currency,
        )


async def set_payment_reference(
    *, out_trade_no: str, reference: str, expires_at: datetime | None = None
) -> Payment:
    updated = await Payment.filter(out_trade_no=out_trade_no, status=PaymentStatus.PENDING).update(
        provider_reference=reference,
        provider_reference_expires_at=expires_at,
        updated_at=datetime.now(UTC),
    )
    payment = await Payment.get_or_none(out_trade_no=out_trade_no)
    if payment is None:
        raise PaymentRejected(PaymentRejectReason.UNKNOWN_PAYMENT, f"no payment {out_trade_no!r}")
    if updated != 1:
        logger.info("payment %s is %s: reference not stored", out_trade_no, payment.status)
    return payment


async def _payment_and_order(out_trade_no: str) -> tuple[Payment, Order]:
    """Lock the order, then the payment (the close timer's order too)."""
    found = await Payment.filter(out_trade_no=out_trade_no).values_list("order_id", flat=True)
    if not found:
        raise PaymentRejected(PaymentRejectReason.UNKNOWN_PAYMENT, f"no payment {out_trade_no!r}")
    order = await lifecycle.lock_order(found[0])
    payment = await Payment.filter(out_trade_no=out_trade_no).select_for_update().get()
    return payment, order


async def apply_payment_success(
    payment: Payment,
    order: Order,
    *,
    provider_transaction_id: str,
    amount: Decimal,
    currency: str,
    paid_at: datetime | None,
) -> tuple[PaymentOutcome, list[OutboxEvent]]:
    """The body of record_payment_success, for a caller holding both row locks."""
    if payment.status == PaymentStatus.SUCCEEDED:
        if payment.provider_transaction_id != provider_transaction_id:
            raise PaymentRejected(
                PaymentRejectReason.TRANSACTION_CONFLICT,
                f"payment {payment.out_trade_no} was already paid by another transaction",
            )
        return PaymentOutcome.ALREADY_RECORDED, []
    if Decimal(amount) != payment.amount or currency != payment.currency:
        raise PaymentRejected(
            PaymentRejectReason.AMOUNT_MISMATCH,
            f"payment {payment.out_trade_no}: {amount} {currency} reported, "
            f"{payment.amount} {payment.currency} expected",
        )
    now = datetime.now(UTC)
    try:
        async with in_transaction():  # a savepoint: a duplicate transaction id changes nothing
            await Payment.filter(id=payment.id, status=payment.status).update(
                status=PaymentStatus.SUCCEEDED,
                provider_transaction_id=provider_transaction_id,
                paid_at=paid_at or now,
                updated_at=now,
            )
    except IntegrityError as exc:
        raise PaymentRejected(
            PaymentRejectReason.TRANSACTION_CONFLICT,
            "this provider transaction is already recorded for another payment",
        ) from exc
    payment.status = PaymentStatus.SUCCEEDED
    payment.provider_transaction_id = provider_transaction_id

    if order.status == OrderStatus.PENDING_PAYMENT:
        change = await lifecycle.apply(
            order,
            OrderAction.PAY,
            actor=PAYMENT_PROVIDER,
            updates={"paid_amount": payment.amount},
            note=f"{payment.provider} {payment.out_trade_no}",
        )
        if change.changed:
            await pricing.confirm_benefits(order)  # e.g. a flash sale's units become sold
        return PaymentOutcome.PAID, change.events

    # Closed, cancelled, or paid through another attempt: this money goes back, whole.
    reason = (
        RefundReason.LATE_PAYMENT
        if order.status in (OrderStatus.CLOSED, OrderStatus.CANCELLED)
        else RefundReason.DUPLICATE_PAYMENT
    )
    await Refund.create(
        order_id=order.id,
        payment_id=payment.id,
        out_refund_no=late_refund_number(payment),
        amount=payment.amount,
        currency=payment.currency,
        reason=reason,
    )
    logger.warning(
        "order %s is %s but payment %s succeeded: refund scheduled",
        order.id,
        order.status,
        payment.out_trade_no,
    )
    event = await lifecycle.bump(
        order,
        actor=PAYMENT_PROVIDER,
        kind=OrderEventKind.LATE_PAYMENT_REFUNDED,
        updates={},
        allowed=frozenset({order.status}),
        note=f"{reason}: {payment.out_trade_no} refunded automatically",
    )
    return PaymentOutcome.REFUND_SCHEDULED, [event]


async def record_payment_success(
    *,
    state: AppState,
    out_trade_no: str,
    provider_transaction_id: str,
    amount: Decimal,
    currency: str = "CNY",
    paid_at: datetime | None = None,
) -> PaymentOutcome:
    async with in_transaction():
        payment, order = await _payment_and_order(out_trade_no)
        outcome, events = await apply_payment_success(
            payment,
            order,
            provider_transaction_id=provider_transaction_id,
            amount=amount,
            currency=currency,
            paid_at=paid_at,
        )
    await state.events.publish(events)
    return outcome


async def record_payment_failure(*, out_trade_no: str, reason: str) -> Payment:
    async with in_transaction():
        payment, _ = await _payment_and_order(out_trade_no)
        if payment.status == PaymentStatus.PENDING:
            await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
                status=PaymentStatus.FAILED, updated_at=datetime.now(UTC)
            )
            payment.status = PaymentStatus.FAILED
            logger.info("payment %s failed: %s", out_trade_no, reason[:200])
        return payment


async def record_payment_attempt_failure(*, out_trade_no: str, reason: str) -> Payment:
    # One conditional UPDATE of the payment row alone: no order lock needed.
    await Payment.filter(out_trade_no=out_trade_no, status=PaymentStatus.PENDING).update(
        last_failure=reason[:64], last_failed_at=datetime.now(UTC)
    )
    payment = await Payment.get_or_none(out_trade_no=out_trade_no)
    if payment is None:
        raise PaymentRejected(PaymentRejectReason.UNKNOWN_PAYMENT, f"no payment {out_trade_no!r}")
    logger.info("payment %s: a try failed (%s)", out_trade_no, reason[:64])
    return payment


# --- outbound: refunds ------------------------------------------------------------------------


async def claim_refunds(*, limit: int = 20) -> list[Refund]:
    """PENDING refunds for this processor, now PROCESSING (several processors never take
    the same one)."""
    now = datetime.now(UTC)
    async with in_transaction():
        rows = (
            await Refund.filter(status=RefundStatus.PENDING)
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if rows:
            await Refund.filter(id__in=[r.id for r in rows], status=RefundStatus.PENDING).update(
                status=RefundStatus.PROCESSING, attempts=F("attempts") + 1, updated_at=now
            )
    claimed = await Refund.filter(id__in=[r.id for r in rows]).prefetch_related("payment")
    return sorted(claimed, key=lambda r: r.id)


async def release_stale_refunds(*, older_than: timedelta) -> int:
    """PROCESSING refunds nobody finished (a processor died): back to the queue."""
    cutoff = datetime.now(UTC) - older_than
    return await Refund.filter(status=RefundStatus.PROCESSING, updated_at__lt=cutoff).update(
        status=RefundStatus.PENDING, updated_at=datetime.now(UTC)
    )


async def record_refund_result(
    *,
    state: AppState,
    out_refund_no: str,
    succeeded: bool,
    provider_refund_id: str | None = None,
    failure_reason: str = "",
) -> Refund:
    events: list[OutboxEvent] = []
    async with in_transaction():
        found = await Refund.filter(out_refund_no=out_refund_no).values_list("order_id", flat=True)
        if not found:
            raise PaymentRejected(
                PaymentRejectReason.UNKNOWN_REFUND, f"no refund {out_refund_no!r}"
            )
        order = await lifecycle.lock_order(found[0])
        refund = await Refund.filter(out_refund_no=out_refund_no).select_for_update().get()
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        now = datetime.now(UTC)
        if not succeeded:
            await Refund.filter(id=refund.id).update(
                status=RefundStatus.FAILED, failure_reason=failure_reason[:255], updated_at=now
            )
            refund.status = RefundStatus.FAILED
            logger.warning("refund %s failed: %s", out_refund_no, failure_reason[:200])
            return refund
        await Refund.filter(id=refund.id).update(
            status=RefundStatus.SUCCEEDED,
            provider_refund_id=provider_refund_id,
            completed_at=now,
            updated_at=now,
        )
        refund.status = RefundStatus.SUCCEEDED
        if refund.reason == RefundReason.AFTER_SALE:
            events = await _after_sale_refunded(order, refund, now)
    await state.events.publish(events)
    return refund


async def _after_sale_refunded(order: Order, refund: Refund, now: datetime) -> list[OutboxEvent]:
    added = await (
        Order.filter(id=order.id)
        .filter(Q(refunded_amount__lte=F("paid_amount") - refund.amount))
        .update(refunded_amount=F("refunded_amount") + refund.amount, updated_at=now)
    )
    if added != 1:
        # Approval already capped commitments at what was paid; reaching this is a bug.
        raise RuntimeError(f"refund {refund.out_refund_no} would exceed what order {order.id} paid")
    order.refunded_amount += refund.amount
    if refund.after_sale_id is not None:
        await AfterSale.filter(id=refund.after_sale_id, status=AfterSaleStatus.REFUNDING).update(
            status=AfterSaleStatus.REFUNDED, refunded_at=now, updated_at=now
        )
    if order.status in lifecycle.RULES[OrderAction.REFUND].sources and (
        order.refunded_amount >= order.paid_amount or await fulfilment.nothing_left_to_send(order)
    ):
        change = await lifecycle.apply(
            order, OrderAction.REFUND, actor=SYSTEM, note=f"refund {refund.out_refund_no}"
        )
        return change.events
    event = await lifecycle.bump(
        order,
        actor=SYSTEM,
        kind=OrderEventKind.REFUND_SUCCEEDED,
        updates={},
        allowed=frozenset({order.status}),
        note=f"{refund.amount} refunded ({refund.out_refund_no})",
    )
    return [event]


async def retry_refund(*, refund_id: int) -> Refund:
    """Staff: send a FAILED refund again, under the same out_refund_no."""
    updated = await Refund.filter(id=refund_id, status=RefundStatus.FAILED).update(
        status=RefundStatus.PENDING, failure_reason="", updated_at=datetime.now(UTC)
    )
    refund = await Refund.get_or_none(id=refund_id)
    if refund is None:
        raise DomainError(OrderErrorCode.REFUND_NOT_FOUND, "No such refund", field=["refundId"])
    if updated != 1 and refund.status != RefundStatus.PENDING:
        raise DomainError(
            OrderErrorCode.ILLEGAL_TRANSITION, f"A {refund.status} refund cannot be retried"
        )
    return refund


async def succeeded_payment(order_id: int) -> Payment | None:
    """The payment that paid the order (late and duplicate ones are refunded on their own)."""
    payments = await Payment.filter(order_id=order_id, status=PaymentStatus.SUCCEEDED).order_by(
        "paid_at", "id"
    )
    returned = set(
        await Refund.filter(
            order_id=order_id,
            reason__in=[RefundReason.LATE_PAYMENT, RefundReason.DUPLICATE_PAYMENT],
        ).values_list("payment_id", flat=True)
    )
    return next((p for p in payments if p.id not in returned), None)
