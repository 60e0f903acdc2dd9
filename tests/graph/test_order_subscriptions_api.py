"""orderStatusChanged, courierLocation and orderFeed over graphql-transport-ws."""

from __future__ import annotations

import pytest

from models import DeliveryMethod, Role
from resolvers.delivery import service as delivery
from resolvers.delivery.service import Report
from resolvers.orders import after_sales
from resolvers.orders import service as orders
from tests.support.shop import CENTRE, gid
from tests.support.ws import open_ws

STATUS_SUB = """
subscription ($id: ID!) {
  orderStatusChanged(orderId: $id) { orderId number status previousStatus version snapshot }
}
"""
COURIER_SUB = """
subscription ($id: ID!) {
  courierLocation(orderId: $id) { latitude longitude heading eta distanceRemainingM version }
}
"""
FEED_SUB = "subscription { orderFeed { kind orderId number status afterSaleId } }"


def data(message: dict, field: str) -> dict:
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


@pytest.fixture
async def courier(make_user):
    return await make_user(Role.COURIER)


@pytest.fixture
async def courier_order(shop, customer):
    order = await shop.order(
        customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=await shop.store()
    )
    return order


# --- orderStatusChanged ---------------------------------------------------------------------------


async def test_the_owner_gets_the_current_status_then_each_change(
    app_server, state, shop, customer, token_for, staff_user, courier, courier_order
):
    async with open_ws(app_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", STATUS_SUB, {"id": gid("Order", courier_order.id)})
        now = data(await ws.next_for("1"), "orderStatusChanged")
        await shop.pay(courier_order)
        paid = data(await ws.next_for("1"), "orderStatusChanged")
        await delivery.assign(
            state=state, staff_id=staff_user.id, order_id=courier_order.id, courier_id=courier.id
        )
        await delivery.picked_up(state=state, courier_id=courier.id, order_id=courier_order.id)
        out = data(await ws.next_for("1"), "orderStatusChanged")

    assert now == {
        "orderId": gid("Order", courier_order.id),
        "number": courier_order.number,
        "status": "PENDING_PAYMENT",
        "previousStatus": None,
        "version": courier_order.version,
        "snapshot": True,
    }
    assert (paid["status"], paid["previousStatus"], paid["snapshot"]) == (
        "PAID",
        "PENDING_PAYMENT",
        False,
    )
    assert (out["status"], out["previousStatus"]) == ("OUT_FOR_DELIVERY", "PAID")
    assert now["version"] < paid["version"] < out["version"]


async def test_the_subscription_completes_when_the_order_is_cancelled(
    app_server, state, customer, token_for, courier_order
):
    async with open_ws(app_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", STATUS_SUB, {"id": gid("Order", courier_order.id)})
        await ws.next_for("1")
        await orders.cancel_order(state=state, user_id=customer.id, order_id=courier_order.id)
        cancelled = data(await ws.next_for("1"), "orderStatusChanged")
        done = await ws.next_for("1")

    assert cancelled["status"] == "CANCELLED"
    assert done == {"id": "1", "type": "complete"}


@pytest.mark.parametrize("query", [STATUS_SUB, COURIER_SUB])
async def test_someone_elses_order_is_the_same_error_as_a_missing_one_and_sends_nothing(
    app_server, shop, make_user, token_for, courier_order, query
):
    stranger = await make_user(Role.CUSTOMER)
    async with open_ws(app_server) as ws:
        await ws.init(token_for(stranger))
        await ws.subscribe("theirs", query, {"id": gid("Order", courier_order.id)})
        theirs = await ws.next_for("theirs")
        await ws.subscribe("missing", query, {"id": gid("Order", 987_654)})
        missing = await ws.next_for("missing")
        await shop.pay(courier_order)
        await ws.send({"type": "ping"})
        after = await ws.receive()

    assert theirs["type"] == missing["type"] == "error"
    assert [{**e, "locations": None} for e in theirs["payload"]] == [
        {**e, "locations": None} for e in missing["payload"]
    ]
    assert theirs["payload"][0]["extensions"]["reason"] == "NOT_FOUND"
    assert theirs["payload"][0]["extensions"]["field"] == ["orderId"]
    assert after == {"type": "pong"}


async def test_subscriptions_need_a_login(app_server, courier_order):
    async with open_ws(app_server) as ws:
        await ws.init()
        await ws.subscribe("1", STATUS_SUB, {"id": gid("Order", courier_order.id)})
        refused = await ws.next_for("1")

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- courierLocation ------------------------------------------------------------------------------


async def test_the_owner_follows_the_courier_until_delivery(
    app_server, state, shop, customer, token_for, staff_user, courier, courier_order
):
    await shop.pay(courier_order)
    await delivery.assign(
        state=state, staff_id=staff_user.id, order_id=courier_order.id, courier_id=courier.id
    )
    async with open_ws(app_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", COURIER_SUB, {"id": gid("Order", courier_order.id)})
        await delivery.picked_up(state=state, courier_id=courier.id, order_id=courier_order.id)
        await delivery.report_location(
            state=state,
            courier_id=courier.id,
            order_id=courier_order.id,
            report=Report(CENTRE[0] + 0.002, CENTRE[1], 10.0),
        )
        first = data(await ws.next_for("1"), "courierLocation")
        await state.limiter.reset(delivery.REPORT_LIMIT, str(courier.id))
        await delivery.report_location(
            state=state,
            courier_id=courier.id,
            order_id=courier_order.id,
            report=Report(CENTRE[0] + 0.005, CENTRE[1], 12.0),
        )
        second = data(await ws.next_for("1"), "courierLocation")
        await delivery.completed(state=state, courier_id=courier.id, order_id=courier_order.id)
        done = await ws.next_for("1")

    assert (first["latitude"], first["heading"]) == (CENTRE[0] + 0.002, 10.0)
    assert (second["latitude"], second["heading"]) == (CENTRE[0] + 0.005, 12.0)
    assert second["distanceRemainingM"] < first["distanceRemainingM"]
    assert first["eta"] and second["version"] > first["version"]
    assert done == {"id": "1", "type": "complete"}


async def test_courier_location_of_a_delivered_order_completes_at_once(
    app_server, state, shop, customer, token_for, staff_user, courier, courier_order
):
    await shop.pay(courier_order)
    await delivery.assign(
        state=state, staff_id=staff_user.id, order_id=courier_order.id, courier_id=courier.id
    )
    await delivery.picked_up(state=state, courier_id=courier.id, order_id=courier_order.id)
    await delivery.completed(state=state, courier_id=courier.id, order_id=courier_order.id)
    async with open_ws(app_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", COURIER_SUB, {"id": gid("Order", courier_order.id)})
        done = await ws.next_for("1")

    assert done == {"id": "1", "type": "complete"}


# --- orderFeed --------------------------------------------------------------------------------------


async def test_staff_see_new_paid_cancelled_and_refund_requests(
    app_server, state, shop, customer, staff_user, token_for
):
    sku = await shop.sku()
    async with open_ws(app_server) as ws:
        await ws.init(token_for(staff_user))
        await ws.subscribe("feed", FEED_SUB)
        await ws.send({"type": "ping"})
        assert (await ws.receive())["type"] == "pong"  # subscribed before the first change
        first = await shop.order(customer, (sku, 1))
        await shop.pay(first)
        second = await shop.order(customer, (sku, 1))
        await orders.cancel_order(state=state, user_id=customer.id, order_id=second.id)
        request = await after_sales.request_after_sale(
            settings=state.settings,
            user_id=customer.id,
            order_id=first.id,
            kind="REFUND_ONLY",
            lines=None,
            reason="changed my mind",
            photos=[],
            events=state.events,
        )
        news = [data(await ws.next_for("feed"), "orderFeed") for _ in range(5)]

    assert [(n["kind"], n["number"]) for n in news] == [
        ("NEW", first.number),
        ("PAID", first.number),
        ("NEW", second.number),
        ("CANCELLED", second.number),
        ("REFUND_REQUESTED", first.number),
    ]
    assert news[-1]["afterSaleId"] == gid("AfterSale", request.id)


async def test_the_feed_is_for_staff_only(app_server, customer, token_for):
    async with open_ws(app_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("feed", FEED_SUB)
        refused = await ws.next_for("feed")

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"]["code"] == "FORBIDDEN"
