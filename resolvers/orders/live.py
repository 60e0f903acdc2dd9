"""Orders as live streams: one order's status for its owner, every order's news for staff.

Built on resolvers/core/live.py (current state first, then each newer change; see there
why nothing falls between the two).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from enum import StrEnum

from models import Order, OrderStatus
from resolvers.core.errors import DomainError
from resolvers.core.live import LiveEvent, aggregate_stream, parse_event_message
from resolvers.core.pubsub import Resync
from resolvers.core.state import AppState
from resolvers.orders.after_sales import AFTER_SALE_REQUESTED_TOPIC
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import STATUS_TOPIC, event_payload

AGGREGATE = "order"
# No status follows these: the stream completes after announcing one.
FINAL_STATUSES = frozenset({OrderStatus.CANCELLED, OrderStatus.CLOSED, OrderStatus.REFUNDED})


def order_snapshot(order: Order) -> LiveEvent:
    payload = event_payload(order, None)
    return LiveEvent(
        topic=STATUS_TOPIC,
        version=order.version,
        payload=payload,
        occurred_at=order.updated_at,
        snapshot=True,
        aggregate_id=order.id,
    )


async def _owned_order(order_id: int, user_id: int) -> Order:
    order = await Order.filter(id=order_id, user_id=user_id).first()
    if order is None:
        # Someone else's order answers exactly like a missing one.
        raise DomainError(OrderErrorCode.NOT_FOUND, "No such order", field=["orderId"])
    return order


async def order_status_stream(
    *, state: AppState, user_id: int, order_id: int
) -> AsyncIterator[LiveEvent]:
    """The owner's order: its status now, then each change. Raises NOT_FOUND (someone
    else's order too) before anything is subscribed."""
    await _owned_order(order_id, user_id)

    async def current() -> LiveEvent | None:
        order = await Order.filter(id=order_id).first()
        return order_snapshot(order) if order else None

    return aggregate_stream(
        broadcast=state.broadcast,
        channel=state.keys.events_channel(AGGREGATE, order_id),
        load_current=current,
        topics={STATUS_TOPIC},
        until=lambda event: event.payload.get("status") in FINAL_STATUSES,
    )


class FeedKind(StrEnum):
    NEW = "NEW"
    PAID = "PAID"
    CANCELLED = "CANCELLED"
    REFUND_REQUESTED = "REFUND_REQUESTED"


def feed_kind(event: LiveEvent) -> FeedKind | None:
    """What the staff feed calls an order event; None for events it does not show."""
    if event.topic == AFTER_SALE_REQUESTED_TOPIC:
        return FeedKind.REFUND_REQUESTED
    if event.topic != STATUS_TOPIC:
        return None
    status = event.payload.get("status")
    if event.payload.get("previousStatus") is None and status == OrderStatus.PENDING_PAYMENT:
        return FeedKind.NEW
    if status == OrderStatus.PAID:
        return FeedKind.PAID
    if status in (OrderStatus.CANCELLED, OrderStatus.CLOSED):
        return FeedKind.CANCELLED
    return None


SEEN_EVENT_IDS = 10_000  # how many recent event ids the feed remembers to drop duplicates


async def order_feed_stream(*, state: AppState) -> AsyncIterator[tuple[FeedKind, LiveEvent]]:
    """Every new, paid, cancelled order and refund request of the shop, as it happens.

    A feed has no "current state" to start from: it starts now. Duplicates (a republished
    event) are dropped by outbox event id. After a lost Redis connection, events published
    meanwhile are missed (staff reload the order list).
    """
    seen: OrderedDict[int, None] = OrderedDict()
    async with state.broadcast.subscribe(state.keys.events_feed(AGGREGATE)) as subscriber:
        async for message in subscriber:
            if isinstance(message, Resync):
                continue
            event = parse_event_message(message.message)
            if event is None or (kind := feed_kind(event)) is None:
                continue
            if event.event_id is not None:
                if event.event_id in seen:
                    continue
                seen[event.event_id] = None
                if len(seen) > SEEN_EVENT_IDS:
                    seen.popitem(last=False)
            yield kind, event
