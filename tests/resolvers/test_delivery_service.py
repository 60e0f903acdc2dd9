"""Courier delivery rules (resolvers/delivery/service.py) against PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from models import (
    ActorRole,
    CourierLocation,
    CourierState,
    DeliveryMethod,
    DeliveryTask,
    DeliveryTaskStatus,
    Order,
    OrderEvent,
    OrderStatus,
    OutboxEvent,
    Role,
)
from resolvers.core.errors import DomainError, DomainErrors, Forbidden, RateLimited
from resolvers.delivery import service
from resolvers.delivery.errors import DeliveryErrorCode
from resolvers.delivery.service import Report
from resolvers.orders import service as orders
from resolvers.orders.lifecycle import OrderAction
from tests.support.shop import CENTRE, NEAR

FAR = (31.2604, 121.4737)  # ~3.3 km north of the store


@pytest.fixture
async def courier(make_user):
    return await make_user(Role.COURIER)


@pytest.fixture
async def paid_courier_order(shop, customer):
    """A paid COURIER order from a store at CENTRE to an address at NEAR."""
    sku = await shop.sku()
    store = await shop.store()
    order = await shop.order(customer, (sku, 1), method=DeliveryMethod.COURIER, store=store)
    return await shop.pay(order)


async def idle_at(state, courier, at, *, seconds_ago: float = 0) -> None:
    await service.report_location(
        state=state,
        courier_id=courier.id,
        order_id=None,
        report=Report(at[0], at[1], 0.0),
        now=datetime.now(UTC) - timedelta(seconds=seconds_ago),
    )
    await state.limiter.reset(service.REPORT_LIMIT, str(courier.id))


async def out_for_delivery(state, staff_user, courier, order) -> DeliveryTask:
    await service.assign(
        state=state, staff_id=staff_user.id, order_id=order.id, courier_id=courier.id
    )
    return await service.picked_up(state=state, courier_id=courier.id, order_id=order.id)


def codes(exc: DomainError | DomainErrors) -> list[tuple[str, list[str] | None]]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [(str(e.code), e.field) for e in errors]


# --- assigning ---------------------------------------------------------------------------------


async def test_staff_assign_a_paid_courier_order_to_a_courier(
    state, staff_user, courier, paid_courier_order
):
    task = await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id, courier_id=courier.id
    )

    assert task.status == DeliveryTaskStatus.ASSIGNED and task.courier_id == courier.id
    assert task.assigned_by_id == staff_user.id
    order = await Order.get(id=paid_courier_order.id)
    assert order.status == OrderStatus.PAID  # it leaves the store at pickup, not now
    event = await OutboxEvent.get(aggregate_type="delivery", aggregate_id=order.id)
    assert (event.topic, event.version, event.payload["status"]) == (
        service.STATUS_TOPIC,
        1,
        "ASSIGNED",
    )


async def test_the_nearest_free_courier_with_a_recent_position_is_chosen(
    state, staff_user, make_user, shop, customer, paid_courier_order
):
    near, far, busy, stale = [await make_user(Role.COURIER) for _ in range(4)]
    await idle_at(state, far, FAR)
    await idle_at(state, near, NEAR)
    await idle_at(state, busy, CENTRE)  # nearest of all, but carrying another order
    await idle_at(state, stale, CENTRE, seconds_ago=3600)  # nearest too, but long silent
    other = await shop.pay(
        await shop.order(
            customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=await shop.store()
        )
    )
    await service.assign(state=state, staff_id=staff_user.id, order_id=other.id, courier_id=busy.id)

    task = await service.assign(state=state, staff_id=staff_user.id, order_id=paid_courier_order.id)

    assert task.courier_id == near.id


async def test_concurrent_assignments_never_give_one_courier_two_orders(
    state, staff_user, courier, shop, customer
):
    await idle_at(state, courier, NEAR)
    store = await shop.store()
    paid = [
        await shop.pay(
            await shop.order(
                customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=store
            )
        )
        for _ in range(2)
    ]

    results = await asyncio.gather(
        *(service.assign(state=state, staff_id=staff_user.id, order_id=o.id) for o in paid),
        return_exceptions=True,
    )

    tasks = [r for r in results if isinstance(r, DeliveryTask)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(tasks) == 1 and len(refused) == 1
    assert refused[0].code == DeliveryErrorCode.NO_COURIER_AVAILABLE
    assert await DeliveryTask.filter(courier_id=courier.id).count() == 1


async def test_assigning_twice_returns_the_same_task(
    state, staff_user, courier, paid_courier_order
):
    first = await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id, courier_id=courier.id
    )
    again = await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id
    )

    assert again.id == first.id
    assert await DeliveryTask.all().count() == 1


async def test_assign_errors(
    state, staff_user, courier, make_user, shop, customer, paid_courier_order
):
    sku = await shop.sku()
    express = await shop.pay(await shop.order(customer, (sku, 1)))
    unpaid = await shop.order(
        customer, (sku, 1), method=DeliveryMethod.COURIER, store=await shop.store()
    )
    shopper = await make_user(Role.CUSTOMER)
    other_courier = await make_user(Role.COURIER)

    async def refused(**kw) -> list:
        with pytest.raises(DomainError) as caught:
            await service.assign(state=state, staff_id=staff_user.id, **kw)
        return codes(caught.value)

    assert await refused(order_id=999_999) == [("NOT_FOUND", ["orderId"])]
    assert await refused(order_id=express.id) == [("NOT_COURIER_ORDER", None)]
    assert await refused(order_id=unpaid.id) == [("ILLEGAL_STATE", ["orderId"])]
    assert await refused(order_id=paid_courier_order.id, courier_id=shopper.id) == [
        ("COURIER_NOT_FOUND", ["courierId"])
    ]
    assert await refused(order_id=paid_courier_order.id) == [("NO_COURIER_AVAILABLE", None)]
    await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id, courier_id=courier.id
    )
    assert await refused(order_id=paid_courier_order.id, courier_id=other_courier.id) == [
        ("ALREADY_ASSIGNED", None)
    ]
    second = await shop.pay(
        await shop.order(
            customer, (sku, 1), method=DeliveryMethod.COURIER, store=await shop.store()
        )
    )
    assert await refused(order_id=second.id, courier_id=courier.id) == [
        ("COURIER_BUSY", ["courierId"])
    ]
    assert await DeliveryTask.all().count() == 1


# --- pickup and hand-over ------------------------------------------------------------------------


async def test_pickup_sends_the_order_out_through_the_order_state_machine(
    state, staff_user, courier, paid_courier_order
):
    task = await out_for_delivery(state, staff_user, courier, paid_courier_order)
    again = await service.picked_up(
        state=state, courier_id=courier.id, order_id=paid_courier_order.id
    )

    order = await Order.get(id=paid_courier_order.id)
    assert order.status == OrderStatus.OUT_FOR_DELIVERY and order.shipped_at is not None
    assert task.status == again.status == DeliveryTaskStatus.PICKED_UP
    event = await OrderEvent.filter(order_id=order.id).order_by("-id").first()
    assert (event.to_status, event.actor_role, event.actor_id) == (
        OrderStatus.OUT_FOR_DELIVERY,
        ActorRole.COURIER,
        courier.id,
    )
    assert (
        await OrderEvent.filter(order_id=order.id, to_status=OrderStatus.OUT_FOR_DELIVERY).count()
        == 1
    )


async def test_completion_delivers_the_order_and_ends_the_task(
    state, staff_user, courier, paid_courier_order
):
    await out_for_delivery(state, staff_user, courier, paid_courier_order)

    task = await service.completed(
        state=state, courier_id=courier.id, order_id=paid_courier_order.id
    )

    order = await Order.get(id=paid_courier_order.id)
    assert order.status == OrderStatus.DELIVERED and order.auto_complete_at is not None
    assert task.status == DeliveryTaskStatus.DELIVERED and task.finished_at is not None
    statuses = (
        await OutboxEvent.filter(aggregate_type="delivery")
        .order_by("version")
        .values_list("payload", flat=True)
    )
    assert [p["status"] for p in statuses] == ["ASSIGNED", "PICKED_UP", "DELIVERED"]


async def test_completing_before_pickup_is_refused(state, staff_user, courier, paid_courier_order):
    await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id, courier_id=courier.id
    )
    with pytest.raises(DomainError) as caught:
        await service.completed(state=state, courier_id=courier.id, order_id=paid_courier_order.id)

    assert codes(caught.value) == [("ILLEGAL_STATE", None)]
    assert (await Order.get(id=paid_courier_order.id)).status == OrderStatus.PAID


async def test_another_couriers_delivery_is_forbidden(
    state, staff_user, courier, make_user, paid_courier_order
):
    stranger = await make_user(Role.COURIER)
    await service.assign(
        state=state, staff_id=staff_user.id, order_id=paid_courier_order.id, courier_id=courier.id
    )

    with pytest.raises(Forbidden):
        await service.picked_up(state=state, courier_id=stranger.id, order_id=paid_courier_order.id)
    with pytest.raises(Forbidden):
        await service.report_location(
            state=state,
            courier_id=stranger.id,
            order_id=paid_courier_order.id,
            report=Report(31.2, 121.4, 0),
        )
    assert (await Order.get(id=paid_courier_order.id)).status == OrderStatus.PAID
    assert await CourierLocation.all().count() == 0


# --- position reports ---------------------------------------------------------------------------


async def test_reports_keep_the_position_and_an_eta_from_recent_speed(
    state, staff_user, courier, paid_courier_order
):
    await out_for_delivery(state, staff_user, courier, paid_courier_order)
    start = datetime.now(UTC)
    # 333 m north in 60 s: 5.55 m/s; NEAR is ~1,112 m north of the store.
    for seconds, lat in ((0, CENTRE[0]), (60, CENTRE[0] + 0.003)):
        task = await service.report_location(
            state=state,
            courier_id=courier.id,
            order_id=paid_courier_order.id,
            report=Report(lat, CENTRE[1], 0.0),
            now=start + timedelta(seconds=seconds),
        )
        await state.limiter.reset(service.REPORT_LIMIT, str(courier.id))

    remaining = task.distance_remaining_m
    assert remaining == pytest.approx(779, abs=5)
    expected = start + timedelta(seconds=60 + remaining / (333.6 / 60))
    assert abs((task.eta - expected).total_seconds()) < 5
    assert (task.latitude, task.heading) == (CENTRE[0] + 0.003, 0.0)
    assert await CourierLocation.filter(task_id=task.id).count() == 2


@pytest.mark.parametrize(
    ("report", "fields"),
    [
        (Report(91, 121.4, 0), ["latitude"]),
        (Report(31.2, -180.5, 0), ["longitude"]),
        (Report(31.2, 121.4, 360), ["heading"]),
        (Report(float("nan"), 121.4, -1), ["latitude", "heading"]),
    ],
)
async def test_coordinates_out_of_range_are_payload_errors(state, courier, report, fields):
    with pytest.raises(DomainErrors) as caught:
        await service.report_location(
            state=state, courier_id=courier.id, order_id=None, report=report
        )

    assert codes(caught.value) == [("INVALID_COORDINATES", [f]) for f in fields]
    assert await CourierState.filter(courier_id=courier.id, latitude__isnull=False).count() == 0


async def test_at_most_one_report_a_second(state, courier):
    await service.report_location(
        state=state, courier_id=courier.id, order_id=None, report=Report(31.2, 121.4, 0)
    )
    with pytest.raises(RateLimited) as caught:
        await service.report_location(
            state=state, courier_id=courier.id, order_id=None, report=Report(31.3, 121.4, 0)
        )

    assert 0 < caught.value.retry_after_seconds <= 1
    assert (await CourierState.get(courier_id=courier.id)).latitude == 31.2


# --- retention -------------------------------------------------------------------------------------


async def test_positions_are_deleted_a_window_after_the_delivery_ended(
    state, staff_user, courier, paid_courier_order
):
    await out_for_delivery(state, staff_user, courier, paid_courier_order)
    await service.report_location(
        state=state,
        courier_id=courier.id,
        order_id=paid_courier_order.id,
        report=Report(31.235, 121.4737, 0),
    )
    task = await service.completed(
        state=state, courier_id=courier.id, order_id=paid_courier_order.id
    )
    retention = timedelta(minutes=30)

    kept = await service.purge_locations(
        retention=retention, now=task.finished_at + timedelta(minutes=29)
    )
    kept_rows = await CourierLocation.filter(task_id=task.id).count()
    purged = await service.purge_locations(
        retention=retention, now=task.finished_at + timedelta(minutes=31)
    )
    again = await service.purge_locations(
        retention=retention, now=task.finished_at + timedelta(minutes=32)
    )

    assert (kept, kept_rows, purged, again) == (0, 1, 1, 0)
    task = await DeliveryTask.get(id=task.id)
    assert task.latitude is None and task.longitude is None and task.purged_at is not None
    assert await CourierLocation.all().count() == 0


async def test_a_delivery_the_staff_finished_is_settled_by_the_worker(
    state, staff_user, courier, paid_courier_order
):
    await out_for_delivery(state, staff_user, courier, paid_courier_order)
    await orders.advance_order(
        state=state,
        staff_id=staff_user.id,
        order_id=paid_courier_order.id,
        action=OrderAction.DELIVER,
    )

    settled = await service.settle_finished_orders(state=state)

    task = await DeliveryTask.get(order_id=paid_courier_order.id)
    assert settled == 1 and task.status == DeliveryTaskStatus.DELIVERED
    assert await service.settle_finished_orders(state=state) == 0
