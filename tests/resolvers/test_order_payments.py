"""The payment hook, driven the way a provider layer drives it."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import (
    Order,
    OrderEvent,
    OrderEventKind,
    OrderStatus,
    OutboxEvent,
    Payment,
    PaymentStatus,
    Refund,
    RefundReason,
    RefundStatus,
    Sku,
)
from resolvers.core.errors import DomainError
from resolvers.orders import payment_hook, timers
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.payment_hook import PaymentOutcome, PaymentRejected, PaymentRejectReason


async def _pending(shop, customer, provider: str = "wechat") -> tuple[Order, Payment]:
    sku = await shop.sku(price="120.00", stock=5)
    order = await shop.order(customer, (sku, 1))
    payment = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider=provider
    )
    return order, payment


async def test_open_payment_makes_one_attempt_per_provider(shop, customer):
    order, payment = await _pending(shop, customer)

    again = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="wechat"
    )
    other = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="stripe"
    )

    assert again.id == payment.id
    assert payment.out_trade_no == f"{order.number}P01" and len(payment.out_trade_no) <= 32
    assert other.out_trade_no == f"{order.number}P02"
    assert payment.amount == order.total == Decimal("120.00")


async def test_the_providers_reference_is_kept_on_the_attempt(shop, customer):
    _, payment = await _pending(shop, customer)

    kept = await payment_hook.set_payment_reference(
        out_trade_no=payment.out_trade_no, reference="wx-prepay-1"
    )

    assert kept.provider_reference == "wx-prepay-1"
    with pytest.raises(PaymentRejected):
        await payment_hook.set_payment_reference(out_trade_no="nope", reference="x")


async def test_open_payment_on_someone_elses_order_is_not_found(shop, customer, make_user):
    order, _ = await _pending(shop, customer)
    stranger = await make_user()

    with pytest.raises(DomainError) as caught:
        await payment_hook.open_payment(user_id=stranger.id, order_id=order.id, provider="wechat")

    assert caught.value.code == OrderErrorCode.NOT_FOUND


async def test_no_payment_starts_after_the_deadline(shop, customer):
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    await Order.filter(id=order.id).update(payment_deadline=order.created_at)

    with pytest.raises(DomainError) as caught:
        await payment_hook.open_payment(user_id=customer.id, order_id=order.id, provider="wechat")

    assert caught.value.code == OrderErrorCode.ILLEGAL_TRANSITION
    assert await Payment.all().count() == 0


async def test_success_pays_the_order_exactly_once(shop, state, customer):
    order, payment = await _pending(shop, customer)

    outcomes = [
        await payment_hook.record_payment_success(
            state=state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id="wx-4200001",
            amount=Decimal("120.00"),
        )
        for _ in range(3)
    ]

    assert outcomes == [
        PaymentOutcome.PAID,
        PaymentOutcome.ALREADY_RECORDED,
        PaymentOutcome.ALREADY_RECORDED,
    ]
    row = await Order.get(id=order.id)
    assert row.status == OrderStatus.PAID and row.paid_amount == Decimal("120.00")
    assert row.paid_at is not None
    assert await OrderEvent.filter(order_id=order.id, to_status=OrderStatus.PAID).count() == 1
    paid = await Payment.get(id=payment.id)
    assert paid.status == PaymentStatus.SUCCEEDED and paid.provider_transaction_id == "wx-4200001"
    assert await Refund.all().count() == 0


async def test_concurrent_notifications_pay_once(shop, state, customer):
    order, payment = await _pending(shop, customer)

    outcomes = await asyncio.gather(
        *[
            payment_hook.record_payment_success(
                state=state,
                out_trade_no=payment.out_trade_no,
                provider_transaction_id="wx-1",
                amount=Decimal("120.00"),
            )
            for _ in range(10)
        ]
    )

    assert sorted(outcomes).count(PaymentOutcome.PAID) == 1
    assert await OrderEvent.filter(order_id=order.id, to_status=OrderStatus.PAID).count() == 1
    assert await OutboxEvent.filter(aggregate_id=order.id, version=2).count() == 1


@pytest.mark.parametrize("status", [OrderStatus.CLOSED, OrderStatus.CANCELLED])
async def test_money_for_a_dead_order_is_refunded_not_booked(shop, state, customer, status):
    # Given an order that stopped waiting while its payment was on the way
    order, payment = await _pending(shop, customer)
    await Order.filter(id=order.id).update(status=status)

    # When the provider reports it paid (twice, as providers do)
    first = await payment_hook.record_payment_success(
        state=state,
        out_trade_no=payment.out_trade_no,
        provider_transaction_id="wx-late",
        amount=Decimal("120.00"),
    )
    second = await payment_hook.record_payment_success(
        state=state,
        out_trade_no=payment.out_trade_no,
        provider_transaction_id="wx-late",
        amount=Decimal("120.00"),
    )

    # Then the order stays dead and exactly one whole refund is queued
    assert (first, second) == (PaymentOutcome.REFUND_SCHEDULED, PaymentOutcome.ALREADY_RECORDED)
    row = await Order.get(id=order.id)
    assert row.status == status and row.paid_amount == 0
    refund = await Refund.get(payment_id=payment.id)
    assert refund.reason == RefundReason.LATE_PAYMENT
    assert refund.amount == Decimal("120.00") and refund.status == RefundStatus.PENDING
    assert refund.out_refund_no == f"{payment.out_trade_no}-R"
    assert (
        await OrderEvent.filter(
            order_id=order.id, kind=OrderEventKind.LATE_PAYMENT_REFUNDED
        ).count()
        == 1
    )


async def test_a_second_provider_paying_too_is_refunded(shop, state, customer):
    order, wechat = await _pending(shop, customer)
    stripe = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="stripe"
    )
    for payment, tx in ((wechat, "wx-1"), (stripe, "pi_1")):
        await payment_hook.record_payment_success(
            state=state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id=tx,
            amount=payment.amount,
        )

    refund = await Refund.get()
    assert refund.payment_id == stripe.id and refund.reason == RefundReason.DUPLICATE_PAYMENT
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert (await payment_hook.succeeded_payment(order.id)).id == wechat.id


async def test_payment_closing_race_ends_in_exactly_one_outcome(shop, state, customer):
    """The close timer and a success notification for the same order at the same moment:
    either PAID (and not closed, stock kept) or CLOSED (and refunded), never both or neither."""
    for _ in range(5):
        order, payment = await _pending(shop, customer, provider="sandbox")
        await Order.filter(id=order.id).update(payment_deadline=order.created_at)
        sku_id = (await order.lines.all())[0].sku_id
        stock_before = (await Sku.get(id=sku_id)).stock

        outcome, _ = await asyncio.gather(
            payment_hook.record_payment_success(
                state=state,
                out_trade_no=payment.out_trade_no,
                provider_transaction_id=f"tx-{order.id}",
                amount=payment.amount,
            ),
            timers.close_expired_orders(state=state),
        )

        row = await Order.get(id=order.id)
        refunds = await Refund.filter(order_id=order.id).count()
        stock_after = (await Sku.get(id=sku_id)).stock
        if outcome == PaymentOutcome.PAID:
            assert row.status == OrderStatus.PAID and refunds == 0
            assert stock_after == stock_before
        else:
            assert outcome == PaymentOutcome.REFUND_SCHEDULED
            assert row.status == OrderStatus.CLOSED and refunds == 1
            assert stock_after == stock_before + 1


async def test_amount_mismatch_is_rejected_and_changes_nothing(shop, state, customer):
    order, payment = await _pending(shop, customer)

    with pytest.raises(PaymentRejected) as caught:
        await payment_hook.record_payment_success(
            state=state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id="wx-1",
            amount=Decimal("0.01"),
        )

    assert caught.value.reason == PaymentRejectReason.AMOUNT_MISMATCH
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.PENDING


async def test_unknown_payment_is_rejected(state):
    with pytest.raises(PaymentRejected) as caught:
        await payment_hook.record_payment_success(
            state=state, out_trade_no="nope", provider_transaction_id="x", amount=Decimal(1)
        )
    assert caught.value.reason == PaymentRejectReason.UNKNOWN_PAYMENT


async def test_one_provider_transaction_cannot_pay_two_attempts(shop, state, customer):
    _, first = await _pending(shop, customer)
    other_order, second = await _pending(shop, customer)
    await payment_hook.record_payment_success(
        state=state,
        out_trade_no=first.out_trade_no,
        provider_transaction_id="wx-1",
        amount=first.amount,
    )

    with pytest.raises(PaymentRejected) as caught:
        await payment_hook.record_payment_success(
            state=state,
            out_trade_no=second.out_trade_no,
            provider_transaction_id="wx-1",
            amount=second.amount,
        )

    assert caught.value.reason == PaymentRejectReason.TRANSACTION_CONFLICT
    assert (await Order.get(id=other_order.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Payment.get(id=second.id)).status == PaymentStatus.PENDING


async def test_failure_leaves_the_order_waiting(shop, customer):
    order, payment = await _pending(shop, customer)

    failed = await payment_hook.record_payment_failure(
        out_trade_no=payment.out_trade_no, reason="card declined"
    )

    assert failed.status == PaymentStatus.FAILED
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT
    retry = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="wechat"
    )
    assert retry.id != payment.id and retry.out_trade_no.endswith("P02")


async def test_refund_queue_is_claimed_once_across_processors(shop, state, customer):
    # Given three late payments, hence three pending refunds
    for _ in range(3):
        order, payment = await _pending(shop, customer)
        await Order.filter(id=order.id).update(status=OrderStatus.CLOSED)
        await payment_hook.record_payment_success(
            state=state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id=f"tx-{payment.id}",
            amount=payment.amount,
        )

    # When two processors claim at once
    first, second = await asyncio.gather(
        payment_hook.claim_refunds(limit=10), payment_hook.claim_refunds(limit=10)
    )

    # Then each refund went to exactly one of them, marked PROCESSING with one attempt
    ids = [r.id for r in first] + [r.id for r in second]
    assert sorted(ids) == sorted(await Refund.all().values_list("id", flat=True))
    assert all(r.status == RefundStatus.PROCESSING and r.attempts == 1 for r in first + second)
    assert all(r.payment.out_trade_no for r in first + second)


async def test_refund_results_are_applied_once_and_failures_can_be_retried(shop, state, customer):
    order, payment = await _pending(shop, customer)
    await Order.filter(id=order.id).update(status=OrderStatus.CLOSED)
    await payment_hook.record_payment_success(
        state=state,
        out_trade_no=payment.out_trade_no,
        provider_transaction_id="t",
        amount=payment.amount,
    )
    (refund,) = await payment_hook.claim_refunds()

    failed = await payment_hook.record_refund_result(
        state=state, out_refund_no=refund.out_refund_no, succeeded=False, failure_reason="NOTENOUGH"
    )
    assert failed.status == RefundStatus.FAILED
    retried = await payment_hook.retry_refund(refund_id=refund.id)
    assert retried.status == RefundStatus.PENDING
    (again,) = await payment_hook.claim_refunds()
    assert again.out_refund_no == refund.out_refund_no and again.attempts == 2

    done = await payment_hook.record_refund_result(
        state=state, out_refund_no=refund.out_refund_no, succeeded=True, provider_refund_id="r-1"
    )
    late_failure = await payment_hook.record_refund_result(
        state=state, out_refund_no=refund.out_refund_no, succeeded=False, failure_reason="x"
    )

    assert done.status == late_failure.status == RefundStatus.SUCCEEDED
    with pytest.raises(DomainError) as caught:
        await payment_hook.retry_refund(refund_id=refund.id)
    assert caught.value.code == OrderErrorCode.ILLEGAL_TRANSITION


async def test_retrying_a_missing_refund_is_refund_not_found():
    with pytest.raises(DomainError) as caught:
        await payment_hook.retry_refund(refund_id=999)
    assert caught.value.code == OrderErrorCode.REFUND_NOT_FOUND
    assert caught.value.field == ["refundId"]


async def test_stale_processing_refunds_go_back_to_the_queue(shop, state, customer):
    from datetime import timedelta

    order, payment = await _pending(shop, customer)
    await Order.filter(id=order.id).update(status=OrderStatus.CLOSED)
    await payment_hook.record_payment_success(
        state=state,
        out_trade_no=payment.out_trade_no,
        provider_transaction_id="t",
        amount=payment.amount,
    )
    await payment_hook.claim_refunds()

    assert await payment_hook.release_stale_refunds(older_than=timedelta(hours=1)) == 0
    assert await payment_hook.release_stale_refunds(older_than=timedelta(seconds=-1)) == 1
    assert (await Refund.get()).status == RefundStatus.PENDING
