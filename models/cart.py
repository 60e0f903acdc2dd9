"""The shopping cart: one line per SKU per shopper."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from models.catalog import MONEY


class CartLine(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="cart_lines", on_delete=fields.CASCADE
    )
    sku: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Sku", related_name="cart_lines", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()
    selected = fields.BooleanField(default=True)
    # The price when the shopper added it, so the cart can say "¥5 cheaper since you added it".
    added_unit_price = fields.DecimalField(**MONEY)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "cart_line"
        unique_together = (("user", "sku"),)

    def __str__(self) -> str:
        return f"CartLine#{self.id} user={self.user_id} sku={self.sku_id} x{self.quantity}"
