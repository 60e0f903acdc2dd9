from __future__ import annotations

import strawberry
from strawberry import relay

from graph.types.payments import PaymentChannel


@strawberry.input(description="Pay one of your orders; the amount is the order's, never sent.")
class PaymentCreateInput:
    order_id: relay.GlobalID
    channel: PaymentChannel = strawberry.field(
        description="Where the shopper pays from: the mini-program pays with WeChat Pay, "
        "the H5 store with a card through Stripe."
    )


@strawberry.input
class SandboxPayInput:
    order_id: relay.GlobalID
