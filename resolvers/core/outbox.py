"""Record events with the change that caused them; publish them once it is committed.

    async with in_transaction():
        ...guarded update of the order...
        event = await outbox.record(topic="order.status_changed", aggregate_type="order",
                                    aggregate_id=order.id, version=order.version, payload={...})
    await state.events.publish([event])   # after commit: never announce a rolled-back change

If the process dies between commit and publish, the worker's `republish` job finds the
event still unpublished and sends it. Subscribers may therefore see an event twice; the
version lets them drop the duplicate.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from models import OutboxEvent
from resolvers.core import sql
from resolvers.core.keys import RedisKeys
from resolvers.core.live import live_message
from resolvers.core.logs import request_id_var
from resolvers.core.pubsub import FanoutBroadcast

logger = logging.getLogger(__name__)

# An event younger than this is probably being published by the process that wrote it.
REPUBLISH_AFTER = timedelta(seconds=5)
REPUBLISH_BATCH = 200
# Events a process keeps waiting to be sent; past this the worker's republishing takes over.
MAX_QUEUED_EVENTS = 10_000


async def record(
    *, topic: str, aggregate_type: str, aggregate_id: int, version: int, payload: dict[str, Any]
) -> OutboxEvent:
    """Write an event in the caller's transaction."""
    return await OutboxEvent.create(
        topic=topic,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        version=version,
        payload=payload,
    )


def event_message(event: OutboxEvent) -> str:
    """The message published for an event (the format of resolvers/core/live.py)."""
    return live_message(
        topic=event.topic,
        aggregate_type=event.aggregate_type,
        aggregate_id=event.aggregate_id,
        version=event.version,
        payload=event.payload,
        occurred_at=event.created_at or datetime.now(UTC),
        event_id=event.id,
    )


# One statement for any batch size on PostgreSQL (one prepared statement); building the
# ORM's UPDATE cost more CPU than the orders whose events it marked.
_MARK_PUBLISHED = (
    "UPDATE outbox_event SET published_at = $1 "
    "WHERE id = ANY($2::bigint[]) AND published_at IS NULL"
)


async def _mark_published(ids: list[int]) -> None:
    now = datetime.now(UTC)
    if sql.is_postgres():
        await sql.execute(_MARK_PUBLISHED, [now, ids])
    else:
        await OutboxEvent.filter(id__in=ids, published_at=None).update(published_at=now)


class EventPublisher:
    """Publishes outbox events to pub/sub channels and marks them published.

    `publish` only queues: one background task per process sends the queue in order and
    marks each batch published with one UPDATE. The request that made the change answers
    without waiting for two Redis round trips and a bookkeeping statement, and under load
    many events share one UPDATE. Nothing is lost by not waiting: the events are committed,
    and whatever this process fails to send (Redis down, a crash, a full queue) the worker's
    `republish_pending` sends later.
    """

    def __init__(self, broadcast: FanoutBroadcast, keys: RedisKeys) -> None:
        self._broadcast = broadcast
        self._keys = keys
        self._queue: deque[OutboxEvent] = deque()
        self._sender: asyncio.Task[None] | None = None

    def channels(self, event: OutboxEvent) -> list[str]:
        """Each event goes to its aggregate's channel and to its type's feed."""
        return [
            self._keys.events_channel(event.aggregate_type, event.aggregate_id),
            self._keys.events_feed(event.aggregate_type),
        ]

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        """Queue committed events for publishing (after commit: never announce a rolled-back
        change). Returns at once."""
        if len(self._queue) + len(events) > MAX_QUEUED_EVENTS:
            logger.warning("event queue full; the worker will republish %d events", len(events))
            return
        self._queue.extend(events)
        if self._sender is None or self._sender.done():
            # The sender outlives the request that starts it: it must not log that
            # request's id as its own.
            context = contextvars.copy_context()
            context.run(request_id_var.set, None)
            self._sender = asyncio.create_task(self._send_queued(), context=context)

    async def flush(self) -> None:
        """Wait until every queued event has been sent (or given up to the worker)."""
        while self._sender is not None and not self._sender.done():
            await asyncio.shield(self._sender)

    async def _send_queued(self) -> None:
        while self._queue:
            batch = list(self._queue)
            self._queue.clear()
            await self._send(batch)

    async def _send(self, events: list[OutboxEvent]) -> None:
        # The whole batch in one round trip: under load many events share it.
        messages = []
        for event in events:
            message = event_message(event)
            messages += [(channel, message) for channel in self.channels(event)]
        try:
            await self._broadcast.publish_many(messages)
        except Exception:
            logger.exception("publishing events failed; the worker will republish them")
            return
        try:
            await _mark_published([event.id for event in events])
        except Exception:
            # Sent but not marked: the worker sends them again, and subscribers drop the
            # repeat by version.
            logger.exception("marking events published failed")

    async def republish_pending(self) -> int:
        """Publish what a crash left behind. Several workers may run this at once: each
        locks its batch with SKIP LOCKED, so an event is sent by one of them."""
        cutoff = datetime.now(UTC) - REPUBLISH_AFTER
        async with in_transaction():
            pending = (
                await OutboxEvent.filter(published_at=None, created_at__lt=cutoff)
                .order_by("id")
                .limit(REPUBLISH_BATCH)
                .select_for_update(skip_locked=True)
            )
            for event in pending:
                message = event_message(event)
                for channel in self.channels(event):
                    await self._broadcast.publish(channel, message)
            if pending:
                await OutboxEvent.filter(id__in=[e.id for e in pending]).update(
                    published_at=datetime.now(UTC)
                )
        return len(pending)
