"""Money in and out: payment attempts and refunds, as orders need them.

The provider layer (WeChat Pay, Stripe, sandbox) lives in resolvers/payments; how orders and
providers meet is documented in resolvers/orders/payment_hook.py.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.catalog import MONEY


class PaymentStatus(StrEnum):
    PENDING = "PENDING"  # handed to a provider, waiting for its answer
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CLOSED = "CLOSED"  # the order closed before money arrived (closed with the provider too)


class RefundStatus(StrEnum):
    PENDING = "PENDING"  # waiting for the payments processor
    PROCESSING = "PROCESSING"  # sent to the provider, waiting for its answer
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # the provider refused; staff may retry (same out_refund_no)


class RefundReason(StrEnum):
    AFTER_SALE = "AFTER_SALE"
    LATE_PAYMENT = "LATE_PAYMENT"  # paid after the order was closed or cancelled
    DUPLICATE_PAYMENT = "DUPLICATE_PAYMENT"  # a second attempt paid an already paid order


class Payment(Model):
    """One attempt to pay an order with one provider."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Order", related_name="payments", on_delete=fields.RESTRICT
    )
    provider = fields.CharField(max_length=16)  # "wechat", "stripe", "sandbox"
    # Our reference at the provider; unique, so one notification finds one attempt.
    out_trade_no = fields.CharField(max_length=32, unique=True)
    # The provider's handle on the attempt before any money moves (WeChat prepay_id, Stripe
    # PaymentIntent id), so a retried checkout reuses it and query / close can name it.
    provider_reference = fields.CharField(max_length=128, null=True)
    provider_reference_expires_at = fields.DatetimeField(null=True)
    # The provider's id for the money movement; unique, so it is applied once.
    provider_transaction_id = fields.CharField(max_length=64, unique=True, null=True)
    amount = fields.DecimalField(**MONEY)
    currency = fields.CharField(max_length=3, default="CNY")
    status = fields.CharEnumField(PaymentStatus, max_length=16, default=PaymentStatus.PENDING)
    paid_at = fields.DatetimeField(null=True)
    # When reconciliation last asked the provider about this attempt.
    checked_at = fields.DatetimeField(null=True)
    # When the provider confirmed it will take no money for this attempt any more. A CLOSED
    # attempt without it (its order was cancelled) is closed at the provider by the
    # reconciliation job, so money paid into a dead order is found even if the
    # notification is lost.
    provider_closed_at = fields.DatetimeField(null=True)
    # The latest failed try of a still-open attempt (a declined card), for staff and support.
    last_failure = fields.CharField(max_length=64, null=True)
    last_failed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment"
        indexes = (("order_id", "status"),)

    def __str__(self) -> str:
        return f"Payment#{self.id} {self.provider} {self.out_trade_no} {self.status}"


class Refund(Model):
    """Money going back. Created PENDING by orders; executed by the payments processor."""

    id = fields.BigIntField(primary_key=True)
    order: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Order", related_name="refunds", on_delete=fields.RESTRICT
    )
    payment: fields.ForeignKeyRelation[Payment] = fields.ForeignKeyField(
        "models.Payment", related_name="refunds", on_delete=fields.RESTRICT
    )
    after_sale: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.AfterSale", related_name="refunds", null=True, on_delete=fields.RESTRICT
    )
    # Stable and derived from what caused it, so a retried request is the same refund at
    # the provider (WeChat and Stripe both deduplicate on it).
    out_refund_no = fields.CharField(max_length=64, unique=True)
    provider_refund_id = fields.CharField(max_length=64, unique=True, null=True)
    amount = fields.DecimalField(**MONEY)
    currency = fields.CharField(max_length=3, default="CNY")
    reason = fields.CharEnumField(RefundReason, max_length=24)
    status = fields.CharEnumField(RefundStatus, max_length=16, default=RefundStatus.PENDING)
    failure_reason = fields.CharField(max_length=255, default="")
    attempts = fields.IntField(default=0)
    # Set when the payments processor commits this refund against its payment (under the
    # order's lock, checking nothing beyond what was paid goes back); after that it is only
    # ever re-sent under the same out_refund_no, never decided again.
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    completed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refund"
        indexes = (("status", "created_at"), ("order_id", "id"))

    def __str__(self) -> str:
        return f"Refund#{self.id} {self.out_refund_no} {self.amount} {self.status}"


class ProcessedEvent(Model):
    """A provider notification already applied, by the provider's own event id: a replay
    is answered with success and not applied again."""

    id = fields.BigIntField(primary_key=True)
    provider = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=128)
    kind = fields.CharField(max_length=32)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "processed_event"
        unique_together = (("provider", "event_id"),)

    def __str__(self) -> str:
        return f"ProcessedEvent {self.provider}:{self.event_id}"
