"""Physical stores for nearby-store (O2O) shopping: pickup and same-city courier."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Store(Model):
    id = fields.BigIntField(primary_key=True)
    name = fields.CharField(max_length=64)
    address = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=32, default="")
    latitude = fields.FloatField()
    longitude = fields.FloatField()
    # {"mon": ["09:00", "21:00"], ...}; a missing day means closed.
    opening_hours = fields.JSONField(default=dict)
    delivery_radius_m = fields.IntField(default=3000)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "store"
        indexes = (("latitude", "longitude"),)

    def __str__(self) -> str:
        return self.name


class StoreStock(Model):
    """How many of a SKU one store holds (for pickup and same-city delivery)."""

    id = fields.BigIntField(primary_key=True)
    store: fields.ForeignKeyRelation[Store] = fields.ForeignKeyField(
        "models.Store", related_name="stock", on_delete=fields.CASCADE
    )
    sku: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Sku", related_name="store_stock", on_delete=fields.CASCADE
    )
    quantity = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "store_stock"
        unique_together = (("store", "sku"),)

    def __str__(self) -> str:
        return f"StoreStock store={self.store_id} sku={self.sku_id} qty={self.quantity}"
