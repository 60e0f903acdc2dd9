"""Payment providers' notification endpoints (POST only), answered the way each expects.

WeChat Pay wants 200/204 with no body when a notification is taken, and a 4xx/5xx with
`{"code": "FAIL", "message": ...}` otherwise (it retries for 24 hours). Stripe wants any 2xx
when taken; anything else is retried for days. A forged or stale notification gets a 4xx,
our own trouble (database down, provider unreachable while re-reading) a 5xx, so the
provider retries what deserves retrying. The raw body is verified byte for byte, so it is
read as bytes and never parsed before verification.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from resolvers.payments import service
from resolvers.payments.providers.base import ProviderName
from resolvers.payments.providers.stripe_cards import WEBHOOK_PATH as STRIPE_WEBHOOK_PATH
from resolvers.payments.providers.wechat import NOTIFY_PATH as WECHAT_NOTIFY_PATH
from resolvers.payments.service import NotifyResult

logger = logging.getLogger(__name__)


async def _handle(request: Request, provider: ProviderName) -> NotifyResult:
    state = request.app.state.microstore
    try:
        body = await request.body()
        return await service.handle_notification(
            state=state, provider=provider, headers=request.headers, body=body
        )
    except Exception:
        logger.exception("%s notification failed", provider)
        return NotifyResult.RETRY


async def wechat_notify(request: Request) -> Response:
    result = await _handle(request, ProviderName.WECHAT)
    if result in service.SUCCESS_RESULTS:
        return Response(status_code=204)
    status = 500 if result == NotifyResult.RETRY else 400
    return JSONResponse({"code": "FAIL", "message": "失败"}, status_code=status)


async def stripe_webhook(request: Request) -> Response:
    result = await _handle(request, ProviderName.STRIPE)
    if result in service.SUCCESS_RESULTS:
        return JSONResponse({"received": True})
    status = 500 if result == NotifyResult.RETRY else 400
    return JSONResponse({"received": False}, status_code=status)


def payment_routes() -> list[Route]:
    return [
        Route(WECHAT_NOTIFY_PATH, wechat_notify, methods=["POST"]),
        Route(STRIPE_WEBHOOK_PATH, stripe_webhook, methods=["POST"]),
    ]
