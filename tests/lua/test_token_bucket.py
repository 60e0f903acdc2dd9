"""The token-bucket Lua script on real Redis."""

from __future__ import annotations

import asyncio

import pytest

from resolvers.core.errors import RateLimited
from resolvers.core.ratelimit import Limit

BURST = Limit("test-burst", burst=3, period_seconds=60)
FAST = Limit("test-fast", burst=2, period_seconds=0.2)


async def test_allows_the_burst_then_refuses_with_a_retry_hint(state):
    decisions = [await state.limiter.check(BURST, "alice") for _ in range(4)]

    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions[:3]] == [2, 1, 0]
    # One token every 20 s: the refusal says how long to wait.
    assert 0 < decisions[3].retry_after_seconds <= 20


async def test_subjects_have_separate_buckets(state):
    for _ in range(3):
        await state.limiter.hit(BURST, "alice")

    assert (await state.limiter.check(BURST, "bob")).allowed


async def test_tokens_come_back_over_time(state):
    await state.limiter.hit(FAST, "carol")
    await state.limiter.hit(FAST, "carol")
    with pytest.raises(RateLimited):
        await state.limiter.hit(FAST, "carol")

    await asyncio.sleep(0.15)

    await state.limiter.hit(FAST, "carol")


async def test_cost_zero_only_looks(state):
    for _ in range(5):
        assert (await state.limiter.check(BURST, "dave", cost=0)).allowed

    assert (await state.limiter.check(BURST, "dave")).remaining == 2


async def test_refusals_do_not_spend_tokens(state, redis, settings):
    for _ in range(3):
        await state.limiter.hit(BURST, "erin")
    before = await redis.hgetall(f"{settings.redis_prefix}rl:test-burst:{{erin}}")

    for _ in range(5):
        assert not (await state.limiter.check(BURST, "erin")).allowed

    assert await redis.hgetall(f"{settings.redis_prefix}rl:test-burst:{{erin}}") == before


async def test_buckets_expire_once_full_again(state, redis, settings):
    await state.limiter.hit(FAST, "frank")

    ttl_ms = await redis.pttl(f"{settings.redis_prefix}rl:test-fast:{{frank}}")

    assert 0 < ttl_ms <= 1200


async def test_concurrent_hits_never_exceed_the_burst(state):
    results = await asyncio.gather(
        *(state.limiter.check(BURST, "grace") for _ in range(50)), return_exceptions=True
    )

    assert sum(1 for r in results if r.allowed) == 3


async def test_bad_arguments_are_refused_before_any_write(state, redis, settings):
    from redis.exceptions import ResponseError

    with pytest.raises(ResponseError, match="bad arguments"):
        await state.scripts["token_bucket"](
            keys=[f"{settings.redis_prefix}rl:x:{{y}}"], args=[0, 1, 1]
        )

    assert await redis.exists(f"{settings.redis_prefix}rl:x:{{y}}") == 0
