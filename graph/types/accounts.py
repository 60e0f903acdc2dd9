from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.relay import node_pks
from resolvers.accounts.errors import AccountErrorCode as _AccountErrorCode
from resolvers.accounts.tokens import TokenPair

Role = strawberry.enum(models.Role, name="Role", description="What a user may do.")
AccountErrorCode = strawberry.enum(_AccountErrorCode, name="AccountErrorCode")


@strawberry.type(name="User")
class User(relay.Node):
    id: relay.NodeID[int]
    role: Role
    nickname: str
    avatar_url: str
    username: str | None = strawberry.field(description="Staff login name; null for shoppers.")
    created_at: datetime

    @classmethod
    def from_row(cls, row: models.User) -> User:
        return cls(
            id=row.id,
            role=row.role,
            nickname=row.nickname,
            avatar_url=row.avatar_url,
            username=row.username,
            created_at=row.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[User | None]:
        claims = info.context.claims
        ids = node_pks(node_ids)
        if claims is None:
            return [None] * len(ids)
        rows = await info.context.loaders.user_by_id.load_many(ids)
        # Users see themselves; staff see everyone. Others look exactly like missing ones.
        return [
            cls.from_row(row)
            if row is not None and (claims.is_staff or row.id == claims.user_id)
            else None
            for row in rows
        ]


@strawberry.type
class AuthTokens:
    token_type: str = "Bearer"
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(
        description="Opaque; single use. Each refresh returns a new one and retires this one."
    )
    refresh_token_expires_at: datetime

    @classmethod
    def from_pair(cls, pair: TokenPair) -> AuthTokens:
        return cls(
            access_token=pair.access_token,
            access_token_expires_at=pair.access_expires_at,
            refresh_token=pair.refresh_token,
            refresh_token_expires_at=pair.refresh_expires_at,
        )


@strawberry.type
class AccountError(UserError):
    code: AccountErrorCode


@strawberry.type
class LoginPayload:
    user: User | None = None
    tokens: AuthTokens | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)

    @classmethod
    def success(cls, result: tuple[models.User, TokenPair]) -> LoginPayload:
        user, pair = result
        return cls(user=User.from_row(user), tokens=AuthTokens.from_pair(pair))


@strawberry.type
class WechatLoginPayload(LoginPayload):
    pass


@strawberry.type
class StaffLoginPayload(LoginPayload):
    pass


@strawberry.type
class TokenRefreshPayload(LoginPayload):
    pass


@strawberry.type
class LogoutPayload:
    ok: bool = False
    errors: list[AccountError] = strawberry.field(default_factory=list)
