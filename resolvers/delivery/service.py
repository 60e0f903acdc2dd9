"""Courier delivery: assigning COURIER orders, couriers' position reports, pickup, hand-over.

Order status only changes through the orders state machine (resolvers/orders/lifecycle.py):
pickup applies SEND_OUT (PAID -> OUT_FOR_DELIVERY) and hand-over applies DELIVER, each in
the same transaction as the task's own change, so the two never disagree. Goods held back
for a refund (resolvers/orders/fulfilment.py) get no courier and are not picked up.

Live messages. Every change of a task is published on `events:delivery:<order id>` with the
task's version: status changes through the outbox (they must arrive), position reports
directly (one a second; a lost one is superseded by the next). resolvers/core/live.py turns
them into the `courierLocation` stream.

Locking order, everywhere: the order row, then the task row, then a courier's state row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import (
    ActorRole,
    DeliveryMethod,
    Order,
    OrderStatus,
    OutboxEvent,
    Role,
    Store,
    User,
)
from models.delivery import (
    ACTIVE_TASK_STATUSES,
    CourierLocation,
    CourierState,
    DeliveryTask,
    DeliveryTaskStatus,
)
from resolvers.core import outbox
from resolvers.core.errors import DomainError, DomainErrors, Forbidden
from resolvers.core.live import LiveEvent, aggregate_stream, live_message
from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState
from resolvers.delivery import geo
from resolvers.delivery.errors import DeliveryErrorCode
from resolvers.orders import fulfilment
from resolvers.orders import service as orders
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import Actor, OrderAction

logger = logging.getLogger(__name__)

AGGREGATE = "delivery"  # live messages of an order's delivery; aggregate id = the order's id
LOCATION_TOPIC = "delivery.location"
STATUS_TOPIC = "delivery.status_changed"
# At most one position report a second per courier (the limit).
REPORT_LIMIT = Limit("courier-location", burst=1, period_seconds=1.0)

S = DeliveryTaskStatus
# The orders' reasons to hold goods back, as this domain's codes (same values).
HELD_BACK = {
    OrderErrorCode.AFTER_SALE_OPEN: DeliveryErrorCode.AFTER_SALE_OPEN,
    OrderErrorCode.ORDER_REFUNDED: DeliveryErrorCode.ORDER_REFUNDED,
}


def _error(code: DeliveryErrorCode, message: str, field: str | None = None) -> DomainError:
    return DomainError(code, message, field=[field] if field else None)


def not_found() -> DomainError:
    return _error(DeliveryErrorCode.NOT_FOUND, "No such order", "orderId")


# --- the task as live data ----------------------------------------------------------------

# Order statuses that end a delivery that staff or the shopper ended some other way.
_ENDED_BY_ORDER = {
    OrderStatus.DELIVERED: S.DELIVERED,
    OrderStatus.COMPLETED: S.DELIVERED,
    OrderStatus.CANCELLED: S.CANCELLED,
    OrderStatus.CLOSED: S.CANCELLED,
    OrderStatus.REFUNDED: S.CANCELLED,
}


def task_payload(task: DeliveryTask) -> dict[str, Any]:
    return {
        "orderId": task.order_id,  # type: ignore[attr-defined]
        "status": str(task.status),
        "latitude": task.latitude,
        "longitude": task.longitude,
        "heading": task.heading,
        "distanceRemainingM": task.distance_remaining_m,
        "eta": task.eta.isoformat() if task.eta else None,
        "reportedAt": task.reported_at.isoformat() if task.reported_at else None,
    }


async def _status_event(task: DeliveryTask) -> OutboxEvent:
    return await outbox.record(
        topic=STATUS_TOPIC,
        aggregate_type=AGGREGATE,
        aggregate_id=task.order_id,  # type: ignore[attr-defined]
        version=task.version,
        payload=task_payload(task),
    )


def task_snapshot(task: DeliveryTask | None, *, order: Order) -> LiveEvent:
    """The current delivery of `order` as a live snapshot (version 0: not assigned yet,
    or the order ended without ever getting a courier)."""
    if task is None:
        ended = _ENDED_BY_ORDER.get(order.status)
        payload: Mapping[str, Any] = {
            "orderId": order.id,
            "status": str(ended) if ended else "UNASSIGNED",
        }
        return LiveEvent(topic=STATUS_TOPIC, version=0, payload=payload, snapshot=True)
    return LiveEvent(
        topic=STATUS_TOPIC,
        version=task.version,
        payload=task_payload(task),
        occurred_at=task.updated_at,
        snapshot=True,
    )


# --- assigning ---------------------------------------------------------------------------------


async def _lock_courier(courier_id: int) -> CourierState:
    """The courier's state row, locked; COURIER_NOT_FOUND / COURIER_BUSY."""
    courier = await User.filter(id=courier_id, role=Role.COURIER, is_active=True).first()
    if courier is None:
        raise _error(DeliveryErrorCode.COURIER_NOT_FOUND, "No such courier", "courierId")
    # One row per courier; created on first use (a concurrent creator loses quietly).
    await CourierState.bulk_create([CourierState(courier_id=courier_id)], ignore_conflicts=True)
    state = await CourierState.filter(courier_id=courier_id).select_for_update().get()
    if await _is_busy(courier_id):
        raise _error(
            DeliveryErrorCode.COURIER_BUSY, "That courier is on another delivery", "courierId"
        )
    return state


async def _is_busy(courier_id: int) -> bool:
    return await DeliveryTask.filter(
        courier_id=courier_id, status__in=list(ACTIVE_TASK_STATUSES)
    ).exists()


async def _nearest_free_courier(store: Store, *, now: datetime, max_age: timedelta) -> int:
    """The free, on-duty courier nearest to the store, locked; NO_COURIER_AVAILABLE.

    Candidates whose row another assignment holds are skipped (SKIP LOCKED), so concurrent
    assignments spread over couriers instead of queueing for the nearest one.
    """
    candidates = await CourierState.filter(
        on_duty=True,
        latitude__isnull=False,
        reported_at__gte=now - max_age,
        courier__role=Role.COURIER,
        courier__is_active=True,
    )
    candidates.sort(
        key=lambda c: geo.distance_m(store.latitude, store.longitude, c.latitude, c.longitude)
    )
    for candidate in candidates:
        locked = (
            await CourierState.filter(courier_id=candidate.courier_id)  # type: ignore[attr-defined]
            .select_for_update(skip_locked=True)
            .first()
        )
        if locked is not None and not await _is_busy(locked.courier_id):  # type: ignore[attr-defined]
            return locked.courier_id  # type: ignore[attr-defined]
    raise _error(DeliveryErrorCode.NO_COURIER_AVAILABLE, "No free courier nearby right now")


async def assign(
    *, state: AppState, staff_id: int, order_id: int, courier_id: int | None = None
) -> DeliveryTask:
    """Give a paid COURIER order to a courier (or to the nearest free one)."""
    settings = state.settings
    now = datetime.now(UTC)
    async with in_transaction():
        order = await Order.filter(id=order_id).select_for_update().first()
        if order is None:
            raise not_found()
        if order.delivery_method != DeliveryMethod.COURIER:
            raise _error(
                DeliveryErrorCode.NOT_COURIER_ORDER, "This order is not delivered by courier"
            )
        existing = await DeliveryTask.filter(order_id=order.id).first()
        if existing is not None:
            if existing.status in ACTIVE_TASK_STATUSES and courier_id in (
                None,
                existing.courier_id,
            ):  # type: ignore[attr-defined]
                return existing  # asked twice: the same answer
            raise _error(DeliveryErrorCode.ALREADY_ASSIGNED, "This order already has a courier")
        if order.status != OrderStatus.PAID:
            raise _error(
                DeliveryErrorCode.ILLEGAL_STATE,
                f"A {order.status} order cannot be given to a courier",
                "orderId",
            )
        await _check_goods_may_go(order)
        store = await Store.get(id=order.store_id)  # type: ignore[attr-defined]
        if courier_id is not None:
            await _lock_courier(courier_id)
            chosen = courier_id
        else:
            chosen = await _nearest_free_courier(
                store,
                now=now,
                max_age=timedelta(seconds=settings.courier_idle_position_max_age_seconds),
            )
        task = await DeliveryTask.create(
            order_id=order.id, courier_id=chosen, store_id=store.id, assigned_by_id=staff_id
        )
        event = await _status_event(task)
    await state.events.publish([event])
    return task


async def _check_goods_may_go(order: Order) -> None:
    """AFTER_SALE_OPEN / ORDER_REFUNDED: no courier for goods held back for a refund."""
    hold = await fulfilment.hold_on(order.id)
    if hold is not None:
        raise _error(DeliveryErrorCode(hold.code), hold.message, "orderId")


# --- the courier's steps ---------------------------------------------------------------------


async def _my_task(order_id: int, courier_id: int) -> tuple[Order, DeliveryTask]:
    """The order and its task, both locked; FORBIDDEN unless the task is this courier's."""
    order = await Order.filter(id=order_id).select_for_update().first()
    task = (
        await DeliveryTask.filter(order_id=order_id).select_for_update().first()
        if order is not None
        else None
    )
    if order is None or task is None or task.courier_id != courier_id:  # type: ignore[attr-defined]
        # Couriers see only their own deliveries: a missing order answers the same.
        raise Forbidden("This delivery is not assigned to you")
    return order, task


async def _move_task(task: DeliveryTask, status: DeliveryTaskStatus, **stamps: Any) -> None:
    await DeliveryTask.filter(id=task.id).update(status=status, version=F("version") + 1, **stamps)
    await task.refresh_from_db()


async def picked_up(*, state: AppState, courier_id: int, order_id: int) -> DeliveryTask:
    """The courier has the goods: the order goes OUT_FOR_DELIVERY (idempotent)."""
    now = datetime.now(UTC)
    async with in_transaction():
        order, task = await _my_task(order_id, courier_id)
        if task.status == S.PICKED_UP:
            return task
        if task.status != S.ASSIGNED:
            raise _error(DeliveryErrorCode.ILLEGAL_STATE, f"This delivery is {task.status}")
        try:
            change = await orders.apply_step(
                order,
                OrderAction.SEND_OUT,
                actor=Actor(ActorRole.COURIER, courier_id),
                settings=state.settings,
                now=now,
            )
        except DomainError as error:
            if error.code in HELD_BACK:
                raise _error(HELD_BACK[error.code], error.message, "orderId") from error
            raise
        await _move_task(task, S.PICKED_UP, picked_up_at=now)
        events = [*change.events, await _status_event(task)]
    await state.events.publish(events)
    return task


async def completed(*, state: AppState, courier_id: int, order_id: int) -> DeliveryTask:
    """Handed over: the order is DELIVERED, the delivery ends (idempotent)."""
    now = datetime.now(UTC)
    async with in_transaction():
        order, task = await _my_task(order_id, courier_id)
        if task.status == S.DELIVERED:
            return task
        if task.status != S.PICKED_UP:
            raise _error(
                DeliveryErrorCode.ILLEGAL_STATE, "Pick the goods up before handing them over"
            )
        change = await orders.apply_step(
            order,
            OrderAction.DELIVER,
            actor=Actor(ActorRole.COURIER, courier_id),
            settings=state.settings,
            now=now,
        )
        await _move_task(task, S.DELIVERED, finished_at=now)
        events = [*change.events, await _status_event(task)]
    await state.events.publish(events)
    return task


# --- position reports --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Report:
    latitude: float
    longitude: float
    heading: float


def validate(report: Report) -> None:
    problems = geo.coordinate_problems(report.latitude, report.longitude, report.heading)
    if problems:
        raise DomainErrors(
            [
                _error(DeliveryErrorCode.INVALID_COORDINATES, f"{name} is out of range", name)
                for name in problems
            ]
        )


async def report_location(
    *,
    state: AppState,
    courier_id: int,
    order_id: int | None,
    report: Report,
    now: datetime | None = None,
) -> DeliveryTask | None:
    """Record where the courier is. With an order: that delivery's position and ETA (the
    task must be theirs: FORBIDDEN otherwise); without: their idle position, which is how
    the nearest free courier is found. At most one report a second (RATE_LIMITED)."""
    validate(report)
    await state.limiter.hit(REPORT_LIMIT, str(courier_id))
    now = now or datetime.now(UTC)
    if order_id is None:
        await CourierState.bulk_create([CourierState(courier_id=courier_id)], ignore_conflicts=True)
        await CourierState.filter(courier_id=courier_id).update(
            latitude=report.latitude, longitude=report.longitude, reported_at=now
        )
        return None
    settings = state.settings
    async with in_transaction():
        task = await DeliveryTask.filter(order_id=order_id).select_for_update().first()
        if (
            task is None
            or task.courier_id != courier_id  # type: ignore[attr-defined]
            or task.status not in ACTIVE_TASK_STATUSES
        ):
            raise Forbidden("This delivery is not assigned to you")
        order = await Order.get(id=order_id)
        window_start = now - timedelta(seconds=settings.courier_speed_window_seconds)
        recent = await CourierLocation.filter(
            task_id=task.id, recorded_at__gte=window_start
        ).order_by("recorded_at")
        fixes = [geo.Fix(r.latitude, r.longitude, r.recorded_at) for r in recent]
        fixes.append(geo.Fix(report.latitude, report.longitude, now))
        speed = geo.recent_speed_mps(fixes, default_mps=settings.courier_speed_kmh / 3.6)
        remaining = eta = None
        if order.latitude is not None and order.longitude is not None:
            remaining = round(
                geo.distance_m(report.latitude, report.longitude, order.latitude, order.longitude)
            )
            eta = geo.eta(now, remaining, speed)
        await CourierLocation.create(
            task_id=task.id,
            latitude=report.latitude,
            longitude=report.longitude,
            heading=report.heading,
            recorded_at=now,
        )
        await DeliveryTask.filter(id=task.id).update(
            latitude=report.latitude,
            longitude=report.longitude,
            heading=report.heading,
            reported_at=now,
            distance_remaining_m=remaining,
            eta=eta,
            version=F("version") + 1,
        )
        await task.refresh_from_db()
    await _publish_position(state, task, now)
    return task


async def _publish_position(state: AppState, task: DeliveryTask, now: datetime) -> None:
    """Straight to pub/sub, no outbox: the next report supersedes a lost one."""
    message = live_message(
        topic=LOCATION_TOPIC,
        aggregate_type=AGGREGATE,
        aggregate_id=task.order_id,  # type: ignore[attr-defined]
        version=task.version,
        payload=task_payload(task),
        occurred_at=now,
    )
    try:
        await state.broadcast.publish(state.keys.events_channel(AGGREGATE, task.order_id), message)  # type: ignore[attr-defined]
    except Exception:
        logger.warning("publishing a courier position failed; the next report will carry it")


# --- reading -------------------------------------------------------------------------------------


async def current_delivery(order_id: int) -> LiveEvent | None:
    order = await Order.filter(id=order_id).first()
    if order is None:
        return None
    task = await DeliveryTask.filter(order_id=order_id).first()
    return task_snapshot(task, order=order)


ENDED = frozenset({str(S.DELIVERED), str(S.CANCELLED)})


async def courier_location_stream(
    *, state: AppState, user_id: int, order_id: int
) -> AsyncIterator[LiveEvent]:
    """The delivery of the owner's COURIER order, as it is now and then at each change;
    ends with the delivery. NOT_FOUND (someone else's order too) before subscribing."""
    order = await Order.filter(id=order_id, user_id=user_id).first()
    if order is None:
        raise not_found()
    if order.delivery_method != DeliveryMethod.COURIER:
        raise _error(
            DeliveryErrorCode.NOT_COURIER_ORDER, "This order is not delivered by courier", "orderId"
        )
    return aggregate_stream(
        broadcast=state.broadcast,
        channel=state.keys.events_channel(AGGREGATE, order_id),
        load_current=lambda: current_delivery(order_id),
        until=lambda event: event.payload.get("status") in ENDED,
    )


async def tracking(
    *, user_id: int, order_number: str
) -> tuple[Order, Store | None, DeliveryTask | None] | None:
    """The shopper's order with its store and delivery; None when missing or not theirs."""
    order = await Order.filter(number=order_number, user_id=user_id).first()
    if order is None:
        return None
    store = await Store.filter(id=order.store_id).first() if order.store_id else None  # type: ignore[attr-defined]
    task = await DeliveryTask.filter(order_id=order.id).first()
    return order, store, task


async def courier_tasks(*, courier_id: int, active_only: bool = True) -> list[DeliveryTask]:
    query = DeliveryTask.filter(courier_id=courier_id)
    if active_only:
        query = query.filter(status__in=list(ACTIVE_TASK_STATUSES))
    return await query.order_by("-assigned_at").limit(100)


# --- the retention of positions ---------------------------------------------------------------


async def settle_finished_orders(*, state: AppState, limit: int = 200) -> int:
    """End active tasks whose order was finished without the courier (staff marked it
    delivered, or it was refunded): their live streams end and their retention starts."""
    now = datetime.now(UTC)
    candidates = await DeliveryTask.filter(
        status__in=list(ACTIVE_TASK_STATUSES), order__status__in=list(_ENDED_BY_ORDER)
    ).limit(limit)
    settled = 0
    for candidate in candidates:
        async with in_transaction():
            order = await Order.filter(id=candidate.order_id).select_for_update().first()  # type: ignore[attr-defined]
            task = (
                await DeliveryTask.filter(id=candidate.id, status__in=list(ACTIVE_TASK_STATUSES))
                .select_for_update(skip_locked=True)
                .first()
            )
            if order is None or task is None or order.status not in _ENDED_BY_ORDER:
                continue
            await _move_task(task, _ENDED_BY_ORDER[order.status], finished_at=now)
            event = await _status_event(task)
        await state.events.publish([event])
        settled += 1
    return settled


async def purge_locations(*, retention: timedelta, now: datetime | None = None) -> int:
    """Forget positions once a delivery has been over for `retention`: its history rows,
    the last position kept on the task, and idle positions older than that. Safe with
    several workers: the task UPDATE is guarded by `purged_at IS NULL`."""
    now = now or datetime.now(UTC)
    cutoff = now - retention
    done = await DeliveryTask.filter(
        status__in=[S.DELIVERED, S.CANCELLED], finished_at__lt=cutoff, purged_at=None
    ).values_list("id", flat=True)
    purged = 0
    for task_id in done:
        async with in_transaction():
            claimed = await DeliveryTask.filter(id=task_id, purged_at=None).update(
                purged_at=now, latitude=None, longitude=None, heading=None
            )
            if claimed:
                purged += await CourierLocation.filter(task_id=task_id).delete()
    await CourierState.filter(reported_at__lt=cutoff).update(
        latitude=None, longitude=None, reported_at=None
    )
    return purged
