from __future__ import annotations

import strawberry

import models
from graph.errors import UserError
from graph.types.orders import Order, Payment
from resolvers.payments.errors import PaymentErrorCode as _PaymentErrorCode
from resolvers.payments.providers.base import PaymentChannel as _PaymentChannel
from resolvers.payments.providers.base import ProviderName
from resolvers.payments.service import PaymentStart

PaymentErrorCode = strawberry.enum(_PaymentErrorCode, name="PaymentErrorCode")
PaymentChannel = strawberry.enum(
    _PaymentChannel, name="PaymentChannel", description="Where the shopper pays from."
)
PaymentProvider = strawberry.enum(ProviderName, name="PaymentProvider")


@strawberry.type(description="The arguments of `wx.requestPayment(...)`, signed by the server.")
class WechatPayParams:
    app_id: str
    time_stamp: str
    nonce_str: str
    package: str = strawberry.field(description="`prepay_id=...`")
    sign_type: str
    pay_sign: str


@strawberry.type(
    description="Confirm the card with Stripe.js (`stripe.confirmCardPayment(clientSecret)`); "
    "card details go to Stripe only, never to this API."
)
class StripeCardParams:
    client_secret: str
    publishable_key: str


@strawberry.type(description="What the client needs to let the shopper pay.")
class PaymentLaunch:
    provider: PaymentProvider
    wechat_pay: WechatPayParams | None = None
    stripe: StripeCardParams | None = None

    @classmethod
    def from_start(cls, start: PaymentStart) -> PaymentLaunch:
        checkout = start.checkout
        params = checkout.params
        launch = cls(provider=checkout.provider)
        if checkout.provider == ProviderName.WECHAT:
            launch.wechat_pay = WechatPayParams(
                app_id=params["appId"],
                time_stamp=params["timeStamp"],
                nonce_str=params["nonceStr"],
                package=params["package"],
                sign_type=params["signType"],
                pay_sign=params["paySign"],
            )
        elif checkout.provider == ProviderName.STRIPE:
            launch.stripe = StripeCardParams(
                client_secret=params["clientSecret"], publishable_key=params["publishableKey"]
            )
        return launch


@strawberry.type
class PaymentError(UserError):
    code: PaymentErrorCode


@strawberry.type
class PaymentCreatePayload:
    payment: Payment | None = None
    launch: PaymentLaunch | None = None
    errors: list[PaymentError] = strawberry.field(default_factory=list)

    @classmethod
    def success(cls, start: PaymentStart) -> PaymentCreatePayload:
        return cls(payment=Payment.from_row(start.payment), launch=PaymentLaunch.from_start(start))


@strawberry.type
class SandboxPayPayload:
    order: Order | None = None
    errors: list[PaymentError] = strawberry.field(default_factory=list)

    @classmethod
    def success(cls, order: models.Order) -> SandboxPayPayload:
        return cls(order=Order.from_row(order))
