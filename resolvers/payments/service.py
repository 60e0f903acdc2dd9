"""Payments: start a payment, take provider notifications, reconcile, execute refunds.

The order side lives in `resolvers/orders/payment_hook.py` (its docstring is the contract):
`open_payment` makes the attempt, `record_payment_success` / `record_payment_failure` /
`record_refund_result` apply what a provider told us (each guarded and idempotent, taking the
order's row lock first), `claim_refunds` hands out the PENDING refunds, and `CLOSE_GATES`
lets the close-unpaid timer ask a provider before it closes an order. This module is the
other half: it talks to the providers (`resolvers/payments/providers/`) and calls those.

Exactly once: a notification is verified, de-duplicated on the provider's event id
(`ProcessedEvent`), checked against our payment (amount, currency, out_trade_no), and
applied through the guarded PENDING_PAYMENT -> PAID transition with the provider's
transaction id unique. A replayed event answers DUPLICATE; another success for an attempt
already paid by the same transaction (a race, a second event) changes nothing
(ALREADY_RECORDED); one naming another transaction is refused (TRANSACTION_CONFLICT).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    ProcessedEvent,
    Refund,
    RefundStatus,
    User,
)
from resolvers.core.errors import DomainError
from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState
from resolvers.orders import payment_hook
from resolvers.orders.errors import OrderErrorCode
from resolvers.payments.errors import PaymentErrorCode
from resolvers.payments.providers.base import (
    Charge,
    Checkout,
    Notification,
    NotificationKind,
    NotificationRejected,
    PaymentChannel,
    PaymentProvider,
    ProviderError,
    ProviderName,
    ProviderRejected,
    RefundOrder,
    RefundResult,
    RefundState,
    TradeState,
    from_minor,
    to_minor,
)
from resolvers.payments.providers.registry import PaymentProviders, ProviderUnavailable
from resolvers.payments.providers.sandbox import SandboxProvider

logger = logging.getLogger(__name__)

# A payment whose notification has not come this long after it was ordered is asked about.
RECONCILE_AFTER = timedelta(minutes=2)
RECONCILE_EVERY = timedelta(minutes=2)
# A refund PROCESSING this long goes back to the queue and is sent again (same out_refund_no:
# the provider answers with the same refund) or, once we hold its refund id, queried; this
# is how a lost answer or notification is recovered.
REFUND_RESEND_AFTER = timedelta(minutes=5)

# Each start may call a provider; a shopper needs a handful, a script would want thousands.
PAYMENT_STARTS_PER_USER = Limit("payment-start", burst=20, period_seconds=60)

_ORDER_CODES = {
    OrderErrorCode.NOT_FOUND: PaymentErrorCode.NOT_FOUND,
    OrderErrorCode.ILLEGAL_TRANSITION: PaymentErrorCode.ORDER_NOT_PAYABLE,
    OrderErrorCode.INVALID: PaymentErrorCode.TOO_MANY_ATTEMPTS,
}


# --- starting a payment ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PaymentStart:
    payment: Payment
    checkout: Checkout


async def _open_payment(*, user_id: int, order_id: int, provider: ProviderName) -> Payment:
    try:
        return await payment_hook.open_payment(
            user_id=user_id, order_id=order_id, provider=provider.value
        )
    except DomainError as exc:
        code = _ORDER_CODES.get(exc.code, PaymentErrorCode.ORDER_NOT_PAYABLE)  # type: ignore[call-overload]
        raise DomainError(code, exc.message, field=["orderId"]) from exc


async def create_payment(
    *, state: AppState, user_id: int, order_id: int, channel: PaymentChannel
) -> PaymentStart:
    """Start (or resume) paying one of the shopper's orders from a channel. The amount is
    the order's total as the server computed it."""
    await state.limiter.hit(PAYMENT_STARTS_PER_USER, str(user_id))
    try:
        provider = state.payments.for_channel(channel)
    except ProviderUnavailable:
        raise DomainError(
            PaymentErrorCode.CHANNEL_UNAVAILABLE,
            "This shop does not take payments from this channel",
            field=["channel"],
        ) from None
    return await _start(provider=provider, user_id=user_id, order_id=order_id)


async def _start(*, provider: PaymentProvider, user_id: int, order_id: int) -> PaymentStart:
    # Zero-total orders are paid when placed; one left awaiting payment (placed before that)
    # has nothing a provider could take (they refuse 0), so no attempt is opened for it.
    total = await Order.filter(id=order_id, user_id=user_id).values_list("total", flat=True)
    if total and total[0] <= 0:
        raise DomainError(
            PaymentErrorCode.ORDER_NOT_PAYABLE, "This order has nothing to pay", field=["orderId"]
        )
    payment = await _open_payment(user_id=user_id, order_id=order_id, provider=provider.name)
    order = await Order.get(id=payment.order_id)
    now = datetime.now(UTC)
    if order.payment_deadline is not None and order.payment_deadline <= now:
        raise DomainError(
            PaymentErrorCode.ORDER_NOT_PAYABLE, "The payment deadline has passed", field=["orderId"]
        )
    openid = None
    if provider.name == ProviderName.WECHAT:
        openid = await User.filter(id=user_id).first().values_list("wechat_openid", flat=True)
        if not openid:
            raise DomainError(
                PaymentErrorCode.WECHAT_ACCOUNT_REQUIRED,
                "Log in with WeChat to pay in the mini-program",
                field=["channel"],
            )
    reuse = payment.provider_reference
    expires_at = payment.provider_reference_expires_at
    if expires_at is not None and expires_at <= now:
        reuse = None
    charge = Charge(
        out_trade_no=payment.out_trade_no,
        order_id=order.id,
        amount=payment.amount,
        currency=payment.currency,
        description=f"Microstore order {order.number}",
        payer_openid=openid,
        expires_at=order.payment_deadline,
    )
    try:
        checkout = await provider.create_checkout(charge, reuse=reuse)
    except ProviderRejected as exc:
        logger.warning("%s refused checkout %s: %s", provider.name, payment.out_trade_no, exc.code)
        raise DomainError(
            PaymentErrorCode.PROVIDER_REFUSED, "The payment provider refused this payment"
        ) from exc
    except ProviderError as exc:
        logger.warning("%s checkout %s failed: %s", provider.name, payment.out_trade_no, exc)
        raise DomainError(
            PaymentErrorCode.PROVIDER_UNAVAILABLE, "The payment provider is unavailable, try again"
        ) from exc
    if checkout.reference != payment.provider_reference:
        # Concurrent starts of one attempt get the same reference (WeChat dedupes the
        # out_trade_no, Stripe the Idempotency-Key), so last writer wins harmlessly.
        payment = await payment_hook.set_payment_reference(
            out_trade_no=payment.out_trade_no,
            reference=checkout.reference,
            expires_at=checkout.reference_expires_at,
        )
    return PaymentStart(payment=payment, checkout=checkout)


async def sandbox_pay(*, state: AppState, user_id: int, order_id: int) -> Order:
    """Development only: pay an order through the sandbox, which signs the notification a
    real provider would send; it goes through the same verification and application."""
    await state.limiter.hit(PAYMENT_STARTS_PER_USER, str(user_id))
    try:
        sandbox = state.payments.get(ProviderName.SANDBOX)
    except ProviderUnavailable:
        raise DomainError(
            PaymentErrorCode.SANDBOX_DISABLED, "The payment sandbox is off on this server"
        ) from None
    assert isinstance(sandbox, SandboxProvider)
    start = await _start(provider=sandbox, user_id=user_id, order_id=order_id)
    payment = start.payment
    headers, body = sandbox.signed_payment_notification(
        out_trade_no=payment.out_trade_no,
        amount_minor=to_minor(payment.amount),
        currency=payment.currency,
    )
    result = await handle_notification(
        state=state, provider=ProviderName.SANDBOX, headers=headers, body=body
    )
    if result not in SUCCESS_RESULTS:
        raise DomainError(PaymentErrorCode.PROVIDER_REFUSED, f"The sandbox payment was {result}")
    return await Order.get(id=payment.order_id)


# --- notifications ----------------------------------------------------------------------------


class NotifyResult(StrEnum):
    APPLIED = "APPLIED"
    DUPLICATE = "DUPLICATE"  # this event was handled before
    IGNORED = "IGNORED"  # authentic, nothing to do
    REJECTED = "REJECTED"  # not authentic, stale, or not about a payment of ours
    RETRY = "RETRY"  # we (or the provider, when we asked it) failed: send it again later


# What the provider should hear as "received, stop retrying".
SUCCESS_RESULTS = frozenset({NotifyResult.APPLIED, NotifyResult.DUPLICATE, NotifyResult.IGNORED})


async def handle_notification(
    *, state: AppState, provider: ProviderName, headers: Mapping[str, str], body: bytes
) -> NotifyResult:
    try:
        impl = state.payments.get(provider)
    except ProviderUnavailable:
        logger.warning("notification for unconfigured provider %s", provider)
        return NotifyResult.REJECTED
    try:
        note = await impl.parse_notification(headers=headers, body=body)
    except NotificationRejected as exc:
        logger.warning("%s notification rejected: %s", provider, exc.reason)
        return NotifyResult.REJECTED
    except ProviderError as exc:  # e.g. platform certificates unavailable, re-read failed
        logger.warning("%s notification not verified yet: %s", provider, exc)
        return NotifyResult.RETRY
    if note.kind == NotificationKind.IGNORED:
        return NotifyResult.IGNORED
    if await ProcessedEvent.filter(provider=provider.value, event_id=note.event_id).exists():
        return NotifyResult.DUPLICATE
    try:
        result = await _apply(state=state, note=note)
    except NotificationRejected as exc:
        logger.error("%s notification %s refused: %s", provider, note.event_id, exc.reason)
        return NotifyResult.REJECTED
    if result == NotifyResult.APPLIED:
        # Concurrent deliveries of one event all get here; one row remains. The guarded
        # transitions made the application itself idempotent, this only saves work.
        await ProcessedEvent.bulk_create(
            [ProcessedEvent(provider=provider.value, event_id=note.event_id, kind=note.kind.value)],
            ignore_conflicts=True,
        )
    return result


async def _payment_of(note: Notification) -> Payment:
    payment = await Payment.get_or_none(out_trade_no=note.out_trade_no or "")
    if payment is None or payment.provider != note.provider.value:
        raise NotificationRejected("not a payment of ours with this provider")
    return payment


async def _apply(*, state: AppState, note: Notification) -> NotifyResult:
    if note.kind == NotificationKind.PAYMENT_SUCCEEDED:
        payment = await _payment_of(note)
        note.ensure_matches(
            out_trade_no=payment.out_trade_no, amount=payment.amount, currency=payment.currency
        )
        await _record_success(
            state=state,
            payment=payment,
            transaction_id=note.transaction_id,
            amount_minor=note.amount_minor,
            currency=note.currency,
            paid_at=note.occurred_at,
        )
        return NotifyResult.APPLIED
    if note.kind == NotificationKind.PAYMENT_FAILED:
        payment = await _payment_of(note)
        await payment_hook.record_payment_failure(
            out_trade_no=payment.out_trade_no, reason=note.event_type
        )
        return NotifyResult.APPLIED
    if note.kind == NotificationKind.PAYMENT_ATTEMPT_FAILED:
        payment = await _payment_of(note)
        await payment_hook.record_payment_attempt_failure(
            out_trade_no=payment.out_trade_no, reason=note.extra.get("failure", note.event_type)
        )
        return NotifyResult.APPLIED
    # refunds
    refund = await Refund.get_or_none(out_refund_no=note.out_refund_no or "").select_related(
        "payment"
    )
    if refund is None or refund.payment.provider != note.provider.value:
        raise NotificationRejected("not a refund of ours with this provider")
    if note.amount_minor is not None and note.amount_minor != to_minor(refund.amount):
        raise NotificationRejected("refund amount differs from ours")
    await _record_refund(
        state=state,
        refund=refund,
        result=RefundResult(
            out_refund_no=refund.out_refund_no,
            state=RefundState.SUCCEEDED
            if note.kind == NotificationKind.REFUND_SUCCEEDED
            else RefundState.FAILED,
            refund_id=note.refund_id,
            raw_state=note.event_type,
        ),
    )
    return NotifyResult.APPLIED


async def _record_success(
    *,
    state: AppState,
    payment: Payment,
    transaction_id: str | None,
    amount_minor: int | None,
    currency: str | None,
    paid_at: datetime | None,
) -> payment_hook.PaymentOutcome:
    if not transaction_id or amount_minor is None or not currency:
        raise NotificationRejected("success without transaction id, amount or currency")
    try:
        outcome = await payment_hook.record_payment_success(
            state=state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id=transaction_id,
            amount=from_minor(amount_minor),
            currency=currency.upper(),
            paid_at=paid_at,
        )
    except payment_hook.PaymentRejected as exc:
        raise NotificationRejected(f"{exc.reason}: {exc}") from exc
    logger.info("payment %s: %s", payment.out_trade_no, outcome)
    return outcome


# --- closing unpaid orders and reconciling ------------------------------------------------------


def close_gate(providers: PaymentProviders) -> payment_hook.CloseGate:
    """What the close-unpaid timer asks before closing an order with a pending payment:
    close the trade at the provider first; if the provider says it was paid, it is paid."""

    async def gate(payment: Payment) -> payment_hook.CloseVerdict | payment_hook.Paid:
        try:
            provider = providers.get(payment.provider)
            trade = await provider.close(
                out_trade_no=payment.out_trade_no, reference=payment.provider_reference
            )
        except (ProviderUnavailable, ProviderError, ProviderRejected) as exc:
            logger.warning(
                "closing %s at %s failed: %s", payment.out_trade_no, payment.provider, exc
            )
            return payment_hook.CloseVerdict.KEEP_OPEN
        if trade.state == TradeState.PAID:
            if (
                not trade.transaction_id
                or trade.amount_minor != to_minor(payment.amount)
                or (trade.currency or "").upper() != payment.currency.upper()
            ):
                # Paid, but not what we asked for: keep the order for a person to look at.
                logger.error("payment %s paid with another amount", payment.out_trade_no)
                return payment_hook.CloseVerdict.KEEP_OPEN
            return payment_hook.Paid(
                provider_transaction_id=trade.transaction_id,
                amount=from_minor(trade.amount_minor),
                currency=trade.currency.upper() if trade.currency else payment.currency,
                paid_at=trade.paid_at,
            )
        if trade.state in (TradeState.CLOSED, TradeState.NOT_FOUND, TradeState.FAILED):
            # True whatever the order does next: this attempt can take no money any more.
            await Payment.filter(id=payment.id).update(provider_closed_at=datetime.now(UTC))
            return payment_hook.CloseVerdict.CLOSE
        return payment_hook.CloseVerdict.KEEP_OPEN  # e.g. a Stripe charge still processing

    return gate


def install_close_gates(state: AppState) -> None:
    """Register the gate for every configured provider (called where the process starts)."""
    gate = close_gate(state.payments)
    for name in ProviderName:
        if name in state.payments:
            payment_hook.CLOSE_GATES[name.value] = gate


async def reconcile_pending_payments(state: AppState, *, limit: int = 50) -> int:
    """Settle attempts whose notification never came (a lost notification must not leave a
    paid order unpaid, nor an open trade behind a dead order). For an order still awaiting
    payment, ask the provider; for one that no longer does (cancelled, closed, paid by
    another attempt), close the trade there: money that arrived anyway is booked and
    refunded whole (a late or a duplicate payment). Several workers may run it: each locks its batch with
    SKIP LOCKED and stamps `checked_at`."""
    now = datetime.now(UTC)
    async with in_transaction():
        due = (
            await Payment.filter(
                provider__in=[ProviderName.WECHAT.value, ProviderName.STRIPE.value],
                created_at__lt=now - RECONCILE_AFTER,
            )
            .filter(
                Q(status=PaymentStatus.PENDING)
                | Q(status=PaymentStatus.CLOSED, provider_closed_at=None)
            )
            .filter(Q(checked_at=None) | Q(checked_at__lt=now - RECONCILE_EVERY))
            # WeChat finds a trade by our number; Stripe only by its PaymentIntent id.
            .filter(Q(provider=ProviderName.WECHAT.value) | Q(provider_reference__isnull=False))
            .order_by("id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        if due:
            await Payment.filter(id__in=[p.id for p in due]).update(checked_at=now)
    settled = 0
    for payment in due:
        try:
            settled += await _reconcile(state=state, payment=payment)
        except (ProviderUnavailable, ProviderError, ProviderRejected, NotificationRejected) as exc:
            logger.warning("reconciling %s failed: %s", payment.out_trade_no, exc)
    return settled


async def _reconcile(*, state: AppState, payment: Payment) -> int:
    provider = state.payments.get(payment.provider)
    awaiting = (
        payment.status == PaymentStatus.PENDING
        and await Order.filter(id=payment.order_id, status=OrderStatus.PENDING_PAYMENT).exists()
    )
    reference = payment.provider_reference
    if awaiting:
        trade = await provider.query(out_trade_no=payment.out_trade_no, reference=reference)
    else:
        trade = await provider.close(out_trade_no=payment.out_trade_no, reference=reference)
    if trade.out_trade_no != payment.out_trade_no:
        raise NotificationRejected("answer about another trade")
    if trade.state == TradeState.PAID:
        # For a dead order this books the money and schedules its refund (orders decide).
        await _record_success(
            state=state,
            payment=payment,
            transaction_id=trade.transaction_id,
            amount_minor=trade.amount_minor,
            currency=trade.currency,
            paid_at=trade.paid_at,
        )
        return 1
    if awaiting:
        if trade.state == TradeState.FAILED:
            await payment_hook.record_payment_failure(
                out_trade_no=payment.out_trade_no, reason=trade.raw_state
            )
            return 1
        return 0
    if trade.state in (TradeState.CLOSED, TradeState.NOT_FOUND, TradeState.FAILED):
        await _closed_at_provider(payment)
        return 1
    return 0  # e.g. a Stripe charge still processing: ask again next round


async def _closed_at_provider(payment: Payment) -> None:
    """Nothing can arrive for this attempt any more: stop asking about it."""
    now = datetime.now(UTC)
    await Payment.filter(id=payment.id, status=PaymentStatus.PENDING).update(
        status=PaymentStatus.CLOSED, updated_at=now
    )
    await Payment.filter(id=payment.id).update(provider_closed_at=now)


# --- refunds -----------------------------------------------------------------------------------


async def process_refunds(state: AppState, *, limit: int = 20) -> int:
    """Execute PENDING refunds (orders create them: after-sales approved, late payments)."""
    await payment_hook.release_stale_refunds(older_than=REFUND_RESEND_AFTER)
    done = 0
    for refund in await payment_hook.claim_refunds(limit=limit):
        try:
            if await _execute_refund(state=state, refund=refund):
                done += 1
        except Exception:
            # One bad refund must not stop the others; it stays PROCESSING and is resent.
            logger.exception("refund %s failed unexpectedly", refund.out_refund_no)
    return done


async def _within_paid(refund: Refund) -> bool:
    """Commit this refund against its payment, unless that would give back more than the
    payment took. Decided under the order's row lock (the lock every money change of the
    order takes first), so concurrent processors cannot both squeeze under the limit."""
    if refund.sent_at is not None:
        return True  # committed by an earlier attempt: resending is the same refund
    async with in_transaction():
        await Order.filter(id=refund.order_id).select_for_update().first()
        payment = await Payment.get(id=refund.payment_id)
        committed = await (
            Refund.filter(payment_id=payment.id)
            .exclude(id=refund.id)
            .filter(
                Q(status=RefundStatus.SUCCEEDED)
                | Q(
                    status__in=[RefundStatus.PROCESSING, RefundStatus.PENDING],
                    sent_at__isnull=False,
                )
            )
            .values_list("amount", flat=True)
        )
        if sum(committed, Decimal(0)) + refund.amount > payment.amount:
            return False
        now = datetime.now(UTC)
        await Refund.filter(id=refund.id, sent_at=None).update(sent_at=now)
        refund.sent_at = now
    return True


async def _execute_refund(*, state: AppState, refund: Refund) -> bool:
    payment: Payment = refund.payment
    if not await _within_paid(refund):
        await _record_refund(
            state=state,
            refund=refund,
            result=RefundResult(
                out_refund_no=refund.out_refund_no,
                state=RefundState.FAILED,
                raw_state="EXCEEDS_PAID: more than the payment took would go back",
            ),
        )
        return True
    try:
        provider = state.payments.get(payment.provider)
        if refund.provider_refund_id:
            result = await provider.query_refund(
                out_refund_no=refund.out_refund_no, refund_id=refund.provider_refund_id
            )
        else:
            result = await provider.refund(
                RefundOrder(
                    out_refund_no=refund.out_refund_no,
                    out_trade_no=payment.out_trade_no,
                    transaction_id=payment.provider_transaction_id,
                    amount=refund.amount,
                    total=payment.amount,
                    currency=payment.currency,
                    reason=str(refund.reason),
                )
            )
    except ProviderRejected as exc:
        result = RefundResult(
            out_refund_no=refund.out_refund_no,
            state=RefundState.FAILED,
            raw_state=f"{exc.code}: {exc.message}",
        )
    except (ProviderUnavailable, ProviderError) as exc:
        # Unknown whether it happened: it stays PROCESSING and is resent (same number).
        logger.warning("refund %s not sent: %s", refund.out_refund_no, exc)
        return False
    await _record_refund(state=state, refund=refund, result=result)
    return result.state != RefundState.PROCESSING


async def _record_refund(*, state: AppState, refund: Refund, result: RefundResult) -> None:
    if result.state == RefundState.PROCESSING:
        if result.refund_id:
            await Refund.filter(id=refund.id, provider_refund_id=None).update(
                provider_refund_id=result.refund_id
            )
        return
    try:
        await payment_hook.record_refund_result(
            state=state,
            out_refund_no=refund.out_refund_no,
            succeeded=result.state == RefundState.SUCCEEDED,
            provider_refund_id=result.refund_id,
            failure_reason=result.raw_state,
        )
    except payment_hook.PaymentRejected as exc:
        raise NotificationRejected(f"{exc.reason}: {exc}") from exc
