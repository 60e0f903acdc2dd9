"""Payments end to end: the app's notify endpoints, the service, the orders' payment hook,
real PostgreSQL, and the local fakes of WeChat Pay and Stripe over real HTTP.

Every attack leaves no state change; replays and races end in exactly one outcome.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from models import (
    AfterSaleKind,
    Order,
    OrderEvent,
    OrderStatus,
    OutboxEvent,
    Payment,
    PaymentStatus,
    ProcessedEvent,
    Refund,
    RefundReason,
    RefundStatus,
    User,
)
from resolvers.core.errors import DomainError
from resolvers.orders import after_sales, timers
from resolvers.orders import service as orders
from resolvers.payments import service
from resolvers.payments.errors import PaymentErrorCode
from resolvers.payments.providers.base import PaymentChannel, RefundOrder
from resolvers.payments.providers.registry import PaymentProviders
from settings import Settings

WECHAT_NOTIFY = "/payments/wechat/notify"
STRIPE_WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def wxpay(fake_wechatpay):
    return fake_wechatpay[0]


@pytest.fixture
def stripe_api(fake_stripe):
    return fake_stripe[0]


async def placed(shop, user: User, price: str = "88.00") -> Order:
    sku = await shop.sku(price=price, stock=50)
    return await shop.order(user, (sku, 1))


async def start(state, user: User, order: Order, channel=PaymentChannel.MINI_PROGRAM):
    return await service.create_payment(
        state=state, user_id=user.id, order_id=order.id, channel=channel
    )


@dataclass(frozen=True)
class Snapshot:
    order: tuple
    payments: list
    events: int
    outbox: int
    processed: int
    refunds: int


async def snapshot(order_id: int) -> Snapshot:
    order = await Order.get(id=order_id)
    return Snapshot(
        order=(order.status, order.version, order.paid_amount, order.refunded_amount),
        payments=await Payment.filter(order_id=order_id)
        .order_by("id")
        .values_list("status", "provider_transaction_id"),
        events=await OrderEvent.filter(order_id=order_id).count(),
        outbox=await OutboxEvent.filter(aggregate_id=order_id).count(),
        processed=await ProcessedEvent.all().count(),
        refunds=await Refund.filter(order_id=order_id).count(),
    )


async def post(http: httpx.AsyncClient, path: str, headers: dict, body: bytes) -> httpx.Response:
    return await http.post(path, headers=headers, content=body)


async def paid_count(order_id: int) -> int:
    return await OrderEvent.filter(order_id=order_id, to_status=OrderStatus.PAID).count()


# --- starting payments --------------------------------------------------------------------------


async def test_wechat_payment_orders_the_order_total_and_reuses_its_prepay_id(
    shop, state, customer, wxpay
):
    order = await placed(shop, customer, price="88.00")

    first = await start(state, customer, order)
    ordered = wxpay.calls["jsapi"]
    again = await start(state, customer, order)

    trade = wxpay.transactions[first.payment.out_trade_no]
    assert trade.total == to_fen(order.total) and trade.openid == customer.wechat_openid
    assert first.checkout.params["package"] == f"prepay_id={trade.prepay_id}"
    assert wxpay.calls["jsapi"] == ordered  # the second start re-signed, did not re-order
    assert again.payment.id == first.payment.id
    assert again.checkout.params["package"] == first.checkout.params["package"]
    row = await Payment.get(id=first.payment.id)
    assert (row.provider, row.status, row.provider_reference) == (
        "wechat",
        PaymentStatus.PENDING,
        trade.prepay_id,
    )
    assert row.amount == order.total


def to_fen(amount: Decimal) -> int:
    return int(amount * 100)


async def test_an_expired_prepay_id_is_ordered_again(shop, state, customer, wxpay):
    order = await placed(shop, customer)
    first = await start(state, customer, order)
    await Payment.filter(id=first.payment.id).update(
        provider_reference_expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    ordered = wxpay.calls["jsapi"]

    again = await start(state, customer, order)

    assert wxpay.calls["jsapi"] == ordered + 1
    # WeChat answers the same out_trade_no with the same prepay order
    assert again.checkout.reference == first.checkout.reference


async def test_h5_payment_creates_a_stripe_intent(shop, state, customer, stripe_api):
    order = await placed(shop, customer, price="19.90")

    started = await start(state, customer, order, PaymentChannel.H5)

    intent = stripe_api.intents[started.checkout.reference]
    assert intent["amount"] == to_fen(order.total) and intent["currency"] == "cny"
    assert intent["metadata"]["order_id"] == str(order.id)
    assert started.checkout.params["clientSecret"] == intent["client_secret"]
    assert (await Payment.get(id=started.payment.id)).provider_reference == intent["id"]


async def _error_code(call) -> tuple[str, list[str] | None]:
    with pytest.raises(DomainError) as caught:
        await call
    return caught.value.code, caught.value.field


async def test_paying_someone_elses_order_is_not_found(shop, state, customer, make_user):
    order = await placed(shop, customer)
    stranger = await make_user()

    code, field = await _error_code(start(state, stranger, order))

    assert (code, field) == (PaymentErrorCode.NOT_FOUND, ["orderId"])
    assert await Payment.filter(order_id=order.id).count() == 0


async def test_paying_a_paid_order_is_refused(shop, state, customer):
    order = await shop.pay(await placed(shop, customer))

    code, field = await _error_code(start(state, customer, order))

    assert (code, field) == (PaymentErrorCode.ORDER_NOT_PAYABLE, ["orderId"])


async def test_paying_after_the_deadline_is_refused(shop, state, customer, wxpay):
    order = await placed(shop, customer)
    await Order.filter(id=order.id).update(
        payment_deadline=datetime.now(UTC) - timedelta(seconds=1)
    )
    ordered = wxpay.calls["jsapi"]

    code, field = await _error_code(start(state, customer, order))

    assert (code, field) == (PaymentErrorCode.ORDER_NOT_PAYABLE, ["orderId"])
    assert wxpay.calls["jsapi"] == ordered


async def test_an_order_tried_too_often_is_refused(shop, state, customer):
    order = await placed(shop, customer)
    await Payment.bulk_create(
        [
            Payment(
                order_id=order.id,
                provider="stripe",
                out_trade_no=f"{order.number}P{n:02d}",
                amount=order.total,
                status=PaymentStatus.FAILED,
            )
            for n in range(1, 100)
        ]
    )

    code, field = await _error_code(start(state, customer, order))

    assert (code, field) == (PaymentErrorCode.TOO_MANY_ATTEMPTS, ["orderId"])


async def test_the_mini_program_channel_needs_a_wechat_shopper(shop, state, make_user):
    shopper = await make_user(wechat_openid=None, username=f"h5-{secrets.token_hex(3)}")
    order = await placed(shop, shopper)

    code, field = await _error_code(start(state, shopper, order))

    assert (code, field) == (PaymentErrorCode.WECHAT_ACCOUNT_REQUIRED, ["channel"])


async def test_a_channel_without_a_provider_is_unavailable(shop, state, customer, monkeypatch):
    only_wechat = state.settings.model_copy(update={"payment_providers": ["wechat"]})
    monkeypatch.setattr(state, "payments", PaymentProviders.from_settings(only_wechat))
    order = await placed(shop, customer)

    code, field = await _error_code(start(state, customer, order, PaymentChannel.H5))

    assert (code, field) == (PaymentErrorCode.CHANNEL_UNAVAILABLE, ["channel"])


async def test_a_provider_outage_is_reported_as_unavailable(shop, state, customer, wxpay):
    order = await placed(shop, customer)
    wxpay.outage = True
    try:
        code, _ = await _error_code(start(state, customer, order))
    finally:
        wxpay.outage = False
    assert code == PaymentErrorCode.PROVIDER_UNAVAILABLE


async def test_a_provider_refusal_is_reported(shop, state, customer, stripe_api):
    # A Stripe intent cancelled behind our back cannot be reused for this attempt.
    order = await placed(shop, customer)
    first = await start(state, customer, order, PaymentChannel.H5)
    stripe_api.intents[first.checkout.reference]["status"] = "canceled"

    code, _ = await _error_code(start(state, customer, order, PaymentChannel.H5))

    assert code == PaymentErrorCode.PROVIDER_REFUSED


async def test_sandbox_pay_is_disabled_outside_development(shop, state, customer):
    order = await placed(shop, customer)

    code, _ = await _error_code(
        service.sandbox_pay(state=state, user_id=customer.id, order_id=order.id)
    )

    assert code == PaymentErrorCode.SANDBOX_DISABLED
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT


async def test_sandbox_pay_pays_through_a_signed_notification(shop, state, customer, monkeypatch):
    with_sandbox = state.settings.model_copy(update={"payments_sandbox": True})
    monkeypatch.setattr(state, "payments", PaymentProviders.from_settings(with_sandbox))
    order = await placed(shop, customer)

    paid = await service.sandbox_pay(state=state, user_id=customer.id, order_id=order.id)

    assert paid.status == OrderStatus.PAID
    payment = await Payment.get(order_id=order.id)
    assert (payment.provider, payment.status) == ("sandbox", PaymentStatus.SUCCEEDED)
    assert payment.provider_transaction_id == f"sbx_txn_{payment.out_trade_no}"
    assert await ProcessedEvent.filter(provider="sandbox").count() == 1


# --- WeChat notifications end to end ------------------------------------------------------------


async def test_a_wechat_notification_pays_the_order_once(shop, state, customer, wxpay, http):
    order = await placed(shop, customer)
    started = await start(state, customer, order)
    trade = wxpay.pay(started.payment.out_trade_no)
    headers, body = wxpay.payment_notification(trade.out_trade_no)

    answer = await post(http, WECHAT_NOTIFY, headers, body)
    replay = await post(http, WECHAT_NOTIFY, headers, body)

    assert (answer.status_code, answer.content) == (204, b"")
    assert replay.status_code == 204
    row = await Order.get(id=order.id)
    assert row.status == OrderStatus.PAID and row.paid_amount == order.total
    payment = await Payment.get(id=started.payment.id)
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.provider_transaction_id == trade.transaction_id
    assert await paid_count(order.id) == 1
    assert await ProcessedEvent.filter(provider="wechat").count() == 1


@pytest.fixture(scope="module")
def stranger_key():
    from tests.support.keys import rsa_key

    return rsa_key()


def _flip(body: bytes) -> bytes:
    raw = bytearray(body)
    raw[len(raw) // 2] ^= 0x01
    return bytes(raw)


WECHAT_ATTACKS = {
    "body flipped by one byte": ({}, "flip", None),
    "old timestamp": ({"timestamp": -301}, None, None),
    "future timestamp": ({"timestamp": +120}, None, None),
    "unknown serial": ({"serial": "0A0B0C0D"}, None, None),
    "signed by a stranger": ({"key": "stranger"}, None, None),
    "SIGNTEST probe": ({"signature": "WECHATPAY/SIGNTEST/" + "B" * 40}, None, None),
    "missing Wechatpay-Signature": ({}, None, "Wechatpay-Signature"),
    "missing Wechatpay-Timestamp": ({}, None, "Wechatpay-Timestamp"),
    "missing Wechatpay-Nonce": ({}, None, "Wechatpay-Nonce"),
    "missing Wechatpay-Serial": ({}, None, "Wechatpay-Serial"),
    "GCM tag flipped": ({"flip_tag": True}, None, None),
    "wrong associated data": ({"encrypt_with_ad": "refund"}, None, None),
    "amount differs": ({"overrides": {"amount": {"total": 1, "currency": "CNY"}}}, None, None),
    "merchant differs": ({"overrides": {"mchid": "1900000999"}}, None, None),
    "app differs": ({"overrides": {"appid": "wx-someone-else"}}, None, None),
    "currency differs": ({"overrides": {"amount": {"total": 8800, "currency": "USD"}}}, None, None),
    "unknown order": ({"overrides": {"out_trade_no": "NOT-OURS-0001"}}, None, None),
}


@pytest.mark.parametrize("attack", list(WECHAT_ATTACKS), ids=list(WECHAT_ATTACKS))
async def test_wechat_attacks_are_answered_fail_and_change_nothing(
    attack, shop, state, customer, wxpay, http, stranger_key
):
    # Given a pending order the shopper really paid at WeChat
    order = await placed(shop, customer, price="88.00")
    started = await start(state, customer, order)
    wxpay.pay(started.payment.out_trade_no)
    before = await snapshot(order.id)
    options, mangle, drop = WECHAT_ATTACKS[attack]
    options = dict(options)
    if "timestamp" in options:
        options["timestamp"] += int(datetime.now(UTC).timestamp())
    if options.get("key") == "stranger":
        options["key"] = stranger_key
    headers, body = wxpay.payment_notification(started.payment.out_trade_no, **options)
    if mangle:
        body = _flip(body)
    if drop:
        del headers[drop]

    # When the forged or stale notification arrives
    answer = await post(http, WECHAT_NOTIFY, headers, body)

    # Then WeChat hears FAIL and nothing changed
    assert 400 <= answer.status_code < 500
    assert answer.json()["code"] == "FAIL"
    assert await snapshot(order.id) == before


async def test_the_notify_endpoints_take_post_only(http):
    assert (await http.get(WECHAT_NOTIFY)).status_code == 405
    assert (await http.get(STRIPE_WEBHOOK)).status_code == 405


async def test_a_valid_notification_replayed_50_times_at_once_pays_once(
    shop, state, customer, wxpay, http
):
    order = await placed(shop, customer)
    started = await start(state, customer, order)
    wxpay.pay(started.payment.out_trade_no)
    headers, body = wxpay.payment_notification(started.payment.out_trade_no)
    before = await OutboxEvent.filter(aggregate_id=order.id).count()

    answers = await asyncio.gather(*[post(http, WECHAT_NOTIFY, headers, body) for _ in range(50)])

    assert [a.status_code for a in answers] == [204] * 50
    assert await paid_count(order.id) == 1
    assert await OutboxEvent.filter(aggregate_id=order.id).count() == before + 1
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await ProcessedEvent.filter(provider="wechat").count() == 1
    assert await Refund.filter(order_id=order.id).count() == 0


# --- Stripe webhooks end to end ---------------------------------------------------------------


async def test_a_stripe_webhook_pays_the_order(shop, state, customer, stripe_api, http):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    intent = stripe_api.succeed(started.checkout.reference)
    headers, body = stripe_api.event("payment_intent.succeeded", intent)

    answer = await post(http, STRIPE_WEBHOOK, headers, body)

    assert answer.status_code == 200
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    payment = await Payment.get(id=started.payment.id)
    assert payment.provider_transaction_id == intent["id"]


async def test_a_declined_stripe_card_is_an_attempt_the_shopper_may_retry(
    shop, state, customer, stripe_api, http
):
    # Given a shopper whose first card was declined
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    failed = stripe_api.fail(started.checkout.reference)
    headers, body = stripe_api.event("payment_intent.payment_failed", failed)

    answer = await post(http, STRIPE_WEBHOOK, headers, body)

    # Then the failure is recorded, but the attempt (and its PaymentIntent) stays open
    assert answer.status_code == 200
    payment = await Payment.get(id=started.payment.id)
    assert payment.status == PaymentStatus.PENDING
    assert payment.last_failure == "card_declined" and payment.last_failed_at is not None
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT

    # When they try again: the same PaymentIntent, and another card succeeds on it
    again = await start(state, customer, order, PaymentChannel.H5)
    assert again.payment.id == payment.id
    assert again.checkout.params == started.checkout.params
    intent = stripe_api.succeed(started.checkout.reference)
    headers, body = stripe_api.event("payment_intent.succeeded", intent)
    assert (await post(http, STRIPE_WEBHOOK, headers, body)).status_code == 200

    # Then the order is paid by that attempt
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.SUCCEEDED


async def test_an_order_with_a_declined_stripe_card_closes_its_intent_when_it_expires(
    shop, state, customer, stripe_api, http
):
    # Given a declined card on an order that is then left unpaid past its deadline
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    headers, body = stripe_api.event(
        "payment_intent.payment_failed", stripe_api.fail(started.checkout.reference)
    )
    await post(http, STRIPE_WEBHOOK, headers, body)
    await Order.filter(id=order.id).update(payment_deadline=datetime.now(UTC))

    # When the close timer runs
    assert await timers.close_expired_orders(state=state) == 1

    # Then the PaymentIntent was cancelled at Stripe first: no card can pay a closed order
    assert stripe_api.intents[started.checkout.reference]["status"] == "canceled"
    assert (await Order.get(id=order.id)).status == OrderStatus.CLOSED
    assert (await Payment.get(id=started.payment.id)).status == PaymentStatus.CLOSED


async def test_a_cancelled_stripe_intent_fails_the_attempt_for_good(
    shop, state, customer, stripe_api, http
):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    intent = stripe_api.intents[started.checkout.reference]
    intent["status"] = "canceled"  # e.g. cancelled from Stripe's dashboard
    headers, body = stripe_api.event("payment_intent.canceled", intent)

    answer = await post(http, STRIPE_WEBHOOK, headers, body)

    assert answer.status_code == 200
    assert (await Payment.get(id=started.payment.id)).status == PaymentStatus.FAILED
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT


STRIPE_ATTACKS = {
    "signed with another secret": {"secret": "whsec_not_ours"},
    "older than 300 s": {"timestamp": -301},
    "from the future": {"timestamp": +120},
}


@pytest.mark.parametrize("attack", [*STRIPE_ATTACKS, "flipped byte", "missing signature"])
async def test_stripe_attacks_are_refused_and_change_nothing(
    attack, shop, state, customer, stripe_api, http
):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    intent = stripe_api.succeed(started.checkout.reference)
    before = await snapshot(order.id)
    options = dict(STRIPE_ATTACKS.get(attack, {}))
    if "timestamp" in options:
        options["timestamp"] += int(datetime.now(UTC).timestamp())
    headers, body = stripe_api.event("payment_intent.succeeded", intent, **options)
    if attack == "flipped byte":
        body = _flip(body)
    if attack == "missing signature":
        del headers["Stripe-Signature"]

    answer = await post(http, STRIPE_WEBHOOK, headers, body)

    assert answer.status_code == 400
    assert await snapshot(order.id) == before


async def test_a_stripe_event_for_another_amount_changes_nothing(
    shop, state, customer, stripe_api, http
):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    intent = stripe_api.succeed(started.checkout.reference)
    before = await snapshot(order.id)
    headers, body = stripe_api.event(
        "payment_intent.succeeded", {**intent, "amount_received": 1, "amount": 1}
    )

    answer = await post(http, STRIPE_WEBHOOK, headers, body)

    assert answer.status_code == 400
    assert await snapshot(order.id) == before


# --- races: success while the order is being paid again, cancelled or closed --------------------


async def test_success_while_another_attempt_is_being_created(
    shop, state, customer, wxpay, stripe_api, http
):
    """The shopper pays in the mini-program while the H5 store starts a card payment for
    the same order: one PAID order; if the second attempt got through and is paid too, it
    is refunded automatically, once."""
    for _ in range(4):
        order = await placed(shop, customer)
        started = await start(state, customer, order)
        wxpay.pay(started.payment.out_trade_no)
        headers, body = wxpay.payment_notification(started.payment.out_trade_no)

        answer, second = await asyncio.gather(
            post(http, WECHAT_NOTIFY, headers, body),
            start(state, customer, order, PaymentChannel.H5),
            return_exceptions=True,
        )

        assert answer.status_code == 204
        assert (await Order.get(id=order.id)).status == OrderStatus.PAID
        assert await paid_count(order.id) == 1
        if isinstance(second, DomainError):
            assert second.code == PaymentErrorCode.ORDER_NOT_PAYABLE
            continue
        # The card attempt exists; the shopper pays it too -> one automatic refund.
        intent = stripe_api.succeed(second.checkout.reference)
        h, b = stripe_api.event("payment_intent.succeeded", intent)
        assert (await post(http, STRIPE_WEBHOOK, h, b)).status_code == 200
        assert (await post(http, STRIPE_WEBHOOK, h, b)).status_code == 200
        refunds = await Refund.filter(order_id=order.id)
        assert [(r.reason, r.payment_id) for r in refunds] == [
            (RefundReason.DUPLICATE_PAYMENT, second.payment.id)
        ]


async def test_success_while_the_shopper_cancels_ends_in_one_outcome(
    shop, state, customer, wxpay, http
):
    for _ in range(5):
        order = await placed(shop, customer)
        started = await start(state, customer, order)
        wxpay.pay(started.payment.out_trade_no)
        headers, body = wxpay.payment_notification(started.payment.out_trade_no)

        answer, cancelled = await asyncio.gather(
            post(http, WECHAT_NOTIFY, headers, body),
            orders.cancel_order(state=state, user_id=customer.id, order_id=order.id),
            return_exceptions=True,
        )

        assert answer.status_code == 204
        row = await Order.get(id=order.id)
        refunds = await Refund.filter(order_id=order.id)
        payment = await Payment.get(id=started.payment.id)
        assert payment.status == PaymentStatus.SUCCEEDED  # the money is accounted for
        if row.status == OrderStatus.PAID:
            assert isinstance(cancelled, DomainError) and refunds == []
        else:
            assert row.status == OrderStatus.CANCELLED
            assert [(r.reason, r.amount) for r in refunds] == [
                (RefundReason.LATE_PAYMENT, payment.amount)
            ]


async def test_success_while_the_close_timer_runs_ends_paid(shop, state, customer, wxpay, http):
    """The shopper paid just before the deadline; the timer closes the trade at WeChat,
    hears ORDERPAID, and books the payment; the notification then finds it recorded."""
    for _ in range(4):
        order = await placed(shop, customer)
        started = await start(state, customer, order)
        wxpay.pay(started.payment.out_trade_no)
        await Order.filter(id=order.id).update(payment_deadline=order.created_at)
        headers, body = wxpay.payment_notification(started.payment.out_trade_no)

        answer, _ = await asyncio.gather(
            post(http, WECHAT_NOTIFY, headers, body), timers.close_expired_orders(state=state)
        )

        assert answer.status_code == 204
        row = await Order.get(id=order.id)
        assert row.status == OrderStatus.PAID
        assert await paid_count(order.id) == 1
        assert await Refund.filter(order_id=order.id).count() == 0


async def test_the_close_timer_closes_the_trade_at_wechat_first(shop, state, customer, wxpay):
    order = await placed(shop, customer)
    started = await start(state, customer, order)
    await Order.filter(id=order.id).update(payment_deadline=order.created_at)

    await timers.close_expired_orders(state=state)

    assert (await Order.get(id=order.id)).status == OrderStatus.CLOSED
    assert wxpay.transactions[started.payment.out_trade_no].trade_state == "CLOSED"
    payment = await Payment.get(id=started.payment.id)
    assert payment.status == PaymentStatus.CLOSED and payment.provider_closed_at is not None


async def test_the_close_timer_keeps_the_order_when_wechat_is_down(shop, state, customer, wxpay):
    order = await placed(shop, customer)
    await start(state, customer, order)
    await Order.filter(id=order.id).update(payment_deadline=order.created_at)
    wxpay.outage = True
    try:
        await timers.close_expired_orders(state=state)
    finally:
        wxpay.outage = False

    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT


async def test_the_close_timer_cancels_the_stripe_intent(shop, state, customer, stripe_api):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    await Order.filter(id=order.id).update(payment_deadline=order.created_at)

    await timers.close_expired_orders(state=state)

    assert (await Order.get(id=order.id)).status == OrderStatus.CLOSED
    assert stripe_api.intents[started.checkout.reference]["status"] == "canceled"


# --- reconciliation -----------------------------------------------------------------------------


async def test_reconciliation_pays_an_order_whose_notification_never_came(
    shop, state, customer, wxpay, stripe_api
):
    order = await placed(shop, customer)
    wechat = await start(state, customer, order)
    other = await placed(shop, customer)
    card = await start(state, customer, other, PaymentChannel.H5)
    wxpay.pay(wechat.payment.out_trade_no)
    stripe_api.succeed(card.checkout.reference)
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    await Payment.filter(id__in=[wechat.payment.id, card.payment.id]).update(created_at=long_ago)

    settled = await service.reconcile_pending_payments(state)
    again = await service.reconcile_pending_payments(state)

    assert (settled, again) == (2, 0)
    for paid in (order, other):
        assert (await Order.get(id=paid.id)).status == OrderStatus.PAID
        assert await paid_count(paid.id) == 1


async def test_reconciliation_leaves_fresh_and_unpaid_payments_alone(shop, state, customer, wxpay):
    fresh = await start(state, customer, await placed(shop, customer))
    wxpay.pay(fresh.payment.out_trade_no)  # paid, but its notification may still come
    unpaid = await start(state, customer, await placed(shop, customer))
    await Payment.filter(id=unpaid.payment.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=5)
    )
    queried = wxpay.calls["query"]

    assert await service.reconcile_pending_payments(state) == 0
    assert wxpay.calls["query"] == queried + 1  # only the old one was asked about
    assert (await Payment.get(id=unpaid.payment.id)).checked_at is not None


async def test_reconciliation_closes_the_trade_behind_a_cancelled_order(
    shop, state, customer, wxpay, stripe_api
):
    order = await placed(shop, customer)
    wechat = await start(state, customer, order)
    card = await start(state, customer, order, PaymentChannel.H5)
    await orders.cancel_order(state=state, user_id=customer.id, order_id=order.id)
    await Payment.filter(order_id=order.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=5)
    )

    settled = await service.reconcile_pending_payments(state)
    queried = wxpay.calls["query"]
    await Payment.filter(order_id=order.id).update(checked_at=None)
    again = await service.reconcile_pending_payments(state)

    assert (settled, again) == (2, 0)
    assert wxpay.transactions[wechat.payment.out_trade_no].trade_state == "CLOSED"
    assert stripe_api.intents[card.checkout.reference]["status"] == "canceled"
    rows = await Payment.filter(order_id=order.id)
    assert {(p.status, p.provider_closed_at is not None) for p in rows} == {
        (PaymentStatus.CLOSED, True)
    }
    assert wxpay.calls["query"] == queried  # closed attempts are not asked about again
    assert await Refund.filter(order_id=order.id).count() == 0


async def test_reconciliation_refunds_money_paid_into_a_cancelled_order(
    shop, state, customer, wxpay
):
    # The shopper cancelled, then paid the prepay order anyway; the notification was lost.
    order = await placed(shop, customer)
    started = await start(state, customer, order)
    await orders.cancel_order(state=state, user_id=customer.id, order_id=order.id)
    wxpay.pay(started.payment.out_trade_no)
    await Payment.filter(id=started.payment.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=5)
    )

    assert await service.reconcile_pending_payments(state) == 1

    assert (await Order.get(id=order.id)).status == OrderStatus.CANCELLED
    refund = await Refund.get(order_id=order.id)
    assert refund.reason == RefundReason.LATE_PAYMENT and refund.amount == started.payment.amount
    assert (await Payment.get(id=started.payment.id)).status == PaymentStatus.SUCCEEDED


# --- refunds ------------------------------------------------------------------------------------


async def _paid_by_wechat(
    shop, state, customer, wxpay, http, price="88.00"
) -> tuple[Order, Payment]:
    order = await placed(shop, customer, price=price)
    started = await start(state, customer, order)
    wxpay.pay(started.payment.out_trade_no)
    headers, body = wxpay.payment_notification(started.payment.out_trade_no)
    assert (await post(http, WECHAT_NOTIFY, headers, body)).status_code == 204
    return await Order.get(id=order.id), await Payment.get(id=started.payment.id)


async def _after_sale(settings: Settings, customer, order: Order):
    """The shopper asks for everything back."""
    return await after_sales.request_after_sale(
        settings=settings,
        user_id=customer.id,
        order_id=order.id,
        kind=AfterSaleKind.REFUND_ONLY,
        lines=None,
        reason="changed my mind",
        photos=[],
    )


async def test_an_approved_after_sale_is_refunded_at_wechat(
    shop, state, settings, customer, staff_user, wxpay, http
):
    order, payment = await _paid_by_wechat(shop, state, customer, wxpay, http)
    after_sale = await _after_sale(settings, customer, order)
    await after_sales.approve(staff_id=staff_user.id, after_sale_id=after_sale.id, amount=None)

    assert await service.process_refunds(state) == 0  # sent; WeChat is processing it
    refund = await Refund.get(order_id=order.id)
    assert refund.status == RefundStatus.PROCESSING and refund.provider_refund_id
    at_wechat = wxpay.refunds[refund.out_refund_no]
    assert at_wechat.refund == to_fen(refund.amount)

    wxpay.complete_refund(refund.out_refund_no)
    headers, body = wxpay.refund_notification(refund.out_refund_no)
    assert (await post(http, WECHAT_NOTIFY, headers, body)).status_code == 204
    assert (await post(http, WECHAT_NOTIFY, headers, body)).status_code == 204

    refund = await Refund.get(id=refund.id)
    assert refund.status == RefundStatus.SUCCEEDED
    row = await Order.get(id=order.id)
    assert row.refunded_amount == payment.amount and row.status == OrderStatus.REFUNDED


async def test_a_tampered_refund_notification_changes_nothing(
    shop, state, settings, customer, staff_user, wxpay, http
):
    order, _ = await _paid_by_wechat(shop, state, customer, wxpay, http)
    after_sale = await _after_sale(settings, customer, order)
    await after_sales.approve(staff_id=staff_user.id, after_sale_id=after_sale.id, amount=None)
    await service.process_refunds(state)
    refund = await Refund.get(order_id=order.id)
    wxpay.complete_refund(refund.out_refund_no)
    before = await snapshot(order.id)

    for kw in ({"flip_tag": True}, {"overrides": {"mchid": "1"}}, {"timestamp": 1}):
        headers, body = wxpay.refund_notification(refund.out_refund_no, **kw)
        answer = await post(http, WECHAT_NOTIFY, headers, body)
        assert answer.status_code == 400 and answer.json()["code"] == "FAIL"

    assert await snapshot(order.id) == before
    assert (await Refund.get(id=refund.id)).status == RefundStatus.PROCESSING


async def test_a_stripe_refund_succeeds_at_once(
    shop, state, settings, customer, staff_user, stripe_api, http
):
    order = await placed(shop, customer)
    started = await start(state, customer, order, PaymentChannel.H5)
    intent = stripe_api.succeed(started.checkout.reference)
    headers, body = stripe_api.event("payment_intent.succeeded", intent)
    assert (await post(http, STRIPE_WEBHOOK, headers, body)).status_code == 200
    after_sale = await _after_sale(settings, customer, order)
    await after_sales.approve(
        staff_id=staff_user.id, after_sale_id=after_sale.id, amount=Decimal("5.00")
    )

    assert await service.process_refunds(state) == 1

    refund = await Refund.get(order_id=order.id)
    assert refund.status == RefundStatus.SUCCEEDED
    at_stripe = stripe_api.refunds[refund.provider_refund_id]
    assert at_stripe["amount"] == 500 and at_stripe["payment_intent"] == intent["id"]
    assert (await Order.get(id=order.id)).refunded_amount == Decimal("5.00")


async def test_20_concurrent_approvals_and_processors_refund_once(
    shop, state, settings, customer, staff_user, wxpay, http
):
    order, payment = await _paid_by_wechat(shop, state, customer, wxpay, http)
    after_sale = await _after_sale(settings, customer, order)

    approvals = await asyncio.gather(
        *[
            after_sales.approve(staff_id=staff_user.id, after_sale_id=after_sale.id, amount=None)
            for _ in range(20)
        ],
        return_exceptions=True,
    )
    processed = await asyncio.gather(*[service.process_refunds(state) for _ in range(20)])

    assert not [a for a in approvals if isinstance(a, BaseException)]
    assert sum(processed) == 0  # one refund sent, WeChat processing it
    refunds = await Refund.filter(order_id=order.id)
    assert len(refunds) == 1
    at_wechat = [r for r in wxpay.refunds.values() if r.out_trade_no == payment.out_trade_no]
    assert [r.out_refund_no for r in at_wechat] == [refunds[0].out_refund_no]
    assert sum(r.refund for r in at_wechat) <= to_fen(payment.amount)


async def test_refunds_never_exceed_what_was_paid_even_if_asked_to(
    shop, state, customer, wxpay, http
):
    """Twenty refunds of 10.00 each queued against an 88.00 payment (more than orders would
    ever approve), processed by 20 concurrent processors: at most 88.00 goes back."""
    order, payment = await _paid_by_wechat(shop, state, customer, wxpay, http, price="88.00")
    for i in range(20):
        await Refund.create(
            order_id=order.id,
            payment_id=payment.id,
            out_refund_no=f"{payment.out_trade_no}-X{i:02d}",
            amount=Decimal("10.00"),
            currency="CNY",
            reason=RefundReason.AFTER_SALE,
        )

    await asyncio.gather(*[service.process_refunds(state, limit=1) for _ in range(20)])

    sent = await Refund.filter(order_id=order.id, sent_at__isnull=False).count()
    failed = await Refund.filter(order_id=order.id, status=RefundStatus.FAILED)
    at_wechat = [r for r in wxpay.refunds.values() if r.out_trade_no == payment.out_trade_no]
    total_fen = to_fen(payment.amount)
    assert sent == len(at_wechat) == int(payment.amount // Decimal("10.00"))
    assert sum(r.refund for r in at_wechat) <= total_fen
    assert len(failed) == 20 - sent
    assert all(r.failure_reason.startswith("EXCEEDS_PAID") for r in failed)


async def test_a_late_payment_is_refunded_once(shop, state, customer, wxpay, http):
    order = await placed(shop, customer)
    started = await start(state, customer, order)
    wxpay.pay(started.payment.out_trade_no)
    await orders.cancel_order(state=state, user_id=customer.id, order_id=order.id)
    headers, body = wxpay.payment_notification(started.payment.out_trade_no)
    assert (await post(http, WECHAT_NOTIFY, headers, body)).status_code == 204

    await asyncio.gather(*[service.process_refunds(state) for _ in range(5)])

    refund = await Refund.get(order_id=order.id)
    assert refund.reason == RefundReason.LATE_PAYMENT
    assert [
        r.out_refund_no
        for r in wxpay.refunds.values()
        if r.out_trade_no == started.payment.out_trade_no
    ] == [refund.out_refund_no]
    assert wxpay.refunds[refund.out_refund_no].refund == to_fen(started.payment.amount)


async def test_a_refund_the_provider_refuses_is_failed_with_its_reason(
    shop, state, customer, wxpay, http
):
    order, payment = await _paid_by_wechat(shop, state, customer, wxpay, http)
    # Someone refunded it all from WeChat's merchant platform already.
    await state.payments.get("wechat").refund(
        RefundOrder(
            out_refund_no=f"{payment.out_trade_no}-OUTSIDE",
            out_trade_no=payment.out_trade_no,
            transaction_id=payment.provider_transaction_id,
            amount=payment.amount,
            total=payment.amount,
            currency="CNY",
        )
    )
    await Refund.create(
        order_id=order.id,
        payment_id=payment.id,
        out_refund_no=f"{payment.out_trade_no}-Z",
        amount=payment.amount,
        currency="CNY",
        reason=RefundReason.AFTER_SALE,
    )

    await service.process_refunds(state)

    refund = await Refund.get(order_id=order.id)
    assert refund.status == RefundStatus.FAILED
    assert refund.failure_reason.startswith("NOT_ENOUGH")
