"""Who uses the shop: shoppers, couriers and staff, and their refresh tokens."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    CUSTOMER = "CUSTOMER"
    COURIER = "COURIER"
    STAFF = "STAFF"
    ADMIN = "ADMIN"


STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


class User(Model):
    id = fields.BigIntField(primary_key=True)
    role = fields.CharEnumField(Role, max_length=16, default=Role.CUSTOMER)
    # Shoppers arrive through WeChat; staff log in with a username and a password.
    wechat_openid = fields.CharField(max_length=64, unique=True, null=True)
    wechat_unionid = fields.CharField(max_length=64, null=True, db_index=True)
    username = fields.CharField(max_length=64, unique=True, null=True)
    password_hash = fields.CharField(max_length=255, null=True)
    nickname = fields.CharField(max_length=64, default="")
    avatar_url = fields.CharField(max_length=512, default="")
    is_active = fields.BooleanField(default=True)
    last_login_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    refresh_tokens: fields.ReverseRelation[RefreshToken]

    class Meta:
        table = "user"

    def __str__(self) -> str:
        return f"User#{self.id} {self.role} {self.username or self.wechat_openid or ''}".strip()

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class RefreshToken(Model):
    """An opaque refresh token, stored as its sha256; rotated on every use.

    Tokens issued from one login share a `family`. Presenting a token that was already
    rotated means it leaked (or a client replayed it): the whole family is revoked.
    """

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "models.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    family = fields.UUIDField(db_index=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"

    def __str__(self) -> str:
        return f"RefreshToken#{self.id} family={self.family}"
