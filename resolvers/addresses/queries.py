from __future__ import annotations

import strawberry

from graph.context import Info
from graph.permissions import IsAuthenticated
from graph.types.addresses import Address
from resolvers.addresses import service


@strawberry.type
class AddressQueries:
    @strawberry.field(
        description="The shopper's address book, default first (at most 20 entries).",
        permission_classes=[IsAuthenticated],
    )
    async def addresses(self, info: Info) -> list[Address]:
        claims = info.context.require_user()
        crypto = info.context.state.crypto
        rows = await service.list_addresses(user_id=claims.user_id)
        return [Address.from_view(service.view(row, crypto)) for row in rows]
