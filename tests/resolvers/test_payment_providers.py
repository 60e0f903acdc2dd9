"""The provider layer against local fakes of WeChat Pay v3 and Stripe, over real HTTP.

Real SDKs, real signing, real verification: the fakes check our request signatures and
answer signed, so a broken key, signature string or base URL fails here. The attack matrix
at this level: each forged or stale notification raises `NotificationRejected`.
"""

from __future__ import annotations

import base64
import dataclasses
import secrets
import time
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.hashes import SHA256

from resolvers.payments.providers.base import (
    Charge,
    NotificationKind,
    NotificationRejected,
    PaymentChannel,
    ProviderError,
    ProviderName,
    ProviderRejected,
    RefundOrder,
    RefundState,
    TradeState,
    check_timestamp_window,
    from_minor,
    to_minor,
)
from resolvers.payments.providers.registry import PaymentProviders, ProviderUnavailable
from resolvers.payments.providers.sandbox import SandboxProvider
from resolvers.payments.providers.stripe_cards import StripeProvider
from resolvers.payments.providers.wechat import WechatPayProvider
from settings import Settings
from tests.support.keys import private_pem, public_pem, rsa_key

AMOUNT = Decimal("12.50")


def make_charge(**fields: object) -> Charge:
    values: dict[str, object] = {
        "out_trade_no": f"T{secrets.token_hex(8)}",
        "order_id": 7,
        "amount": AMOUNT,
        "currency": "CNY",
        "description": "Microstore order",
        "payer_openid": "openid-shopper",
    }
    values.update(fields)
    return Charge(**values)  # type: ignore[arg-type]


def flip_one_byte(body: bytes) -> bytes:
    raw = bytearray(body)
    raw[len(raw) // 2] ^= 0x01
    return bytes(raw)


@pytest.fixture(scope="module")
def stranger_key():
    """A key nobody trusts."""
    return rsa_key()


# --- money -----------------------------------------------------------------------------------


def test_amounts_cross_the_boundary_as_whole_fen() -> None:
    assert to_minor(Decimal("12.50")) == 1250
    assert from_minor(1250) == Decimal("12.50")
    for bad in (Decimal("0.001"), Decimal(0), Decimal("-1")):
        with pytest.raises(ValueError, match="whole number of fen"):
            to_minor(bad)


def test_the_notification_window_is_tolerance_behind_and_skew_ahead() -> None:
    now = int(time.time())
    check_timestamp_window(now - 290, tolerance_seconds=300, skew_seconds=30)
    check_timestamp_window(now + 20, tolerance_seconds=300, skew_seconds=30)
    with pytest.raises(NotificationRejected, match="too old"):
        check_timestamp_window(now - 301, tolerance_seconds=300, skew_seconds=30)
    with pytest.raises(NotificationRejected, match="in the future"):
        check_timestamp_window(now + 31, tolerance_seconds=300, skew_seconds=30)


# --- WeChat Pay --------------------------------------------------------------------------------


@pytest.fixture
async def wechat(settings: Settings) -> AsyncIterator[WechatPayProvider]:
    provider = WechatPayProvider(settings=settings)
    yield provider
    await provider.aclose()


@pytest.fixture
def fake(fake_wechatpay):
    return fake_wechatpay[0]


async def test_wechat_checkout_orders_the_server_amount_and_signs_request_payment(
    wechat: WechatPayProvider, fake, merchant_key, settings: Settings
) -> None:
    # Given a charge of 12.50
    charge = make_charge()

    # When the provider orders it
    checkout = await wechat.create_checkout(charge)

    # Then WeChat got our amount in fen, the payer, our notify URL and the order id
    trade = fake.transactions[charge.out_trade_no]
    assert (trade.total, trade.currency, trade.openid) == (1250, "CNY", "openid-shopper")
    assert trade.notify_url == "https://shop.example.test/payments/wechat/notify"
    assert trade.attach == "7"
    # And the client gets wx.requestPayment parameters signed with our merchant key
    params = checkout.params
    assert checkout.reference == trade.prepay_id
    assert params["package"] == f"prepay_id={trade.prepay_id}"
    assert params["signType"] == "RSA"
    assert params["appId"] == settings.wechat_app_id
    message = "{appId}\n{timeStamp}\n{nonceStr}\n{package}\n".format(**params).encode()
    merchant_key.public_key().verify(
        base64.b64decode(params["paySign"]), message, padding.PKCS1v15(), SHA256()
    )
    assert checkout.reference_expires_at is not None


async def test_wechat_reuses_the_prepay_id_instead_of_ordering_again(
    wechat: WechatPayProvider, fake
) -> None:
    charge = make_charge()
    first = await wechat.create_checkout(charge)
    ordered = fake.calls["jsapi"]

    again = await wechat.create_checkout(charge, reuse=first.reference)

    assert fake.calls["jsapi"] == ordered  # no second order
    assert again.params["package"] == first.params["package"]
    assert again.params["nonceStr"] != first.params["nonceStr"]  # freshly signed


async def test_wechat_order_needs_the_payer(wechat: WechatPayProvider) -> None:
    with pytest.raises(ProviderRejected) as refused:
        await wechat.create_checkout(make_charge(payer_openid=None))
    assert refused.value.code == "PAYER_REQUIRED"


async def test_wechat_query_reports_unpaid_then_paid(wechat: WechatPayProvider, fake) -> None:
    charge = make_charge()
    await wechat.create_checkout(charge)
    unpaid = await wechat.query(out_trade_no=charge.out_trade_no)
    assert unpaid.state == TradeState.UNPAID and unpaid.transaction_id is None

    paid_trade = fake.pay(charge.out_trade_no)
    paid = await wechat.query(out_trade_no=charge.out_trade_no)

    assert paid.state == TradeState.PAID
    assert (paid.transaction_id, paid.amount_minor, paid.currency) == (
        paid_trade.transaction_id,
        1250,
        "CNY",
    )
    assert paid.paid_at is not None


async def test_wechat_query_of_an_order_never_placed_is_not_found(
    wechat: WechatPayProvider,
) -> None:
    trade = await wechat.query(out_trade_no="never-ordered")
    assert trade.state == TradeState.NOT_FOUND


async def test_wechat_close_closes_an_unpaid_order(wechat: WechatPayProvider, fake) -> None:
    charge = make_charge()
    await wechat.create_checkout(charge)

    trade = await wechat.close(out_trade_no=charge.out_trade_no)

    assert trade.state == TradeState.CLOSED
    assert fake.transactions[charge.out_trade_no].trade_state == "CLOSED"


async def test_wechat_close_of_a_paid_order_means_paid(wechat: WechatPayProvider, fake) -> None:
    # Given the shopper paid just before our close-unpaid timer fired
    charge = make_charge()
    await wechat.create_checkout(charge)
    paid_trade = fake.pay(charge.out_trade_no)

    # When we close it, WeChat says ORDERPAID
    trade = await wechat.close(out_trade_no=charge.out_trade_no)

    # Then it is paid, with the transaction to record
    assert trade.state == TradeState.PAID
    assert trade.transaction_id == paid_trade.transaction_id
    assert fake.transactions[charge.out_trade_no].trade_state == "SUCCESS"


async def test_wechat_refund_is_idempotent_on_out_refund_no(
    wechat: WechatPayProvider, fake
) -> None:
    charge = make_charge()
    await wechat.create_checkout(charge)
    paid = fake.pay(charge.out_trade_no)
    order = RefundOrder(
        out_refund_no=f"R{secrets.token_hex(8)}",
        out_trade_no=charge.out_trade_no,
        transaction_id=paid.transaction_id,
        amount=Decimal("5.00"),
        total=AMOUNT,
        currency="CNY",
        reason="size does not fit",
    )

    first = await wechat.refund(order)
    second = await wechat.refund(order)

    assert first.state == RefundState.PROCESSING and first.amount_minor == 500
    assert second.refund_id == first.refund_id
    assert [r for r in fake.refunds.values() if r.transaction_id == paid.transaction_id] == [
        fake.refunds[order.out_refund_no]
    ]
    fake.complete_refund(order.out_refund_no)
    done = await wechat.query_refund(out_refund_no=order.out_refund_no)
    assert done.state == RefundState.SUCCEEDED


async def test_wechat_refund_beyond_what_was_paid_is_refused(
    wechat: WechatPayProvider, fake
) -> None:
    charge = make_charge()
    await wechat.create_checkout(charge)
    paid = fake.pay(charge.out_trade_no)

    with pytest.raises(ProviderRejected) as refused:
        await wechat.refund(
            RefundOrder(
                out_refund_no=f"R{secrets.token_hex(8)}",
                out_trade_no=charge.out_trade_no,
                transaction_id=paid.transaction_id,
                amount=Decimal("12.51"),
                total=AMOUNT,
                currency="CNY",
            )
        )
    assert refused.value.code == "NOT_ENOUGH"


async def test_wechat_answer_signed_with_another_key_is_not_trusted(
    wechat: WechatPayProvider, fake, stranger_key
) -> None:
    await wechat.query(out_trade_no="warm-up")  # certificates downloaded with the real key
    fake.answer_key = stranger_key
    try:
        with pytest.raises(ProviderError):
            await wechat.create_checkout(make_charge())
    finally:
        fake.answer_key = None


async def test_wechat_fake_refuses_requests_we_did_not_sign(
    settings: Settings, fake, stranger_key
) -> None:
    # A provider holding the wrong merchant key proves the fake checks our signatures.
    impostor = WechatPayProvider(
        settings=settings.model_copy(
            update={"wechatpay_merchant_private_key": private_pem(stranger_key)}
        )
    )
    refused = fake.calls["rejected-signature"]
    try:
        with pytest.raises(ProviderError):
            await impostor.query(out_trade_no="anything")
    finally:
        await impostor.aclose()
    assert fake.calls["rejected-signature"] > refused


async def test_wechat_platform_public_key_mode(settings: Settings, fake) -> None:
    # Given WeChat's newer mode: a platform public key with an id instead of certificates
    key_id = "PUB_KEY_ID_0114232134912410000000000000"
    provider = WechatPayProvider(
        settings=settings.model_copy(
            update={
                "wechatpay_platform_public_key": public_pem(fake.platform_key),
                "wechatpay_platform_public_key_id": key_id,
            }
        )
    )
    fake.answer_serial = key_id
    try:
        charge = make_charge()
        checkout = await provider.create_checkout(charge)
        assert checkout.reference == fake.transactions[charge.out_trade_no].prepay_id
        fake.pay(charge.out_trade_no)
        headers, body = fake.payment_notification(charge.out_trade_no, serial=key_id)
        note = await provider.parse_notification(headers=headers, body=body)
        assert note.kind == NotificationKind.PAYMENT_SUCCEEDED
        # and a certificate serial means nothing in this mode
        headers, body = fake.payment_notification(charge.out_trade_no)
        with pytest.raises(NotificationRejected, match="unknown platform serial"):
            await provider.parse_notification(headers=headers, body=body)
    finally:
        fake.answer_serial = None
        await provider.aclose()


# --- WeChat notifications ---------------------------------------------------------------------


@pytest.fixture
async def paid_wechat_order(wechat: WechatPayProvider, fake) -> Charge:
    charge = make_charge()
    await wechat.create_checkout(charge)
    fake.pay(charge.out_trade_no)
    return charge


async def test_wechat_payment_notification_is_verified_and_decrypted(
    wechat: WechatPayProvider, fake, paid_wechat_order: Charge
) -> None:
    headers, body = fake.payment_notification(paid_wechat_order.out_trade_no)

    note = await wechat.parse_notification(headers=headers, body=body)

    trade = fake.transactions[paid_wechat_order.out_trade_no]
    assert note.kind == NotificationKind.PAYMENT_SUCCEEDED
    assert note.provider == ProviderName.WECHAT
    assert (note.out_trade_no, note.transaction_id) == (trade.out_trade_no, trade.transaction_id)
    assert (note.amount_minor, note.currency) == (1250, "CNY")
    assert note.event_id and note.occurred_at is not None
    note.ensure_matches(out_trade_no=trade.out_trade_no, amount=AMOUNT, currency="CNY")


WECHAT_ATTACKS = {
    "body flipped by one byte": ({}, flip_one_byte, "signature does not verify"),
    # timestamps are offsets from the moment the test runs
    "timestamp too old": ({"timestamp": -301}, None, "too old"),
    "timestamp in the future": ({"timestamp": +120}, None, "future"),
    "unknown serial": ({"serial": "7A1B2C3D4E5F"}, None, "unknown platform serial"),
    "signed by a stranger": ({"key": "stranger"}, None, "signature does not verify"),
    "SIGNTEST probe": ({"signature": "WECHATPAY/SIGNTEST/" + "A" * 40}, None, "SIGNTEST"),
    "GCM tag flipped": ({"flip_tag": True}, None, "does not decrypt"),
    "wrong associated data": ({"encrypt_with_ad": "certificate"}, None, "does not decrypt"),
    "other APIv3 key": ({"apiv3_key": "0" * 32}, None, "does not decrypt"),
    "other merchant": ({"overrides": {"mchid": "1900000999"}}, None, "merchant differs"),
    "other app": ({"overrides": {"appid": "wx-other-app"}}, None, "app differs"),
}


@pytest.mark.parametrize("attack", list(WECHAT_ATTACKS), ids=list(WECHAT_ATTACKS))
async def test_wechat_notification_attacks_are_rejected(
    attack: str, wechat: WechatPayProvider, fake, paid_wechat_order: Charge, stranger_key
) -> None:
    options, mangle, reason = WECHAT_ATTACKS[attack]
    options = {k: (stranger_key if v == "stranger" else v) for k, v in options.items()}
    if "timestamp" in options:
        options["timestamp"] += int(time.time())
    headers, body = fake.payment_notification(paid_wechat_order.out_trade_no, **options)
    if mangle:
        body = mangle(body)

    with pytest.raises(NotificationRejected, match=reason):
        await wechat.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize(
    "header",
    ["Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature", "Wechatpay-Serial"],
)
async def test_wechat_notification_missing_a_header_is_rejected(
    header: str, wechat: WechatPayProvider, fake, paid_wechat_order: Charge
) -> None:
    headers, body = fake.payment_notification(paid_wechat_order.out_trade_no)
    del headers[header]

    with pytest.raises(NotificationRejected, match=f"missing headers: {header.lower()}"):
        await wechat.parse_notification(headers=headers, body=body)


@pytest.mark.parametrize(
    ("differs", "expected"),
    [
        ({"amount": Decimal("1.00")}, "amount differs"),
        ({"out_trade_no": "someone-elses-order"}, "out_trade_no differs"),
        ({"currency": "USD"}, "currency differs"),
    ],
)
async def test_wechat_notification_for_another_amount_or_order_does_not_match_ours(
    differs: dict, expected: str, wechat: WechatPayProvider, fake, paid_wechat_order: Charge
) -> None:
    headers, body = fake.payment_notification(paid_wechat_order.out_trade_no)
    note = await wechat.parse_notification(headers=headers, body=body)
    ours = {"out_trade_no": paid_wechat_order.out_trade_no, "amount": AMOUNT, "currency": "CNY"}

    with pytest.raises(NotificationRejected, match=expected):
        note.ensure_matches(**{**ours, **differs})


async def test_wechat_unknown_serials_refresh_certificates_at_most_once_a_minute(
    wechat: WechatPayProvider, fake, paid_wechat_order: Charge
) -> None:
    fetched = fake.calls["certificates"]
    for _ in range(5):
        headers, body = fake.payment_notification(paid_wechat_order.out_trade_no, serial="ABCDEF")
        with pytest.raises(NotificationRejected, match="unknown platform serial"):
            await wechat.parse_notification(headers=headers, body=body)
    assert fake.calls["certificates"] == fetched + 1


async def test_wechat_refund_notification_is_verified_the_same_way(
    wechat: WechatPayProvider, fake, paid_wechat_order: Charge
) -> None:
    trade = fake.transactions[paid_wechat_order.out_trade_no]
    refund = await wechat.refund(
        RefundOrder(
            out_refund_no=f"R{secrets.token_hex(8)}",
            out_trade_no=trade.out_trade_no,
            transaction_id=trade.transaction_id,
            amount=AMOUNT,
            total=AMOUNT,
            currency="CNY",
        )
    )
    fake.complete_refund(refund.out_refund_no)
    headers, body = fake.refund_notification(refund.out_refund_no)

    note = await wechat.parse_notification(headers=headers, body=body)

    assert note.kind == NotificationKind.REFUND_SUCCEEDED
    assert (note.out_refund_no, note.refund_id, note.amount_minor) == (
        refund.out_refund_no,
        refund.refund_id,
        1250,
    )
    with pytest.raises(NotificationRejected, match="signature"):
        await wechat.parse_notification(headers=headers, body=flip_one_byte(body))
    headers, body = fake.refund_notification(refund.out_refund_no, overrides={"mchid": "1"})
    with pytest.raises(NotificationRejected, match="merchant differs"):
        await wechat.parse_notification(headers=headers, body=body)


# --- Stripe ------------------------------------------------------------------------------------


@pytest.fixture
async def stripe_provider(settings: Settings) -> AsyncIterator[StripeProvider]:
    provider = StripeProvider(settings=settings)
    yield provider
    await provider.aclose()


@pytest.fixture
def fake_stripe_api(fake_stripe):
    return fake_stripe[0]


CARD_FIELDS = ("card", "number", "cvc", "exp_month", "exp_year", "payment_method_data")


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


async def test_stripe_checkout_creates_an_intent_with_the_server_amount(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    charge = make_charge(payer_openid=None)

    checkout = await stripe_provider.create_checkout(charge)

    method, path, params, key = fake_stripe_api.requests[-1]
    assert (method, path) == ("POST", "/v1/payment_intents")
    assert (params["amount"], params["currency"]) == ("1250", "cny")
    assert params["metadata"] == {"order_id": "7", "out_trade_no": charge.out_trade_no}
    assert key == f"microstore-pi-{charge.out_trade_no}"
    assert not _keys(params) & set(CARD_FIELDS)  # no card data leaves our server
    intent = fake_stripe_api.intents[checkout.reference]
    # Only the client secret (and our publishable key) go to the client.
    assert checkout.params == {
        "clientSecret": intent["client_secret"],
        "publishableKey": "pk_test_microstore",
    }


async def test_stripe_checkout_retried_creates_one_intent(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    charge = make_charge()
    created = fake_stripe_api.calls["create_intent"]

    first = await stripe_provider.create_checkout(charge)
    second = await stripe_provider.create_checkout(charge)  # e.g. our answer was lost

    assert second.reference == first.reference
    assert fake_stripe_api.calls["create_intent"] == created + 1


async def test_stripe_checkout_reuses_a_live_intent_and_refuses_a_cancelled_one(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    charge = make_charge()
    first = await stripe_provider.create_checkout(charge)

    again = await stripe_provider.create_checkout(charge, reuse=first.reference)
    assert again.params == first.params

    await stripe_provider.close(out_trade_no=charge.out_trade_no, reference=first.reference)
    with pytest.raises(ProviderRejected) as refused:
        await stripe_provider.create_checkout(charge, reuse=first.reference)
    assert refused.value.code == "INTENT_NOT_REUSABLE"


async def test_stripe_query_and_close(stripe_provider: StripeProvider, fake_stripe_api) -> None:
    unpaid, paid = make_charge(), make_charge()
    unpaid_ref = (await stripe_provider.create_checkout(unpaid)).reference
    paid_ref = (await stripe_provider.create_checkout(paid)).reference
    fake_stripe_api.succeed(paid_ref)

    assert (
        await stripe_provider.query(out_trade_no=unpaid.out_trade_no, reference=unpaid_ref)
    ).state == TradeState.UNPAID
    paid_trade = await stripe_provider.query(out_trade_no=paid.out_trade_no, reference=paid_ref)
    assert (paid_trade.state, paid_trade.transaction_id, paid_trade.amount_minor) == (
        TradeState.PAID,
        paid_ref,
        1250,
    )
    # Closing an unpaid intent cancels it; closing a paid one reports it paid.
    closed = await stripe_provider.close(out_trade_no=unpaid.out_trade_no, reference=unpaid_ref)
    assert closed.state == TradeState.CLOSED
    assert fake_stripe_api.intents[unpaid_ref]["status"] == "canceled"
    still_paid = await stripe_provider.close(out_trade_no=paid.out_trade_no, reference=paid_ref)
    assert still_paid.state == TradeState.PAID


async def test_stripe_refund_is_idempotent_and_bounded(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    charge = make_charge()
    intent_id = (await stripe_provider.create_checkout(charge)).reference
    fake_stripe_api.succeed(intent_id)
    order = RefundOrder(
        out_refund_no=f"R{secrets.token_hex(8)}",
        out_trade_no=charge.out_trade_no,
        transaction_id=intent_id,
        amount=Decimal("10.00"),
        total=AMOUNT,
        currency="CNY",
    )

    first = await stripe_provider.refund(order)
    second = await stripe_provider.refund(order)

    assert first.state == RefundState.SUCCEEDED and first.amount_minor == 1000
    assert second.refund_id == first.refund_id
    assert [
        r["id"] for r in fake_stripe_api.refunds.values() if r["payment_intent"] == intent_id
    ] == [first.refund_id]
    assert fake_stripe_api.requests[-1][3] == f"microstore-refund-{order.out_refund_no}"
    queried = await stripe_provider.query_refund(
        out_refund_no=order.out_refund_no, refund_id=first.refund_id
    )
    assert queried.state == RefundState.SUCCEEDED
    with pytest.raises(ProviderRejected) as refused:
        await stripe_provider.refund(
            dataclasses.replace(order, out_refund_no="R-more", amount=Decimal("2.51"))
        )
    assert refused.value.code == "amount_too_large"


# --- Stripe webhooks ----------------------------------------------------------------------------


@pytest.fixture
async def paid_intent(stripe_provider: StripeProvider, fake_stripe_api) -> dict:
    charge = make_charge()
    checkout = await stripe_provider.create_checkout(charge)
    return fake_stripe_api.succeed(checkout.reference)


async def test_stripe_succeeded_webhook_is_verified(
    stripe_provider: StripeProvider, fake_stripe_api, paid_intent: dict
) -> None:
    headers, body = fake_stripe_api.event("payment_intent.succeeded", paid_intent)

    note = await stripe_provider.parse_notification(headers=headers, body=body)

    assert note.kind == NotificationKind.PAYMENT_SUCCEEDED
    assert note.provider == ProviderName.STRIPE
    assert note.event_id.startswith("evt_")
    assert (note.transaction_id, note.amount_minor, note.currency) == (
        paid_intent["id"],
        1250,
        "CNY",
    )
    note.ensure_matches(
        out_trade_no=paid_intent["metadata"]["out_trade_no"], amount=AMOUNT, currency="CNY"
    )


async def test_stripe_failure_overtaken_by_success_reads_the_intent_again(
    stripe_provider: StripeProvider, fake_stripe_api, paid_intent: dict
) -> None:
    # A payment_failed event delivered after the retry with another card succeeded
    stale = {**paid_intent, "status": "requires_payment_method", "amount_received": 0}
    headers, body = fake_stripe_api.event("payment_intent.payment_failed", stale)

    note = await stripe_provider.parse_notification(headers=headers, body=body)

    assert note.kind == NotificationKind.PAYMENT_SUCCEEDED
    assert note.amount_minor == 1250


async def test_stripe_payment_failed_webhook(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    checkout = await stripe_provider.create_checkout(make_charge())
    failed = fake_stripe_api.fail(checkout.reference)
    headers, body = fake_stripe_api.event("payment_intent.payment_failed", failed)

    note = await stripe_provider.parse_notification(headers=headers, body=body)

    # The shopper may try another card on the same PaymentIntent: not a final failure.
    assert note.kind == NotificationKind.PAYMENT_ATTEMPT_FAILED
    assert note.extra == {"failure": "card_declined"}


async def test_stripe_refund_webhook_reads_the_refund(
    stripe_provider: StripeProvider, fake_stripe_api, paid_intent: dict
) -> None:
    refund = await stripe_provider.refund(
        RefundOrder(
            out_refund_no=f"R{secrets.token_hex(8)}",
            out_trade_no=paid_intent["metadata"]["out_trade_no"],
            transaction_id=paid_intent["id"],
            amount=AMOUNT,
            total=AMOUNT,
            currency="CNY",
        )
    )
    stale = {**fake_stripe_api.refunds[refund.refund_id], "status": "pending"}
    headers, body = fake_stripe_api.event("refund.updated", stale)

    note = await stripe_provider.parse_notification(headers=headers, body=body)

    assert note.kind == NotificationKind.REFUND_SUCCEEDED
    assert (note.out_refund_no, note.refund_id) == (refund.out_refund_no, refund.refund_id)


async def test_stripe_other_events_are_authentic_but_ignored(
    stripe_provider: StripeProvider, fake_stripe_api
) -> None:
    headers, body = fake_stripe_api.event("customer.created", {"id": "cus_1", "object": "customer"})
    note = await stripe_provider.parse_notification(headers=headers, body=body)
    assert note.kind == NotificationKind.IGNORED


STRIPE_ATTACKS = {  # timestamps are offsets from the moment the test runs
    "signed with another secret": {"secret": "whsec_someone_else"},
    "older than 300 s": {"timestamp": -301},
    "from the future": {"timestamp": +120},
}


@pytest.mark.parametrize("attack", list(STRIPE_ATTACKS), ids=list(STRIPE_ATTACKS))
async def test_stripe_webhook_attacks_are_rejected(
    attack: str, stripe_provider: StripeProvider, fake_stripe_api, paid_intent: dict
) -> None:
    options = dict(STRIPE_ATTACKS[attack])
    if "timestamp" in options:
        options["timestamp"] += int(time.time())
    headers, body = fake_stripe_api.event("payment_intent.succeeded", paid_intent, **options)
    with pytest.raises(NotificationRejected):
        await stripe_provider.parse_notification(headers=headers, body=body)


async def test_stripe_webhook_with_a_flipped_byte_or_no_signature_is_rejected(
    stripe_provider: StripeProvider, fake_stripe_api, paid_intent: dict
) -> None:
    headers, body = fake_stripe_api.event("payment_intent.succeeded", paid_intent)
    with pytest.raises(NotificationRejected, match="signature"):
        await stripe_provider.parse_notification(headers=headers, body=flip_one_byte(body))
    with pytest.raises(NotificationRejected, match="missing headers"):
        await stripe_provider.parse_notification(headers={}, body=body)
    with pytest.raises(NotificationRejected):
        await stripe_provider.parse_notification(headers={"Stripe-Signature": "garbage"}, body=body)


# --- sandbox ------------------------------------------------------------------------------------


@pytest.fixture
def sandbox(settings: Settings) -> SandboxProvider:
    return SandboxProvider(settings=settings.model_copy(update={"payments_sandbox": True}))


async def test_sandbox_signs_its_own_notifications(sandbox: SandboxProvider) -> None:
    headers, body = sandbox.signed_payment_notification(
        out_trade_no="T1", amount_minor=1250, currency="CNY"
    )

    note = await sandbox.parse_notification(headers=headers, body=body)

    assert note.kind == NotificationKind.PAYMENT_SUCCEEDED
    assert (note.out_trade_no, note.transaction_id, note.amount_minor) == ("T1", "sbx_txn_T1", 1250)
    note.ensure_matches(out_trade_no="T1", amount=AMOUNT, currency="CNY")


async def test_sandbox_notification_attacks_are_rejected(
    sandbox: SandboxProvider, settings: Settings
) -> None:
    def signed(**kw: object) -> tuple[dict[str, str], bytes]:
        return sandbox.signed_payment_notification(
            out_trade_no="T1",
            amount_minor=1250,
            currency="CNY",
            **kw,  # type: ignore[arg-type]
        )

    headers, body = signed()
    with pytest.raises(NotificationRejected, match="signature"):
        await sandbox.parse_notification(headers=headers, body=flip_one_byte(body))
    with pytest.raises(NotificationRejected, match="missing headers"):
        await sandbox.parse_notification(headers={}, body=body)
    stale_headers, stale_body = signed(timestamp=int(time.time()) - 301)
    with pytest.raises(NotificationRejected, match="too old"):
        await sandbox.parse_notification(headers=stale_headers, body=stale_body)
    future_headers, future_body = signed(timestamp=int(time.time()) + 120)
    with pytest.raises(NotificationRejected, match="future"):
        await sandbox.parse_notification(headers=future_headers, body=future_body)
    other = SandboxProvider(
        settings=settings.model_copy(update={"sandbox_signing_key": "another-local-key"})
    )
    with pytest.raises(NotificationRejected, match="signature"):
        await other.parse_notification(headers=headers, body=body)


def test_sandbox_never_runs_in_production(settings: Settings) -> None:
    with pytest.raises(ValueError, match="never runs in production"):
        SandboxProvider(settings=settings.model_copy(update={"env": "production"}))


# --- choosing a provider ------------------------------------------------------------------------


def test_channels_choose_wechat_for_the_mini_program_and_stripe_for_h5(settings: Settings) -> None:
    providers = PaymentProviders.from_settings(settings)
    assert providers.for_channel(PaymentChannel.MINI_PROGRAM).name == ProviderName.WECHAT
    assert providers.for_channel(PaymentChannel.H5).name == ProviderName.STRIPE
    with pytest.raises(ProviderUnavailable):
        providers.get(ProviderName.SANDBOX)


def test_the_sandbox_serves_every_channel_when_on() -> None:
    providers = PaymentProviders.from_settings(Settings(env="development"))
    assert providers.for_channel(PaymentChannel.MINI_PROGRAM).name == ProviderName.SANDBOX
    assert providers.for_channel(PaymentChannel.H5).name == ProviderName.SANDBOX
    # Unconfigured real providers do not exist, so default secrets verify nothing.
    assert ProviderName.STRIPE not in providers and ProviderName.WECHAT not in providers


def test_an_unconfigured_channel_is_unavailable() -> None:
    providers = PaymentProviders.from_settings(Settings(env="development", payments_sandbox=False))
    with pytest.raises(ProviderUnavailable):
        providers.for_channel(PaymentChannel.H5)
