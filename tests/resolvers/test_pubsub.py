"""Redis pub/sub backend and bounded fan-out (resolvers/core/pubsub.py), against real Redis.

Network failures are acted out by a TCP proxy between the backend and Redis; messages are
published by a separate client, as another process would.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from broadcaster import Broadcast
from redis.asyncio import BlockingConnectionPool, Redis

from resolvers.core.errors import SubscriptionEnded
from resolvers.core.pubsub import (
    SLOW_CONSUMER,
    UNAVAILABLE,
    FanoutBroadcast,
    MemoryPubSubBackend,
    RedisPubSubBackend,
    Resync,
)
from tests.support.tcp_proxy import TcpProxy, tcp_proxy
from tests.support.waiting import eventually

WAIT = 10.0


def pool_client(url: str) -> Redis:
    return Redis(
        connection_pool=BlockingConnectionPool.from_url(
            url, max_connections=10, timeout=5, decode_responses=True
        )
    )


@pytest.fixture
async def direct(settings) -> AsyncIterator[Redis]:
    """A client of its own: publishes as another process would, and inspects Redis."""
    client = pool_client(settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def channel(settings) -> str:
    return f"{settings.redis_prefix}pubsub-test:{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def make_broadcast(settings) -> AsyncIterator[Callable[..., Awaitable[FanoutBroadcast]]]:
    made: list[tuple[FanoutBroadcast, Redis]] = []

    async def make(url: str | None = None, *, queue_size: int = 64, **backend) -> FanoutBroadcast:
        client = pool_client(url or settings.redis_url)
        backend.setdefault("client_name", f"mstest-pubsub-{uuid.uuid4().hex[:6]}")
        broadcast = FanoutBroadcast(RedisPubSubBackend(client, **backend), queue_size=queue_size)
        await broadcast.connect()
        made.append((broadcast, client))
        return broadcast

    yield make
    for broadcast, client in made:
        await broadcast.disconnect()
        await client.aclose()


@pytest.fixture
async def proxy(settings) -> AsyncIterator[TcpProxy]:
    host, port = settings.redis_url.removeprefix("redis://").split("/")[0].split(":")
    async with tcp_proxy(host, int(port)) as p:
        yield p


def through(proxy: TcpProxy, settings) -> str:
    db = settings.redis_url.rsplit("/", 1)[1]
    return f"redis://127.0.0.1:{proxy.port}/{db}"


async def numsub(redis: Redis, channel: str) -> int:
    return dict(await redis.pubsub_numsub(channel))[channel]


async def get(subscriber, wait: float = WAIT):
    async with asyncio.timeout(wait):
        return await subscriber.get()


# --- delivery ----------------------------------------------------------------------------------


async def test_a_message_published_right_after_subscribing_is_delivered(
    make_broadcast, direct, channel
):
    """The stock backend reported 'subscribed' before SUBSCRIBE reached Redis (and with
    redis-py 8 delivered nothing at all); ours returns only once Redis confirmed."""
    broadcast = await make_broadcast()
    async with broadcast.subscribe(channel) as subscriber:
        receivers = await direct.publish(channel, "hello")
        event = await get(subscriber)

    assert receivers == 1
    assert (event.channel, event.message) == (channel, "hello")


async def test_subscribers_joining_at_the_same_instant_all_receive_over_one_redis_subscription(
    make_broadcast, direct, channel
):
    broadcast = await make_broadcast()
    joined = asyncio.Barrier(21)

    async def subscriber() -> str:
        async with broadcast.subscribe(channel) as sub:
            await joined.wait()
            return (await get(sub)).message

    tasks = [asyncio.create_task(subscriber()) for _ in range(20)]
    await joined.wait()
    redis_subscriptions = await numsub(direct, channel)
    await direct.publish(channel, "to everyone")
    received = await asyncio.gather(*tasks)

    assert received == ["to everyone"] * 20
    assert redis_subscriptions == 1


async def test_the_stock_broadcast_works_with_our_backend(settings, direct, channel):
    client = pool_client(settings.redis_url)
    broadcast = Broadcast(backend=RedisPubSubBackend(client))
    await broadcast.connect()
    try:
        async with broadcast.subscribe(channel) as subscriber:
            await direct.publish(channel, "via broadcaster")
            event = await get(subscriber)
    finally:
        await broadcast.disconnect()
        await client.aclose()

    assert event.message == "via broadcaster"


async def test_the_embedded_memory_backend_fans_out_too(channel):
    broadcast = FanoutBroadcast(MemoryPubSubBackend(), queue_size=2)
    await broadcast.connect()
    try:
        async with broadcast.subscribe(channel) as a, broadcast.subscribe(channel) as b:
            for n in range(2):
                await broadcast.publish(channel, f"m{n}")
            first = [(await get(a)).message for _ in range(2)]
            for n in range(2, 5):  # one more than `a` has room for
                await broadcast.publish(channel, f"m{n}")
            with pytest.raises(SubscriptionEnded) as ended:
                await get(a)
            await eventually(lambda: _is_ended(b))  # b never read at all
    finally:
        await broadcast.disconnect()

    assert first == ["m0", "m1"]
    assert ended.value.reason == SLOW_CONSUMER


async def _is_ended(subscriber) -> bool:
    await asyncio.sleep(0)
    return subscriber.end_reason is not None


# --- leaving -------------------------------------------------------------------------------------


async def test_the_last_subscriber_leaving_unsubscribes_in_redis(make_broadcast, direct, channel):
    broadcast = await make_broadcast()
    async with broadcast.subscribe(channel):
        async with broadcast.subscribe(channel):
            both = await numsub(direct, channel)
        one_left = await numsub(direct, channel)
    await eventually(lambda: _numsub_is(direct, channel, 0))

    assert (both, one_left) == (1, 1)
    assert channel not in broadcast.backend.channels
    assert broadcast.local_channels == 0


async def _numsub_is(redis: Redis, channel: str, n: int) -> bool:
    return await numsub(redis, channel) == n


async def test_leaving_and_joining_again_at_once_stays_subscribed(make_broadcast, direct, channel):
    """UNSUBSCRIBE and the next SUBSCRIBE reach Redis in the order they happened, and a
    subscription is confirmed only by its own reply."""
    broadcast = await make_broadcast()
    for _ in range(20):
        async with broadcast.subscribe(channel):
            pass
    async with broadcast.subscribe(channel) as subscriber:
        await direct.publish(channel, "still here")
        event = await get(subscriber)
        subscribed = await numsub(direct, channel)

    assert event.message == "still here"
    assert subscribed == 1


# --- slow consumers and memory ------------------------------------------------------------------


async def test_a_subscriber_that_does_not_read_is_dropped_and_the_others_keep_receiving(
    make_broadcast, direct, channel
):
    broadcast = await make_broadcast(queue_size=4)
    async with (
        broadcast.subscribe(channel) as stalled,
        broadcast.subscribe(channel) as reader,
    ):
        received = []
        for n in range(10):
            await direct.publish(channel, f"m{n}")
            received.append((await get(reader)).message)
        buffered = stalled.buffered
        with pytest.raises(SubscriptionEnded) as ended:
            await get(stalled)

    assert received == [f"m{n}" for n in range(10)]
    assert ended.value.reason == SLOW_CONSUMER
    assert str(ended.value) == "You stopped reading updates; subscribe again"
    assert buffered == 0  # what it had queued was freed when it was dropped


async def test_memory_stays_bounded_while_a_subscriber_never_reads(make_broadcast, direct, channel):
    """8 MiB go through a channel whose other subscriber never reads: the process keeps at
    most its queue (8 messages) of them."""
    size, count, queue_size = 16 * 1024, 512, 8
    broadcast = await make_broadcast(queue_size=queue_size)
    async with (
        broadcast.subscribe(channel) as stalled,
        broadcast.subscribe(channel) as reader,
    ):
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            peak_buffered = 0
            for n in range(count):
                await direct.publish(channel, f"{n:08d}" + "x" * (size - 8))
                await get(reader)
                peak_buffered = max(peak_buffered, stalled.buffered)
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()

    assert peak_buffered <= queue_size
    assert stalled.end_reason == SLOW_CONSUMER
    assert grown < 1024 * 1024, f"grew by {grown} bytes for {count * size} bytes published"


# --- failures ---------------------------------------------------------------------------------------


async def test_a_lost_connection_is_reopened_and_subscribers_are_told_to_resync(
    make_broadcast, direct, channel, proxy, settings
):
    broadcast = await make_broadcast(through(proxy, settings))
    async with broadcast.subscribe(channel) as subscriber:
        proxy.cut()
        await eventually(lambda: _numsub_is(direct, channel, 0))
        lost = await direct.publish(channel, "while away")  # Redis keeps nothing for us
        resync = await get(subscriber)
        await direct.publish(channel, "after")
        after = await get(subscriber)
        subscribed = await numsub(direct, channel)

    assert lost == 0
    assert isinstance(resync, Resync) and resync.channel == channel
    assert after.message == "after"
    assert subscribed == 1
    assert broadcast.backend.reconnects == 1


async def test_a_silent_connection_is_found_by_ping_and_reopened(
    make_broadcast, direct, channel, proxy, settings
):
    broadcast = await make_broadcast(
        through(proxy, settings), ping_interval=0.1, subscribe_timeout=0.5
    )
    async with broadcast.subscribe(channel) as subscriber:
        proxy.freeze()  # nothing arrives, nothing is closed: only PING can tell
        await eventually(lambda: _not_connected(broadcast))
        proxy.thaw()
        resync = await get(subscriber)
        await direct.publish(channel, "back")
        back = await get(subscriber)

    assert isinstance(resync, Resync)
    assert back.message == "back"
    assert broadcast.backend.reconnects >= 1


async def _not_connected(broadcast: FanoutBroadcast) -> bool:
    return not broadcast.backend.connected


async def test_subscribing_while_redis_is_unreachable_ends_with_unavailable(
    make_broadcast, direct, channel, proxy, settings
):
    broadcast = await make_broadcast(through(proxy, settings), subscribe_timeout=0.3)
    proxy.refuse = True
    proxy.cut()
    await eventually(lambda: _not_connected(broadcast))
    with pytest.raises(SubscriptionEnded) as ended:
        async with broadcast.subscribe(channel):
            pass
    unavailable_channels = broadcast.local_channels

    proxy.refuse = False
    await eventually(lambda: _connected(broadcast))
    async with broadcast.subscribe(channel) as subscriber:
        await direct.publish(channel, "works again")
        event = await get(subscriber)

    assert ended.value.reason == UNAVAILABLE
    assert unavailable_channels == 0
    assert event.message == "works again"


async def _connected(broadcast: FanoutBroadcast) -> bool:
    return broadcast.backend.connected
