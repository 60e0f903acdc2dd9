"""A minimal graphql-transport-ws client for tests (the protocol, message by message)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

PROTOCOL = "graphql-transport-ws"


@contextlib.asynccontextmanager
async def ws_connect(base_url: str, **kwargs: Any) -> AsyncIterator[ClientConnection]:
    url = base_url.replace("http://", "ws://") + "/graphql"
    async with websockets.connect(url, subprotocols=[PROTOCOL], **kwargs) as socket:
        yield socket


async def send(socket: ClientConnection, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def receive(socket: ClientConnection, wait_seconds: float = 5) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(socket.recv(), wait_seconds))


async def init(socket: ClientConnection, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    await send(socket, {"type": "connection_init", "payload": payload or {}})
    return await receive(socket)


async def close_code(socket: ClientConnection, wait_seconds: float = 5) -> int | None:
    """Wait until the server closes the socket; its close code."""
    with contextlib.suppress(websockets.ConnectionClosed):
        while True:
            await asyncio.wait_for(socket.recv(), wait_seconds)
    return socket.close_code
