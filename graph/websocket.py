"""The WebSocket edge (graphql-transport-ws) on top of Strawberry's protocol handler.

Strawberry already answers the protocol's own failures: 4400 for a malformed message,
4401 for a subscribe before `connection_ack`, 4409 for a duplicate operation id, 4408 when
`connection_init` never comes, 4429 for a second `connection_init`, and 4403 when
`on_ws_connect` (graph/view.py) rejects the token. Added here:

* the socket closes with 4403 "Token expired" the moment its access token expires.
  4403 because the connection is no longer authorised, and because the reference
  `graphql-ws` client retries on 4403 (it does not on 4401), calling its
  `connectionParams` again, which is where an app puts its freshly refreshed token;
* at most `realtime_max_subscriptions` operations at once; one more is refused with an
  `error` message carrying `extensions.code = RATE_LIMITED` (the socket stays open);
* every message is validated before Strawberry sees it, so a malformed `subscribe`
  (payload not an object, no query) is 4400 rather than an exception;
* JSON arrives and leaves as text frames: browsers hand binary frames to the page as
  Blobs, which no graphql-transport-ws client parses.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.websockets import WebSocketDisconnect, WebSocketState
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.http.exceptions import (
    NonJsonMessageReceived,
    NonTextMessageReceived,
    WebSocketDisconnected,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)

from graph.errors import ErrorCode

logger = logging.getLogger(__name__)

TOKEN_EXPIRED_CLOSE_CODE = 4403
TOKEN_EXPIRED_REASON = "Token expired"
MALFORMED_CLOSE_CODE = 4400


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """JSON in and out as text frames, parsed with orjson."""

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object]:
        try:
            while self.ws.application_state != WebSocketState.DISCONNECTED:
                text = await self.ws.receive_text()
                try:
                    yield orjson.loads(text)
                except orjson.JSONDecodeError as exc:
                    if not ignore_parsing_errors:
                        raise NonJsonMessageReceived from exc
        except KeyError as exc:  # a binary frame has no "text"
            raise NonTextMessageReceived from exc
        except WebSocketDisconnect:
            pass

    async def send_json(self, message: Mapping[str, object]) -> None:
        if self.ws.application_state == WebSocketState.DISCONNECTED:
            raise WebSocketDisconnected
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except (WebSocketDisconnect, RuntimeError) as exc:
            # RuntimeError: the socket was closed (token expired) while this was in flight.
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        if self.ws.application_state != WebSocketState.DISCONNECTED:
            with contextlib.suppress(RuntimeError, OSError):
                await self.ws.close(code=code, reason=reason)


def _malformed_subscribe(message: Mapping[str, Any]) -> str | None:
    """Why a `subscribe` message is malformed, or None when it is well formed."""
    if not isinstance(message.get("id"), str) or not message["id"]:
        return "Subscribe message needs a string id"
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return "Subscribe payload must be an object"
    if not isinstance(payload.get("query"), str):
        return "Subscribe payload needs a query string"
    if payload.get("variables") is not None and not isinstance(payload["variables"], dict):
        return "Subscribe variables must be an object"
    name = payload.get("operationName")
    if name is not None and not isinstance(name, str):
        return "Subscribe operationName must be a string"
    return None


class TransportWSHandler(BaseGraphQLTransportWSHandler):
    expiry_task: asyncio.Task[None] | None = None

    async def handle_message(self, message: Any) -> None:
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.handle_invalid_message("Message must be an object with a type")
            return
        await super().handle_message(message)  # type: ignore[arg-type]

    async def handle_connection_init(self, message: Any) -> None:
        await super().handle_connection_init(message)
        claims = getattr(self.context, "claims", None)
        if self.connection_acknowledged and claims is not None and self.expiry_task is None:
            self.expiry_task = asyncio.create_task(
                self._close_when_expired(claims.expires_at), name="ws-token-expiry"
            )

    async def _close_when_expired(self, expires_at: datetime) -> None:
        await asyncio.sleep(max(0.0, (expires_at - datetime.now(UTC)).total_seconds()))
        logger.info("closing a WebSocket: its access token expired")
        await self.websocket.close(code=TOKEN_EXPIRED_CLOSE_CODE, reason=TOKEN_EXPIRED_REASON)

    async def handle_subscribe(self, message: Any) -> None:
        if self.connection_acknowledged:
            if problem := _malformed_subscribe(message):
                await self.handle_invalid_message(problem)
                return
            limit = self.max_subscriptions_per_connection
            if (
                message["id"] not in self.operations
                and limit is not None
                and len(self.operations) >= limit
            ):
                await self.send_message(
                    {
                        "id": message["id"],
                        "type": "error",
                        "payload": [
                            {
                                "message": f"At most {limit} subscriptions per connection; "
                                "complete one first",
                                "extensions": {"code": str(ErrorCode.RATE_LIMITED)},
                            }
                        ],
                    }
                )
                return
        await super().handle_subscribe(message)

    async def handle_task_exception(self, error: Exception) -> None:
        if isinstance(error, WebSocketDisconnected):
            return  # the client went away (or its token expired) mid-send: nothing to report
        await super().handle_task_exception(error)

    async def shutdown(self) -> None:
        if self.expiry_task is not None:
            self.expiry_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.expiry_task
        await super().shutdown()
