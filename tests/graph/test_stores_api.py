"""Nearby stores (O2O) and the staff side of stores, through the HTTP API."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from strawberry.relay import to_base64
from tortoise import connections
from tortoise.transactions import in_transaction

from models import AuditLog, Sku, Store, StoreStock
from resolvers.core.geo import distance_m
from tests.support.catalog import cache_of, make_category, make_product
from tests.support.graphql import codes
from tests.support.waiting import eventually

NEARBY = """
query ($lat: Float!, $lng: Float!, $first: Int, $after: String, $sku: ID, $km: Float) {
  nearbyStores(latitude: $lat, longitude: $lng, first: $first, after: $after, skuId: $sku, withinKm: $km) {
    edges { node { id name distanceM deliversThere skuInStock openingHours { day opens closes } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
STORE_CREATE = """
mutation ($input: StoreCreateInput!) {
  storeCreate(input: $input) { store { id name openingHours { day opens closes } } errors { field code } }
}
"""
STORE_UPDATE = """
mutation ($input: StoreUpdateInput!) { storeUpdate(input: $input) { store { name deliveryRadiusM } errors { field code } } }
"""
STOCK_SET = """
mutation ($input: StoreStockSetInput!) { storeStockSet(input: $input) { quantity errors { field code } } }
"""
# Shanghai People's Square and points east of it, about 1 km apart.
HOME = (31.2304, 121.4737)


async def make_store(
    name: str, east_km: float, *, radius_m: int = 3000, active: bool = True
) -> Store:
    return await Store.create(
        name=name,
        address=f"{name} Road 1",
        latitude=HOME[0],
        longitude=HOME[1] + east_km / 95.2,  # ~95.2 km per degree of longitude here
        opening_hours={"mon": ["09:00", "21:00"]},
        delivery_radius_m=radius_m,
        is_active=active,
    )


def store_input(**overrides) -> dict:
    data = {
        "name": "Jing'an",
        "address": "1 Nanjing Rd",
        "latitude": 31.2,
        "longitude": 121.4,
        "openingHours": [{"day": "MON", "opens": "09:00", "closes": "21:00"}],
    }
    data.update(overrides)
    return data


async def test_nearby_stores_are_sorted_by_distance_with_sku_stock(api, state):
    far = await make_store("Far", 5.0)
    near = await make_store("Near", 1.0, radius_m=500)
    await make_store("Closed for good", 0.5, active=False)
    await make_store("Other city", 300.0)
    product = await make_product(cache_of(state), category=await make_category())
    from models import Sku

    sku = await Sku.get(product_id=product.id)
    await StoreStock.create(store=far, sku=sku, quantity=4)
    await StoreStock.create(store=near, sku=sku, quantity=0)

    data = await api.execute(
        NEARBY, {"lat": HOME[0], "lng": HOME[1], "sku": to_base64("Sku", sku.id)}
    )

    nodes = [e["node"] for e in data["nearbyStores"]["edges"]]
    assert [n["name"] for n in nodes] == ["Near", "Far"]
    assert [n["skuInStock"] for n in nodes] == [False, True]
    assert [n["deliversThere"] for n in nodes] == [False, False]  # 1 km > 500 m; 5 km > 3 km
    expected = distance_m(HOME[0], HOME[1], near.latitude, near.longitude)
    assert abs(nodes[0]["distanceM"] - expected) <= 1
    assert nodes[0]["openingHours"] == [{"day": "MON", "opens": "09:00", "closes": "21:00"}]


async def test_nearby_stores_pages_by_distance(api):
    for i in range(5):
        await make_store(f"S{i}", 1.0 + i)
    seen: list[str] = []
    after = None
    while True:
        data = await api.execute(
            NEARBY, {"lat": HOME[0], "lng": HOME[1], "first": 2, "after": after}
        )
        seen += [e["node"]["name"] for e in data["nearbyStores"]["edges"]]
        if not data["nearbyStores"]["pageInfo"]["hasNextPage"]:
            break
        after = data["nearbyStores"]["pageInfo"]["endCursor"]

    assert seen == ["S0", "S1", "S2", "S3", "S4"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"lat": 91.0, "lng": 0.0}, ["latitude"]),
        ({"lat": 0.0, "lng": 0.0, "first": 101}, ["first"]),
    ],
)
async def test_nearby_stores_refuses_bad_input_with_its_field(api, variables, field):
    errors = await api.errors(NEARBY, variables)

    assert codes(errors) == ["BAD_USER_INPUT"] and errors[0]["extensions"]["field"] == field


async def test_staff_create_update_and_stock_a_store_audited(staff_api, staff_user, state):
    created = (await staff_api.execute(STORE_CREATE, {"input": store_input()}))["storeCreate"]
    store_id = created["store"]["id"]
    updated = await staff_api.execute(
        STORE_UPDATE, {"input": {"id": store_id, "deliveryRadiusM": 5000}}
    )
    product = await make_product(cache_of(state), category=await make_category())
    sku = await Sku.get(product_id=product.id)
    stocked = await staff_api.execute(
        STOCK_SET,
        {"input": {"storeId": store_id, "skuId": to_base64("Sku", sku.id), "quantity": 7}},
    )

    assert created["errors"] == [] and updated["storeUpdate"]["store"]["deliveryRadiusM"] == 5000
    assert stocked["storeStockSet"]["quantity"] == 7
    assert (await StoreStock.get(sku_id=sku.id)).quantity == 7
    actions = [a.action for a in await AuditLog.filter(actor_id=staff_user.id).order_by("id")]
    assert actions == ["store.create", "store.update", "store.stock_set"]


async def test_a_customer_cannot_create_stores(customer_api):
    errors = await customer_api.errors(STORE_CREATE, {"input": store_input()})

    assert codes(errors) == ["FORBIDDEN"] and await Store.all().count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": " "}, "REQUIRED", ["name"]),
        ({"name": "x" * 65}, "TOO_LONG", ["name"]),
        ({"latitude": 120.0}, "INVALID", ["latitude"]),
        ({"deliveryRadiusM": -1}, "NEGATIVE_VALUE", ["deliveryRadiusM"]),
    ],
)
async def test_store_input_errors(staff_api, overrides, code, field):
    data = await staff_api.execute(STORE_CREATE, {"input": store_input(**overrides)})

    assert [(e["code"], e["field"]) for e in data["storeCreate"]["errors"]] == [(code, field)]
    assert await Store.all().count() == 0


async def test_store_not_found(staff_api):
    data = await staff_api.execute(
        STORE_UPDATE, {"input": {"id": to_base64("Store", 404), "name": "x"}}
    )

    assert [(e["code"], e["field"]) for e in data["storeUpdate"]["errors"]] == [
        ("NOT_FOUND", ["id"])
    ]


async def _lock_waiters() -> int:
    rows = await connections.get("default").execute_query_dict(
        "SELECT count(*) AS n FROM pg_locks WHERE NOT granted"
    )
    return rows[0]["n"]


async def test_a_first_stock_set_racing_another_first_write_succeeds(staff_api, state):
    # Given another first write of the same (store, SKU) row, not yet committed
    store = await make_store("Race", 0)
    product = await make_product(cache_of(state), category=await make_category())
    sku = await Sku.get(product_id=product.id)
    written, release = asyncio.Event(), asyncio.Event()

    async def other_writer() -> None:
        async with in_transaction():
            await StoreStock.create(store_id=store.id, sku_id=sku.id, quantity=3)
            written.set()
            await release.wait()

    other = asyncio.create_task(other_writer())
    await written.wait()
    # When staff set the stock while it is in flight (their insert waits on its key)
    request = asyncio.create_task(
        staff_api.execute(
            STOCK_SET,
            {
                "input": {
                    "storeId": to_base64("Store", store.id),
                    "skuId": to_base64("Sku", sku.id),
                    "quantity": 7,
                }
            },
        )
    )
    await eventually(_lock_waiters_positive)
    release.set()
    await other
    result = await request

    # Then it succeeds after the other write, and its audit says what it replaced
    assert result["storeStockSet"] == {"quantity": 7, "errors": []}
    assert await StoreStock.filter(store_id=store.id, sku_id=sku.id).values_list(
        "quantity", flat=True
    ) == [7]
    audit = await AuditLog.get(action="store.stock_set")
    assert audit.changes["quantity"] == [3, 7]


async def _lock_waiters_positive() -> bool:
    return await _lock_waiters() > 0


async def test_concurrent_first_stock_sets_of_one_sku_all_succeed(staff_api, state):
    store = await make_store("Race", 0)
    product = await make_product(cache_of(state), category=await make_category())
    sku = await Sku.get(product_id=product.id)
    sets = [
        {"storeId": to_base64("Store", store.id), "skuId": to_base64("Sku", sku.id), "quantity": q}
        for q in range(1, 21)
    ]

    results = await asyncio.gather(*[staff_api.execute(STOCK_SET, {"input": s}) for s in sets])

    assert all(r["storeStockSet"]["errors"] == [] for r in results)
    rows = await StoreStock.filter(store_id=store.id, sku_id=sku.id)
    assert len(rows) == 1
    # The audit trail is one unbroken chain from 0 to what the row holds.
    chain = [
        a.changes["quantity"]
        for a in await AuditLog.filter(action="store.stock_set").order_by("id")
    ]
    assert len(chain) == 20 and chain[0][0] == 0 and chain[-1][1] == rows[0].quantity
    assert all(before == prev[1] for prev, (before, _) in itertools.pairwise(chain))
