"""paymentCreate / sandboxPay over HTTP, against the local WeChat Pay and Stripe fakes."""

from __future__ import annotations

from decimal import Decimal

from strawberry import relay

from graph.schema import export_sdl
from models import Order, OrderStatus, Payment
from tests.support.graphql import GraphQLClient, codes

PAYMENT_CREATE = """
mutation Pay($input: PaymentCreateInput!) {
  paymentCreate(input: $input) {
    payment { id provider status amount { amount currency } }
    launch {
      provider
      wechatPay { appId timeStamp nonceStr package signType paySign }
      stripe { clientSecret publishableKey }
    }
    errors { field message code }
  }
}
"""

SANDBOX_PAY = """
mutation SandboxPay($input: SandboxPayInput!) {
  sandboxPay(input: $input) { order { id status } errors { field code } }
}
"""

# What a card form would need; none of it may exist anywhere in our schema.
CARD_WORDS = ("cardnumber", "cvc", "cvv", "expmonth", "expyear", "cardexpiry")


async def placed(shop, user) -> Order:
    sku = await shop.sku(price="66.00", stock=10)
    return await shop.order(user, (sku, 1))


def order_gid(order: Order) -> str:
    return str(relay.GlobalID("Order", str(order.id)))


async def test_the_mini_program_gets_signed_request_payment_parameters(
    customer_api: GraphQLClient, shop, customer, fake_wechatpay
):
    wxpay, _ = fake_wechatpay
    order = await placed(shop, customer)

    data = await customer_api.execute(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "MINI_PROGRAM"}}
    )

    result = data["paymentCreate"]
    assert result["errors"] == []
    assert result["payment"]["provider"] == "wechat" and result["payment"]["status"] == "PENDING"
    assert result["payment"]["amount"] == {"amount": str(order.total), "currency": "CNY"}
    launch = result["launch"]
    assert launch["provider"] == "WECHAT" and launch["stripe"] is None
    payment = await Payment.get(order_id=order.id)
    prepay_id = wxpay.transactions[payment.out_trade_no].prepay_id
    assert launch["wechatPay"]["package"] == f"prepay_id={prepay_id}"
    assert launch["wechatPay"]["signType"] == "RSA" and launch["wechatPay"]["paySign"]


async def test_h5_gets_only_a_stripe_client_secret(
    customer_api: GraphQLClient, shop, customer, fake_stripe
):
    stripe_api, _ = fake_stripe
    order = await placed(shop, customer)

    data = await customer_api.execute(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "H5"}}
    )

    launch = data["paymentCreate"]["launch"]
    assert launch["provider"] == "STRIPE" and launch["wechatPay"] is None
    payment = await Payment.get(order_id=order.id)
    intent = stripe_api.intents[payment.provider_reference]
    assert launch["stripe"] == {
        "clientSecret": intent["client_secret"],
        "publishableKey": "pk_test_microstore",
    }


async def test_paying_someone_elses_order_is_not_found(
    customer_api: GraphQLClient, shop, make_user
):
    stranger = await make_user()
    order = await placed(shop, stranger)

    data = await customer_api.execute(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "MINI_PROGRAM"}}
    )

    assert data["paymentCreate"]["payment"] is None
    assert [(e["code"], e["field"]) for e in data["paymentCreate"]["errors"]] == [
        ("NOT_FOUND", ["orderId"])
    ]
    assert await Payment.filter(order_id=order.id).count() == 0


async def test_paying_a_paid_order_is_refused(customer_api: GraphQLClient, shop, customer):
    order = await shop.pay(await placed(shop, customer))

    data = await customer_api.execute(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "H5"}}
    )

    assert [(e["code"], e["field"]) for e in data["paymentCreate"]["errors"]] == [
        ("ORDER_NOT_PAYABLE", ["orderId"])
    ]


async def test_paying_needs_a_login(api: GraphQLClient, shop, customer):
    order = await placed(shop, customer)

    errors = await api.errors(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "H5"}}
    )

    assert codes(errors) == ["UNAUTHENTICATED"]


async def test_an_id_of_another_type_is_bad_input(customer_api: GraphQLClient, customer):
    errors = await customer_api.errors(
        PAYMENT_CREATE,
        {"input": {"orderId": str(relay.GlobalID("User", str(customer.id))), "channel": "H5"}},
    )

    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_sandbox_pay_is_refused_outside_development(
    customer_api: GraphQLClient, shop, customer
):
    order = await placed(shop, customer)

    data = await customer_api.execute(SANDBOX_PAY, {"input": {"orderId": order_gid(order)}})

    assert [e["code"] for e in data["sandboxPay"]["errors"]] == ["SANDBOX_DISABLED"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PENDING_PAYMENT


def test_no_card_data_in_the_schema():
    sdl = export_sdl().lower()

    assert not [word for word in CARD_WORDS if word in sdl.replace("_", "")]


async def test_starting_payments_is_rate_limited_per_shopper(
    customer_api: GraphQLClient, shop, customer
):
    order = await placed(shop, customer)
    variables = {"input": {"orderId": order_gid(order), "channel": "H5"}}
    for _ in range(20):
        await customer_api.execute(PAYMENT_CREATE, variables)

    errors = await customer_api.errors(PAYMENT_CREATE, variables)

    assert codes(errors) == ["RATE_LIMITED"]


async def test_an_order_with_nothing_to_pay_is_not_payable(
    customer_api: GraphQLClient, shop, customer
):
    # An order left at a zero total awaiting payment (placed before such orders were paid
    # at once): no provider takes 0, so it is refused before one is asked.
    order = await placed(shop, customer)
    await Order.filter(id=order.id).update(total=Decimal("0.00"))

    data = await customer_api.execute(
        PAYMENT_CREATE, {"input": {"orderId": order_gid(order), "channel": "MINI_PROGRAM"}}
    )

    assert [(e["code"], e["field"]) for e in data["paymentCreate"]["errors"]] == [
        ("ORDER_NOT_PAYABLE", ["orderId"])
    ]
    assert await Payment.filter(order_id=order.id).count() == 0
