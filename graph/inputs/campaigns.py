"""Campaign inputs. In update inputs an omitted field is left unchanged."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry


@strawberry.input
class FlashSaleCreateInput:
    sku_id: strawberry.ID
    title: str | None = strawberry.field(
        default=None, description="Shown to shoppers; the product's title when omitted."
    )
    price: Decimal = strawberry.field(description="The flash price, e.g. 9.90.")
    quantity: int = strawberry.field(description="Units offered; taken from the SKU's stock now.")
    per_user_limit: int = strawberry.field(
        default=1, description="Most units one shopper may hold."
    )
    starts_at: datetime
    ends_at: datetime


@strawberry.input
class FlashSaleUpdateInput:
    id: strawberry.ID
    version: int | None = strawberry.field(
        default=None, description="The version you edited; a newer one is VERSION_CONFLICT."
    )
    title: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.UNSET
    quantity: int | None = strawberry.field(
        default=strawberry.UNSET, description="More takes SKU stock, fewer gives it back."
    )
    per_user_limit: int | None = strawberry.UNSET
    starts_at: datetime | None = strawberry.UNSET
    ends_at: datetime | None = strawberry.UNSET


@strawberry.input
class FlashSaleIdInput:
    id: strawberry.ID
