"""The process's one Redis client.

`memory://` gives an in-process Redis (fakeredis, Lua included) so `make run` needs no
server; anything else is a real Redis behind a *blocking* pool: redis-py's default pool
raises once it has handed out `max_connections`, which turns a traffic spike into errors,
while a blocking pool makes the spike wait for a free connection instead.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

from resolvers.core.pubsub import FanoutBroadcast, MemoryPubSubBackend, RedisPubSubBackend
from resolvers.core.redis_lane import RedisLane
from settings import Settings

POOL_WAIT_SECONDS = 5.0


def create_redis(settings: Settings) -> Redis:
    if settings.redis_url.startswith("memory://"):
        from fakeredis import FakeAsyncRedis, FakeServer

        return FakeAsyncRedis(server=FakeServer(), decode_responses=True)
    pool = BlockingConnectionPool.from_url(
        settings.redis_url,
        max_connections=settings.redis_pool_max,
        timeout=POOL_WAIT_SECONDS,
        decode_responses=True,
        health_check_interval=30,
    )
    return Redis(connection_pool=pool)


def create_broadcast(settings: Settings, redis: Redis) -> FanoutBroadcast:
    """Pub/sub between processes (see resolvers/core/pubsub.py): in memory with the embedded
    Redis, else Redis channels over one subscriber connection, published through `redis`."""
    if settings.redis_url.startswith("memory://"):
        backend: MemoryPubSubBackend | RedisPubSubBackend = MemoryPubSubBackend()
    else:
        backend = RedisPubSubBackend(
            redis,
            subscribe_timeout=settings.realtime_subscribe_timeout_seconds,
            ping_interval=settings.realtime_ping_interval_seconds,
            lane=RedisLane.from_url(settings.redis_url),
        )
    return FanoutBroadcast(backend, queue_size=settings.realtime_queue_size)
