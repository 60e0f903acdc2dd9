"""Development-only routes: a stand-in for WeChat's code2session so `make run` can log
a shopper in without a real mini-program. Never mounted in production.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

DEV_WECHAT_PATH = "/dev/wechat"
DEMO_CODE_PREFIX = "demo-"


async def fake_code2session(request: Request) -> JSONResponse:
    code = request.query_params.get("js_code", "")
    if not code.startswith(DEMO_CODE_PREFIX) or len(code) > 64:
        return JSONResponse({"errcode": 40029, "errmsg": "invalid code"})
    # The same demo code always maps to the same shopper.
    return JSONResponse({"openid": f"{code}-openid", "session_key": "dev"})


def dev_routes() -> list[Route]:
    return [Route(f"{DEV_WECHAT_PATH}/sns/jscode2session", fake_code2session)]
