from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.accounts import LogoutInput, StaffLoginInput, TokenRefreshInput, WechatLoginInput
from graph.permissions import IsAuthenticated
from graph.types.accounts import (
    AccountError,
    LogoutPayload,
    StaffLoginPayload,
    TokenRefreshPayload,
    WechatLoginPayload,
)
from resolvers.accounts import service


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Log a shopper in with the code from `wx.login()`.")
    async def wechat_login(self, info: Info, input: WechatLoginInput) -> WechatLoginPayload:
        ctx = info.context
        return await run_mutation(
            service.wechat_login(state=ctx.state, code=input.code, client_ip=ctx.client_ip),
            payload=WechatLoginPayload,
            error=AccountError,
            build=WechatLoginPayload.success,
        )

    @strawberry.mutation(
        description="Log a staff member or a courier in with username and password."
    )
    async def staff_login(self, info: Info, input: StaffLoginInput) -> StaffLoginPayload:
        ctx = info.context
        return await run_mutation(
            service.staff_login(
                state=ctx.state,
                username=input.username,
                password=input.password,
                client_ip=ctx.client_ip,
            ),
            payload=StaffLoginPayload,
            error=AccountError,
            build=StaffLoginPayload.success,
        )

    @strawberry.mutation(description="Trade a refresh token for a new token pair.")
    async def token_refresh(self, info: Info, input: TokenRefreshInput) -> TokenRefreshPayload:
        return await run_mutation(
            service.refresh_tokens(state=info.context.state, refresh_token=input.refresh_token),
            payload=TokenRefreshPayload,
            error=AccountError,
            build=TokenRefreshPayload.success,
        )

    @strawberry.mutation(
        description="End a session (or all of them).", permission_classes=[IsAuthenticated]
    )
    async def logout(self, info: Info, input: LogoutInput | None = None) -> LogoutPayload:
        claims = info.context.require_user()
        return await run_mutation(
            service.logout(
                state=info.context.state,
                claims=claims,
                refresh_token=input.refresh_token if input else None,
            ),
            payload=LogoutPayload,
            error=AccountError,
            build=lambda _: LogoutPayload(ok=True),
        )
