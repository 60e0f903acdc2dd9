from __future__ import annotations

import strawberry

from graph.context import Info
from graph.permissions import IsAuthenticated
from graph.types.cart import Cart
from resolvers.cart import service


@strawberry.type
class CartQueries:
    @strawberry.field(
        description="The shopper's cart; totals are recomputed at today's prices on every read.",
        permission_classes=[IsAuthenticated],
    )
    async def cart(self, info: Info) -> Cart:
        claims = info.context.require_user()
        return Cart.from_view(await service.get_cart(user_id=claims.user_id))
