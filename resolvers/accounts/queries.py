from __future__ import annotations

import strawberry

from graph.context import Info
from graph.types.accounts import User
from resolvers.accounts import service


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The logged-in user, or null for a visitor.")
    async def me(self, info: Info) -> User | None:
        claims = info.context.claims
        if claims is None:
            return None
        row = await service.get_user(user_id=claims.user_id)
        return User.from_row(row) if row else None
