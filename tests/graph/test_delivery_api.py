"""Courier delivery through the HTTP API: staff assign, couriers pick up, report, deliver."""

from __future__ import annotations

import pytest

from models import DeliveryMethod, DeliveryTask, Order, OrderStatus, Role
from tests.support.graphql import GraphQLClient, codes
from tests.support.shop import CENTRE, NEAR, gid

ASSIGN = """
mutation ($order: ID!, $courier: ID) {
  deliveryAssign(input: {orderId: $order, courierId: $courier}) {
    task { id status orderId courierId }
    errors { field message code }
  }
}
"""
PICKED_UP = """
mutation ($order: ID!) {
  deliveryPickedUp(input: {orderId: $order}) { task { status } errors { field code } }
}
"""
COMPLETED = """
mutation ($order: ID!) {
  deliveryCompleted(input: {orderId: $order}) { task { status finishedAt } errors { field code } }
}
"""
REPORT = """
mutation ($order: ID, $lat: Float!, $lng: Float!, $heading: Float!) {
  courierLocationReport(input: {orderId: $order, latitude: $lat, longitude: $lng, heading: $heading}) {
    location { latitude longitude heading eta distanceRemainingM }
    errors { field message code }
  }
}
"""
MY_DELIVERIES = "{ myDeliveries { orderId status location { latitude } } }"
TRACKING = """
query ($number: String!) {
  deliveryTracking(orderNumber: $number) {
    orderId number status store { name latitude longitude } destination { latitude longitude }
    courier { latitude longitude }
  }
}
"""


@pytest.fixture
async def courier(make_user):
    return await make_user(Role.COURIER)


@pytest.fixture
def courier_api(http, courier, token_for) -> GraphQLClient:
    return GraphQLClient(http, token_for(courier))


@pytest.fixture
async def paid_order(shop, customer):
    order = await shop.order(
        customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=await shop.store()
    )
    return await shop.pay(order)


async def test_a_delivery_from_assignment_to_hand_over(
    staff_api, courier_api, customer_api, courier, paid_order
):
    order_gid = gid("Order", paid_order.id)
    assigned = (
        await staff_api.execute(ASSIGN, {"order": order_gid, "courier": gid("User", courier.id)})
    )["deliveryAssign"]
    picked = (await courier_api.execute(PICKED_UP, {"order": order_gid}))["deliveryPickedUp"]
    report = (
        await courier_api.execute(
            REPORT, {"order": order_gid, "lat": CENTRE[0] + 0.004, "lng": CENTRE[1], "heading": 5}
        )
    )["courierLocationReport"]
    mine = (await courier_api.execute(MY_DELIVERIES))["myDeliveries"]
    tracking = (await customer_api.execute(TRACKING, {"number": paid_order.number}))[
        "deliveryTracking"
    ]
    done = (await courier_api.execute(COMPLETED, {"order": order_gid}))["deliveryCompleted"]

    assert assigned["errors"] == [] and assigned["task"]["status"] == "ASSIGNED"
    assert assigned["task"]["courierId"] == gid("User", courier.id)
    assert picked == {"task": {"status": "PICKED_UP"}, "errors": []}
    assert report["errors"] == [] and report["location"]["latitude"] == CENTRE[0] + 0.004
    assert 0 < report["location"]["distanceRemainingM"] < 1112
    assert mine == [
        {"orderId": order_gid, "status": "PICKED_UP", "location": {"latitude": CENTRE[0] + 0.004}}
    ]
    assert tracking["store"]["latitude"] == CENTRE[0]
    assert tracking["destination"] == {"latitude": NEAR[0], "longitude": NEAR[1]}
    assert tracking["courier"] == {"latitude": CENTRE[0] + 0.004, "longitude": CENTRE[1]}
    assert done["errors"] == [] and done["task"]["status"] == "DELIVERED"
    assert (await Order.get(id=paid_order.id)).status == OrderStatus.DELIVERED


DROP_OFF = """
{ myDeliveries { orderId recipient { name phone province city district detail latitude } } }
"""
TASK_RECIPIENT = (
    "query ($id: ID!) { node(id: $id) { ... on DeliveryTask { recipient { phone } } } }"
)


async def test_the_assigned_courier_sees_where_to_go_while_delivering(
    staff_api, courier_api, customer_api, courier, make_user, http, token_for, paid_order
):
    order_gid = gid("Order", paid_order.id)
    task = (
        await staff_api.execute(ASSIGN, {"order": order_gid, "courier": gid("User", courier.id)})
    )["deliveryAssign"]["task"]
    other = GraphQLClient(http, token_for(await make_user(Role.COURIER)))

    mine = (await courier_api.execute(DROP_OFF))["myDeliveries"]
    by_staff = await staff_api.execute(TASK_RECIPIENT, {"id": task["id"]})
    by_other = await other.execute(TASK_RECIPIENT, {"id": task["id"]})
    by_shopper = await customer_api.execute(TASK_RECIPIENT, {"id": task["id"]})
    order_for_courier = await courier_api.execute(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": order_gid}
    )

    assert mine == [
        {
            "orderId": order_gid,
            "recipient": {
                "name": "Li Lei",
                "phone": "13812345678",
                "province": "上海",
                "city": "上海市",
                "district": "黄浦区",
                "detail": "人民大道 200 号 3 楼",
                "latitude": NEAR[0],
            },
        }
    ]
    assert by_staff["node"]["recipient"]["phone"] == "138****5678"
    assert by_other["node"] is None and by_shopper["node"] is None
    assert order_for_courier["node"] is None  # the order itself stays the shopper's

    # Once handed over, the address is no longer the courier's business.
    await courier_api.execute(PICKED_UP, {"order": order_gid})
    await courier_api.execute(COMPLETED, {"order": order_gid})
    after = await courier_api.execute(TASK_RECIPIENT, {"id": task["id"]})
    assert after["node"] == {"recipient": None}


async def test_assign_errors_are_payload_errors(staff_api, shop, customer):
    unpaid = await shop.order(
        customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=await shop.store()
    )
    data = (await staff_api.execute(ASSIGN, {"order": gid("Order", unpaid.id)}))["deliveryAssign"]

    assert data["task"] is None
    assert [(e["code"], e["field"]) for e in data["errors"]] == [("ILLEGAL_STATE", ["orderId"])]
    assert await DeliveryTask.all().count() == 0


async def test_only_staff_assign(customer_api, courier_api, paid_order):
    for api in (customer_api, courier_api):
        errors = await api.errors(ASSIGN, {"order": gid("Order", paid_order.id)})
        assert codes(errors) == ["FORBIDDEN"]
    assert await DeliveryTask.all().count() == 0


async def test_reporting_for_an_order_not_assigned_to_you_is_forbidden(
    staff_api, courier_api, make_user, paid_order
):
    other = await make_user(Role.COURIER)
    await staff_api.execute(
        ASSIGN, {"order": gid("Order", paid_order.id), "courier": gid("User", other.id)}
    )

    errors = await courier_api.errors(
        REPORT, {"order": gid("Order", paid_order.id), "lat": 31.2, "lng": 121.4, "heading": 0}
    )

    assert codes(errors) == ["FORBIDDEN"]
    assert (await DeliveryTask.get(order_id=paid_order.id)).latitude is None


@pytest.mark.parametrize(
    ("lat", "lng", "heading", "field"),
    [(-90.5, 121.4, 0, "latitude"), (31.2, 181, 0, "longitude"), (31.2, 121.4, 720, "heading")],
)
async def test_coordinates_out_of_range_are_payload_errors(courier_api, lat, lng, heading, field):
    data = (
        await courier_api.execute(
            REPORT, {"order": None, "lat": lat, "lng": lng, "heading": heading}
        )
    )["courierLocationReport"]

    assert data["location"] is None
    assert [(e["code"], e["field"]) for e in data["errors"]] == [("INVALID_COORDINATES", [field])]


async def test_a_second_report_within_a_second_is_rate_limited(courier_api, courier):
    first = (
        await courier_api.execute(REPORT, {"order": None, "lat": 31.2, "lng": 121.4, "heading": 0})
    )["courierLocationReport"]
    errors = await courier_api.errors(
        REPORT, {"order": None, "lat": 31.3, "lng": 121.4, "heading": 0}
    )

    assert first == {"location": None, "errors": []}
    assert codes(errors) == ["RATE_LIMITED"]
    assert 0 < errors[0]["extensions"]["retryAfter"] <= 1


async def test_only_couriers_report(customer_api):
    errors = await customer_api.errors(
        REPORT, {"order": None, "lat": 31.2, "lng": 121.4, "heading": 0}
    )

    assert codes(errors) == ["FORBIDDEN"]


async def test_tracking_someone_elses_order_is_null(make_user, http, token_for, paid_order):
    stranger = GraphQLClient(http, token_for(await make_user(Role.CUSTOMER)))

    data = await stranger.execute(TRACKING, {"number": paid_order.number})

    assert data == {"deliveryTracking": None}


STAFF_LOGIN = """
mutation ($username: String!, $password: String!) {
  staffLogin(input: {username: $username, password: $password}) {
    user { role } tokens { accessToken } errors { code }
  }
}
"""


async def test_a_courier_logs_in_with_a_password_and_reports(api, http):
    from resolvers.accounts.service import create_staff

    await create_staff(
        username="rider-1", password="long enough pw", min_password_length=10, role=Role.COURIER
    )

    login = (await api.execute(STAFF_LOGIN, {"username": "rider-1", "password": "long enough pw"}))[
        "staffLogin"
    ]
    rider = GraphQLClient(http, login["tokens"]["accessToken"])
    report = (
        await rider.execute(REPORT, {"order": None, "lat": 31.2, "lng": 121.4, "heading": 0})
    )["courierLocationReport"]

    assert login["errors"] == [] and login["user"]["role"] == "COURIER"
    assert report == {"location": None, "errors": []}
