"""Shoppers' address books. Phone and street detail are SM4-encrypted (resolvers/core/crypto.py)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Address(Model):
    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="addresses", on_delete=fields.CASCADE
    )
    recipient_name = fields.CharField(max_length=32)
    # Encrypted with context "address.phone"; the blind index finds it without decrypting.
    phone_encrypted = fields.CharField(max_length=255)
    phone_index = fields.CharField(max_length=64, db_index=True)
    province = fields.CharField(max_length=32)
    city = fields.CharField(max_length=32)
    district = fields.CharField(max_length=32, default="")
    # Street, building, room: encrypted with context "address.detail".
    detail_encrypted = fields.CharField(max_length=1024)
    # Where the door is, for same-city courier delivery; optional for express.
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    label = fields.CharField(max_length=16, default="")
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "address"
        indexes = (("user_id", "is_default"),)

    def __str__(self) -> str:
        return f"Address#{self.id} user={self.user_id} {self.city}"
