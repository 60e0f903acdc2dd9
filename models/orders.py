"""Orders from placement to completion or refund, their history, shipments and after-sales.

The life of an order (DESIGN.md):

    PENDING_PAYMENT --paid--> PAID --ship--> SHIPPED ------deliver--> DELIVERED --confirm--> COMPLETED
                                     \\--courier--> OUT_FOR_DELIVERY --/
                                     \\--ready----> READY_FOR_PICKUP --picked up--> COMPLETED
    PENDING_PAYMENT --cancel--> CANCELLED      PENDING_PAYMENT --deadline--> CLOSED
    PAID / READY_FOR_PICKUP / SHIPPED / OUT_FOR_DELIVERY / DELIVERED / COMPLETED
        --fully refunded--> REFUNDED

`status` only ever changes through resolvers/orders/lifecycle.py (guarded UPDATEs).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.catalog import MONEY


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    SHIPPED = "SHIPPED"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    READY_FOR_PICKUP = "READY_FOR_PICKUP"
    DELIVERED = "DELIVERED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"
    REFUNDED = "REFUNDED"


class DeliveryMethod(StrEnum):
    EXPRESS = "EXPRESS"  # parcel carrier, anywhere
    COURIER = "COURIER"  # same-city courier from a store, within its radius
    PICKUP = "PICKUP"  # the shopper collects at a store


class ActorRole(StrEnum):
    """Who made a change: a person by role, the worker's timers, or a payment provider."""

    CUSTOMER = "CUSTOMER"
    STAFF = "STAFF"
    COURIER = "COURIER"
    SYSTEM = "SYSTEM"
    PAYMENT = "PAYMENT"


class OrderEventKind(StrEnum):
    STATUS_CHANGED = "STATUS_CHANGED"
    ADDRESS_CHANGED = "ADDRESS_CHANGED"
    LATE_PAYMENT_REFUNDED = "LATE_PAYMENT_REFUNDED"  # paid after it was closed: money goes back
    REFUND_SUCCEEDED = "REFUND_SUCCEEDED"


class Order(Model):
    id = fields.BigIntField(primary_key=True)
    # Time-sortable and unguessable (resolvers/orders/numbers.py); shown to shoppers.
    number = fields.CharField(max_length=32, unique=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="orders", on_delete=fields.RESTRICT
    )
    status = fields.CharEnumField(OrderStatus, max_length=20, default=OrderStatus.PENDING_PAYMENT)
    delivery_method = fields.CharEnumField(DeliveryMethod, max_length=16)
    store: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Store", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    # One order per (user, key): the unique constraint decides between concurrent duplicates.
    idempotency_key = fields.CharField(max_length=64)
    # sha256 of the request that used the key; same key + other request = mismatch.
    request_hash = fields.CharField(max_length=64)

    # Address snapshot (EXPRESS / COURIER); empty for PICKUP. Phone and detail encrypted.
    recipient_name = fields.CharField(max_length=32, default="")
    recipient_phone_encrypted = fields.CharField(max_length=255, default="")
    recipient_phone_index = fields.CharField(max_length=64, default="", db_index=True)
    province = fields.CharField(max_length=32, default="")
    city = fields.CharField(max_length=32, default="")
    district = fields.CharField(max_length=32, default="")
    address_detail_encrypted = fields.CharField(max_length=1024, default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)

    # Money, all computed by the server. total = subtotal - discount_total + shipping_fee.
    currency = fields.CharField(max_length=3, default="CNY")
    subtotal = fields.DecimalField(**MONEY)
    discount_total = fields.DecimalField(**MONEY, default=0)
    shipping_fee = fields.DecimalField(**MONEY, default=0)
    total = fields.DecimalField(**MONEY)
    paid_amount = fields.DecimalField(**MONEY, default=0)
    # Approved refunds (pending or done); never above paid_amount (conditional UPDATE).
    refund_committed = fields.DecimalField(**MONEY, default=0)
    refunded_amount = fields.DecimalField(**MONEY, default=0)
    # [{"code", "label", "amount", "reference"}]: the discount pipeline's output, kept so
    # reserved campaign benefits can be given back when the order closes.
    adjustments = fields.JSONField(default=list)

    buyer_note = fields.CharField(max_length=200, default="")
    courier_distance_m = fields.IntField(null=True)
    courier_eta = fields.DatetimeField(null=True)

    # Timers live here, so they survive restarts: the worker sweeps by these deadlines.
    payment_deadline = fields.DatetimeField(null=True)
    auto_complete_at = fields.DatetimeField(null=True)
    # The close sweeper's claim on an overdue order: not taken again before this (a
    # provider that is still deciding is asked again later, with backoff, and the orders
    # behind it get their turn).
    close_next_attempt_at = fields.DatetimeField(null=True)

    paid_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    ready_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)

    # Bumped by every change; events carry it so subscribers drop duplicates and keep order.
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    lines: fields.ReverseRelation[OrderLine]
    events: fields.ReverseRelation[OrderEvent]

    class Meta:
        table = "order"
        unique_together = (("user", "idempotency_key"),)
        indexes = (
            ("status", "payment_deadline"),
            ("status", "auto_complete_at"),
            ("status", "created_at"),
            ("user_id", "created_at"),
            ("user_id", "status"),  # a shopper's unpaid orders, counted at every placement
            ("created_at",),
        )

    def __str__(self) -> str:
        return f"Order#{self.id} {self.number} {self.status}"


class OrderLine(Model):
    """What was bought, as it was when it was bought (title, spec and price snapshots)."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="lines", on_delete=fields.CASCADE
    )
    sku: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Sku", related_name="order_lines", on_delete=fields.RESTRICT
    )
    product: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Product", related_name="order_lines", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=60)
    spec_text = fields.CharField(max_length=255, default="")
    image_url = fields.CharField(max_length=512, default="")
    unit_price = fields.DecimalField(**MONEY)
    quantity = fields.IntField()
    line_total = fields.DecimalField(**MONEY)
    # This line's share of the order's discounts; what the shopper paid for it is
    # line_total - discount_share, which is what a refund of the whole line gives back.
    discount_share = fields.DecimalField(**MONEY, default=0)
    # Approved for refund; raised only with conditional UPDATEs (never above quantity).
    refunded_quantity = fields.IntField(default=0)
    # Back on the shelf after a return (exactly once per after-sale).
    returned_quantity = fields.IntField(default=0)

    class Meta:
        table = "order_line"
        indexes = (("order_id", "id"),)

    def __str__(self) -> str:
        return f"OrderLine#{self.id} order={self.order_id} sku={self.sku_id} x{self.quantity}"


class OrderEvent(Model):
    """One row per change of an order: who, from which status to which, when."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(
        OrderEventKind, max_length=32, default=OrderEventKind.STATUS_CHANGED
    )
    from_status = fields.CharEnumField(OrderStatus, max_length=20, null=True)
    to_status = fields.CharEnumField(OrderStatus, max_length=20, null=True)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    actor_role = fields.CharEnumField(ActorRole, max_length=16)
    note = fields.CharField(max_length=255, default="")
    version = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_event"
        indexes = (("order_id", "id"),)

    def __str__(self) -> str:
        return f"OrderEvent#{self.id} order={self.order_id} {self.from_status}->{self.to_status}"


class Shipment(Model):
    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="shipments", on_delete=fields.CASCADE
    )
    carrier = fields.CharField(max_length=32)
    tracking_number = fields.CharField(max_length=64, db_index=True)
    shipped_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shipment"
        indexes = (("order_id", "id"),)

    def __str__(self) -> str:
        return f"Shipment#{self.id} order={self.order_id} {self.carrier} {self.tracking_number}"


class OrderNote(Model):
    """Staff-only remarks on an order; shoppers never see them."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="notes", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.CharField(max_length=500)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "order_note"
        indexes = (("order_id", "id"),)

    def __str__(self) -> str:
        return f"OrderNote#{self.id} order={self.order_id}"


class AfterSaleKind(StrEnum):
    REFUND_ONLY = "REFUND_ONLY"
    RETURN_AND_REFUND = "RETURN_AND_REFUND"


class AfterSaleStatus(StrEnum):
    REQUESTED = "REQUESTED"  # waiting for staff
    REJECTED = "REJECTED"
    AWAITING_RETURN = "AWAITING_RETURN"  # approved; goods on their way back
    REFUNDING = "REFUNDING"  # a Refund row is with the payment processor
    REFUNDED = "REFUNDED"


class AfterSale(Model):
    id = fields.BigIntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="after_sales", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="after_sales", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(AfterSaleKind, max_length=24)
    status = fields.CharEnumField(AfterSaleStatus, max_length=20, default=AfterSaleStatus.REQUESTED)
    reason = fields.CharField(max_length=200)
    photos = fields.JSONField(default=list)
    # What the lines are worth (computed); staff may approve less, never more than is left.
    requested_amount = fields.DecimalField(**MONEY)
    approved_amount = fields.DecimalField(**MONEY, null=True)
    reviewer: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    review_note = fields.CharField(max_length=200, default="")
    reviewed_at = fields.DatetimeField(null=True)
    # Set once, when returned goods went back into stock (guarded, so exactly once).
    restocked_at = fields.DatetimeField(null=True)
    refunded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    lines: fields.ReverseRelation[AfterSaleLine]

    class Meta:
        table = "after_sale"
        indexes = (("order_id", "id"), ("status", "created_at"))

    def __str__(self) -> str:
        return f"AfterSale#{self.id} {self.number} {self.kind} {self.status}"


class AfterSaleLine(Model):
    id = fields.BigIntField(primary_key=True)
    after_sale: fields.ForeignKeyRelation[AfterSale] = fields.ForeignKeyField(
        "models.AfterSale", related_name="lines", on_delete=fields.CASCADE
    )
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "models.OrderLine", related_name="after_sale_lines", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()
    amount = fields.DecimalField(**MONEY)

    class Meta:
        table = "after_sale_line"
        indexes = (("after_sale_id", "id"), ("order_line_id",))

    def __str__(self) -> str:
        return f"AfterSaleLine#{self.id} line={self.order_line_id} x{self.quantity}"
