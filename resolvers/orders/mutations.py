from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import BadUserInput, payload_errors, run_mutation
from graph.inputs.orders import (
    MAX_ITEMS,
    AfterSaleApproveInput,
    AfterSaleIdInput,
    AfterSaleRejectInput,
    AfterSaleRequestInput,
    OrderAddressUpdateInput,
    OrderCreateInput,
    OrderIdInput,
    OrderNoteAddInput,
    OrdersShipInput,
    RefundIdInput,
    parse_amount,
)
from graph.permissions import IsAuthenticated, IsStaff
from graph.relay import decode_id
from graph.types.orders import (
    AfterSale,
    AfterSaleApprovePayload,
    AfterSaleReceiveReturnPayload,
    AfterSaleRejectPayload,
    AfterSaleRequestPayload,
    Order,
    OrderAddressUpdatePayload,
    OrderCancelPayload,
    OrderConfirmReceiptPayload,
    OrderCreatePayload,
    OrderError,
    OrderMarkDeliveredPayload,
    OrderMarkOutForDeliveryPayload,
    OrderMarkPickedUpPayload,
    OrderMarkReadyForPickupPayload,
    OrderNote,
    OrderNoteAddPayload,
    OrdersShipPayload,
    Refund,
    RefundRetryPayload,
)
from resolvers.core import shopper_limits
from resolvers.core.errors import DomainErrors
from resolvers.core.shopper_limits import ShopperAction
from resolvers.orders import after_sales, payment_hook, service
from resolvers.orders.lifecycle import OrderAction


def _order(payload: type) -> dict:
    return {
        "payload": payload,
        "error": OrderError,
        "build": lambda row: payload(order=Order.from_row(row)),
    }


def _after_sale(payload: type) -> dict:
    return {
        "payload": payload,
        "error": OrderError,
        "build": lambda row: payload(after_sale=AfterSale.from_row(row)),
    }


async def _advance(info: Info, input: OrderIdInput, action: OrderAction, payload: type) -> object:
    ctx = info.context
    return await run_mutation(
        service.advance_order(
            state=ctx.state,
            staff_id=ctx.require_staff().user_id,
            order_id=input.pk(),
            action=action,
        ),
        **_order(payload),
    )


@strawberry.type
class OrderMutations:
    # --- the shopper -----------------------------------------------------------------------
    @strawberry.mutation(
        description="Place an order from the cart (or buy-now items): stock is taken, the "
        "order awaits payment until its deadline. Idempotent per idempotencyKey.",
        permission_classes=[IsAuthenticated],
    )
    async def order_create(self, info: Info, input: OrderCreateInput) -> OrderCreatePayload:
        ctx = info.context
        user_id = ctx.require_user().user_id
        await shopper_limits.hit(ctx.state, ShopperAction.ORDER_CREATE, user_id)
        return await run_mutation(
            service.create_order(
                state=ctx.state,
                user_id=user_id,
                request=input.to_request(),
                idempotency_key=input.idempotency_key,
                expected_total=parse_amount(input.expected_total, "expectedTotal"),
            ),
            **_order(OrderCreatePayload),
        )

    @strawberry.mutation(
        description="Cancel an unpaid order; its stock goes back.",
        permission_classes=[IsAuthenticated],
    )
    async def order_cancel(self, info: Info, input: OrderIdInput) -> OrderCancelPayload:
        ctx = info.context
        return await run_mutation(
            service.cancel_order(
                state=ctx.state, user_id=ctx.require_user().user_id, order_id=input.pk()
            ),
            **_order(OrderCancelPayload),
        )

    @strawberry.mutation(
        description="Confirm a delivered order arrived.", permission_classes=[IsAuthenticated]
    )
    async def order_confirm_receipt(
        self, info: Info, input: OrderIdInput
    ) -> OrderConfirmReceiptPayload:
        ctx = info.context
        return await run_mutation(
            service.confirm_receipt(
                state=ctx.state, user_id=ctx.require_user().user_id, order_id=input.pk()
            ),
            **_order(OrderConfirmReceiptPayload),
        )

    @strawberry.mutation(
        description="Ask for a refund (or a return and refund) of some or all lines.",
        permission_classes=[IsAuthenticated],
    )
    async def after_sale_request(
        self, info: Info, input: AfterSaleRequestInput
    ) -> AfterSaleRequestPayload:
        ctx = info.context
        user_id = ctx.require_user().user_id
        await shopper_limits.hit(ctx.state, ShopperAction.AFTER_SALE_REQUEST, user_id)
        return await run_mutation(
            after_sales.request_after_sale(
                settings=ctx.state.settings,
                user_id=user_id,
                order_id=decode_id(input.order_id, expected="Order", field="orderId"),
                kind=input.kind,
                lines=input.line_requests(),
                reason=input.reason,
                photos=input.photos,
                events=ctx.state.events,
            ),
            **_after_sale(AfterSaleRequestPayload),
        )

    # --- staff -----------------------------------------------------------------------------
    @strawberry.mutation(
        description="Ship one or many EXPRESS orders; each succeeds or fails on its own.",
        permission_classes=[IsStaff],
    )
    async def orders_ship(self, info: Info, input: OrdersShipInput) -> OrdersShipPayload:
        ctx = info.context
        if not 0 < len(input.shipments) <= MAX_ITEMS:
            raise BadUserInput(f"1 to {MAX_ITEMS} shipments", field=["shipments"])
        requests = [
            service.ShipRequest(
                order_id=decode_id(
                    s.order_id, expected="Order", field=["shipments", str(i), "orderId"]
                ),
                carrier=s.carrier,
                tracking_number=s.tracking_number,
            )
            for i, s in enumerate(input.shipments)
        ]
        result = await service.ship_orders(
            state=ctx.state, staff_id=ctx.require_staff().user_id, shipments=requests
        )
        return OrdersShipPayload(
            orders=[Order.from_row(row) for row in result.orders],
            errors=payload_errors(DomainErrors(result.errors), OrderError) if result.errors else [],
        )

    @strawberry.mutation(description="COURIER order left the store.", permission_classes=[IsStaff])
    async def order_mark_out_for_delivery(
        self, info: Info, input: OrderIdInput
    ) -> OrderMarkOutForDeliveryPayload:
        return await _advance(info, input, OrderAction.SEND_OUT, OrderMarkOutForDeliveryPayload)

    @strawberry.mutation(
        description="PICKUP order is waiting at the store.", permission_classes=[IsStaff]
    )
    async def order_mark_ready_for_pickup(
        self, info: Info, input: OrderIdInput
    ) -> OrderMarkReadyForPickupPayload:
        return await _advance(info, input, OrderAction.MARK_READY, OrderMarkReadyForPickupPayload)

    @strawberry.mutation(
        description="A shipped or out-for-delivery order arrived; it completes itself after "
        "the confirmation period unless the shopper confirms first.",
        permission_classes=[IsStaff],
    )
    async def order_mark_delivered(
        self, info: Info, input: OrderIdInput
    ) -> OrderMarkDeliveredPayload:
        return await _advance(info, input, OrderAction.DELIVER, OrderMarkDeliveredPayload)

    @strawberry.mutation(
        description="The shopper collected a PICKUP order.", permission_classes=[IsStaff]
    )
    async def order_mark_picked_up(
        self, info: Info, input: OrderIdInput
    ) -> OrderMarkPickedUpPayload:
        return await _advance(info, input, OrderAction.PICK_UP, OrderMarkPickedUpPayload)

    @strawberry.mutation(
        description="Correct the delivery address before the goods leave.",
        permission_classes=[IsStaff],
    )
    async def order_address_update(
        self, info: Info, input: OrderAddressUpdateInput
    ) -> OrderAddressUpdatePayload:
        ctx = info.context
        return await run_mutation(
            service.change_address(
                state=ctx.state,
                staff_id=ctx.require_staff().user_id,
                order_id=decode_id(input.order_id, expected="Order", field="orderId"),
                data=input.address.to_data(),
            ),
            **_order(OrderAddressUpdatePayload),
        )

    @strawberry.mutation(description="A staff-only note on an order.", permission_classes=[IsStaff])
    async def order_note_add(self, info: Info, input: OrderNoteAddInput) -> OrderNoteAddPayload:
        return await run_mutation(
            service.add_note(
                staff_id=info.context.require_staff().user_id,
                order_id=decode_id(input.order_id, expected="Order", field="orderId"),
                body=input.body,
            ),
            payload=OrderNoteAddPayload,
            error=OrderError,
            build=lambda row: OrderNoteAddPayload(note=OrderNote.from_row(row)),
        )

    @strawberry.mutation(
        description="Approve an after-sale: a refund goes to the payment processor (after the "
        "goods come back, for RETURN_AND_REFUND).",
        permission_classes=[IsStaff],
    )
    async def after_sale_approve(
        self, info: Info, input: AfterSaleApproveInput
    ) -> AfterSaleApprovePayload:
        return await run_mutation(
            after_sales.approve(
                staff_id=info.context.require_staff().user_id,
                after_sale_id=decode_id(
                    input.after_sale_id, expected="AfterSale", field="afterSaleId"
                ),
                amount=parse_amount(input.amount, "amount"),
                note=input.note,
            ),
            **_after_sale(AfterSaleApprovePayload),
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def after_sale_reject(
        self, info: Info, input: AfterSaleRejectInput
    ) -> AfterSaleRejectPayload:
        return await run_mutation(
            after_sales.reject(
                staff_id=info.context.require_staff().user_id,
                after_sale_id=decode_id(
                    input.after_sale_id, expected="AfterSale", field="afterSaleId"
                ),
                note=input.note,
            ),
            **_after_sale(AfterSaleRejectPayload),
        )

    @strawberry.mutation(
        description="The returned goods arrived: back into stock, and the refund goes out.",
        permission_classes=[IsStaff],
    )
    async def after_sale_receive_return(
        self, info: Info, input: AfterSaleIdInput
    ) -> AfterSaleReceiveReturnPayload:
        return await run_mutation(
            after_sales.receive_return(
                staff_id=info.context.require_staff().user_id,
                after_sale_id=decode_id(
                    input.after_sale_id, expected="AfterSale", field="afterSaleId"
                ),
            ),
            **_after_sale(AfterSaleReceiveReturnPayload),
        )

    @strawberry.mutation(
        description="Send a FAILED refund again (same out_refund_no).", permission_classes=[IsStaff]
    )
    async def refund_retry(self, info: Info, input: RefundIdInput) -> RefundRetryPayload:
        info.context.require_staff()
        return await run_mutation(
            payment_hook.retry_refund(
                refund_id=decode_id(input.refund_id, expected="Refund", field="refundId")
            ),
            payload=RefundRetryPayload,
            error=OrderError,
            build=lambda row: RefundRetryPayload(refund=Refund.from_row(row)),
        )
