from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.payments import PaymentCreateInput, SandboxPayInput
from graph.permissions import IsAuthenticated
from graph.relay import decode_id
from graph.types.payments import (
    PaymentCreatePayload,
    PaymentError,
    SandboxPayPayload,
)
from resolvers.payments import service


@strawberry.type
class PaymentMutations:
    @strawberry.mutation(
        description="Start (or resume) paying one of your orders. Returns what the client "
        "needs: `wx.requestPayment` parameters in the mini-program, a Stripe client secret "
        "on H5. The order becomes PAID when the provider's verified notification arrives.",
        permission_classes=[IsAuthenticated],
    )
    async def payment_create(self, info: Info, input: PaymentCreateInput) -> PaymentCreatePayload:
        ctx = info.context
        claims = ctx.require_user()
        return await run_mutation(
            service.create_payment(
                state=ctx.state,
                user_id=claims.user_id,
                order_id=decode_id(input.order_id, expected="Order", field="orderId"),
                channel=input.channel,
            ),
            payload=PaymentCreatePayload,
            error=PaymentError,
            build=PaymentCreatePayload.success,
        )

    @strawberry.mutation(
        description="Development only: pay one of your orders through the payment sandbox, "
        "which signs the notification a provider would send (SANDBOX_DISABLED elsewhere).",
        permission_classes=[IsAuthenticated],
    )
    async def sandbox_pay(self, info: Info, input: SandboxPayInput) -> SandboxPayPayload:
        ctx = info.context
        claims = ctx.require_user()
        return await run_mutation(
            service.sandbox_pay(
                state=ctx.state,
                user_id=claims.user_id,
                order_id=decode_id(input.order_id, expected="Order", field="orderId"),
            ),
            payload=SandboxPayPayload,
            error=PaymentError,
            build=SandboxPayPayload.success,
        )
