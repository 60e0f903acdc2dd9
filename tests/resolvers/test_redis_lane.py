"""The pipelined lane on real Redis: replies reach their own callers, errors and lost
connections surface as redis-py's exceptions, and a forgotten script still runs once."""

from __future__ import annotations

import asyncio

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError, ResponseError

from resolvers.core.redis_lane import LaneScript, RedisLane

COUNT_CALLS = "return redis.call('INCR', KEYS[1])"


@pytest.fixture
async def lane(settings):
    lane = RedisLane.from_url(settings.redis_url)
    assert lane is not None
    yield lane
    await lane.aclose()


@pytest.fixture
async def other(settings):
    """A redis-py client of its own, to look at what the lane did."""
    client = Redis.from_url(settings.redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def test_concurrent_commands_each_get_their_own_reply(lane, settings):
    key = f"{settings.redis_prefix}lane:list"

    replies = await asyncio.gather(*(lane.execute("ECHO", f"m{i}") for i in range(500)))
    pushed = await asyncio.gather(*(lane.execute("RPUSH", key, i) for i in range(200)))

    assert replies == [f"m{i}" for i in range(500)]
    assert sorted(pushed) == list(range(1, 201))
    assert await lane.execute("LLEN", key) == 200


async def test_an_error_reply_is_raised_and_the_next_commands_are_unaffected(lane, settings):
    key = f"{settings.redis_prefix}lane:text"
    await lane.execute("SET", key, "not a number")

    results = await asyncio.gather(
        lane.execute("INCR", key), lane.execute("GET", key), return_exceptions=True
    )

    assert isinstance(results[0], ResponseError)
    assert results[1] == "not a number"


async def test_a_cancelled_caller_does_not_shift_the_replies(lane, settings):
    # A BLPOP on a missing key answers (nil) only after its timeout: the caller leaves first.
    first = asyncio.ensure_future(lane.execute("BLPOP", f"{settings.redis_prefix}none", 0.3))
    await asyncio.sleep(0.05)
    first.cancel()

    assert await lane.execute("ECHO", "second") == "second"
    assert first.cancelled()


async def test_a_script_redis_forgot_is_loaded_again_and_runs_once(lane, settings, other):
    key = f"{settings.redis_prefix}lane:calls"
    script = LaneScript(lane, COUNT_CALLS)
    assert await script(keys=[key], args=[]) == 1

    await other.script_flush()

    assert await script(keys=[key], args=[]) == 2
    assert await other.get(key) == "2"


async def test_a_lost_connection_fails_the_commands_in_flight_then_reconnects(lane, other):
    client_id = await lane.execute("CLIENT", "ID")
    # BLPOP on a missing key holds the lane's next replies back until it times out.
    blocked = asyncio.ensure_future(lane.execute("BLPOP", "lane-test-never", 5))
    behind = asyncio.ensure_future(lane.execute("ECHO", "behind"))
    await asyncio.sleep(0.1)

    await other.execute_command("CLIENT", "KILL", "ID", client_id)
    done = await asyncio.gather(blocked, behind, return_exceptions=True)

    assert all(isinstance(r, ConnectionError) for r in done), done
    assert await lane.execute("ECHO", "again") == "again"


async def test_the_url_decides_the_database_and_which_urls_get_a_lane(settings, other):
    key = f"{settings.redis_prefix}lane:db"
    lane = RedisLane.from_url(settings.redis_url.rsplit("/", 1)[0] + "/5")
    try:
        await lane.execute("SET", key, "in five", "EX", 60)
        assert await other.get(key) is None
        assert await lane.execute("GET", key) == "in five"
    finally:
        await lane.execute("DEL", key)
        await lane.aclose()

    assert RedisLane.from_url("memory://") is None
    assert RedisLane.from_url("rediss://127.0.0.1:6379/0") is None
    assert RedisLane.from_url("unix:///run/redis.sock") is None


async def test_a_reply_that_never_comes_gives_the_connection_up(lane, settings):
    lane.reply_timeout = 0.2
    # BLPOP holds the reply for 2 s: far past the lane's patience.
    stuck = asyncio.ensure_future(lane.execute("BLPOP", f"{settings.redis_prefix}none", 2))
    behind = asyncio.ensure_future(lane.execute("ECHO", "behind"))

    done = await asyncio.gather(stuck, behind, return_exceptions=True)

    assert all(isinstance(r, ConnectionError) for r in done), done
    assert await lane.execute("ECHO", "again") == "again"  # on a new connection


async def test_many_commands_run_in_order_and_an_error_is_raised_once_all_answered(
    lane, other, settings
):
    key = f"{settings.redis_prefix}lane:many"
    try:
        assert await lane.execute_many([("SET", key, "1"), ("INCR", key), ("GET", key)]) == [
            "OK",
            2,
            "2",
        ]

        with pytest.raises(ResponseError, match="not an integer"):
            await lane.execute_many([("SET", key, "x"), ("INCR", key), ("SET", key, "after")])

        assert await other.get(key) == "after"  # not atomic: what came after the error ran
        assert await lane.execute("ECHO", "still in step") == "still in step"
    finally:
        await other.delete(key)


async def test_events_are_published_through_a_lane(state, settings, other):
    backend = state.broadcast.backend
    channel = f"{settings.redis_prefix}lane:events"
    listener = other.pubsub()
    await listener.subscribe(channel)
    await listener.get_message(timeout=1)  # the subscription's confirmation
    try:
        assert backend._lane is not None

        await backend.publish_many([(channel, "one"), (channel, "two")])

        got = [await listener.get_message(timeout=2) for _ in range(2)]
        assert [m["data"] for m in got] == ["one", "two"]
    finally:
        await listener.aclose()
