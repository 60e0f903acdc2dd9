from __future__ import annotations

from typing import Any

import strawberry

import models
from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.campaigns import (
    FlashSaleCreateInput,
    FlashSaleIdInput,
    FlashSaleUpdateInput,
)
from graph.permissions import IsStaff
from graph.relay import decode_id
from graph.types.campaigns import (
    FlashSaleCancelPayload,
    FlashSaleCreatePayload,
    FlashSaleError,
    FlashSaleInvariant,
    FlashSalePublishPayload,
    FlashSalePurchasePayload,
    FlashSaleReconcilePayload,
    FlashSaleReservation,
    FlashSaleUpdatePayload,
)
from graph.types.orders import DeliveryMethod, Order
from resolvers.campaigns import reconcile, service
from resolvers.campaigns.errors import FlashSaleErrorCode
from resolvers.core.errors import DomainError


def _given(value: Any) -> Any:
    """An update input's value, or None when omitted (or null) to leave it unchanged."""
    return None if value is strawberry.UNSET else value


@strawberry.type
class CampaignMutations:
    @strawberry.mutation(
        description="Create a DRAFT flash sale; its units leave the SKU's stock at once.",
        permission_classes=[IsStaff],
    )
    async def flash_sale_create(
        self, info: Info, input: FlashSaleCreateInput
    ) -> FlashSaleCreatePayload:
        ctx = info.context
        return await run_mutation(
            service.create_flash_sale(
                state=ctx.state,
                actor_id=ctx.require_staff().user_id,
                sku_id=decode_id(input.sku_id, expected="Sku", field="skuId"),
                terms=service.SaleTerms(
                    title=input.title,
                    price=input.price,
                    quantity=input.quantity,
                    per_user_limit=input.per_user_limit,
                    starts_at=input.starts_at,
                    ends_at=input.ends_at,
                ),
            ),
            payload=FlashSaleCreatePayload,
            error=FlashSaleError,
            build=FlashSaleCreatePayload.success,
        )

    @strawberry.mutation(
        description="Change a sale that has not started (a DRAFT, or PUBLISHED before its start).",
        permission_classes=[IsStaff],
    )
    async def flash_sale_update(
        self, info: Info, input: FlashSaleUpdateInput
    ) -> FlashSaleUpdatePayload:
        ctx = info.context
        return await run_mutation(
            service.update_flash_sale(
                state=ctx.state,
                actor_id=ctx.require_staff().user_id,
                sale_id=decode_id(input.id, expected="FlashSale", field="id"),
                expected_version=input.version,
                terms=service.SaleTerms(
                    title=_given(input.title),
                    price=_given(input.price),
                    quantity=_given(input.quantity),
                    per_user_limit=_given(input.per_user_limit),
                    starts_at=_given(input.starts_at),
                    ends_at=_given(input.ends_at),
                ),
            ),
            payload=FlashSaleUpdatePayload,
            error=FlashSaleError,
            build=FlashSaleUpdatePayload.success,
        )

    @strawberry.mutation(
        description="Announce a DRAFT sale: shoppers see it and Redis is made ready.",
        permission_classes=[IsStaff],
    )
    async def flash_sale_publish(
        self, info: Info, input: FlashSaleIdInput
    ) -> FlashSalePublishPayload:
        ctx = info.context
        return await run_mutation(
            service.publish_flash_sale(
                state=ctx.state,
                actor_id=ctx.require_staff().user_id,
                sale_id=decode_id(input.id, expected="FlashSale", field="id"),
            ),
            payload=FlashSalePublishPayload,
            error=FlashSaleError,
            build=FlashSalePublishPayload.success,
        )

    @strawberry.mutation(
        description="Stop a sale for good: unsold units go back to the SKU; reservations "
        "already held stay payable.",
        permission_classes=[IsStaff],
    )
    async def flash_sale_cancel(
        self, info: Info, input: FlashSaleIdInput
    ) -> FlashSaleCancelPayload:
        ctx = info.context
        return await run_mutation(
            service.cancel_flash_sale(
                state=ctx.state,
                actor_id=ctx.require_staff().user_id,
                sale_id=decode_id(input.id, expected="FlashSale", field="id"),
            ),
            payload=FlashSaleCancelPayload,
            error=FlashSaleError,
            build=FlashSaleCancelPayload.success,
        )

    @strawberry.mutation(
        description="Check a sale's invariant now and repair what differs (what the worker "
        "does every few seconds): replay confirms and releases Redis missed, give back units "
        "granted but never recorded, rebuild Redis from PostgreSQL if it lost the sale.",
        permission_classes=[IsStaff],
    )
    async def flash_sale_reconcile(
        self, info: Info, input: FlashSaleIdInput
    ) -> FlashSaleReconcilePayload:
        state = info.context.state
        sale_id = decode_id(input.id, expected="FlashSale", field="id")

        async def run() -> reconcile.Report:
            report = await reconcile.reconcile(state=state, sale_id=sale_id)
            if report is None:
                raise DomainError(FlashSaleErrorCode.NOT_FOUND, "No such flash sale", field=["id"])
            return report

        return await run_mutation(
            run(),
            payload=FlashSaleReconcilePayload,
            error=FlashSaleError,
            build=lambda report: FlashSaleReconcilePayload(
                invariant=FlashSaleInvariant.from_report(report)
            ),
        )

    # The storm's one hot mutation: plain arguments instead of an input object, and the
    # login checked in the resolver instead of a permission class, because both cost
    # measurable time per attempt at flash-sale rates (bench/flash_sale.py).
    @strawberry.mutation(
        description="Try to buy in a flash sale (log in first): a reservation holding the "
        "units and the order to pay for them (at the flash price, due by the reservation's "
        "expiry), or an error (NOT_STARTED, ENDED, SOLD_OUT, LIMIT_REACHED, RATE_LIMITED, "
        "PAUSED, ...). Delivery follows the order rules: by default express to the default "
        "address."
    )
    async def flash_sale_purchase(
        self,
        info: Info,
        sale_id: strawberry.ID,
        quantity: int = 1,
        delivery_method: DeliveryMethod = DeliveryMethod.EXPRESS,
        address_id: strawberry.ID | None = None,
        store_id: strawberry.ID | None = None,
    ) -> FlashSalePurchasePayload:
        ctx = info.context
        delivery = None
        if (
            delivery_method != DeliveryMethod.EXPRESS
            or address_id is not None
            or store_id is not None
        ):
            delivery = service.Delivery(
                method=models.DeliveryMethod(delivery_method.value),
                address_id=decode_id(address_id, expected="Address", field="addressId")
                if address_id is not None
                else None,
                store_id=decode_id(store_id, expected="Store", field="storeId")
                if store_id is not None
                else None,
            )
        try:
            purchase = await service.purchase(
                state=ctx.state,
                user_id=ctx.require_user().user_id,
                sale_id=decode_id(sale_id, expected="FlashSale", field="saleId"),
                quantity=quantity,
                client_ip=ctx.client_ip,
                delivery=delivery,
            )
        except service.PurchaseRefused as exc:
            return FlashSalePurchasePayload(
                errors=[
                    FlashSaleError(
                        field=exc.field,
                        message=exc.message,
                        code=exc.code,
                        retry_after=exc.retry_after,
                    )
                ]
            )
        return FlashSalePurchasePayload(
            reservation=FlashSaleReservation.from_row(purchase.reservation),
            order=Order.from_row(purchase.order),
        )
