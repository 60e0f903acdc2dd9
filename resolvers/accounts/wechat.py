"""WeChat mini-program login: exchange a `wx.login()` code for the user's openid.

https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html
The session key WeChat returns is a secret; it is neither stored nor logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from resolvers.accounts.errors import AccountErrorCode
from resolvers.core.errors import DomainError
from settings import Settings

logger = logging.getLogger(__name__)

# errcodes that mean "this code is bad", as opposed to "WeChat is unwell"
_BAD_CODE_ERRCODES = {40029, 40163, 40226}


@dataclass(frozen=True, slots=True)
class WechatIdentity:
    openid: str
    unionid: str | None


async def code_to_session(
    *, settings: Settings, http: httpx.AsyncClient, code: str
) -> WechatIdentity:
    url = settings.wechat_api_base.rstrip("/") + "/sns/jscode2session"
    params = {
        "appid": settings.wechat_app_id,
        "secret": settings.wechat_app_secret,
        "js_code": code,
        "grant_type": "authorization_code",
    }
    try:
        response = await http.get(url, params=params, timeout=settings.wechat_timeout_seconds)
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        logger.warning("code2session failed: %s", type(exc).__name__)
        raise DomainError(
            AccountErrorCode.WECHAT_UNAVAILABLE, "WeChat login is unavailable, try again"
        ) from exc

    errcode = int(body.get("errcode") or 0)
    if errcode in _BAD_CODE_ERRCODES:
        raise DomainError(
            AccountErrorCode.INVALID_WECHAT_CODE,
            "The login code is invalid or used",
            field=["code"],
        )
    openid = body.get("openid")
    if errcode or not isinstance(openid, str) or not openid:
        logger.warning("code2session refused: errcode=%s", errcode)
        raise DomainError(
            AccountErrorCode.WECHAT_UNAVAILABLE, "WeChat login is unavailable, try again"
        )
    unionid = body.get("unionid")
    return WechatIdentity(openid=openid, unionid=unionid if isinstance(unionid, str) else None)
