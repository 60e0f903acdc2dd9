from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.relay import node_pks
from resolvers.addresses.errors import AddressErrorCode as _AddressErrorCode
from resolvers.addresses.service import AddressView, view

AddressErrorCode = strawberry.enum(_AddressErrorCode, name="AddressErrorCode")


@strawberry.type(name="Address", description="An entry of the shopper's address book.")
class Address(relay.Node):
    id: relay.NodeID[int]
    recipient_name: str
    phone: str = strawberry.field(description="The owner's own view: in full.")
    province: str
    city: str
    district: str
    detail: str = strawberry.field(description="Street, building, room.")
    latitude: float | None
    longitude: float | None
    label: str
    is_default: bool
    created_at: datetime

    @classmethod
    def from_view(cls, item: AddressView) -> Address:
        row = item.row
        return cls(
            id=row.id,
            recipient_name=row.recipient_name,
            phone=item.phone,
            province=row.province,
            city=row.city,
            district=row.district,
            detail=item.detail,
            latitude=row.latitude,
            longitude=row.longitude,
            label=row.label,
            is_default=row.is_default,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Address | None]:
        claims = info.context.claims
        ids = node_pks(node_ids)
        if claims is None:
            return [None] * len(ids)
        # An address book is personal: only its owner sees it, staff included.
        rows = {
            row.id: row for row in await models.Address.filter(id__in=ids, user_id=claims.user_id)
        }
        crypto = info.context.state.crypto
        return [cls.from_view(view(rows[i], crypto)) if i in rows else None for i in ids]


@strawberry.type
class AddressError(UserError):
    code: AddressErrorCode


@strawberry.type
class AddressCreatePayload:
    address: Address | None = None
    errors: list[AddressError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressUpdatePayload:
    address: Address | None = None
    errors: list[AddressError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressSetDefaultPayload:
    address: Address | None = None
    errors: list[AddressError] = strawberry.field(default_factory=list)


@strawberry.type
class AddressDeletePayload:
    deleted_id: relay.GlobalID | None = None
    errors: list[AddressError] = strawberry.field(default_factory=list)
