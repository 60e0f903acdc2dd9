"""Live streams of one aggregate: its current state first, then each change, in order.

    async for event in aggregate_stream(
        broadcast=state.broadcast, channel=state.keys.events_channel("order", order_id),
        load_current=lambda: current_order_event(order_id),
    ):
        ...  # event.snapshot: read from the database; otherwise a published change

The order of the first steps is what makes the stream complete: it subscribes to the
aggregate's channel (and waits for Redis to confirm) BEFORE it reads the current state.
A change committed before the read is in that state; a change committed after it is
published after the subscription was active, so it arrives as a message. Either way
nothing falls between the two.

Messages can arrive twice (the worker republishes an event whose publisher crashed after
sending it) or late (a republished old event); every message carries the aggregate's
version after its change, so anything not newer than what the client already has is
dropped. Payloads describe the whole state after the change, so skipping an older
message never leaves the client wrong. After a lost Redis connection (`Resync`), the
state is read again from the database and sent if it is newer.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from resolvers.core.pubsub import FanoutBroadcast, Resync

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveEvent:
    topic: str
    version: int
    payload: Mapping[str, Any]
    occurred_at: datetime | None = None
    # True when read from the database (the start, or after a Resync), not a published change.
    snapshot: bool = False
    # The outbox event's id (None for snapshots and for messages published without outbox).
    event_id: int | None = None
    aggregate_id: int | None = None


def live_message(
    *,
    topic: str,
    aggregate_type: str,
    aggregate_id: int,
    version: int,
    payload: Mapping[str, Any],
    occurred_at: datetime,
    event_id: int | None = None,
) -> str:
    """The wire format of every live message (outbox events use it too, with their id).

    Changes that need no outbox (a courier's position: the next report supersedes a lost
    one) are published in this format directly.
    """
    return orjson.dumps(
        {
            "id": event_id,
            "topic": topic,
            "aggregateType": aggregate_type,
            "aggregateId": aggregate_id,
            "version": version,
            "payload": payload,
            "occurredAt": occurred_at.isoformat(),
        }
    ).decode()


LoadCurrent = Callable[[], Awaitable[LiveEvent | None]]


def parse_event_message(message: str) -> LiveEvent | None:
    """An outbox event as published by resolvers/core/outbox.py; None when malformed."""
    try:
        data = orjson.loads(message)
        occurred = data.get("occurredAt")
        event_id = data.get("id")
        aggregate_id = data.get("aggregateId")
        return LiveEvent(
            topic=str(data["topic"]),
            version=int(data["version"]),
            payload=data.get("payload") or {},
            occurred_at=datetime.fromisoformat(occurred) if occurred else None,
            event_id=int(event_id) if event_id else None,
            aggregate_id=int(aggregate_id) if aggregate_id is not None else None,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None


async def aggregate_stream(
    *,
    broadcast: FanoutBroadcast,
    channel: str,
    load_current: LoadCurrent,
    topics: Collection[str] | None = None,
    until: Callable[[LiveEvent], bool] | None = None,
) -> AsyncIterator[LiveEvent]:
    """Yield the current state, then every newer change published on `channel`.

    `load_current` returns the state as a snapshot event (None: gone, the stream ends).
    `topics` keeps only those topics; `until` ends the stream after the first event it
    accepts (e.g. a delivered order). Raises SubscriptionEnded when the server drops the
    subscription (slow reader, pub/sub unavailable, shutdown).
    """
    async with broadcast.subscribe(channel) as subscriber:
        current = await load_current()
        if current is None:
            return
        yield current
        if until is not None and until(current):
            return
        last = current.version
        async for message in subscriber:
            if isinstance(message, Resync):
                event = await load_current()
                if event is None:
                    return
            else:
                event = parse_event_message(message.message)
                if event is None:
                    logger.warning("dropping a malformed event message on %s", channel)
                    continue
                if topics is not None and event.topic not in topics:
                    continue
            if event.version <= last:
                continue  # a duplicate, or older than what the client has
            last = event.version
            yield event
            if until is not None and until(event):
                return
