"""Outbox events: published after commit to Redis pub/sub, republished once after a crash."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis
from tortoise.transactions import in_transaction

from models import OutboxEvent
from resolvers.core import outbox


@pytest.fixture
async def listener(settings, state):
    """A raw Redis subscriber on the order #7 channel and the order feed."""
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    pubsub = redis.pubsub()
    await pubsub.subscribe(state.keys.events_channel("order", 7), state.keys.events_feed("order"))
    for _ in range(2):  # subscribe confirmations
        await pubsub.get_message(timeout=1)

    async def messages(count: int) -> list[dict]:
        received = []
        deadline = asyncio.get_running_loop().time() + 5
        while len(received) < count and asyncio.get_running_loop().time() < deadline:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.2)
            if message:
                received.append({"channel": message["channel"], **json.loads(message["data"])})
        return received

    yield messages
    await pubsub.aclose()
    await redis.aclose()


async def _record(version: int = 1) -> OutboxEvent:
    async with in_transaction():
        return await outbox.record(
            topic="order.status_changed",
            aggregate_type="order",
            aggregate_id=7,
            version=version,
            payload={"status": "PAID"},
        )


async def test_publish_sends_to_the_aggregate_channel_and_the_feed(state, listener):
    event = await _record()

    await state.events.publish([event])

    received = await listener(2)
    assert {m["channel"] for m in received} == {
        state.keys.events_channel("order", 7),
        state.keys.events_feed("order"),
    }
    assert all(m["version"] == 1 and m["payload"] == {"status": "PAID"} for m in received)
    await state.events.flush()
    assert (await OutboxEvent.get(id=event.id)).published_at is not None


async def test_events_published_one_after_another_arrive_in_order(state, listener):
    events = [await _record(version) for version in range(1, 31)]

    for event in events:  # as thirty requests would, each without waiting for Redis
        await state.events.publish([event])
    await state.events.flush()

    received = await listener(60)
    on_channel = [m["version"] for m in received if m["channel"].endswith(":7")]
    assert on_channel == list(range(1, 31))
    assert await OutboxEvent.filter(published_at=None).count() == 0


async def test_events_that_could_not_be_sent_are_left_to_the_worker(state, monkeypatch):
    event = await _record()

    async def redis_down(messages):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(state.broadcast, "publish_many", redis_down)
    await state.events.publish([event])
    await state.events.flush()

    assert (await OutboxEvent.get(id=event.id)).published_at is None


async def test_republish_sends_what_a_crash_left_behind(state, listener):
    event = await _record()  # committed, never published: the process "died" here
    await OutboxEvent.filter(id=event.id).update(
        created_at=datetime.now(UTC) - timedelta(minutes=1)
    )

    assert await state.events.republish_pending() == 1
    assert await state.events.republish_pending() == 0

    received = await listener(2)
    assert len(received) == 2
    assert (await OutboxEvent.get(id=event.id)).published_at is not None


async def test_recent_events_are_left_to_their_writer(state):
    await _record()

    assert await state.events.republish_pending() == 0


async def test_two_workers_republish_each_event_once(state, listener):
    for version in range(1, 6):
        await _record(version)
    await OutboxEvent.all().update(created_at=datetime.now(UTC) - timedelta(minutes=1))

    counts = await asyncio.gather(
        state.events.republish_pending(), state.events.republish_pending()
    )

    assert sum(counts) == 5
    received = await listener(10)
    assert len(received) == 10  # 5 events x 2 channels, none twice
    assert await OutboxEvent.filter(published_at=None).count() == 0


async def test_a_rolled_back_change_leaves_no_event(app_server):
    async def failing_change() -> None:
        async with in_transaction():
            await outbox.record(
                topic="t", aggregate_type="order", aggregate_id=1, version=1, payload={}
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        await failing_change()

    assert await OutboxEvent.all().count() == 0
