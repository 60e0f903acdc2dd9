from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import strawberry

import models
from graph.errors import BadUserInput
from graph.inputs.addresses import AddressInput
from graph.relay import decode_id
from graph.types.orders import AfterSaleKind, DeliveryMethod, OrderStatus
from resolvers.orders.after_sales import LineRequest
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from resolvers.orders.service import OrderFilter

MAX_ITEMS = 100


def parse_amount(value: str | None, field: str) -> Decimal | None:
    """A money amount sent as a decimal string ("12.50"); never a float."""
    if value is None:
        return None
    try:
        amount = Decimal(value.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise BadUserInput('An amount like "12.50"', field=[field]) from exc
    if not amount.is_finite():
        raise BadUserInput('An amount like "12.50"', field=[field])
    return amount


@strawberry.input
class BuyItemInput:
    sku_id: strawberry.ID
    quantity: int = 1


@strawberry.input(description="What to check out and how it travels. Prices are never sent.")
class CheckoutInput:
    delivery_method: DeliveryMethod = DeliveryMethod.EXPRESS
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Cart lines to buy; omit for every selected line."
    )
    items: list[BuyItemInput] | None = strawberry.field(
        default=None, description="Buy now without the cart (exclusive with lineIds)."
    )
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="EXPRESS / COURIER; omit for the default address."
    )
    store_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="PICKUP: required. COURIER: optional; the nearest store in reach otherwise.",
    )
    note: str = ""

    def to_request(self) -> CheckoutRequest:
        for name, values in (("lineIds", self.line_ids), ("items", self.items)):
            if values is not None and len(values) > MAX_ITEMS:
                raise BadUserInput(f"At most {MAX_ITEMS} entries", field=[name])
        return CheckoutRequest(
            delivery_method=models.DeliveryMethod(self.delivery_method),
            line_ids=tuple(
                decode_id(gid, expected="CartLine", field=["lineIds", str(i)])
                for i, gid in enumerate(self.line_ids)
            )
            if self.line_ids is not None
            else None,
            items=tuple(
                BuyItem(
                    sku_id=decode_id(item.sku_id, expected="Sku", field=["items", str(i), "skuId"]),
                    quantity=item.quantity,
                )
                for i, item in enumerate(self.items)
            )
            if self.items is not None
            else None,
            address_id=decode_id(self.address_id, expected="Address", field="addressId")
            if self.address_id is not None
            else None,
            store_id=decode_id(self.store_id, expected="Store", field="storeId")
            if self.store_id is not None
            else None,
            note=self.note,
        )


@strawberry.input
class OrderCreateInput(CheckoutInput):
    idempotency_key: str = strawberry.field(
        description="A fresh UUID per order attempt; resend it on retries. The same key with "
        "another request is IDEMPOTENCY_MISMATCH."
    )
    expected_total: str | None = strawberry.field(
        default=None,
        description='The total the shopper saw in the preview ("12.50"); if the server\'s '
        "differs, nothing is placed (TOTAL_CHANGED). Compared, never trusted.",
    )


@strawberry.input
class OrderIdInput:
    order_id: strawberry.ID

    def pk(self) -> int:
        return decode_id(self.order_id, expected="Order", field="orderId")


@strawberry.input
class ShipmentInput:
    order_id: strawberry.ID
    carrier: str
    tracking_number: str


@strawberry.input
class OrdersShipInput:
    shipments: list[ShipmentInput]


@strawberry.input
class OrderAddressUpdateInput:
    order_id: strawberry.ID
    address: AddressInput


@strawberry.input
class OrderNoteAddInput:
    order_id: strawberry.ID
    body: str


@strawberry.input
class OrderFilterInput:
    status: list[OrderStatus] | None = None
    delivery_method: DeliveryMethod | None = None
    created_from: datetime | None = strawberry.field(default=None, description="Inclusive.")
    created_to: datetime | None = strawberry.field(default=None, description="Exclusive.")
    phone: str | None = strawberry.field(
        default=None, description="The recipient's phone, in full (matched by blind index)."
    )
    number: str | None = None

    def to_filter(self) -> OrderFilter:
        return OrderFilter(
            statuses=[models.OrderStatus(s) for s in self.status] if self.status else None,
            created_from=self.created_from,
            created_to=self.created_to,
            phone=self.phone,
            number=self.number,
            delivery_method=models.DeliveryMethod(self.delivery_method)
            if self.delivery_method
            else None,
        )


@strawberry.input
class AfterSaleLineInput:
    order_line_id: strawberry.ID
    quantity: int


@strawberry.input
class AfterSaleRequestInput:
    order_id: strawberry.ID
    kind: AfterSaleKind
    lines: list[AfterSaleLineInput] | None = strawberry.field(
        default=None, description="Omit for everything not yet refunded."
    )
    reason: str
    photos: list[str] = strawberry.field(default_factory=list, description="https URLs, at most 9.")

    def line_requests(self) -> list[LineRequest] | None:
        if self.lines is None:
            return None
        if len(self.lines) > MAX_ITEMS:
            raise BadUserInput(f"At most {MAX_ITEMS} lines", field=["lines"])
        return [
            LineRequest(
                order_line_id=decode_id(
                    line.order_line_id, expected="OrderLine", field=["lines", str(i), "orderLineId"]
                ),
                quantity=line.quantity,
            )
            for i, line in enumerate(self.lines)
        ]


@strawberry.input
class AfterSaleApproveInput:
    after_sale_id: strawberry.ID
    amount: str | None = strawberry.field(
        default=None, description='Refund this much ("12.50"); omit for the amount asked.'
    )
    note: str = ""


@strawberry.input
class AfterSaleRejectInput:
    after_sale_id: strawberry.ID
    note: str


@strawberry.input
class AfterSaleIdInput:
    after_sale_id: strawberry.ID


@strawberry.input
class RefundIdInput:
    refund_id: strawberry.ID
