from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.permissions import IsStaff
from graph.relay import Connection, node_pks
from graph.scalars import Money
from graph.types.accounts import User
from graph.types.addresses import Address
from graph.types.catalog import Product, Review, Sku
from graph.types.stores import Store
from resolvers.addresses.service import view as address_view
from resolvers.core.live import LiveEvent
from resolvers.core.privacy import mask_phone
from resolvers.orders.checkout import ORDER_DETAIL_CONTEXT, ORDER_PHONE_CONTEXT, Checkout
from resolvers.orders.errors import OrderErrorCode as _OrderErrorCode
from resolvers.orders.live import FeedKind as _FeedKind
from resolvers.orders.pricing import Adjustment

OrderErrorCode = strawberry.enum(_OrderErrorCode, name="OrderErrorCode")
OrderStatus = strawberry.enum(models.OrderStatus, name="OrderStatus")
DeliveryMethod = strawberry.enum(
    models.DeliveryMethod,
    name="DeliveryMethod",
    description="EXPRESS: parcel, flat fee (free over a threshold). COURIER: same-city from a "
    "store within its radius. PICKUP: collect at a store, no fee.",
)
ActorRole = strawberry.enum(models.ActorRole, name="ActorRole")
OrderEventKind = strawberry.enum(models.OrderEventKind, name="OrderEventKind")
AfterSaleKind = strawberry.enum(models.AfterSaleKind, name="AfterSaleKind")
AfterSaleStatus = strawberry.enum(models.AfterSaleStatus, name="AfterSaleStatus")
PaymentStatus = strawberry.enum(models.PaymentStatus, name="PaymentStatus")
RefundStatus = strawberry.enum(models.RefundStatus, name="RefundStatus")
RefundReason = strawberry.enum(models.RefundReason, name="RefundReason")


def _gid(type_name: str, pk: int | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None


async def catalog_sku(info: Info, sku_id: relay.GlobalID) -> Sku | None:
    """The live SKU behind a snapshot, as the catalog shows it to this viewer (null once it
    is off the shelf for a shopper); batched through the catalog's loaders."""
    (sku,) = await Sku.resolve_nodes(info=info, node_ids=[sku_id.node_id])
    return sku


async def catalog_product(info: Info, product_id: relay.GlobalID) -> Product | None:
    (product,) = await Product.resolve_nodes(info=info, node_ids=[product_id.node_id])
    return product


def _viewer_may_see(info: Info, owner_id: int) -> bool:
    claims = info.context.claims
    return claims is not None and (claims.is_staff or claims.user_id == owner_id)


@strawberry.type(description="A discount the pricing pipeline granted.")
class PriceAdjustment:
    code: str
    label: str
    amount: Money = strawberry.field(description="Taken off the goods.")

    @classmethod
    def from_adjustment(cls, adjustment: Adjustment) -> PriceAdjustment:
        return cls(code=adjustment.code, label=adjustment.label, amount=Money.of(adjustment.amount))


@strawberry.type(description="Where an order goes. Staff see the phone masked.")
class Recipient:
    name: str
    phone: str = strawberry.field(
        description="In full for the shopper and for the courier delivering it; "
        "138****5678 for staff."
    )
    province: str
    city: str
    district: str
    detail: str
    latitude: float | None
    longitude: float | None


def recipient_of(row: models.Order, info: Info, *, full_phone: bool) -> Recipient | None:
    """The order's delivery address, decrypted; the phone masked unless `full_phone`."""
    if not row.recipient_phone_encrypted:
        return None
    crypto = info.context.state.crypto
    phone = crypto.decrypt(row.recipient_phone_encrypted, context=ORDER_PHONE_CONTEXT)
    return Recipient(
        name=row.recipient_name,
        phone=phone if full_phone else mask_phone(phone),
        province=row.province,
        city=row.city,
        district=row.district,
        detail=crypto.decrypt(row.address_detail_encrypted, context=ORDER_DETAIL_CONTEXT),
        latitude=row.latitude,
        longitude=row.longitude,
    )


@strawberry.type(name="OrderLine", description="What was bought, as it was when bought.")
class OrderLine(relay.Node):
    id: relay.NodeID[int]
    sku_id: relay.GlobalID
    product_id: relay.GlobalID
    title: str
    spec_text: str
    image_url: str
    unit_price: Money
    quantity: int
    line_total: Money
    discount_share: Money = strawberry.field(description="This line's part of the discounts.")
    refunded_quantity: int
    returned_quantity: int

    @strawberry.field(
        description="The SKU as the catalog shows it now; the line keeps the snapshot."
    )
    async def sku(self, info: Info) -> Sku | None:
        return await catalog_sku(info, self.sku_id)

    @strawberry.field(description="The product as the catalog shows it now.")
    async def product(self, info: Info) -> Product | None:
        return await catalog_product(info, self.product_id)

    @strawberry.field(description="The buyer's review of this line, once written.")
    async def review(self, info: Info) -> Review | None:
        data = await info.context.loaders.review_by_order_line.load(self.id)
        return Review.from_data(data) if data is not None else None

    @classmethod
    def from_row(cls, row: models.OrderLine) -> OrderLine:
        return cls(
            id=row.id,
            sku_id=relay.GlobalID("Sku", str(row.sku_id)),
            product_id=relay.GlobalID("Product", str(row.product_id)),
            title=row.title,
            spec_text=row.spec_text,
            image_url=row.image_url,
            unit_price=Money.of(row.unit_price),
            quantity=row.quantity,
            line_total=Money.of(row.line_total),
            discount_share=Money.of(row.discount_share),
            refunded_quantity=row.refunded_quantity,
            returned_quantity=row.returned_quantity,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrderLine | None]:
        ids = node_pks(node_ids)
        rows = {r.id: r for r in await models.OrderLine.filter(id__in=ids).select_related("order")}
        return [
            cls.from_row(rows[i])
            if i in rows and _viewer_may_see(info, rows[i].order.user_id)
            else None
            for i in ids
        ]


@strawberry.type(description="One change of an order: who, from which status to which, when.")
class OrderEvent:
    kind: OrderEventKind
    from_status: OrderStatus | None
    to_status: OrderStatus | None
    actor_role: ActorRole
    note: str
    version: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.OrderEvent) -> OrderEvent:
        return cls(
            kind=row.kind,
            from_status=row.from_status,
            to_status=row.to_status,
            actor_role=row.actor_role,
            note=row.note,
            version=row.version,
            created_at=row.created_at,
        )


@strawberry.type(name="Shipment")
class Shipment:
    carrier: str
    tracking_number: str
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.Shipment) -> Shipment:
        return cls(
            carrier=row.carrier, tracking_number=row.tracking_number, created_at=row.created_at
        )


@strawberry.type(description="A staff-only remark on an order.")
class OrderNote:
    body: str
    author_id: relay.GlobalID | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.OrderNote) -> OrderNote:
        return cls(body=row.body, author_id=_gid("User", row.author_id), created_at=row.created_at)


@strawberry.type(name="Payment")
class Payment(relay.Node):
    id: relay.NodeID[int]
    provider: str
    out_trade_no: str
    amount: Money
    status: PaymentStatus
    paid_at: datetime | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.Payment) -> Payment:
        return cls(
            id=row.id,
            provider=row.provider,
            out_trade_no=row.out_trade_no,
            amount=Money.of(row.amount, row.currency),
            status=row.status,
            paid_at=row.paid_at,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Payment | None]:
        ids = node_pks(node_ids)
        rows = {r.id: r for r in await models.Payment.filter(id__in=ids).select_related("order")}
        return [
            cls.from_row(rows[i])
            if i in rows and _viewer_may_see(info, rows[i].order.user_id)
            else None
            for i in ids
        ]


@strawberry.type(name="Refund")
class Refund(relay.Node):
    id: relay.NodeID[int]
    out_refund_no: str
    amount: Money
    reason: RefundReason
    status: RefundStatus
    failure_reason: str
    after_sale_id: relay.GlobalID | None
    created_at: datetime
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: models.Refund) -> Refund:
        return cls(
            id=row.id,
            out_refund_no=row.out_refund_no,
            amount=Money.of(row.amount, row.currency),
            reason=row.reason,
            status=row.status,
            failure_reason=row.failure_reason,
            after_sale_id=_gid("AfterSale", row.after_sale_id),
            created_at=row.created_at,
            completed_at=row.completed_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Refund | None]:
        ids = node_pks(node_ids)
        rows = {r.id: r for r in await models.Refund.filter(id__in=ids).select_related("order")}
        return [
            cls.from_row(rows[i])
            if i in rows and _viewer_may_see(info, rows[i].order.user_id)
            else None
            for i in ids
        ]


@strawberry.type
class AfterSaleLine:
    order_line_id: relay.GlobalID
    quantity: int
    amount: Money


@strawberry.type(name="AfterSale")
class AfterSale(relay.Node):
    id: relay.NodeID[int]
    number: str
    kind: AfterSaleKind
    status: AfterSaleStatus
    reason: str
    photos: list[str]
    requested_amount: Money
    approved_amount: Money | None
    review_note: str
    reviewed_at: datetime | None
    restocked_at: datetime | None
    refunded_at: datetime | None
    created_at: datetime
    order_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.AfterSale) -> AfterSale:
        return cls(
            id=row.id,
            number=row.number,
            kind=row.kind,
            status=row.status,
            reason=row.reason,
            photos=list(row.photos or []),
            requested_amount=Money.of(row.requested_amount),
            approved_amount=Money.of(row.approved_amount)
            if row.approved_amount is not None
            else None,
            review_note=row.review_note,
            reviewed_at=row.reviewed_at,
            restocked_at=row.restocked_at,
            refunded_at=row.refunded_at,
            created_at=row.created_at,
            order_pk=row.order_id,
        )

    @strawberry.field
    async def lines(self, info: Info) -> list[AfterSaleLine]:
        rows = await info.context.loaders.after_sale_lines_by_after_sale.load(self.id)
        return [
            AfterSaleLine(
                order_line_id=relay.GlobalID("OrderLine", str(r.order_line_id)),
                quantity=r.quantity,
                amount=Money.of(r.amount),
            )
            for r in rows
        ]

    @strawberry.field
    async def order(self, info: Info) -> Order | None:
        row = await info.context.loaders.order_by_id.load(self.order_pk)
        return Order.from_row(row) if row else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[AfterSale | None]:
        ids = node_pks(node_ids)
        rows = {r.id: r for r in await models.AfterSale.filter(id__in=ids)}
        return [
            cls.from_row(rows[i]) if i in rows and _viewer_may_see(info, rows[i].user_id) else None
            for i in ids
        ]


@strawberry.type(name="Order")
class Order(relay.Node):
    id: relay.NodeID[int]
    number: str = strawberry.field(description="Time-sortable, unguessable; what shoppers quote.")
    status: OrderStatus
    delivery_method: DeliveryMethod
    subtotal: Money
    discount_total: Money
    shipping_fee: Money
    total: Money
    paid_amount: Money
    refunded_amount: Money
    adjustments: list[PriceAdjustment]
    buyer_note: str
    store_id: relay.GlobalID | None = strawberry.field(
        description="PICKUP: where to collect; COURIER: where it is sent from (a `Store` ID)."
    )
    courier_distance_m: int | None
    courier_eta: datetime | None
    payment_deadline: datetime | None = strawberry.field(
        description="Unpaid orders close at this time; their stock goes back."
    )
    auto_complete_at: datetime | None = strawberry.field(
        description="A delivered order completes itself at this time unless confirmed earlier."
    )
    paid_at: datetime | None
    shipped_at: datetime | None
    ready_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    closed_at: datetime | None
    refunded_at: datetime | None
    version: int = strawberry.field(description="Bumped by every change; events carry it.")
    created_at: datetime
    row: strawberry.Private[models.Order]

    @classmethod
    def from_row(cls, row: models.Order) -> Order:
        return cls(
            id=row.id,
            number=row.number,
            status=row.status,
            delivery_method=row.delivery_method,
            subtotal=Money.of(row.subtotal, row.currency),
            discount_total=Money.of(row.discount_total, row.currency),
            shipping_fee=Money.of(row.shipping_fee, row.currency),
            total=Money.of(row.total, row.currency),
            paid_amount=Money.of(row.paid_amount, row.currency),
            refunded_amount=Money.of(row.refunded_amount, row.currency),
            adjustments=[
                PriceAdjustment.from_adjustment(Adjustment.from_json(a))
                for a in row.adjustments or []
            ],
            buyer_note=row.buyer_note,
            store_id=_gid("Store", row.store_id),
            courier_distance_m=row.courier_distance_m,
            courier_eta=row.courier_eta,
            payment_deadline=row.payment_deadline,
            auto_complete_at=row.auto_complete_at,
            paid_at=row.paid_at,
            shipped_at=row.shipped_at,
            ready_at=row.ready_at,
            delivered_at=row.delivered_at,
            completed_at=row.completed_at,
            cancelled_at=row.cancelled_at,
            closed_at=row.closed_at,
            refunded_at=row.refunded_at,
            version=row.version,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="PICKUP: where to collect; COURIER: where it is sent from.")
    async def store(self, info: Info) -> Store | None:
        if self.row.store_id is None:
            return None
        # Shown even if the store closed since: it is where this order is.
        row = await info.context.loaders.store_by_id.load(self.row.store_id)
        return Store.from_row(row) if row else None

    @strawberry.field(description="Null for PICKUP orders.")
    def recipient(self, info: Info) -> Recipient | None:
        claims = info.context.claims
        # The phone in full for the shopper who placed it; masked for staff.
        owner = claims is not None and claims.user_id == self.row.user_id
        return recipient_of(self.row, info, full_phone=owner)

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        rows = await info.context.loaders.order_lines_by_order.load(self.id)
        return [OrderLine.from_row(r) for r in rows]

    @strawberry.field(description="Every change, oldest first.")
    async def events(self, info: Info) -> list[OrderEvent]:
        rows = await info.context.loaders.order_events_by_order.load(self.id)
        return [OrderEvent.from_row(r) for r in rows]

    @strawberry.field
    async def shipments(self, info: Info) -> list[Shipment]:
        rows = await info.context.loaders.shipments_by_order.load(self.id)
        return [Shipment.from_row(r) for r in rows]

    @strawberry.field
    async def after_sales(self, info: Info) -> list[AfterSale]:
        rows = await info.context.loaders.after_sales_by_order.load(self.id)
        return [AfterSale.from_row(r) for r in rows]

    @strawberry.field
    async def payments(self, info: Info) -> list[Payment]:
        rows = await info.context.loaders.payments_by_order.load(self.id)
        return [Payment.from_row(r) for r in rows]

    @strawberry.field
    async def refunds(self, info: Info) -> list[Refund]:
        rows = await info.context.loaders.refunds_by_order.load(self.id)
        return [Refund.from_row(r) for r in rows]

    @strawberry.field(description="Staff only.", permission_classes=[IsStaff])
    async def notes(self, info: Info) -> list[OrderNote]:
        rows = await info.context.loaders.order_notes_by_order.load(self.id)
        return [OrderNote.from_row(r) for r in rows]

    @strawberry.field(description="Who placed it. Staff only.", permission_classes=[IsStaff])
    async def customer(self, info: Info) -> User | None:
        row = await info.context.loaders.user_by_id.load(self.row.user_id)
        return User.from_row(row) if row else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Order | None]:
        ids = node_pks(node_ids)
        rows = await info.context.loaders.order_by_id.load_many(ids)
        # Another shopper's order is exactly as null as a missing one.
        return [
            cls.from_row(row) if row is not None and _viewer_may_see(info, row.user_id) else None
            for row in rows
        ]


@strawberry.type
class CheckoutLine:
    cart_line_id: relay.GlobalID | None = strawberry.field(description="Null for buy-now items.")
    sku_id: relay.GlobalID
    product_id: relay.GlobalID
    title: str
    spec_text: str
    image_url: str
    unit_price: Money
    quantity: int
    line_total: Money

    @strawberry.field
    async def sku(self, info: Info) -> Sku | None:
        return await catalog_sku(info, self.sku_id)

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        return await catalog_product(info, self.product_id)


@strawberry.type(description="Every figure computed by the server; nothing was written.")
class CheckoutPreview:
    delivery_method: DeliveryMethod
    lines: list[CheckoutLine]
    subtotal: Money
    adjustments: list[PriceAdjustment]
    discount_total: Money
    shipping_fee: Money
    total: Money
    address: Address | None = strawberry.field(
        description="The address it would go to (the default unless another was chosen)."
    )
    store_id: relay.GlobalID | None
    courier_distance_m: int | None
    courier_eta: datetime | None

    @classmethod
    def from_checkout(cls, checkout: Checkout, info: Info) -> CheckoutPreview:
        quote = checkout.quote
        crypto = info.context.state.crypto
        return cls(
            delivery_method=quote.delivery_method,
            lines=[
                CheckoutLine(
                    cart_line_id=_gid("CartLine", line.cart_line_id),
                    sku_id=relay.GlobalID("Sku", str(line.sku_id)),
                    product_id=relay.GlobalID("Product", str(line.product_id)),
                    title=line.title,
                    spec_text=line.spec_text,
                    image_url=line.image_url,
                    unit_price=Money.of(line.unit_price),
                    quantity=line.quantity,
                    line_total=Money.of(line.line_total),
                )
                for line in quote.lines
            ],
            subtotal=Money.of(quote.subtotal),
            adjustments=[PriceAdjustment.from_adjustment(a) for a in quote.adjustments],
            discount_total=Money.of(quote.discount_total),
            shipping_fee=Money.of(quote.shipping_fee),
            total=Money.of(quote.total),
            address=Address.from_view(address_view(checkout.address, crypto))
            if checkout.address
            else None,
            store_id=_gid("Store", checkout.store.id if checkout.store else None),
            courier_distance_m=checkout.courier_distance_m,
            courier_eta=checkout.courier_eta,
        )


@strawberry.type
class OrderError(UserError):
    code: OrderErrorCode


@strawberry.type
class CheckoutPreviewPayload:
    preview: CheckoutPreview | None = None
    errors: list[OrderError] = strawberry.field(default_factory=list)


def _order_payload(name: str) -> type:
    """`XxxPayload { order: Order, errors: [OrderError!]! }`."""

    @strawberry.type(name=name)
    class _Payload:
        order: Order | None = None
        errors: list[OrderError] = strawberry.field(default_factory=list)

    return _Payload


OrderCreatePayload = _order_payload("OrderCreatePayload")
OrderCancelPayload = _order_payload("OrderCancelPayload")
OrderConfirmReceiptPayload = _order_payload("OrderConfirmReceiptPayload")
OrderMarkOutForDeliveryPayload = _order_payload("OrderMarkOutForDeliveryPayload")
OrderMarkReadyForPickupPayload = _order_payload("OrderMarkReadyForPickupPayload")
OrderMarkDeliveredPayload = _order_payload("OrderMarkDeliveredPayload")
OrderMarkPickedUpPayload = _order_payload("OrderMarkPickedUpPayload")
OrderAddressUpdatePayload = _order_payload("OrderAddressUpdatePayload")


@strawberry.type
class OrdersShipPayload:
    orders: list[Order] = strawberry.field(
        default_factory=list, description="The orders shipped (or already shipped)."
    )
    errors: list[OrderError] = strawberry.field(
        default_factory=list, description="One per shipment that failed; field names its index."
    )


@strawberry.type
class OrderNoteAddPayload:
    note: OrderNote | None = None
    errors: list[OrderError] = strawberry.field(default_factory=list)


def _after_sale_payload(name: str) -> type:
    @strawberry.type(name=name)
    class _Payload:
        after_sale: AfterSale | None = None
        errors: list[OrderError] = strawberry.field(default_factory=list)

    return _Payload


AfterSaleRequestPayload = _after_sale_payload("AfterSaleRequestPayload")
AfterSaleApprovePayload = _after_sale_payload("AfterSaleApprovePayload")
AfterSaleRejectPayload = _after_sale_payload("AfterSaleRejectPayload")
AfterSaleReceiveReturnPayload = _after_sale_payload("AfterSaleReceiveReturnPayload")


@strawberry.type
class RefundRetryPayload:
    refund: Refund | None = None
    errors: list[OrderError] = strawberry.field(default_factory=list)


OrderConnection = Connection[Order]
AfterSaleConnection = Connection[AfterSale]


# --- live (subscriptions) -------------------------------------------------------------------


@strawberry.type(description="An order's status as it changes (orderStatusChanged).")
class OrderStatusUpdate:
    order_id: relay.GlobalID
    number: str
    status: OrderStatus
    previous_status: OrderStatus | None
    version: int = strawberry.field(description="The order's version: strictly increasing.")
    occurred_at: datetime | None
    snapshot: bool = strawberry.field(
        description="True for the first message: the order as it is when you subscribe."
    )

    @classmethod
    def from_event(cls, event: LiveEvent) -> OrderStatusUpdate:
        payload = event.payload
        previous = payload.get("previousStatus")
        return cls(
            order_id=relay.GlobalID("Order", str(payload["orderId"])),
            number=payload["number"],
            status=models.OrderStatus(payload["status"]),
            previous_status=None
            if event.snapshot or not previous
            else models.OrderStatus(previous),
            version=event.version,
            occurred_at=event.occurred_at,
            snapshot=event.snapshot,
        )


OrderFeedKind = strawberry.enum(_FeedKind, name="OrderFeedKind")


@strawberry.type(description="News of the shop's orders for staff (orderFeed).")
class OrderFeedEvent:
    kind: OrderFeedKind
    order_id: relay.GlobalID
    number: str
    status: OrderStatus
    version: int
    occurred_at: datetime | None
    after_sale_id: relay.GlobalID | None = strawberry.field(
        description="REFUND_REQUESTED: the request (an `AfterSale` ID)."
    )

    @classmethod
    def from_event(cls, kind: _FeedKind, event: LiveEvent) -> OrderFeedEvent:
        payload = event.payload
        return cls(
            kind=kind,
            order_id=relay.GlobalID("Order", str(payload["orderId"])),
            number=payload["number"],
            status=models.OrderStatus(payload["status"]),
            version=event.version,
            occurred_at=event.occurred_at,
            after_sale_id=_gid("AfterSale", payload.get("afterSaleId")),
        )
