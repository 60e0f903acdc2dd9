"""Orders over GraphQL: placing (idempotent, all-or-nothing stock), the shopper's and the
staff's operations, privacy, and the concurrency the issue promises."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from models import (
    ActorRole,
    Address,
    CartLine,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OrderNote,
    OrderStatus,
    OutboxEvent,
    Payment,
    Role,
    Shipment,
    Sku,
    StockChangeReason,
    StockLedger,
    StoreStock,
)
from resolvers.addresses import service as addresses
from resolvers.orders import numbers
from tests.support.graphql import GraphQLClient, codes
from tests.support.queries import capture_queries
from tests.support.shop import FAR, NEAR, gid, pk_of

ERRORS = "errors { field message code }"
ORDER_FIELDS = """
  id number status deliveryMethod version
  subtotal { amount } discountTotal { amount } shippingFee { amount } total { amount currency }
  paidAmount { amount } refundedAmount { amount }
  paymentDeadline createdAt storeId
  recipient { name phone province city district detail }
  lines { id skuId productId title specText imageUrl unitPrice { amount } quantity lineTotal { amount } }
  events { kind fromStatus toStatus actorRole version }
"""
CREATE = f"""
mutation($input: OrderCreateInput!) {{
  orderCreate(input: $input) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }}
}}"""
CANCEL = f"""
mutation($id: ID!) {{ orderCancel(input: {{orderId: $id}}) {{ order {{ status version }} {ERRORS} }} }}"""
CONFIRM = f"""
mutation($id: ID!) {{
  orderConfirmReceipt(input: {{orderId: $id}}) {{ order {{ status }} {ERRORS} }}
}}"""
MY_ORDERS = """
query($status: [OrderStatus!], $first: Int, $after: String) {
  myOrders(status: $status, first: $first, after: $after) {
    edges { cursor node { id number status lines { title } events { toStatus } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
BY_NUMBER = "query($n: String!) { orderByNumber(number: $n) { id } }"
NODE = "query($id: ID!) { node(id: $id) { ... on Order { id number } } }"
SEARCH = """
query($filter: OrderFilterInput, $first: Int) {
  orders(filter: $filter, first: $first) {
    nodes { id number status recipient { phone } customer { id } notes { body } }
  }
}"""
SHIP = f"""
mutation($shipments: [ShipmentInput!]!) {{
  ordersShip(input: {{shipments: $shipments}}) {{ orders {{ id status }} {ERRORS} }}
}}"""
STEP = """
mutation($id: ID!) {
  %s(input: {orderId: $id}) { order { status deliveredAt autoCompleteAt } errors { field code } }
}"""
ADDRESS_UPDATE = f"""
mutation($input: OrderAddressUpdateInput!) {{
  orderAddressUpdate(input: $input) {{
    order {{ version recipient {{ name phone detail }} events {{ kind }} }} {ERRORS}
  }}
}}"""
NOTE = f"""
mutation($id: ID!, $body: String!) {{
  orderNoteAdd(input: {{orderId: $id, body: $body}}) {{ note {{ body }} {ERRORS} }}
}}"""
CUSTOMER_NOTES = "query($id: ID!) { node(id: $id) { ... on Order { notes { body } } } }"

NEW_ADDRESS = {
    "recipientName": "王五",
    "phone": "13700001234",
    "province": "上海",
    "city": "上海市",
    "district": "静安区",
    "detail": "南京西路 1 号",
    "latitude": NEAR[0],
    "longitude": NEAR[1],
}


def _key() -> str:
    return uuid.uuid4().hex


def _pairs(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def _create(api: GraphQLClient, **input: object) -> dict:
    input.setdefault("idempotencyKey", _key())
    return (await api.execute(CREATE, {"input": input}))["orderCreate"]


@pytest.fixture
def staff_client(staff_api: GraphQLClient) -> GraphQLClient:
    return staff_api


# --- placing ----------------------------------------------------------------------------------


async def test_an_order_from_the_cart_takes_stock_snapshots_and_empties_those_lines(
    customer_api, shop, customer, state
):
    _, (red, blue) = await shop.product(
        title="Tee",
        skus=[
            ({"Colour": "red", "Size": "M"}, "30.00", 10),
            ({"Colour": "blue", "Size": "L"}, "35.00", 10),
        ],
    )
    mug = await shop.sku(price="12.50", stock=10)
    hat = await shop.sku(price="5.00", stock=10)
    await shop.address(customer)
    lines = await shop.cart(customer, (red, 2), (blue, 1), (mug, 1), (hat, 1))
    await CartLine.filter(id=lines[3].id).update(selected=False)
    before = datetime.now(UTC)

    payload = await _create(customer_api, deliveryMethod="EXPRESS", expectedTotal="107.50")

    assert payload["errors"] == []
    order = payload["order"]
    assert order["status"] == "PENDING_PAYMENT" and order["version"] == 1
    assert len(order["number"]) == numbers.NUMBER_LENGTH and order["number"].isdigit()
    assert order["subtotal"]["amount"] == "107.50" and order["shippingFee"]["amount"] == "0.00"
    assert order["total"] == {"amount": "107.50", "currency": "CNY"}
    deadline = datetime.fromisoformat(order["paymentDeadline"].replace("Z", "+00:00"))
    assert before + timedelta(minutes=30) <= deadline <= datetime.now(UTC) + timedelta(minutes=30)
    assert order["recipient"]["phone"] == "13812345678"  # the shopper's own order: in full
    titles = sorted((line["title"], line["specText"], line["quantity"]) for line in order["lines"])
    assert titles == [("Tee", "M", 1), ("Tee", "blue / L", 1), ("Tee", "red / M", 2)]
    assert order["events"] == [
        {
            "kind": "STATUS_CHANGED",
            "fromStatus": None,
            "toStatus": "PENDING_PAYMENT",
            "actorRole": "CUSTOMER",
            "version": 1,
        }
    ]
    # Stock taken with a ledger row per SKU; the ordered lines left the cart, the rest stayed
    assert [(await Sku.get(id=s.id)).stock for s in (red, blue, mug, hat)] == [8, 9, 9, 10]
    assert await StockLedger.filter(reason=StockChangeReason.ORDER_PLACED).count() == 3
    assert await CartLine.filter(user_id=customer.id).values_list("sku_id", flat=True) == [hat.id]
    # Snapshots survive later catalog changes
    await Sku.filter(id=red.id).update(price=Decimal("99.00"))
    row = await OrderLine.get(order_id=pk_of(order["id"]), sku_id=red.id)
    assert row.unit_price == Decimal("30.00")
    # The outbox event was published after commit (the sender marks it in the background)
    await state.events.flush()
    event = await OutboxEvent.get(aggregate_type="order")
    assert event.published_at is not None and event.payload["status"] == "PENDING_PAYMENT"


async def test_the_same_key_returns_the_same_order(customer_api, shop, customer):
    sku = await shop.sku(stock=10)
    await shop.address(customer)
    items = [{"skuId": gid("Sku", sku.id), "quantity": 2}]
    key = _key()

    first = await _create(customer_api, items=items, idempotencyKey=key)
    again = await _create(customer_api, items=items, idempotencyKey=key)

    assert first["order"]["id"] == again["order"]["id"]
    assert await Order.all().count() == 1
    assert (await Sku.get(id=sku.id)).stock == 8


async def test_the_same_key_with_another_request_is_a_mismatch(customer_api, shop, customer):
    sku = await shop.sku(stock=10)
    await shop.address(customer)
    key = _key()
    await _create(
        customer_api, items=[{"skuId": gid("Sku", sku.id), "quantity": 1}], idempotencyKey=key
    )

    payload = await _create(
        customer_api, items=[{"skuId": gid("Sku", sku.id), "quantity": 3}], idempotencyKey=key
    )

    assert payload["order"] is None
    assert _pairs(payload) == [("IDEMPOTENCY_MISMATCH", ["idempotencyKey"])]
    assert await Order.all().count() == 1 and (await Sku.get(id=sku.id)).stock == 9


async def test_a_malformed_key_is_refused(customer_api, shop, customer):
    sku = await shop.sku()
    await shop.address(customer)
    payload = await _create(
        customer_api, items=[{"skuId": gid("Sku", sku.id), "quantity": 1}], idempotencyKey="short"
    )
    assert _pairs(payload) == [("IDEMPOTENCY_KEY_INVALID", ["idempotencyKey"])]


async def test_a_changed_total_places_nothing(customer_api, shop, customer):
    sku = await shop.sku(price="30.00", stock=10)
    await shop.address(customer)
    await shop.cart(customer, (sku, 1))

    payload = await _create(customer_api, expectedTotal="30.00")  # forgot the 10.00 shipping

    assert _pairs(payload) == [("TOTAL_CHANGED", ["expectedTotal"])]
    assert await Order.all().count() == 0 and (await Sku.get(id=sku.id)).stock == 10
    assert await CartLine.filter(user_id=customer.id).count() == 1


async def test_short_lines_are_all_listed_and_nothing_is_written(customer_api, shop, customer):
    ok = await shop.sku(stock=10)
    short_a = await shop.sku(stock=1)
    short_b = await shop.sku(stock=0)
    await shop.address(customer)
    lines = await shop.cart(customer, (ok, 1), (short_a, 2), (short_b, 1))

    payload = await _create(customer_api, lineIds=[gid("CartLine", line.id) for line in lines])

    assert _pairs(payload) == [
        ("INSUFFICIENT_STOCK", ["lineIds", "1"]),
        ("INSUFFICIENT_STOCK", ["lineIds", "2"]),
    ]
    assert await Order.all().count() == 0
    assert [(await Sku.get(id=s.id)).stock for s in (ok, short_a, short_b)] == [10, 1, 0]
    assert await CartLine.filter(user_id=customer.id).count() == 3


async def test_duplicates_are_refused_and_nothing_is_written(customer_api, shop, customer):
    sku = await shop.sku(stock=500)
    await shop.address(customer)
    (line,) = await shop.cart(customer, (sku, 99))

    by_items = await _create(
        customer_api,
        items=[{"skuId": gid("Sku", sku.id), "quantity": 99}] * 2,
    )
    by_lines = await _create(customer_api, lineIds=[gid("CartLine", line.id)] * 2)

    assert _pairs(by_items) == [("DUPLICATE_SKU", ["items", "1", "skuId"])]
    assert _pairs(by_lines) == [("DUPLICATE_LINE", ["lineIds", "1"])]
    assert await Order.all().count() == 0
    assert (await Sku.get(id=sku.id)).stock == 500
    assert await CartLine.filter(user_id=customer.id).count() == 1


async def test_200_concurrent_creates_with_one_key_make_one_order(
    customer_api, shop, customer, state, monkeypatch
):
    # Retries of one order, not a flood: lift the per-shopper rate limit for this test.
    monkeypatch.setattr(state.settings, "rate_order_creates_per_minute", 1000)
    sku = await shop.sku(stock=1000)
    await shop.address(customer)
    await shop.cart(customer, (sku, 3))
    key = _key()

    responses = await asyncio.gather(
        *[customer_api.post(CREATE, {"input": {"idempotencyKey": key}}) for _ in range(200)]
    )

    bodies = [r.json() for r in responses]
    assert all(
        r.status_code == 200 and "errors" not in b for r, b in zip(responses, bodies, strict=True)
    )
    payloads = [b["data"]["orderCreate"] for b in bodies]
    assert all(p["errors"] == [] for p in payloads)
    assert {p["order"]["id"] for p in payloads} == {payloads[0]["order"]["id"]}
    assert await Order.all().count() == 1
    assert (await Sku.get(id=sku.id)).stock == 997
    assert (
        await StockLedger.filter(sku_id=sku.id, reason=StockChangeReason.ORDER_PLACED).count() == 1
    )


async def test_a_shopper_with_too_many_unpaid_orders_cannot_place_another(
    customer_api, shop, customer, state
):
    # Given a shopper with as many unpaid orders as allowed, and one more thing in the cart
    assert state.settings.order_max_unpaid_per_user == 5
    sku = await shop.sku(stock=100)
    placed = [await shop.order(customer, (sku, 1)) for _ in range(5)]
    await shop.cart(customer, (sku, 2))

    # When they place another order
    payload = await _create(customer_api)

    # Then it is refused, nothing is taken and the cart stays
    assert payload["order"] is None
    assert _pairs(payload) == [("TOO_MANY_UNPAID_ORDERS", None)]
    assert await Order.filter(user_id=customer.id).count() == 5
    assert (await Sku.get(id=sku.id)).stock == 95
    assert await CartLine.filter(user_id=customer.id).count() == 1

    # And once one of them is paid (or cancelled, or closed) there is room again
    await shop.pay(placed[0])
    assert (await _create(customer_api))["errors"] == []
    assert (await Sku.get(id=sku.id)).stock == 93


async def test_concurrent_creates_never_pass_the_unpaid_order_cap(customer_api, shop, customer):
    # Given a shopper with two unpaid orders already
    sku = await shop.sku(stock=100)
    for _ in range(2):
        await shop.order(customer, (sku, 1))

    # When they fire 8 different orders at once (the cap is 5)
    item = [{"skuId": gid("Sku", sku.id), "quantity": 1}]
    responses = await asyncio.gather(
        *[
            customer_api.post(
                CREATE,
                {"input": {"idempotencyKey": _key(), "deliveryMethod": "EXPRESS", "items": item}},
            )
            for _ in range(8)
        ]
    )

    # Then exactly 3 more are placed and the other 5 are refused
    payloads = [r.json()["data"]["orderCreate"] for r in responses]
    placed = [p for p in payloads if p["order"] is not None]
    refused = [p for p in payloads if p["order"] is None]
    assert len(placed) == 3
    assert [_pairs(p) for p in refused] == [[("TOO_MANY_UNPAID_ORDERS", None)]] * 5
    assert await Order.filter(user_id=customer.id, status=OrderStatus.PENDING_PAYMENT).count() == 5
    assert (await Sku.get(id=sku.id)).stock == 95


CART_ADD = f"""
mutation($lines: [CartLineAddInput!]!) {{ cartLinesAdd(input: {{lines: $lines}}) {{ {ERRORS} }} }}"""


async def test_placing_orders_while_filling_the_cart_never_deadlocks(customer_api, shop, customer):
    # Both take the shopper's row lock: placing (the unpaid cap) and the cart
    sku = await shop.sku(stock=100)
    other = await shop.sku(stock=100)
    await shop.address(customer)
    item = [{"skuId": gid("Sku", sku.id), "quantity": 1}]
    add = [{"skuId": gid("Sku", other.id), "quantity": 1}]

    responses = await asyncio.gather(
        *[
            customer_api.post(
                CREATE,
                {"input": {"idempotencyKey": _key(), "deliveryMethod": "EXPRESS", "items": item}},
            )
            for _ in range(5)
        ],
        *[customer_api.post(CART_ADD, {"lines": add}) for _ in range(5)],
    )

    bodies = [r.json() for r in responses]
    assert all(
        r.status_code == 200 and "errors" not in b for r, b in zip(responses, bodies, strict=True)
    )
    assert [b["data"]["orderCreate"]["errors"] for b in bodies[:5]] == [[]] * 5
    assert await Order.filter(user_id=customer.id).count() == 5
    assert (await CartLine.get(user_id=customer.id)).quantity == 5


async def test_500_shoppers_racing_for_50_items_get_exactly_50_orders(
    shop, state, app_server, make_user, token_for
):
    # Given 500 shoppers, each with an address and the same SKU (50 in stock) in the cart
    sku = await shop.sku(price="9.90", stock=50)
    shoppers = [await make_user() for _ in range(500)]
    fields = {
        "recipient_name": "Li Lei",
        "phone_encrypted": state.crypto.encrypt("13812345678", context=addresses.PHONE_CONTEXT),
        "phone_index": addresses.phone_index(state.crypto, "13812345678"),
        "province": "上海",
        "city": "上海市",
        "detail_encrypted": state.crypto.encrypt("人民大道 1 号", context=addresses.DETAIL_CONTEXT),
    }
    await Address.bulk_create([Address(user_id=u.id, is_default=True, **fields) for u in shoppers])
    await CartLine.bulk_create(
        [
            CartLine(user_id=u.id, sku_id=sku.id, quantity=1, added_unit_price=sku.price)
            for u in shoppers
        ]
    )
    # When they all place their order at once (one socket each: the client's own pool of
    # 100 would make the last ones wait for a connection instead of racing)
    limits = httpx.Limits(max_connections=len(shoppers))
    async with httpx.AsyncClient(base_url=app_server, timeout=120, limits=limits) as http:
        clients = [GraphQLClient(http, token_for(u)) for u in shoppers]
        responses = await asyncio.gather(
            *[c.post(CREATE, {"input": {"idempotencyKey": _key()}}) for c in clients]
        )

    # Then exactly 50 got an order, the rest were told why, and stock never went below zero
    payloads = [r.json()["data"]["orderCreate"] for r in responses]
    placed = [p for p in payloads if p["order"]]
    refused = [p for p in payloads if not p["order"]]
    assert len(placed) == 50 and len(refused) == 450
    assert {e["code"] for p in refused for e in p["errors"]} == {"INSUFFICIENT_STOCK"}
    assert await Order.all().count() == 50
    assert (await Sku.get(id=sku.id)).stock == 0
    balances = await StockLedger.filter(sku_id=sku.id).values_list("balance_after", flat=True)
    assert len(balances) == 50 and min(balances) == 0
    assert await CartLine.all().count() == 450


@pytest.mark.parametrize("method", ["PICKUP", "COURIER"])
async def test_store_orders_race_for_the_stores_own_stock(
    shop, state, http, make_user, token_for, method
):
    # Given a store holding 5 of a SKU the warehouse has 100 of, and 30 shoppers near it
    store = await shop.store()
    sku = await shop.sku(stock=100)
    await StoreStock.create(store=store, sku=sku, quantity=5)
    shoppers = [await make_user() for _ in range(30)]
    for shopper in shoppers:
        await shop.address(shopper, make_default=True)
    clients = [GraphQLClient(http, token_for(u)) for u in shoppers]
    order_input = {
        "deliveryMethod": method,
        "storeId": gid("Store", store.id),
        "items": [{"skuId": gid("Sku", sku.id), "quantity": 1}],
    }

    # When they all order at once
    payloads = await asyncio.gather(*[_create(c, **order_input) for c in clients])

    # Then exactly 5 orders took the store's 5 units; the warehouse was not touched
    placed = [p["order"] for p in payloads if p["order"]]
    refused = [p for p in payloads if not p["order"]]
    assert len(placed) == 5
    assert {(e["code"], tuple(e["field"])) for p in refused for e in p["errors"]} == {
        ("INSUFFICIENT_STOCK", ("items", "0", "quantity"))
    }
    assert (await StoreStock.get(store=store, sku=sku)).quantity == 0
    assert (await Sku.get(id=sku.id)).stock == 100

    # And a cancelled one puts its unit back on that store's shelf, once
    owner = next(c for c, p in zip(clients, payloads, strict=True) if p["order"])
    for _ in range(2):
        await owner.execute(CANCEL, {"id": next(p["order"]["id"] for p in payloads if p["order"])})
    assert (await StoreStock.get(store=store, sku=sku)).quantity == 1
    assert (await Sku.get(id=sku.id)).stock == 100


async def test_a_zero_total_order_is_paid_at_once_without_a_provider(customer_api, shop, customer):
    # Given a free gift collected at the store (no fee)
    store = await shop.store()
    gift = await shop.sku(price="0.00", stock=10)
    await shop.stock(store, gift, 1)

    payload = await _create(
        customer_api,
        deliveryMethod="PICKUP",
        storeId=gid("Store", store.id),
        items=[{"skuId": gid("Sku", gift.id), "quantity": 1}],
    )

    assert payload["errors"] == []
    order = payload["order"]
    assert order["status"] == "PAID" and order["total"]["amount"] == "0.00"
    assert order["paidAmount"]["amount"] == "0.00"
    assert [(e["toStatus"], e["actorRole"]) for e in order["events"]] == [
        ("PENDING_PAYMENT", "CUSTOMER"),
        ("PAID", "SYSTEM"),
    ]
    assert await Payment.filter(order_id=pk_of(order["id"])).count() == 0
    assert (await StoreStock.get(store=store, sku=gift)).quantity == 0


async def test_a_free_order_is_not_held_to_the_unpaid_order_cap(customer_api, shop, customer):
    # Given a shopper at the cap of unpaid orders, and a free gift at the store
    sku = await shop.sku(stock=10)
    for _ in range(5):
        await shop.order(customer, (sku, 1))
    store = await shop.store()
    gift = await shop.sku(price="0.00", stock=10)
    await shop.stock(store, gift, 1)

    # When they take the gift: it is paid at once, so it holds nothing unpaid
    payload = await _create(
        customer_api,
        deliveryMethod="PICKUP",
        storeId=gid("Store", store.id),
        items=[{"skuId": gid("Sku", gift.id), "quantity": 1}],
    )

    assert payload["errors"] == [] and payload["order"]["status"] == "PAID"


# --- the shopper's operations -----------------------------------------------------------------


async def test_cancelling_an_unpaid_order_returns_its_stock_once(customer_api, shop, customer):
    sku = await shop.sku(stock=5)
    order = await shop.order(customer, (sku, 2))

    first = (await customer_api.execute(CANCEL, {"id": gid("Order", order.id)}))["orderCancel"]
    again = (await customer_api.execute(CANCEL, {"id": gid("Order", order.id)}))["orderCancel"]

    assert first == {"order": {"status": "CANCELLED", "version": 2}, "errors": []}
    assert again == first
    assert (await Sku.get(id=sku.id)).stock == 5
    assert await StockLedger.filter(reason=StockChangeReason.ORDER_RELEASED).count() == 1
    event = await OrderEvent.get(order_id=order.id, to_status=OrderStatus.CANCELLED)
    assert (event.actor_id, event.actor_role) == (customer.id, ActorRole.CUSTOMER)


async def test_cancelling_a_shipped_order_is_illegal(customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.SHIPPED, await shop.sku())

    payload = (await customer_api.execute(CANCEL, {"id": gid("Order", order.id)}))["orderCancel"]

    assert _pairs(payload) == [("ILLEGAL_TRANSITION", None)]
    assert "SHIPPED" in payload["errors"][0]["message"]
    assert (await Order.get(id=order.id)).status == OrderStatus.SHIPPED


async def test_confirming_an_unshipped_order_is_illegal(customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.PAID, await shop.sku())

    payload = (await customer_api.execute(CONFIRM, {"id": gid("Order", order.id)}))[
        "orderConfirmReceipt"
    ]

    assert _pairs(payload) == [("ILLEGAL_TRANSITION", None)]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_confirming_receipt_completes_a_delivered_order(customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.DELIVERED, await shop.sku())

    payload = (await customer_api.execute(CONFIRM, {"id": gid("Order", order.id)}))[
        "orderConfirmReceipt"
    ]

    assert payload == {"order": {"status": "COMPLETED"}, "errors": []}


async def test_another_shoppers_order_is_not_found_like_a_missing_one(
    customer_api, shop, make_user
):
    theirs = await shop.order(await make_user(), (await shop.sku(), 1))
    missing = gid("Order", theirs.id + 1000)

    for order_id in (gid("Order", theirs.id), missing):
        payload = (await customer_api.execute(CANCEL, {"id": order_id}))["orderCancel"]
        assert _pairs(payload) == [("NOT_FOUND", ["orderId"])]
        assert (await customer_api.execute(NODE, {"id": order_id}))["node"] is None
    assert (await customer_api.execute(BY_NUMBER, {"n": theirs.number}))["orderByNumber"] is None
    assert (await Order.get(id=theirs.id)).status == OrderStatus.PENDING_PAYMENT


async def test_my_orders_lists_newest_first_by_status_in_few_queries(
    customer_api, shop, customer, make_user, state
):
    sku = await shop.sku(stock=50)
    mine = [await shop.order(customer, (sku, 1)) for _ in range(5)]
    await shop.order(await make_user(), (sku, 1))
    await shop.pay(mine[1])
    await state.events.flush()  # the payment's event is marked published in the background

    with capture_queries() as log:
        page = (await customer_api.execute(MY_ORDERS, {"first": 3}))["myOrders"]
    rest = (
        await customer_api.execute(MY_ORDERS, {"first": 3, "after": page["pageInfo"]["endCursor"]})
    )["myOrders"]
    paid = (await customer_api.execute(MY_ORDERS, {"status": ["PAID"]}))["myOrders"]

    numbers_seen = [e["node"]["number"] for e in page["edges"] + rest["edges"]]
    assert numbers_seen == [o.number for o in reversed(mine)]
    assert page["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert [e["node"]["id"] for e in paid["edges"]] == [gid("Order", mine[1].id)]
    assert [e["toStatus"] for e in paid["edges"][0]["node"]["events"]] == [
        "PENDING_PAYMENT",
        "PAID",
    ]
    # Orders, their lines and their events: one query each, however many orders.
    assert log.count <= 3


# --- the staff's operations -------------------------------------------------------------------


async def test_staff_find_orders_by_phone_status_number_and_date(
    staff_client, shop, customer, make_user
):
    sku = await shop.sku(stock=50)
    await shop.address(customer, phone="13811112222")
    wanted = await shop.pay(await shop.order(customer, (sku, 1)))
    other = await make_user()
    await shop.address(other, phone="13933334444")
    await shop.order(other, (sku, 1))

    async def search(**filter: object) -> list[str]:
        data = await staff_client.execute(SEARCH, {"filter": filter})
        return [n["number"] for n in data["orders"]["nodes"]]

    assert await search(phone="138-1111-2222") == [wanted.number]
    assert await search(status=["PAID"]) == [wanted.number]
    assert await search(number=wanted.number) == [wanted.number]
    assert len(await search(createdFrom=(datetime.now(UTC) - timedelta(hours=1)).isoformat())) == 2
    assert await search(createdTo=(datetime.now(UTC) - timedelta(hours=1)).isoformat()) == []
    node = (await staff_client.execute(SEARCH, {"filter": {"number": wanted.number}}))["orders"][
        "nodes"
    ][0]
    assert node["recipient"]["phone"] == "138****2222"
    assert node["customer"]["id"] == gid("User", customer.id)


async def test_customers_cannot_search_or_see_staff_fields(customer_api, shop, customer):
    order = await shop.order(customer, (await shop.sku(), 1))
    assert codes(await customer_api.errors(SEARCH)) == ["FORBIDDEN"]
    assert codes(await customer_api.errors(CUSTOMER_NOTES, {"id": gid("Order", order.id)})) == [
        "FORBIDDEN"
    ]
    ship = await customer_api.errors(
        SHIP,
        {
            "shipments": [
                {"orderId": gid("Order", order.id), "carrier": "SF", "trackingNumber": "1"}
            ]
        },
    )
    assert codes(ship) == ["FORBIDDEN"]


async def test_shipping_many_orders_each_on_its_own(staff_client, shop, make_user, staff_user):
    sku = await shop.sku(stock=50)
    paid = [await shop.order_in(await make_user(), OrderStatus.PAID, sku) for _ in range(2)]
    unpaid = await shop.order(await make_user(), (sku, 1))
    shipments = [
        {"orderId": gid("Order", o.id), "carrier": "SF", "trackingNumber": f"SF{o.id:08d}"}
        for o in [*paid, unpaid]
    ]
    shipments.insert(
        1, {"orderId": gid("Order", paid[0].id), "carrier": " ", "trackingNumber": "x"}
    )

    payload = (await staff_client.execute(SHIP, {"shipments": shipments}))["ordersShip"]

    assert [o["status"] for o in payload["orders"]] == ["SHIPPED", "SHIPPED"]
    assert _pairs(payload) == [
        ("INVALID", ["shipments", "1", "carrier"]),
        ("ILLEGAL_TRANSITION", ["shipments", "3", "orderId"]),
    ]
    assert await Shipment.all().count() == 2
    event = await OrderEvent.get(order_id=paid[0].id, to_status=OrderStatus.SHIPPED)
    assert (event.actor_id, event.actor_role) == (staff_user.id, ActorRole.STAFF)
    assert (await Order.get(id=unpaid.id)).status == OrderStatus.PENDING_PAYMENT

    # Shipping again changes nothing
    again = (await staff_client.execute(SHIP, {"shipments": shipments[:1]}))["ordersShip"]
    assert again["errors"] == [] and await Shipment.all().count() == 2


async def test_malformed_ids_name_their_list_path(staff_client, customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.PAID, await shop.sku())
    good = {"orderId": gid("Order", order.id), "carrier": "SF", "trackingNumber": "SF1"}
    bad = {**good, "orderId": gid("Sku", order.id)}

    ship = await staff_client.errors(SHIP, {"shipments": [good, bad]})
    create = await customer_api.errors(
        CREATE,
        {
            "input": {
                "idempotencyKey": _key(),
                "items": [{"skuId": gid("Order", order.id), "quantity": 1}],
            }
        },
    )

    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in ship + create] == [
        ("BAD_USER_INPUT", ["shipments", "1", "orderId"]),
        ("BAD_USER_INPUT", ["items", "0", "skuId"]),
    ]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_courier_and_pickup_steps(staff_client, shop, make_user):
    sku = await shop.sku(stock=50)
    store = await shop.store()
    courier = await shop.order_in(
        await make_user(), OrderStatus.PAID, sku, method=DeliveryMethod.COURIER, store=store
    )
    pickup = await shop.order_in(
        await make_user(), OrderStatus.PAID, sku, method=DeliveryMethod.PICKUP, store=store
    )

    async def step(name: str, order: Order) -> dict:
        return (await staff_client.execute(STEP % name, {"id": gid("Order", order.id)}))[name]

    # A pickup order does not go out with a courier
    assert [e["code"] for e in (await step("orderMarkOutForDelivery", pickup))["errors"]] == [
        "ILLEGAL_TRANSITION"
    ]
    assert (await step("orderMarkOutForDelivery", courier))["order"]["status"] == "OUT_FOR_DELIVERY"
    delivered = (await step("orderMarkDelivered", courier))["order"]
    assert delivered["status"] == "DELIVERED" and delivered["autoCompleteAt"]
    assert (await step("orderMarkReadyForPickup", pickup))["order"]["status"] == "READY_FOR_PICKUP"
    picked = (await step("orderMarkPickedUp", pickup))["order"]
    assert picked["status"] == "COMPLETED" and picked["deliveredAt"]


async def test_staff_change_the_address_before_shipping_only(staff_client, shop, customer):
    sku = await shop.sku(stock=50)
    paid = await shop.order_in(customer, OrderStatus.PAID, sku)
    shipped = await shop.order_in(customer, OrderStatus.SHIPPED, sku)

    payload = (
        await staff_client.execute(
            ADDRESS_UPDATE, {"input": {"orderId": gid("Order", paid.id), "address": NEW_ADDRESS}}
        )
    )["orderAddressUpdate"]
    refused = (
        await staff_client.execute(
            ADDRESS_UPDATE, {"input": {"orderId": gid("Order", shipped.id), "address": NEW_ADDRESS}}
        )
    )["orderAddressUpdate"]

    order = payload["order"]
    assert order["recipient"] == {"name": "王五", "phone": "137****1234", "detail": "南京西路 1 号"}
    assert order["version"] == paid.version + 1
    assert order["events"][-1]["kind"] == "ADDRESS_CHANGED"
    assert _pairs(refused) == [("ADDRESS_LOCKED", None)]
    assert (await Order.get(id=shipped.id)).recipient_name == "Li Lei"


async def test_a_courier_order_cannot_move_out_of_its_stores_reach(staff_client, shop, customer):
    order = await shop.order_in(
        customer, OrderStatus.PAID, await shop.sku(), method=DeliveryMethod.COURIER
    )
    far = {**NEW_ADDRESS, "latitude": FAR[0], "longitude": FAR[1]}

    payload = (
        await staff_client.execute(
            ADDRESS_UPDATE, {"input": {"orderId": gid("Order", order.id), "address": far}}
        )
    )["orderAddressUpdate"]

    assert _pairs(payload) == [("OUT_OF_DELIVERY_RANGE", ["address", "latitude"])]


async def test_a_pickup_order_has_no_address_to_change(staff_client, shop, customer):
    order = await shop.order_in(
        customer, OrderStatus.PAID, await shop.sku(), method=DeliveryMethod.PICKUP
    )
    payload = (
        await staff_client.execute(
            ADDRESS_UPDATE, {"input": {"orderId": gid("Order", order.id), "address": NEW_ADDRESS}}
        )
    )["orderAddressUpdate"]
    assert _pairs(payload) == [("ADDRESS_LOCKED", None)]


async def test_staff_notes_stay_with_staff(staff_client, shop, customer):
    order = await shop.order(customer, (await shop.sku(), 1))

    added = (
        await staff_client.execute(NOTE, {"id": gid("Order", order.id), "body": "call first"})
    )["orderNoteAdd"]
    empty = (await staff_client.execute(NOTE, {"id": gid("Order", order.id), "body": " "}))[
        "orderNoteAdd"
    ]
    missing = (await staff_client.execute(NOTE, {"id": gid("Order", 999999), "body": "x"}))[
        "orderNoteAdd"
    ]

    assert added == {"note": {"body": "call first"}, "errors": []}
    assert _pairs(empty) == [("INVALID", ["body"])]
    assert _pairs(missing) == [("NOT_FOUND", ["orderId"])]
    assert await OrderNote.filter(order_id=order.id).count() == 1
    nodes = (await staff_client.execute(SEARCH, {"filter": {"number": order.number}}))["orders"][
        "nodes"
    ]
    assert nodes[0]["notes"] == [{"body": "call first"}]


async def test_orders_need_a_login(api):
    assert codes(await api.errors(MY_ORDERS)) == ["UNAUTHENTICATED"]


async def test_staff_are_not_customers_of_the_shop_api(http, token_for, make_user):
    courier = GraphQLClient(http, token_for(await make_user(Role.COURIER)))
    assert codes(await courier.errors(SEARCH)) == ["FORBIDDEN"]


LINKS = """
query {
  myOrders(first: 10) {
    nodes { store { id name } lines { sku { id price { amount } } product { id title } } }
  }
  cart { lines { sku { id } product { title } } }
}"""


async def test_lines_link_to_the_live_catalog_in_few_queries(customer_api, shop, customer, state):
    store = await shop.store(name="People's Square")
    skus = [await shop.sku(price=f"{10 + i}.00", title=f"Item {i}") for i in range(4)]
    for sku in skus:
        await shop.order(customer, (sku, 1), method=DeliveryMethod.PICKUP, store=store)
    await shop.cart(customer, (skus[0], 1))
    await Sku.filter(id=skus[0].id).update(price=Decimal("99.00"))
    await state.events.flush()  # the orders' events are marked published in the background

    with capture_queries() as log:
        data = await customer_api.execute(LINKS)

    orders = data["myOrders"]["nodes"]
    assert {o["store"]["name"] for o in orders} == {"People's Square"}
    first_line = orders[-1]["lines"][0]
    assert first_line["sku"] == {"id": gid("Sku", skus[0].id), "price": {"amount": "99.00"}}
    assert first_line["product"]["title"] == "Item 0"
    assert data["cart"]["lines"] == [
        {"sku": {"id": gid("Sku", skus[0].id)}, "product": {"title": "Item 0"}}
    ]
    # orders, lines, stores, skus, products and the cart: a handful, not one per line.
    assert log.count <= 8
