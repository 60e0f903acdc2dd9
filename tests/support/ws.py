"""graphql-transport-ws clients for tests (the reference JS client is tested too).

The functions speak the protocol message by message on a `websockets` connection;
`GraphQLWS` wraps one with operation-aware helpers; `StallableWS` is a client that reads
the socket only when asked to, to act out a client that stops reading.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

PROTOCOL = "graphql-transport-ws"
WAIT = 10.0  # seconds a test waits for a message before it fails


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


class GraphQLWS:
    def __init__(self, conn: ClientConnection) -> None:
        self.conn = conn

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        await self.conn.send(message if isinstance(message, str | bytes) else json.dumps(message))

    async def receive(self, wait: float = WAIT) -> dict[str, Any]:
        async with asyncio.timeout(wait):
            raw = await self.conn.recv()
        assert isinstance(raw, str), "graphql-transport-ws messages are text frames"
        return json.loads(raw)

    async def init(self, token: str | None = None, wait: float = WAIT) -> dict[str, Any]:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await self.send({"type": "connection_init", "payload": payload})
        return await self.receive(wait)

    async def subscribe(
        self, op_id: str, query: str, variables: dict[str, Any] | None = None
    ) -> None:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        await self.send({"id": op_id, "type": "subscribe", "payload": payload})

    async def next_for(self, op_id: str, wait: float = WAIT) -> dict[str, Any]:
        """The next message of one operation (skipping other operations' messages)."""
        async with asyncio.timeout(wait):
            while True:
                message = await self.receive(wait=wait)
                if message.get("id") == op_id:
                    return message

    async def complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete"})

    async def closed(self, wait: float = WAIT) -> tuple[int | None, str]:
        """Wait for the server to close the socket; (code, reason)."""
        async with asyncio.timeout(wait):
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await self.conn.recv()
        await self.conn.wait_closed()
        return self.conn.close_code, self.conn.close_reason or ""


def ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://", 1) + "/graphql"


@contextlib.asynccontextmanager
async def open_ws(http_url: str, **kwargs: Any) -> AsyncIterator[GraphQLWS]:
    """Open a graphql-transport-ws socket."""
    async with connect(
        ws_url(http_url),
        subprotocols=[PROTOCOL],  # type: ignore[list-item]
        max_size=None,
        ping_interval=None,
        max_queue=None,
        open_timeout=WAIT,
        **kwargs,
    ) as conn:
        yield GraphQLWS(conn)


class StallableWS(GraphQLWS):
    """A client that reads the socket only when asked to, so it can stop reading for real.

    (The `websockets` client keeps reading into its own buffers whatever its max_queue
    says, so it never makes the server wait.) Framing is done by websockets' sans-I/O
    protocol; the socket is read only inside `receive()`, and its kernel receive buffer
    is small, so a client that stops calling `receive()` pushes back on the server soon.
    """

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, protocol: ClientProtocol
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.protocol = protocol
        self._events: list[Any] = []

    async def _flush(self) -> None:
        self.writer.write(b"".join(self.protocol.data_to_send()))
        await self.writer.drain()

    async def send(self, message: dict[str, Any] | str | bytes) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.protocol.send_text(text.encode())
        await self._flush()

    async def _next_frame(self) -> Frame:
        while not self._events:
            data = await self.reader.read(65536)
            if not data:
                self.protocol.receive_eof()
            else:
                self.protocol.receive_data(data)
            self._events += self.protocol.events_received()
            if not data and not self._events:
                raise ConnectionError("connection closed")
        return self._events.pop(0)

    async def receive(self, wait: float = WAIT) -> dict[str, Any]:
        async with asyncio.timeout(wait):
            while True:
                event = await self._next_frame()
                if isinstance(event, Frame) and event.opcode == Opcode.TEXT:
                    return json.loads(event.data)
                if isinstance(event, Frame) and event.opcode == Opcode.CLOSE:
                    raise ConnectionError(f"closed: {event.data!r}")

    @classmethod
    @contextlib.asynccontextmanager
    async def open(cls, http_url: str, *, receive_buffer: int = 4096) -> AsyncIterator[StallableWS]:
        host, port = http_url.removeprefix("http://").split(":")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
        reader, writer = await asyncio.open_connection(sock=sock, limit=receive_buffer)
        protocol = ClientProtocol(
            parse_uri(ws_url(http_url)), subprotocols=[Subprotocol(PROTOCOL)], max_size=None
        )
        protocol.send_request(protocol.connect())
        client = cls(reader, writer, protocol)
        await client._flush()
        handshake = await client._next_frame()
        assert isinstance(handshake, Response) and handshake.status_code == 101, handshake
        try:
            yield client
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
