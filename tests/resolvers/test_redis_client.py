"""The shared Redis client waits for a free connection instead of failing under a burst."""

from __future__ import annotations

import asyncio

from redis.asyncio import BlockingConnectionPool

from resolvers.core.redis import create_redis


async def test_a_burst_larger_than_the_pool_waits_instead_of_failing(settings, app_server):
    redis = create_redis(settings.model_copy(update={"redis_pool_max": 4}))
    key = f"{settings.redis_prefix}pool-test"
    try:
        assert isinstance(redis.connection_pool, BlockingConnectionPool)

        results = await asyncio.gather(*(redis.incr(key) for _ in range(300)))

        assert sorted(results) == list(range(1, 301))
        assert redis.connection_pool.max_connections == 4
    finally:
        await redis.delete(key)
        await redis.aclose()
