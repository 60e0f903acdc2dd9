"""Pub/sub between processes: broadcaster's interface, a Redis backend that works, bounded fan-out.

broadcaster 0.3.1 as shipped cannot carry our events:

* its `redis://` backend sets "ready" before SUBSCRIBE is sent; with redis-py 8 its listener
  then finds no subscription, `listen()` returns at once and nothing is ever delivered;
* `Broadcast.subscribe` asks "first subscriber of this channel?" and then awaits SUBSCRIBE
  before recording the subscriber, so two subscribers joining one channel at the same instant
  both take the "first" branch and the second overwrites the first, which never hears a thing;
* every subscriber gets an unbounded queue: a client that stops reading grows the process
  without limit.

We keep broadcaster's interface (`Broadcast.publish` / `Broadcast.subscribe`, the
`BroadcastBackend` contract) and replace the parts:

`RedisPubSubBackend`
    ONE dedicated Redis connection per process, in subscribe mode, read by one task.
    `subscribe(channel)` returns only once Redis has confirmed the SUBSCRIBE, so a caller
    that then reads the current state from the database cannot miss an event published
    in between. Replies are matched to commands per channel, in order, so a quick
    subscribe / unsubscribe / subscribe of one channel cannot be confirmed by a stale reply.
    A silent connection is detected with PING; a lost one is reopened with backoff and
    every channel re-subscribed.

    What is lost while the connection is down: Redis pub/sub keeps nothing for an absent
    subscriber, so every message published meanwhile is gone. Each channel that was
    active before the loss therefore gets a `Resync` event once it is subscribed again,
    and a stream built on the outbox (resolvers/core/live.py) answers it by reading the
    current state from the database: the latest state is never lost, intermediate steps
    that happened during the outage may be.

`FanoutBroadcast`
    Each process holds one backend subscription per channel, however many local
    subscribers share it, and fans every message out to them through BOUNDED queues.
    Delivery never waits for a subscriber: one whose queue is full has stopped reading,
    so it is ended (`SubscriptionEnded("SLOW_CONSUMER")`) and its buffer freed at once.
    Memory per subscriber is therefore at most `queue_size` messages, which are shared
    strings, not copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from broadcaster import Broadcast, Event
from broadcaster._backends.base import BroadcastBackend
from broadcaster._backends.memory import MemoryBackend
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from resolvers.core.errors import SubscriptionEnded
from resolvers.core.redis_lane import RedisLane

logger = logging.getLogger(__name__)

# Reasons a subscription is ended by the server (SubscriptionEnded.reason).
SLOW_CONSUMER: Final = "SLOW_CONSUMER"
UNAVAILABLE: Final = "UNAVAILABLE"
SHUTDOWN: Final = "SHUTDOWN"

_LOST = (RedisConnectionError, RedisTimeoutError, OSError, EOFError)


class Resync(Event):
    """Messages of `channel` may have been lost (the Redis connection was down): whoever
    keeps state from this channel should read it again from the source of truth."""

    def __init__(self, channel: str) -> None:
        super().__init__(channel=channel, message="")

    def __repr__(self) -> str:
        return f"Resync(channel={self.channel!r})"


class PubSubUnavailable(RedisError):
    """Redis did not confirm a SUBSCRIBE in time (it is down or unreachable)."""


# --- the Redis backend ------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """A SUBSCRIBE or UNSUBSCRIBE sent for one channel, waiting for its reply."""

    kind: str  # "subscribe" | "unsubscribe"
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


class RedisPubSubBackend(BroadcastBackend):
    """broadcaster backend over one dedicated subscriber connection (see module doc).

    Publishing goes through the app's pooled client, or a pipelined lane when given one
    (resolvers/core/redis_lane.py: a storm's orders publish two messages each, and redis-py
    spends ~10 us packing and parsing each); subscribing uses a connection of its own, built
    with the pool's settings, because a connection in subscribe mode can do nothing else and
    must never go back to the pool.

    `want(channel)` / `unwant(channel)` register a change synchronously and queue the
    command; one writer task sends the queue in order. So commands reach Redis in the
    order they were asked for, and a caller that is cancelled can never interrupt a write
    half-way (which would make redis-py drop the connection for everyone).
    """

    def __init__(
        self,
        redis: Redis,
        *,
        subscribe_timeout: float = 5.0,
        ping_interval: float = 10.0,
        max_pending_messages: int = 10_000,
        reconnect_delay_max: float = 5.0,
        client_name: str = "microstore-pubsub",
        lane: RedisLane | None = None,
    ) -> None:
        self._redis = redis
        self._lane = lane
        self.subscribe_timeout = subscribe_timeout
        self._ping_interval = ping_interval
        self._reconnect_delay_max = reconnect_delay_max
        self._client_name = client_name
        # Bounded: if the fan-out falls this far behind, the reader stops reading, Redis
        # buffers for us up to its pubsub output limit and then drops the connection; we
        # reconnect and every channel gets a Resync. Memory stays bounded either way.
        self._messages: asyncio.Queue[Event] = asyncio.Queue(maxsize=max_pending_messages)
        self._wanted: set[str] = set()  # channels we should be subscribed to
        self._active: set[str] = set()  # channels Redis confirmed on the current connection
        self._outgoing: deque[tuple[str, str, asyncio.Future[None] | None]] = deque()
        self._wake = asyncio.Event()
        self._pending: dict[str, deque[_Pending]] = {}  # per channel, in the order sent
        self._orphans: dict[str, list[asyncio.Future[None]]] = {}  # waiting for a connection
        self._resync: set[str] = set()  # channels to announce as Resync once re-subscribed
        # Held by whoever writes on, or replaces, the connection.
        self._lock = asyncio.Lock()
        self._conn: AbstractConnection | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.reconnects = 0  # connections re-opened after a loss (tests and metrics)

    # --- broadcaster interface ------------------------------------------------------------

    async def connect(self) -> None:
        conn = await self._open()  # fail loudly at start-up if Redis is not there
        self._tasks = [
            asyncio.create_task(self._run(conn), name="pubsub-reader"),
            asyncio.create_task(self._write(), name="pubsub-writer"),
        ]

    async def disconnect(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        if self._conn is not None:
            await self._conn.disconnect(nowait=True)
            self._conn = None
        if self._lane is not None:
            await self._lane.aclose()
        waiters = [w for entries in self._pending.values() for e in entries for w in e.waiters]
        waiters += [w for ws in self._orphans.values() for w in ws]
        waiters += [w for _, _, w in self._outgoing if w is not None]
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(PubSubUnavailable("pub/sub is shutting down"))
                waiter.exception()  # nobody may be waiting any more; don't warn about it
        self._orphans.clear()
        self._pending.clear()
        self._outgoing.clear()

    async def publish(self, channel: str, message: Any) -> None:
        await self._redis.publish(channel, message)

    async def publish_many(self, messages: list[tuple[str, Any]]) -> None:
        """Several PUBLISHes in one round trip (in order; not atomic: a failure may leave
        some sent, and the caller's outbox sends them again)."""
        if self._lane is not None:
            await self._lane.execute_many([("PUBLISH", c, m) for c, m in messages])
            return
        async with self._redis.pipeline(transaction=False) as pipe:
            for channel, message in messages:
                pipe.publish(channel, message)
            await pipe.execute()

    async def subscribe(self, channel: str) -> None:
        """Subscribe and wait until Redis confirms it; raises PubSubUnavailable on timeout."""
        await self.confirmed(self.want(channel))

    async def unsubscribe(self, channel: str) -> None:
        self.unwant(channel)

    async def next_published(self) -> Event:
        return await self._messages.get()

    # --- ordered registration ---------------------------------------------------------------

    def want(self, channel: str) -> asyncio.Future[None]:
        """Ask for SUBSCRIBE; the future completes when Redis has confirmed it."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._wanted.add(channel)
        self._outgoing.append(("SUBSCRIBE", channel, waiter))
        self._wake.set()
        return waiter

    def unwant(self, channel: str) -> None:
        """Ask for UNSUBSCRIBE (sent after every command asked for before it)."""
        self._wanted.discard(channel)
        self._active.discard(channel)
        self._resync.discard(channel)
        self._outgoing.append(("UNSUBSCRIBE", channel, None))
        self._wake.set()

    async def confirmed(self, waiter: asyncio.Future[None]) -> None:
        """Wait for a `want()` to be confirmed; PubSubUnavailable after subscribe_timeout."""
        try:
            async with asyncio.timeout(self.subscribe_timeout):
                # Shielded: one caller giving up must not cancel a future others share.
                await asyncio.shield(waiter)
        except TimeoutError as exc:
            raise PubSubUnavailable("Redis did not confirm the subscription in time") from exc

    # --- introspection for tests and the health of the process ---------------------------

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._wanted)

    @property
    def connected(self) -> bool:
        return self._conn is not None and self._conn.is_connected

    async def break_connection(self) -> None:
        """Drop the subscriber connection as a network failure would (used by tests)."""
        if self._conn is not None:
            await self._conn.disconnect(nowait=True)

    # --- connection -------------------------------------------------------------------------

    def _new_connection(self) -> AbstractConnection:
        pool = self._redis.connection_pool
        kwargs = {
            k: v
            for k, v in pool.connection_kwargs.items()
            if not k.startswith(("maint_notifications", "orig_"))
        }
        kwargs.update(
            # A health check would send PING and read "the reply" out of the message stream.
            health_check_interval=0,
            # RESP2: pub/sub messages are plain arrays (RESP3 would send push frames).
            protocol=2,
            client_name=self._client_name,
            socket_connect_timeout=kwargs.get("socket_connect_timeout") or 5.0,
            # Reads wait for a message or our own PING deadline, never a socket timeout.
            socket_timeout=None,
        )
        return pool.connection_class(**kwargs)

    async def _open(self) -> AbstractConnection:
        """A fresh connection, subscribed to every wanted channel."""
        conn = self._new_connection()
        try:
            # Bounds the whole handshake (TCP, AUTH, CLIENT SETNAME), not only the TCP part.
            async with asyncio.timeout(self.subscribe_timeout):
                await conn.connect()
        except TimeoutError as exc:
            await conn.disconnect(nowait=True)
            raise RedisTimeoutError("timed out connecting to Redis for pub/sub") from exc
        async with self._lock:
            # Waiters of commands the old connection never answered move to this one.
            carried: dict[str, list[asyncio.Future[None]]] = self._orphans
            self._orphans = {}
            for channel, entries in self._pending.items():
                for entry in entries:
                    carried.setdefault(channel, []).extend(entry.waiters)
            self._pending = {}
            self._active.clear()
            self._conn = conn
            channels = sorted(self._wanted)
            for channel in channels:
                waiters = [w for w in carried.pop(channel, []) if not w.done()]
                self._pending[channel] = deque([_Pending("subscribe", waiters)])
            for waiters in carried.values():  # channels no longer wanted: nobody waits
                for waiter in waiters:
                    waiter.cancel()
            if channels:
                await conn.send_command("SUBSCRIBE", *channels, check_health=False)
        return conn

    async def _write(self) -> None:
        """Send queued (UN)SUBSCRIBE commands in order, pipelined in one write."""
        while True:
            await self._wake.wait()
            self._wake.clear()
            async with self._lock:
                batch = list(self._outgoing)
                self._outgoing.clear()
                conn = self._conn
                # Never let redis-py reconnect a dropped connection object by writing to
                # it: that socket would be subscribed to one channel and read by nobody.
                if conn is None or not conn.is_connected:
                    # The reconnect subscribes everything wanted and completes these.
                    for _, channel, waiter in batch:
                        if waiter is not None:
                            self._orphans.setdefault(channel, []).append(waiter)
                    continue
                packed: list[bytes] = []
                for command, channel, waiter in batch:
                    packed += conn.pack_command(command, channel)
                    entry = _Pending(command.lower(), [waiter] if waiter is not None else [])
                    self._pending.setdefault(channel, deque()).append(entry)
                try:
                    await conn.send_packed_command(packed, check_health=False)
                except _LOST:
                    # The reader sees the dead connection, reconnects and re-subscribes
                    # the wanted set; the entries above carry their waiters over.
                    logger.warning("pub/sub connection lost while sending subscriptions")
                    await conn.disconnect(nowait=True)

    # --- the reader -------------------------------------------------------------------------

    async def _run(self, conn: AbstractConnection | None) -> None:
        delay = 0.05
        while True:
            try:
                if conn is None:
                    conn = await self._open()
                    self.reconnects += 1
                    logger.info(
                        "pub/sub reconnected; %d channel(s) re-subscribed", len(self._wanted)
                    )
                delay = 0.05
                await self._read(conn)
            except _LOST as exc:
                async with self._lock:
                    # What was confirmed may have missed messages while we were away.
                    self._resync |= self._active
                    self._active.clear()
                    if self._conn is conn:
                        self._conn = None
                if conn is not None:
                    await conn.disconnect(nowait=True)
                conn = None
                logger.warning(
                    "pub/sub connection lost (%s); reconnecting in %.2fs",
                    type(exc).__name__,
                    delay,
                )
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311
                delay = min(delay * 2, self._reconnect_delay_max)

    async def _read(self, conn: AbstractConnection) -> None:
        awaiting_pong = False
        while True:
            reply = await conn.read_response(timeout=self._ping_interval)
            if reply is None:  # nothing for a whole interval: is the connection alive?
                if awaiting_pong:
                    raise RedisTimeoutError("no answer to PING on the pub/sub connection")
                async with self._lock:
                    if not conn.is_connected:
                        raise RedisConnectionError("pub/sub connection closed")
                    await conn.send_command("PING", check_health=False)
                awaiting_pong = True
                continue
            awaiting_pong = False
            kind = reply[0]
            if kind == "message":
                await self._messages.put(Event(channel=reply[1], message=reply[2]))
            elif kind in ("subscribe", "unsubscribe"):
                self._confirm(kind, reply[1])
            # "pong" needs nothing more: it proved the connection alive.

    def _confirm(self, kind: str, channel: str) -> None:
        entries = self._pending.get(channel)
        if not entries or entries[0].kind != kind:
            logger.debug("unexpected %s reply for %s", kind, channel)
            return
        entry = entries.popleft()
        if not entries:
            del self._pending[channel]
        if kind != "subscribe":
            return
        if channel in self._wanted:
            self._active.add(channel)
        for waiter in entry.waiters:
            if not waiter.done():
                waiter.set_result(None)
        if channel in self._resync:
            self._resync.discard(channel)
            if not self._messages.full():
                self._messages.put_nowait(Resync(channel))


class MemoryPubSubBackend(MemoryBackend):
    """broadcaster's in-process backend (the embedded `memory://` mode) with the same
    ordered `want` / `unwant` registration as the Redis backend."""

    def __init__(self) -> None:
        super().__init__("memory://")

    def want(self, channel: str) -> asyncio.Future[None]:
        self._subscribed.add(channel)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done

    def unwant(self, channel: str) -> None:
        self._subscribed.discard(channel)

    async def confirmed(self, waiter: asyncio.Future[None]) -> None:
        await waiter

    async def unsubscribe(self, channel: str) -> None:
        self.unwant(channel)

    async def publish_many(self, messages: list[tuple[str, Any]]) -> None:
        for channel, message in messages:
            await self.publish(channel, message)


# --- fan-out to local subscribers -------------------------------------------------------------

_END: Final = object()


class Subscription:
    """One local subscriber: a bounded queue the fan-out fills without ever waiting."""

    __slots__ = ("_queue", "channel", "end_reason")

    def __init__(self, channel: str, maxsize: int) -> None:
        self.channel = channel
        self.end_reason: str | None = None
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=maxsize)

    @property
    def buffered(self) -> int:
        """Messages waiting to be read (the end marker is not one)."""
        size = self._queue.qsize()
        return size - 1 if self.end_reason is not None and size else size

    def offer(self, event: Event) -> None:
        if self.end_reason is not None:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            logger.info("dropping a subscriber of %s: it stopped reading", self.channel)
            self.end(SLOW_CONSUMER)

    def end(self, reason: str) -> None:
        """End the subscription: free its buffer now and wake a reader waiting on it."""
        if self.end_reason is not None:
            return
        self.end_reason = reason
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(_END)

    async def get(self) -> Event:
        """The next event; raises SubscriptionEnded once the server ended this subscription."""
        if self.end_reason is not None and self._queue.empty():
            raise SubscriptionEnded(self.end_reason)
        item = await self._queue.get()
        if item is _END:
            raise SubscriptionEnded(self.end_reason or SHUTDOWN)
        assert isinstance(item, Event)
        return item

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        return await self.get()


class OrderedBackend(Protocol):
    """What FanoutBroadcast needs of a backend besides broadcaster's interface."""

    def want(self, channel: str) -> asyncio.Future[None]: ...
    def unwant(self, channel: str) -> None: ...
    async def confirmed(self, waiter: asyncio.Future[None]) -> None: ...
    async def connect(self) -> None: ...
    async def disconnect(self) -> None: ...
    async def publish(self, channel: str, message: Any) -> None: ...
    async def publish_many(self, messages: list[tuple[str, Any]]) -> None: ...
    async def next_published(self) -> Event: ...


@dataclass(slots=True)
class _Channel:
    ready: asyncio.Future[None]  # the backend subscription, shared by every local subscriber
    subscribers: set[Subscription] = field(default_factory=set)


class FanoutBroadcast(Broadcast):
    """broadcaster's `Broadcast` with one backend subscription per channel and bounded fan-out."""

    def __init__(self, backend: OrderedBackend, *, queue_size: int = 16) -> None:
        super().__init__(backend=backend)  # type: ignore[arg-type]
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self._ordered = backend
        self.queue_size = queue_size
        self._channels: dict[str, _Channel] = {}
        self._listener_task: asyncio.Task[None] | None = None

    @property
    def backend(self) -> OrderedBackend:
        return self._ordered

    async def publish_many(self, messages: list[tuple[str, Any]]) -> None:
        """(channel, message) pairs, in order, in as few round trips as the backend can."""
        await self._ordered.publish_many(messages)

    async def connect(self) -> None:
        await self._ordered.connect()
        self._listener_task = asyncio.create_task(self._listener(), name="pubsub-fanout")

    async def disconnect(self) -> None:
        for channel in self._channels.values():
            for subscriber in channel.subscribers:
                subscriber.end(SHUTDOWN)
        if self._listener_task is not None:
            self._listener_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener_task
            self._listener_task = None
        await self._ordered.disconnect()

    async def _listener(self) -> None:
        while True:
            event = await self._ordered.next_published()
            channel = self._channels.get(event.channel)
            if channel is None:
                continue
            # Never awaits: a full queue ends its subscriber instead of holding up the rest.
            for subscriber in tuple(channel.subscribers):
                subscriber.offer(event)

    def local_subscribers(self, channel: str) -> int:
        state = self._channels.get(channel)
        return len(state.subscribers) if state else 0

    @property
    def local_channels(self) -> int:
        return len(self._channels)

    @contextlib.asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:  # type: ignore[override]
        """Subscribe to `channel`; on entry, Redis has confirmed the subscription, so any
        message published from now on is delivered.

        Raises SubscriptionEnded(UNAVAILABLE) when Redis does not confirm in time.
        """
        subscriber = Subscription(channel, self.queue_size)
        # Everything up to the first await is synchronous: a second subscriber arriving
        # at the same instant finds this entry and joins it, and the backend receives
        # want / unwant for a channel strictly in the order they happen here.
        state = self._channels.get(channel)
        if state is None:
            state = self._channels[channel] = _Channel(ready=self._ordered.want(channel))
        state.subscribers.add(subscriber)
        try:
            try:
                await self._ordered.confirmed(state.ready)
            except (PubSubUnavailable, asyncio.CancelledError) as exc:
                if isinstance(exc, asyncio.CancelledError) and not state.ready.cancelled():
                    raise
                raise SubscriptionEnded(UNAVAILABLE) from exc
            yield subscriber
        finally:
            subscriber.end(SHUTDOWN)
            state.subscribers.discard(subscriber)
            if not state.subscribers and self._channels.get(channel) is state:
                del self._channels[channel]
                self._ordered.unwant(channel)
