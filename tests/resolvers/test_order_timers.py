"""The worker's order timers: closing unpaid orders and confirming receipt, with several
workers sweeping at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import (
    ActorRole,
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    Sku,
    StockChangeReason,
    StockLedger,
)
from resolvers.jobs import JOBS
from resolvers.orders import payment_hook, pricing, timers
from resolvers.orders.pricing import Adjustment


class TenOff:
    """A campaign stand-in: 10 off orders of 50 or more, with a reservable benefit."""

    code = "test-ten-off"

    def __init__(self) -> None:
        self.reserved: list[int] = []
        self.released: list[int] = []

    async def adjust(self, quote: pricing.Quote) -> list[Adjustment]:
        if quote.subtotal < 50:
            return []
        return [Adjustment(self.code, "满50减10", Decimal("10.00"), reference="coupon-7")]

    async def reserve(self, *, order: Order, adjustment: Adjustment) -> None:
        self.reserved.append(order.id)

    async def release(self, *, order: Order, adjustment: Adjustment) -> None:
        assert adjustment.reference == "coupon-7"
        self.released.append(order.id)


@pytest.fixture
def ten_off(monkeypatch) -> TenOff:
    adjuster = TenOff()
    monkeypatch.setattr(pricing, "DISCOUNT_PIPELINE", [adjuster])
    return adjuster


async def _expire(*orders: Order) -> None:
    await Order.filter(id__in=[o.id for o in orders]).update(
        payment_deadline=datetime.now(UTC) - timedelta(seconds=1)
    )


def test_the_worker_runs_the_order_timers():
    names = {job.name for job in JOBS}
    assert {"close-unpaid-orders", "complete-delivered-orders"} <= names


async def test_unpaid_orders_close_after_their_deadline(shop, state, customer, ten_off):
    # Given one overdue order (with a reserved benefit and an open payment) and one not yet due
    sku = await shop.sku(price="60.00", stock=10)
    overdue = await shop.order(customer, (sku, 2))
    waiting = await shop.order(customer, (sku, 1))
    await payment_hook.open_payment(user_id=customer.id, order_id=overdue.id, provider="sandbox")
    await _expire(overdue)
    assert overdue.discount_total == Decimal("10.00") and ten_off.reserved == [
        overdue.id,
        waiting.id,
    ]

    # When the sweeper runs
    closed = await timers.close_expired_orders(state=state)

    # Then only the overdue order closed, with its stock, benefit and payment given back
    assert closed == 1
    assert (await Order.get(id=overdue.id)).status == OrderStatus.CLOSED
    assert (await Order.get(id=waiting.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Sku.get(id=sku.id)).stock == 10 - 1
    assert ten_off.released == [overdue.id]
    assert (await Payment.get(order_id=overdue.id)).status == PaymentStatus.CLOSED
    event = await OrderEvent.get(order_id=overdue.id, to_status=OrderStatus.CLOSED)
    assert event.actor_role == ActorRole.SYSTEM and event.from_status == OrderStatus.PENDING_PAYMENT

    # And a second sweep finds nothing to do
    assert await timers.close_expired_orders(state=state) == 0
    assert (await Sku.get(id=sku.id)).stock == 9


async def test_two_workers_close_each_order_once(shop, state, make_user, ten_off):
    # Given 30 overdue orders of 30 shoppers on one SKU
    sku = await shop.sku(price="60.00", stock=100)
    placed = []
    for _ in range(30):
        buyer = await make_user()
        placed.append(await shop.order(buyer, (sku, 2)))
    await _expire(*placed)
    assert (await Sku.get(id=sku.id)).stock == 40

    # When two workers sweep at the same time (twice each)
    results = await asyncio.gather(
        *[timers.close_expired_orders(state=state, limit=50) for _ in range(4)]
    )

    # Then every order was closed by exactly one of them, and its stock came back once
    assert sum(results) == 30
    assert await Order.filter(status=OrderStatus.CLOSED).count() == 30
    assert await OrderEvent.filter(to_status=OrderStatus.CLOSED).count() == 30
    assert await StockLedger.filter(reason=StockChangeReason.ORDER_RELEASED).count() == 30
    assert (await Sku.get(id=sku.id)).stock == 100
    assert sorted(ten_off.released) == sorted(o.id for o in placed)


async def test_a_provider_that_cannot_close_keeps_the_order_open(
    shop, state, customer, monkeypatch
):
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    payment = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="wechat"
    )
    await _expire(order)
    asked: list[str] = []

    async def unreachable(p: Payment) -> payment_hook.CloseVerdict:
        asked.append(p.out_trade_no)
        return payment_hook.CloseVerdict.KEEP_OPEN

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", unreachable)
    assert await timers.close_expired_orders(state=state) == 0

    assert asked == [payment.out_trade_no]
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Sku.get(id=sku.id)).stock == 99


async def test_a_provider_that_was_paid_after_all_pays_the_order(
    shop, state, customer, monkeypatch
):
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    await payment_hook.open_payment(user_id=customer.id, order_id=order.id, provider="wechat")
    await _expire(order)

    async def paid(p: Payment) -> payment_hook.Paid:
        return payment_hook.Paid(provider_transaction_id="wx-420", amount=p.amount)

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", paid)
    assert await timers.close_expired_orders(state=state) == 0

    row = await Order.get(id=order.id)
    assert row.status == OrderStatus.PAID and row.paid_amount == order.total
    assert (await Payment.get(order_id=order.id)).provider_transaction_id == "wx-420"
    assert (await Sku.get(id=sku.id)).stock == 99


async def test_a_provider_that_closed_its_side_lets_the_order_close(
    shop, state, customer, monkeypatch
):
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    await payment_hook.open_payment(user_id=customer.id, order_id=order.id, provider="wechat")
    await _expire(order)

    async def closed(p: Payment) -> payment_hook.CloseVerdict:
        return payment_hook.CloseVerdict.CLOSE

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", closed)
    assert await timers.close_expired_orders(state=state) == 1
    assert (await Order.get(id=order.id)).status == OrderStatus.CLOSED
    assert (await Sku.get(id=sku.id)).stock == 100


async def test_a_failing_gate_skips_the_order_not_the_sweep(shop, state, make_user, monkeypatch):
    sku = await shop.sku()
    broken = await shop.order(await make_user(), (sku, 1))
    plain = await shop.order(await make_user(), (sku, 1))
    await payment_hook.open_payment(user_id=broken.user_id, order_id=broken.id, provider="wechat")
    await _expire(broken, plain)

    async def explode(p: Payment) -> payment_hook.CloseVerdict:
        raise ConnectionError("provider down")

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", explode)
    assert await timers.close_expired_orders(state=state) == 1
    assert (await Order.get(id=broken.id)).status == OrderStatus.PENDING_PAYMENT
    assert (await Order.get(id=plain.id)).status == OrderStatus.CLOSED


async def test_orders_kept_open_do_not_starve_the_others(shop, state, make_user, monkeypatch):
    # Given three overdue orders whose provider keeps answering "still deciding", due first,
    # and a plain overdue order behind them
    sku = await shop.sku()
    stuck = [await shop.order(await make_user(), (sku, 1)) for _ in range(3)]
    plain = await shop.order(await make_user(), (sku, 1))
    for order in stuck:
        await payment_hook.open_payment(user_id=order.user_id, order_id=order.id, provider="wechat")
    now = datetime.now(UTC)
    for age, order in enumerate([*stuck, plain]):
        await Order.filter(id=order.id).update(payment_deadline=now - timedelta(minutes=10 - age))
    asked: list[int] = []

    async def deciding(p: Payment) -> payment_hook.CloseVerdict:
        asked.append(p.order_id)
        return payment_hook.CloseVerdict.KEEP_OPEN

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", deciding)

    # When the sweeper runs twice with room for two orders a round
    closed = [await timers.close_expired_orders(state=state, now=now, limit=2) for _ in range(2)]

    # Then the kept-open orders were each asked once and the plain order closed anyway
    assert closed == [0, 1]
    assert sorted(asked) == sorted(o.id for o in stuck)
    assert (await Order.get(id=plain.id)).status == OrderStatus.CLOSED
    rows = await Order.filter(id__in=[o.id for o in stuck])
    assert all(r.status == OrderStatus.PENDING_PAYMENT for r in rows)
    assert all(r.close_next_attempt_at > now for r in rows)

    # And they are asked again only once their next attempt is due, then later and later
    assert await timers.close_expired_orders(state=state, now=now + timedelta(seconds=30)) == 0
    assert len(asked) == 3
    first = max(r.close_next_attempt_at for r in rows)
    await timers.close_expired_orders(state=state, now=first)
    assert len(asked) == 6
    before = next(r for r in rows if r.id == stuck[0].id).close_next_attempt_at
    after = (await Order.get(id=stuck[0].id)).close_next_attempt_at
    assert after - first > before - now


async def test_concurrent_sweeps_ask_each_provider_and_close_each_order_once(
    shop, state, make_user, monkeypatch
):
    # Given 20 overdue orders, each with an open WeChat attempt
    sku = await shop.sku(stock=100)
    placed = [await shop.order(await make_user(), (sku, 2)) for _ in range(20)]
    for order in placed:
        await payment_hook.open_payment(user_id=order.user_id, order_id=order.id, provider="wechat")
    await _expire(*placed)
    asked: list[str] = []

    async def slow_close(p: Payment) -> payment_hook.CloseVerdict:
        asked.append(p.out_trade_no)
        await asyncio.sleep(0.01)  # the provider's round trip: other sweeps run meanwhile
        return payment_hook.CloseVerdict.CLOSE

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", slow_close)

    # When four workers sweep at once
    results = await asyncio.gather(
        *[timers.close_expired_orders(state=state, limit=8) for _ in range(4)]
    )
    results.append(await timers.close_expired_orders(state=state))

    # Then each trade was closed at the provider once and each order closed once
    assert sum(results) == 20
    assert sorted(asked) == sorted(set(asked)) and len(asked) == 20
    assert await Order.filter(status=OrderStatus.CLOSED).count() == 20
    assert await StockLedger.filter(reason=StockChangeReason.ORDER_RELEASED).count() == 20
    assert (await Sku.get(id=sku.id)).stock == 100


async def test_a_payment_notified_after_the_provider_answered_keeps_the_order_paid(
    shop, state, customer, monkeypatch
):
    # Given an overdue order with an open WeChat attempt
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    payment = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="wechat"
    )
    await _expire(order)

    async def closed_then_paid(p: Payment) -> payment_hook.CloseVerdict:
        # The provider answers "closed", but the payment's notification lands before the
        # sweeper gets back to the order (the sweeper must hold no lock while it asks).
        await asyncio.wait_for(
            payment_hook.record_payment_success(
                state=state,
                out_trade_no=p.out_trade_no,
                provider_transaction_id="wx-late",
                amount=p.amount,
            ),
            timeout=5,
        )
        return payment_hook.CloseVerdict.CLOSE

    monkeypatch.setitem(payment_hook.CLOSE_GATES, "wechat", closed_then_paid)

    # When the sweeper runs
    assert await timers.close_expired_orders(state=state) == 0

    # Then the order is paid, keeps its stock, and nothing is refunded
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.SUCCEEDED
    assert (await Sku.get(id=sku.id)).stock == 99
    assert not await Refund.exists()


async def test_delivered_orders_complete_after_the_confirmation_period(shop, state, make_user):
    # Given two delivered orders, one past its auto-complete time
    sku = await shop.sku()
    due = await shop.order_in(await make_user(), OrderStatus.DELIVERED, sku)
    fresh = await shop.order_in(await make_user(), OrderStatus.DELIVERED, sku)
    assert fresh.auto_complete_at - fresh.delivered_at == timedelta(days=7)
    await Order.filter(id=due.id).update(auto_complete_at=datetime.now(UTC) - timedelta(seconds=1))

    # When two workers sweep at once
    results = await asyncio.gather(
        timers.complete_delivered_orders(state=state),
        timers.complete_delivered_orders(state=state),
    )

    # Then only the due one completed, once, by the system
    assert sum(results) == 1
    assert (await Order.get(id=due.id)).status == OrderStatus.COMPLETED
    assert (await Order.get(id=fresh.id)).status == OrderStatus.DELIVERED
    event = await OrderEvent.get(order_id=due.id, to_status=OrderStatus.COMPLETED)
    assert event.actor_role == ActorRole.SYSTEM
