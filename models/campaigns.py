"""Campaigns: flash sales (秒杀) and the reservations shoppers hold in them.

A flash sale sets aside `quantity` units of one SKU (taken from the SKU's stock when the
sale is created) and sells them at `price`. Each unit has a number, 1..quantity. Redis
hands out free unit numbers at storm speed; PostgreSQL records who holds which unit in
`FlashSaleUnit`, whose unique (sale, unit_no) makes overselling impossible whatever Redis
says: a sale can never have more than `quantity` units held at once. `FlashSaleBuyer`
keeps the per-user limit just as firmly.

    offered (quantity) == free + reserved + sold + returned_quantity

`returned_quantity` counts units given back to the SKU once the sale ended or was
cancelled (`settled_at`); before that it is 0.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from models.catalog import MONEY


class FlashSaleStatus(StrEnum):
    DRAFT = "DRAFT"  # staff are preparing it; invisible to shoppers
    PUBLISHED = "PUBLISHED"  # announced; live between starts_at and ends_at
    CANCELLED = "CANCELLED"  # stopped by staff; unsold units went back to the SKU
    ENDED = "ENDED"  # ends_at passed; unsold units went back to the SKU


class ReservationStatus(StrEnum):
    RESERVED = "RESERVED"  # units held, waiting for payment
    CONFIRMED = "CONFIRMED"  # paid: the units are sold
    RELEASED = "RELEASED"  # not paid (expired, cancelled, abandoned): units given back


class ReleaseReason(StrEnum):
    EXPIRED = "EXPIRED"  # the payment deadline passed
    CANCELLED = "CANCELLED"  # the shopper or staff cancelled the order
    ABANDONED = "ABANDONED"  # granted by Redis, never written here (a process died)


class FlashSale(Model):
    id = fields.BigIntField(primary_key=True)
    sku: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Sku", related_name="flash_sales", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=60)
    price = fields.DecimalField(**MONEY)
    quantity = fields.IntField()
    per_user_limit = fields.IntField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    status = fields.CharEnumField(FlashSaleStatus, max_length=16, default=FlashSaleStatus.DRAFT)
    # Bumped by every staff change.
    version = fields.IntField(default=1)
    # Bumped whenever Redis is (re)built from here. A reservation Redis granted under an
    # older epoch is refused, so a rebuild never counts a unit twice.
    redis_epoch = fields.IntField(default=0)
    # Units given back to the SKU after the sale ended or was cancelled.
    returned_quantity = fields.IntField(default=0)
    settled_at = fields.DatetimeField(null=True)
    published_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "flash_sale"
        indexes = (("status", "starts_at"), ("status", "ends_at"), ("settled_at",))

    def __str__(self) -> str:
        return f"FlashSale#{self.id} {self.title} {self.status}"


class FlashSaleReservation(Model):
    """Units one shopper holds in one sale: granted by Redis, recorded here."""

    id = fields.BigIntField(primary_key=True)
    # Chosen before the Redis call and stored there too; the order's idempotency key.
    token = fields.CharField(max_length=32, unique=True)
    sale: fields.ForeignKeyRelation[FlashSale] = fields.ForeignKeyField(
        "models.FlashSale", related_name="reservations", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="flash_sale_reservations", on_delete=fields.RESTRICT
    )
    quantity = fields.IntField()
    unit_price = fields.DecimalField(**MONEY)
    status = fields.CharEnumField(
        ReservationStatus, max_length=16, default=ReservationStatus.RESERVED
    )
    release_reason = fields.CharEnumField(ReleaseReason, max_length=16, null=True)
    expires_at = fields.DatetimeField()
    # The order paying for it, written in the same transaction (null only for a grant
    # that was never recorded: an abandoned one). The order finds its reservation by
    # token (its idempotency key and the reference of its adjustment).
    order: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Order", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    redis_epoch = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    confirmed_at = fields.DatetimeField(null=True)
    released_at = fields.DatetimeField(null=True)

    units: fields.ReverseRelation[FlashSaleUnit]

    class Meta:
        table = "flash_sale_reservation"
        # Few indexes: every one is written by each purchase of the storm.
        indexes = (("sale_id", "status"), ("status", "expires_at"))

    def __str__(self) -> str:
        return f"FlashSaleReservation#{self.id} sale={self.sale_id} x{self.quantity} {self.status}"


class FlashSaleUnit(Model):
    """One unit of a sale held by a reservation (reserved or sold); deleted on release.

    The unique (sale, unit_no) is the hard guarantee against overselling.
    """

    id = fields.BigIntField(primary_key=True)
    sale: fields.ForeignKeyRelation[FlashSale] = fields.ForeignKeyField(
        "models.FlashSale", related_name="units", on_delete=fields.RESTRICT
    )
    unit_no = fields.IntField()
    reservation: fields.ForeignKeyRelation[FlashSaleReservation] = fields.ForeignKeyField(
        "models.FlashSaleReservation", related_name="units", on_delete=fields.CASCADE
    )

    class Meta:
        table = "flash_sale_unit"
        unique_together = (("sale", "unit_no"),)
        indexes = (("reservation_id",),)

    def __str__(self) -> str:
        return f"FlashSaleUnit sale={self.sale_id} #{self.unit_no}"


class FlashSaleBuyer(Model):
    """Units one shopper holds (reserved + sold) in one sale, for the per-user limit.

    Raised only by a conditional upsert (`held + n <= limit`), which locks the row, so
    concurrent purchases of one shopper can never pass the limit together.
    """

    id = fields.BigIntField(primary_key=True)
    sale: fields.ForeignKeyRelation[FlashSale] = fields.ForeignKeyField(
        "models.FlashSale", related_name="buyers", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    held = fields.IntField(default=0)

    class Meta:
        table = "flash_sale_buyer"
        unique_together = (("sale", "user"),)

    def __str__(self) -> str:
        return f"FlashSaleBuyer sale={self.sale_id} user={self.user_id} holds {self.held}"
