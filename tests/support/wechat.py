"""A local stand-in for WeChat's code2session endpoint, spoken over real HTTP."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class FakeWechat:
    app_id: str
    app_secret: str
    codes: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    calls: int = 0
    outage: bool = False

    def issue_code(self, openid: str, unionid: str | None = None) -> str:
        """What `wx.login()` would hand the mini-program: a one-time code."""
        code = secrets.token_hex(16)
        self.codes[code] = (openid, unionid)
        return code

    async def code2session(self, request: Request) -> Response:
        self.calls += 1
        if self.outage:
            return JSONResponse({"errcode": -1, "errmsg": "system error"}, status_code=500)
        q = request.query_params
        if q.get("grant_type") != "authorization_code":
            return JSONResponse({"errcode": 40002, "errmsg": "invalid grant_type"})
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return JSONResponse({"errcode": 40125, "errmsg": "invalid appsecret"})
        identity = self.codes.pop(q.get("js_code", ""), None)  # codes are single use
        if identity is None:
            return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
        openid, unionid = identity
        body = {"openid": openid, "session_key": secrets.token_urlsafe(16)}
        if unionid:
            body["unionid"] = unionid
        return JSONResponse(body)

    def asgi(self) -> Starlette:
        return Starlette(routes=[Route("/sns/jscode2session", self.code2session)])
