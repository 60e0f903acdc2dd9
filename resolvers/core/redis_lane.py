"""One pipelined Redis connection per process for the hottest Lua call.

redis-py spends ~100 us of CPU per command on its way to the socket and back: a pool
checkout behind a lock and a timeout, the retry wrapper, health checks, per-command
timeouts, observability hooks. A flash sale attempt is one EVALSHA, so that was a large
share of it (bench/flash_sale.py). A lane writes commands back to back on one connection
(Redis answers a connection's commands in order, so the n-th reply belongs to the n-th
waiter), gathers the commands of one event-loop turn into one write, and parses replies
with hiredis as they arrive: a command costs a packed buffer and a future.

Semantics kept from redis-py: replies decoded as UTF-8 (`decode_responses=True`), error
replies raised as `ResponseError` (`NoScriptError` for NOSCRIPT), a broken connection as
`ConnectionError` for every command in flight, and a new connection on the next command.
Nothing is retried: a command in flight when the connection broke may or may not have run
(callers of the flash sale gate rely on the reconciler for that case, as before). Only
plain TCP URLs (`redis://`) get a lane; anything else (TLS, Unix sockets, the embedded
fakeredis) keeps redis-py.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import deque
from collections.abc import Sequence
from typing import Any

import hiredis
from redis.asyncio.connection import parse_url
from redis.exceptions import ConnectionError, NoScriptError, ResponseError

CONNECT_TIMEOUT_SECONDS = 5.0
# A reply later than this means Redis (or the network) is stuck: the connection is given
# up, failing every command in flight, and the next command opens a new one. Without it a
# hung Redis would hold every request waiting on the lane forever.
REPLY_TIMEOUT_SECONDS = 5.0


def _error(reply: hiredis.ReplyError) -> ResponseError:
    message = str(reply)
    return NoScriptError(message) if message.startswith("NOSCRIPT") else ResponseError(message)


class _Protocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        # (waiter, deadline on the loop's clock), in the order the commands were sent.
        self.waiters: deque[tuple[asyncio.Future[Any], float]] = deque()
        self.pending: list[bytes] = []  # packed commands of this loop turn, not yet written
        self.reader = hiredis.Reader(encoding="utf-8")
        self.lost = False
        # One timer per connection instead of a timeout per command (asyncio.timeout cost
        # ~3 us a command): Redis answers in order, so the oldest unanswered command is the
        # one to watch.
        self.watchdog: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def send(self, packed: bytes, waiter: asyncio.Future[Any], deadline: float) -> None:
        self.waiters.append((waiter, deadline))
        self.pending.append(packed)
        if len(self.pending) == 1:
            # Every command of this loop turn leaves in one write.
            waiter.get_loop().call_soon(self.flush)
        if self.watchdog is None:
            self.watchdog = waiter.get_loop().call_at(deadline, self.check_late)

    def flush(self) -> None:
        if self.pending and not self.lost and self.transport is not None:
            self.transport.write(b"".join(self.pending))
        self.pending.clear()

    def check_late(self) -> None:
        """A reply later than its deadline gives the connection up (REPLY_TIMEOUT_SECONDS)."""
        self.watchdog = None
        if self.lost or not self.waiters:
            return
        waiter, deadline = self.waiters[0]
        loop = waiter.get_loop()
        if loop.time() >= deadline:
            self.abort(ConnectionError("Redis did not answer in time"))
        else:
            self.watchdog = loop.call_at(deadline, self.check_late)

    def data_received(self, data: bytes) -> None:
        self.reader.feed(data)
        waiters = self.waiters
        while True:
            try:
                reply = self.reader.gets()
            except hiredis.ProtocolError as exc:
                self.abort(ConnectionError(f"Redis protocol error: {exc}"))
                return
            if reply is False:
                return
            if not waiters:
                self.abort(ConnectionError("Redis sent a reply nobody asked for"))
                return
            waiter = waiters.popleft()[0]
            if waiter.done():  # its caller was cancelled
                continue
            if isinstance(reply, hiredis.ReplyError):
                waiter.set_exception(_error(reply))
            else:
                waiter.set_result(reply)

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionError(f"Connection to Redis lost: {exc or 'closed'}"))

    def abort(self, error: Exception) -> None:
        self._fail(error)
        if self.transport is not None:
            self.transport.close()

    def _fail(self, error: Exception) -> None:
        self.lost = True
        self.pending.clear()
        if self.watchdog is not None:
            self.watchdog.cancel()
            self.watchdog = None
        while self.waiters:
            waiter = self.waiters.popleft()[0]
            if not waiter.done():
                waiter.set_exception(error)


class RedisLane:
    """Commands pipelined on one lazily opened connection of the running event loop."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        db: int = 0,
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self._address = (host, port)
        self._handshake: list[tuple[Any, ...]] = []
        if password:
            self._handshake.append(("AUTH", username, password) if username else ("AUTH", password))
        if db:
            self._handshake.append(("SELECT", db))
        self._protocol: _Protocol | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connecting: asyncio.Task[_Protocol] | None = None
        self.reply_timeout = REPLY_TIMEOUT_SECONDS

    @classmethod
    def from_url(cls, url: str) -> RedisLane | None:
        """A lane for a plain TCP Redis URL; None for anything else."""
        if not url.startswith("redis://"):
            return None
        options = parse_url(url)
        if "connection_class" in options or "host" not in options:
            return None
        return cls(
            host=options["host"],
            port=int(options.get("port", 6379)),
            db=int(options.get("db", 0) or 0),
            username=options.get("username"),
            password=options.get("password"),
        )

    async def execute(self, *command: Any) -> Any:
        loop = asyncio.get_running_loop()
        protocol = self._protocol
        if protocol is None or protocol.lost or self._loop is not loop:
            protocol = await self._connect(loop)
            if protocol.lost:
                raise ConnectionError("Connection to Redis lost")
        waiter = loop.create_future()
        protocol.send(hiredis.pack_command(command), waiter, loop.time() + self.reply_timeout)
        return await waiter

    async def execute_many(self, commands: Sequence[Sequence[Any]]) -> list[Any]:
        """Several commands back to back, in order (not atomic); their replies, or the
        first error after every reply has arrived."""
        loop = asyncio.get_running_loop()
        protocol = self._protocol
        if protocol is None or protocol.lost or self._loop is not loop:
            protocol = await self._connect(loop)
            if protocol.lost:
                raise ConnectionError("Connection to Redis lost")
        deadline = loop.time() + self.reply_timeout
        waiters = []
        for command in commands:
            waiter = loop.create_future()
            protocol.send(hiredis.pack_command(tuple(command)), waiter, deadline)
            waiters.append(waiter)
        replies = await asyncio.gather(*waiters, return_exceptions=True)
        for reply in replies:
            if isinstance(reply, BaseException):
                raise reply
        return replies

    async def _connect(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        if self._connecting is None or self._loop is not loop:
            self._drop()
            self._loop = loop
            self._connecting = loop.create_task(self._open(loop))
            self._connecting.add_done_callback(self._opened)
        # Shielded: a caller cancelled while connecting does not cancel it for the others.
        return await asyncio.shield(self._connecting)

    def _opened(self, task: asyncio.Task[_Protocol]) -> None:
        if self._connecting is task:
            self._connecting = None
        if not task.cancelled() and task.exception() is None:
            self._protocol = task.result()

    async def _open(self, loop: asyncio.AbstractEventLoop) -> _Protocol:
        host, port = self._address
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
                _, protocol = await loop.create_connection(_Protocol, host, port)
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(f"Error connecting to Redis at {host}:{port}: {exc!r}") from exc
        try:
            for command in self._handshake:
                waiter = loop.create_future()
                deadline = loop.time() + self.reply_timeout
                protocol.send(hiredis.pack_command(command), waiter, deadline)
                await waiter
        except BaseException:
            protocol.abort(ConnectionError("Redis handshake failed"))
            raise
        return protocol

    def _drop(self) -> None:
        if self._protocol is not None:
            # Its loop may be closed already (tests run one loop after another).
            with contextlib.suppress(RuntimeError):
                self._protocol.abort(ConnectionError("Redis lane closed"))
        self._protocol = None

    async def aclose(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            self._connecting = None
        self._drop()


class LaneScript:
    """A Lua script called by EVALSHA on a lane, loaded again when Redis forgot it (the
    failed EVALSHA ran nothing, so the script still runs exactly once)."""

    def __init__(self, lane: RedisLane, source: str) -> None:
        self._lane = lane
        self._source = source
        self.sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    async def __call__(self, *, keys: Sequence[Any], args: Sequence[Any]) -> Any:
        try:
            return await self._lane.execute("EVALSHA", self.sha, len(keys), *keys, *args)
        except NoScriptError:
            await self._lane.execute("SCRIPT", "LOAD", self._source)
            return await self._lane.execute("EVALSHA", self.sha, len(keys), *keys, *args)
