"""Flash sales through the real HTTP API: staff set-up, the shopper's list and purchases."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from strawberry import relay

from models import FlashSale, FlashSaleReservation, FlashSaleUnit, Sku
from tests.support.flash_sales import make_sale, make_shoppers, make_sku, pickup
from tests.support.graphql import GraphQLClient, codes
from tests.support.queries import capture_queries

CREATE = """
mutation ($input: FlashSaleCreateInput!) {
  flashSaleCreate(input: $input) {
    flashSale { id title price { amount currency } quantity perUserLimit status version skuId }
    errors { field message code }
  }
}
"""

UPDATE = """
mutation ($input: FlashSaleUpdateInput!) {
  flashSaleUpdate(input: $input) {
    flashSale { id quantity version }
    errors { field message code }
  }
}
"""

PUBLISH = """
mutation ($id: ID!) {
  flashSalePublish(input: {id: $id}) { flashSale { status remaining } errors { field code } }
}
"""

CANCEL = """
mutation ($id: ID!) {
  flashSaleCancel(input: {id: $id}) { flashSale { status remaining } errors { field code } }
}
"""

LIST = """
query ($phase: FlashSalePhase, $statuses: [FlashSaleStatus!]) {
  flashSales(phase: $phase, statuses: $statuses) {
    serverTime
    nodes { id title phase remaining startsAt status }
  }
}
"""

PURCHASE = """
mutation ($saleId: ID!, $quantity: Int!, $method: DeliveryMethod!, $storeId: ID) {
  flashSalePurchase(
    saleId: $saleId, quantity: $quantity, deliveryMethod: $method, storeId: $storeId
  ) {
    reservation {
      id token quantity status expiresAt
      unitPrice { amount } total { amount }
      sale { id title }
    }
    order {
      id status deliveryMethod paymentDeadline
      subtotal { amount } discountTotal { amount } shippingFee { amount } total { amount }
      adjustments { code amount { amount } }
    }
    errors { field message code retryAfter }
  }
}
"""

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename
    ... on FlashSale { title }
    ... on FlashSaleReservation { token }
  }
}
"""

INVARIANT = """
query ($id: ID!) {
  flashSaleInvariant(saleId: $id) {
    holds problems inFlight offered
    postgres { epoch free reserved sold returned }
    redis { present epoch stock reserved sold returned }
    flashSale { id }
  }
}
"""

RECONCILE = """
mutation ($id: ID!) {
  flashSaleReconcile(input: {id: $id}) {
    invariant { holds repairs redis { stock } }
    errors { field code }
  }
}
"""


def gid(type_name: str, pk: int) -> str:
    return relay.to_base64(type_name, pk)


@pytest.fixture
async def sku() -> Sku:
    return await make_sku(stock=500, price="199.00")


def create_input(sku: Sku, **overrides) -> dict:
    starts = datetime.now(UTC) + timedelta(minutes=5)
    return {
        "skuId": gid("Sku", sku.id),
        "price": "99.50",
        "quantity": 20,
        "perUserLimit": 2,
        "startsAt": starts.isoformat(),
        "endsAt": (starts + timedelta(hours=1)).isoformat(),
        **overrides,
    }


async def buy(
    client: GraphQLClient, sale_id: int, quantity: int = 1, *, method: str = "PICKUP"
) -> dict:
    """A purchase collected at the store (EXPRESS: to the shopper's default address)."""
    store_id = None
    if method == "PICKUP":
        store_id = gid("Store", (await pickup()).store_id)
    variables = {
        "saleId": gid("FlashSale", sale_id),
        "quantity": quantity,
        "method": method,
        "storeId": store_id,
    }
    data = await client.execute(PURCHASE, variables)
    return data["flashSalePurchase"]


# --- staff ------------------------------------------------------------------------------------


async def test_staff_create_a_sale_and_the_sku_stock_moves(staff_api, sku):
    data = await staff_api.execute(CREATE, {"input": create_input(sku)})

    payload = data["flashSaleCreate"]
    assert payload["errors"] == []
    sale = payload["flashSale"]
    assert sale["title"] == "Mi Phone 15"  # the product's title by default
    assert sale["price"] == {"amount": "99.50", "currency": "CNY"}
    assert (sale["quantity"], sale["perUserLimit"], sale["status"]) == (20, 2, "DRAFT")
    assert sale["skuId"] == gid("Sku", sku.id)
    assert (await Sku.get(id=sku.id)).stock == 480


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"skuId": gid("Sku", 999)}, "SKU_NOT_FOUND", ["skuId"]),
        ({"quantity": 501}, "INSUFFICIENT_STOCK", ["quantity"]),
        ({"perUserLimit": 21}, "INVALID", ["perUserLimit"]),
    ],
)
async def test_create_errors(staff_api, sku, overrides, code, field):
    data = await staff_api.execute(CREATE, {"input": create_input(sku, **overrides)})

    payload = data["flashSaleCreate"]
    assert payload["flashSale"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert (await Sku.get(id=sku.id)).stock == 500


async def test_shoppers_and_visitors_cannot_run_sales(customer_api, api, sku):
    assert codes(await customer_api.errors(CREATE, {"input": create_input(sku)})) == ["FORBIDDEN"]
    assert codes(await api.errors(CREATE, {"input": create_input(sku)})) == ["UNAUTHENTICATED"]
    assert not await FlashSale.exists()


async def test_edit_publish_and_cancel(staff_api, sku):
    created = (await staff_api.execute(CREATE, {"input": create_input(sku)}))["flashSaleCreate"]
    sale_id = created["flashSale"]["id"]

    edited = await staff_api.execute(
        UPDATE, {"input": {"id": sale_id, "quantity": 25, "version": 1}}
    )
    stale = await staff_api.execute(UPDATE, {"input": {"id": sale_id, "quantity": 5, "version": 1}})
    published = await staff_api.execute(PUBLISH, {"id": sale_id})
    cancelled = await staff_api.execute(CANCEL, {"id": sale_id})
    republished = await staff_api.execute(PUBLISH, {"id": sale_id})

    assert edited["flashSaleUpdate"]["flashSale"] == {"id": sale_id, "quantity": 25, "version": 2}
    assert [e["code"] for e in stale["flashSaleUpdate"]["errors"]] == ["VERSION_CONFLICT"]
    assert published["flashSalePublish"]["flashSale"] == {"status": "PUBLISHED", "remaining": 25}
    assert cancelled["flashSaleCancel"]["flashSale"] == {"status": "CANCELLED", "remaining": 0}
    assert republished["flashSalePublish"]["errors"] == [{"field": None, "code": "NOT_EDITABLE"}]
    assert (await Sku.get(id=sku.id)).stock == 500


async def test_an_unknown_sale_is_not_found_and_a_malformed_id_bad_input(staff_api):
    data = await staff_api.execute(PUBLISH, {"id": gid("FlashSale", 404)})
    errors = await staff_api.errors(PUBLISH, {"id": gid("Sku", 1)})

    assert data["flashSalePublish"]["errors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == ["id"]


# --- shoppers: the list ------------------------------------------------------------------------


async def test_shoppers_list_upcoming_and_live_sales_with_the_server_time(
    state, api, staff_user, sku
):
    live = await make_sale(state, sku=sku, staff=staff_user, quantity=10)
    soon = await make_sale(
        state, sku=sku, staff=staff_user, quantity=5, starts_in=timedelta(hours=1)
    )
    await make_sale(state, sku=sku, staff=staff_user, quantity=5, publish=False)

    everything = (await api.execute(LIST))["flashSales"]
    upcoming = (await api.execute(LIST, {"phase": "UPCOMING"}))["flashSales"]

    server_time = datetime.fromisoformat(everything["serverTime"].replace("Z", "+00:00"))
    assert abs(server_time - datetime.now(UTC)) < timedelta(seconds=5)
    assert [(n["id"], n["phase"], n["remaining"]) for n in everything["nodes"]] == [
        (gid("FlashSale", live.id), "LIVE", 10),
        (gid("FlashSale", soon.id), "UPCOMING", 5),
    ]
    assert [n["id"] for n in upcoming["nodes"]] == [gid("FlashSale", soon.id)]


async def test_listing_other_statuses_is_for_staff(customer_api, staff_api, state, staff_user, sku):
    draft = await make_sale(state, sku=sku, staff=staff_user, publish=False)

    refused = await customer_api.errors(LIST, {"statuses": ["DRAFT"]})
    drafts = (await staff_api.execute(LIST, {"statuses": ["DRAFT"]}))["flashSales"]["nodes"]

    assert codes(refused) == ["FORBIDDEN"]
    assert [(n["id"], n["remaining"]) for n in drafts] == [(gid("FlashSale", draft.id), None)]


async def test_a_draft_looks_missing_to_shoppers(customer_api, staff_api, state, staff_user, sku):
    draft = await make_sale(state, sku=sku, staff=staff_user, publish=False)
    variables = {"id": gid("FlashSale", draft.id)}

    assert (await customer_api.execute(NODE, variables))["node"] is None
    assert (await staff_api.execute(NODE, variables))["node"]["__typename"] == "FlashSale"


# --- shoppers: purchases -----------------------------------------------------------------------


async def test_a_purchase_returns_the_reservation(customer_api, customer, state, staff_user, sku):
    sale = await make_sale(state, sku=sku, staff=staff_user, quantity=10, price="99.50")

    payload = await buy(customer_api, sale.id, quantity=2)

    assert payload["errors"] == []
    reservation = payload["reservation"]
    assert (reservation["quantity"], reservation["status"]) == (2, "RESERVED")
    assert reservation["unitPrice"] == {"amount": "99.50"}
    assert reservation["total"] == {"amount": "199.00"}
    assert reservation["sale"]["id"] == gid("FlashSale", sale.id)
    row = await FlashSaleReservation.get(token=reservation["token"])
    assert row.user_id == customer.id
    # The owner sees it by ID; anybody else sees nothing.
    assert (await customer_api.execute(NODE, {"id": reservation["id"]}))["node"] == {
        "__typename": "FlashSaleReservation",
        "token": reservation["token"],
    }


async def test_another_shoppers_reservation_looks_missing(
    customer_api, http, make_user, token_for, state, staff_user, sku
):
    sale = await make_sale(state, sku=sku, staff=staff_user)
    reservation = (await buy(customer_api, sale.id))["reservation"]
    other = GraphQLClient(http, token_for(await make_user()))

    assert (await other.execute(NODE, {"id": reservation["id"]}))["node"] is None


async def test_a_successful_purchase_costs_a_fixed_handful_of_statements(
    customer_api, http, make_user, token_for, state, staff_user, sku
):
    sale = await make_sale(state, sku=sku, staff=staff_user, quantity=10)
    await buy(GraphQLClient(http, token_for(await make_user())), sale.id)  # warm the process

    variables = {
        "saleId": gid("FlashSale", sale.id),
        "quantity": 1,
        "method": "PICKUP",
        "storeId": gid("Store", (await pickup()).store_id),
    }

    await state.events.flush()  # the warm-up's event, marked published in the background
    with capture_queries() as log:
        payload = (await customer_api.execute(PURCHASE, variables))["flashSalePurchase"]
        await state.events.flush()

    assert payload["errors"] == []
    # in one transaction: lock the shopper and read the SKU and the store (one statement),
    # write the order with its line, events, unpaid count and the reservation with its
    # units (one statement); load the sale the answer asks for; after the commit, in the
    # background, mark the event published
    assert log.count == 4, "\n".join(x[:150] for x in log.statements)


@pytest.mark.parametrize(
    ("arrange", "quantity", "code", "field"),
    [
        ("not_started", 1, "NOT_STARTED", ["saleId"]),
        ("sold_out", 1, "SOLD_OUT", ["saleId"]),
        ("limit", 2, "LIMIT_REACHED", ["quantity"]),
        ("draft", 1, "NOT_FOUND", ["saleId"]),
        ("live", 0, "INVALID_QUANTITY", ["quantity"]),
        ("lost", 1, "PAUSED", ["saleId"]),
    ],
)
async def test_purchase_errors(
    customer_api, state, staff_user, sku, arrange, quantity, code, field
):
    starts_in = timedelta(minutes=5) if arrange == "not_started" else timedelta(seconds=-1)
    sale = await make_sale(
        state,
        sku=sku,
        staff=staff_user,
        quantity=1 if arrange == "sold_out" else 10,
        limit=1,
        starts_in=starts_in,
        publish=arrange != "draft",
    )
    if arrange == "sold_out":
        await buy(customer_api, sale.id)
    if arrange == "lost":
        await state.redis.delete(*state.flash_sales.sale_keys(sale.id))

    payload = await buy(customer_api, sale.id, quantity=quantity)
    await state.flash_sales.drain()

    assert payload["reservation"] is None
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == (code, field)
    if code in ("NOT_STARTED", "PAUSED"):
        assert error["retryAfter"] > 0


async def test_rate_limited_says_when_to_retry(customer_api, state, staff_user, sku):
    sale = await make_sale(state, sku=sku, staff=staff_user, limit=1)
    answers = [
        await buy(customer_api, sale.id) for _ in range(state.settings.flash_sale_user_burst + 1)
    ]

    error = answers[-1]["errors"][0]
    assert (error["code"], error["field"]) == ("RATE_LIMITED", None)
    assert 0 < error["retryAfter"] <= 1 / state.settings.flash_sale_user_per_second


async def test_visitors_must_log_in_to_buy(api, state, staff_user, sku):
    sale = await make_sale(state, sku=sku, staff=staff_user)

    errors = await api.errors(
        PURCHASE, {"saleId": gid("FlashSale", sale.id), "quantity": 1, "method": "EXPRESS"}
    )

    assert codes(errors) == ["UNAUTHENTICATED"]


async def test_a_storm_over_http_sells_exactly_the_units(http, token_for, state, staff_user, sku):
    # Given 20 units, 1 per shopper, and 150 shoppers tapping twice each at once
    sale = await make_sale(state, sku=sku, staff=staff_user, quantity=20, limit=1)
    clients = [GraphQLClient(http, token_for(s)) for s in await make_shoppers(150)]

    answers = await asyncio.gather(*(buy(c, sale.id) for c in clients for _ in range(2)))

    outcome = Counter(a["errors"][0]["code"] if a["errors"] else "OK" for a in answers)
    assert outcome["OK"] == 20
    assert set(outcome) <= {"OK", "SOLD_OUT", "LIMIT_REACHED"}
    assert await FlashSaleUnit.filter(sale_id=sale.id).count() == 20


# --- staff: the invariant ------------------------------------------------------------------


async def test_staff_check_and_reconcile_the_invariant(
    staff_api, customer_api, state, staff_user, sku
):
    sale = await make_sale(state, sku=sku, staff=staff_user, quantity=10)
    await buy(customer_api, sale.id, quantity=2)
    variables = {"id": gid("FlashSale", sale.id)}

    healthy = (await staff_api.execute(INVARIANT, variables))["flashSaleInvariant"]
    await state.redis.delete(*state.flash_sales.sale_keys(sale.id))
    broken = (await staff_api.execute(INVARIANT, variables))["flashSaleInvariant"]
    repaired = (await staff_api.execute(RECONCILE, variables))["flashSaleReconcile"]

    assert healthy == {
        "holds": True,
        "problems": [],
        "inFlight": 0,
        "offered": 10,
        "postgres": {"epoch": 1, "free": 8, "reserved": 2, "sold": 0, "returned": 0},
        "redis": {"present": True, "epoch": 1, "stock": 8, "reserved": 2, "sold": 0, "returned": 0},
        "flashSale": {"id": variables["id"]},
    }
    assert not broken["holds"] and broken["redis"]["present"] is False
    assert repaired == {
        "invariant": {
            "holds": True,
            "repairs": ["rebuilt Redis from PostgreSQL"],
            "redis": {"stock": 8},
        },
        "errors": [],
    }


async def test_the_invariant_is_for_staff(customer_api, state, staff_user, sku):
    sale = await make_sale(state, sku=sku, staff=staff_user)

    errors = await customer_api.errors(INVARIANT, {"id": gid("FlashSale", sale.id)})

    assert codes(errors) == ["FORBIDDEN"]
