from __future__ import annotations

import strawberry


@strawberry.input
class WechatLoginInput:
    code: str = strawberry.field(description="The code `wx.login()` returned in the mini-program.")


@strawberry.input
class StaffLoginInput:
    username: str
    password: str


@strawberry.input
class TokenRefreshInput:
    refresh_token: str


@strawberry.input
class LogoutInput:
    refresh_token: str | None = strawberry.field(
        default=None,
        description="End the session of this refresh token; omit to end every session.",
    )
