"""checkoutPreview: every figure from the server, for each delivery method."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import CartLine, Order, ProductStatus, Sku
from resolvers.orders import pricing
from resolvers.orders.pricing import Adjustment
from tests.support.shop import CENTRE, FAR, NEAR, gid

PREVIEW = """
query($input: CheckoutInput!) {
  checkoutPreview(input: $input) {
    preview {
      deliveryMethod
      lines { cartLineId skuId title specText unitPrice { amount } quantity lineTotal { amount } }
      subtotal { amount } adjustments { code label amount { amount } }
      discountTotal { amount } shippingFee { amount } total { amount currency }
      address { id phone } storeId courierDistanceM courierEta
    }
    errors { field message code }
  }
}"""


async def _preview(api, **input: object) -> dict:
    return (await api.execute(PREVIEW, {"input": input}))["checkoutPreview"]


def _errors(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_express_uses_the_default_address_and_the_selected_lines(
    customer_api, shop, customer
):
    tee = await shop.sku(price="30.00")
    mug = await shop.sku(price="25.50")
    await shop.address(customer)
    default = await shop.address(customer, phone="13900001111", make_default=True)
    tee_line, mug_line = await shop.cart(customer, (tee, 2), (mug, 1))
    await CartLine.filter(id=mug_line.id).update(selected=False)

    payload = await _preview(customer_api, deliveryMethod="EXPRESS")

    preview = payload["preview"]
    assert payload["errors"] == []
    assert [line["cartLineId"] for line in preview["lines"]] == [gid("CartLine", tee_line.id)]
    assert preview["subtotal"]["amount"] == "60.00"
    assert preview["shippingFee"]["amount"] == "10.00"  # under the 99.00 threshold
    assert preview["total"] == {"amount": "70.00", "currency": "CNY"}
    assert preview["address"] == {"id": gid("Address", default.id), "phone": "13900001111"}
    # A preview writes nothing.
    assert await Order.all().count() == 0
    assert await CartLine.filter(user_id=customer.id).count() == 2


async def test_express_is_free_over_the_threshold_and_prices_are_todays(
    customer_api, shop, customer
):
    tee = await shop.sku(price="30.00")
    await shop.address(customer)
    (line,) = await shop.cart(customer, (tee, 3))
    await Sku.filter(id=tee.id).update(price=Decimal("33.00"))

    preview = (await _preview(customer_api, lineIds=[gid("CartLine", line.id)]))["preview"]

    assert preview["lines"][0]["unitPrice"]["amount"] == "33.00"
    assert preview["subtotal"]["amount"] == "99.00"
    assert preview["shippingFee"]["amount"] == "0.00"
    assert preview["total"]["amount"] == "99.00"


async def test_buy_now_items_skip_the_cart(customer_api, shop, customer):
    tee = await shop.sku(price="12.00")
    await shop.address(customer)

    preview = (await _preview(customer_api, items=[{"skuId": gid("Sku", tee.id), "quantity": 2}]))[
        "preview"
    ]

    assert preview["lines"][0]["cartLineId"] is None
    assert preview["total"]["amount"] == "34.00"


async def test_courier_picks_the_nearest_store_in_reach_with_an_eta(customer_api, shop, customer):
    await shop.store(at=FAR, name="far")
    near_store = await shop.store(at=CENTRE, radius_m=3000, name="centre")
    tee = await shop.sku(price="50.00")
    await shop.stock(near_store, tee, 1)
    await shop.address(customer, at=NEAR)
    await shop.cart(customer, (tee, 1))
    before = datetime.now(UTC)

    preview = (await _preview(customer_api, deliveryMethod="COURIER"))["preview"]

    assert preview["storeId"] == gid("Store", near_store.id)
    assert 1000 < preview["courierDistanceM"] < 1200
    eta = datetime.fromisoformat(preview["courierEta"].replace("Z", "+00:00"))
    # 20 minutes to prepare plus ~5 minutes' ride at 15 km/h.
    assert before + timedelta(minutes=24) <= eta <= datetime.now(UTC) + timedelta(minutes=26)
    assert preview["shippingFee"]["amount"] == "6.00"


async def test_pickup_needs_no_address_and_costs_no_shipping(customer_api, shop, customer):
    store = await shop.store()
    tee = await shop.sku(price="20.00")
    await shop.stock(store, tee, 1)
    await shop.cart(customer, (tee, 1))

    preview = (
        await _preview(customer_api, deliveryMethod="PICKUP", storeId=gid("Store", store.id))
    )["preview"]

    assert preview["address"] is None and preview["storeId"] == gid("Store", store.id)
    assert preview["shippingFee"]["amount"] == "0.00" and preview["total"]["amount"] == "20.00"


class HalfOffMugs:
    code = "test-half-off"

    async def adjust(self, quote: pricing.Quote) -> list[Adjustment]:
        off = sum((line.line_total for line in quote.lines if line.title == "Mug"), Decimal(0))
        return [Adjustment(self.code, "Mugs half off", off / 2)] if off else []

    async def reserve(self, *, order, adjustment):  # pragma: no cover - preview never reserves
        raise AssertionError("a preview reserves nothing")

    async def release(self, *, order, adjustment):  # pragma: no cover
        raise AssertionError


class TwentyOff:
    code = "test-twenty-off"

    async def adjust(self, quote: pricing.Quote) -> list[Adjustment]:
        # Sees the goods after the earlier adjuster.
        return (
            [Adjustment(self.code, "20 off", Decimal("20.00"))] if quote.goods_total >= 100 else []
        )

    async def reserve(self, *, order, adjustment):  # pragma: no cover
        raise AssertionError

    async def release(self, *, order, adjustment):  # pragma: no cover
        raise AssertionError


async def test_the_discount_pipeline_applies_in_order_before_shipping(
    customer_api, shop, customer, monkeypatch
):
    monkeypatch.setattr(pricing, "DISCOUNT_PIPELINE", [HalfOffMugs(), TwentyOff()])
    mug = await shop.sku(price="40.00", title="Mug")
    tee = await shop.sku(price="90.00", title="Tee")
    await shop.address(customer)
    await shop.cart(customer, (mug, 2), (tee, 1))

    preview = (await _preview(customer_api))["preview"]

    # 170 - 40 (half off mugs) = 130 >= 100, so 20 more off; 110 >= 99 ships free.
    assert [(a["code"], a["amount"]["amount"]) for a in preview["adjustments"]] == [
        ("test-half-off", "40.00"),
        ("test-twenty-off", "20.00"),
    ]
    assert preview["discountTotal"]["amount"] == "60.00"
    assert preview["shippingFee"]["amount"] == "0.00"
    assert preview["total"]["amount"] == "110.00"


# --- refusals ------------------------------------------------------------------------------


async def test_nothing_selected_is_nothing_to_check_out(customer_api, shop, customer):
    await shop.address(customer)
    payload = await _preview(customer_api)
    assert payload["preview"] is None
    assert _errors(payload) == [("NOTHING_TO_CHECK_OUT", ["lineIds"])]


async def test_no_address_is_address_required(customer_api, shop, customer):
    await shop.cart(customer, (await shop.sku(), 1))
    assert _errors(await _preview(customer_api)) == [("ADDRESS_REQUIRED", ["addressId"])]


async def test_someone_elses_address_is_address_not_found(customer_api, shop, customer, make_user):
    await shop.cart(customer, (await shop.sku(), 1))
    theirs = await shop.address(await make_user())
    payload = await _preview(customer_api, addressId=gid("Address", theirs.id))
    assert _errors(payload) == [("ADDRESS_NOT_FOUND", ["addressId"])]


async def test_courier_to_an_address_without_a_location(customer_api, shop, customer):
    await shop.store()
    await shop.address(customer, at=None)
    await shop.cart(customer, (await shop.sku(), 1))
    payload = await _preview(customer_api, deliveryMethod="COURIER")
    assert _errors(payload) == [("ADDRESS_WITHOUT_LOCATION", ["addressId"])]


async def test_courier_beyond_every_radius_is_out_of_range(customer_api, shop, customer):
    await shop.store(at=CENTRE, radius_m=3000)
    await shop.address(customer, at=FAR)
    await shop.cart(customer, (await shop.sku(), 1))
    payload = await _preview(customer_api, deliveryMethod="COURIER")
    assert _errors(payload) == [("OUT_OF_DELIVERY_RANGE", ["addressId"])]


async def test_courier_from_a_chosen_store_that_does_not_reach_is_out_of_range(
    customer_api, shop, customer
):
    await shop.store(at=CENTRE)
    far_store = await shop.store(at=FAR)
    await shop.address(customer, at=NEAR)
    await shop.cart(customer, (await shop.sku(), 1))
    payload = await _preview(
        customer_api, deliveryMethod="COURIER", storeId=gid("Store", far_store.id)
    )
    assert _errors(payload) == [("OUT_OF_DELIVERY_RANGE", ["addressId"])]


async def test_pickup_without_a_store_is_store_required(customer_api, shop, customer):
    await shop.cart(customer, (await shop.sku(), 1))
    payload = await _preview(customer_api, deliveryMethod="PICKUP")
    assert _errors(payload) == [("STORE_REQUIRED", ["storeId"])]


async def test_pickup_at_an_unknown_store_is_store_not_found(customer_api, shop, customer):
    closed = await shop.store()
    closed.is_active = False
    await closed.save()
    await shop.cart(customer, (await shop.sku(), 1))
    payload = await _preview(customer_api, deliveryMethod="PICKUP", storeId=gid("Store", closed.id))
    assert _errors(payload) == [("STORE_NOT_FOUND", ["storeId"])]


async def test_someone_elses_cart_line_is_line_not_found(customer_api, shop, customer, make_user):
    await shop.address(customer)
    (theirs,) = await shop.cart(await make_user(), (await shop.sku(), 1))
    payload = await _preview(customer_api, lineIds=[gid("CartLine", theirs.id)])
    assert _errors(payload) == [("LINE_NOT_FOUND", ["lineIds", "0"])]


async def test_every_unbuyable_line_is_listed(customer_api, shop, customer):
    await shop.address(customer)
    gone = await shop.sku(status=ProductStatus.OFF_SHELF)
    short = await shop.sku(stock=1)
    fine = await shop.sku()
    lines = await shop.cart(customer, (fine, 1), (gone, 1), (short, 2))
    payload = await _preview(customer_api, lineIds=[gid("CartLine", line.id) for line in lines])
    assert _errors(payload) == [
        ("PRODUCT_NOT_AVAILABLE", ["lineIds", "1"]),
        ("INSUFFICIENT_STOCK", ["lineIds", "2"]),
    ]


@pytest.mark.parametrize(
    ("quantity", "code"), [(0, "INVALID_QUANTITY"), (100, "QUANTITY_LIMIT_EXCEEDED")]
)
async def test_bad_buy_now_quantities(customer_api, shop, customer, quantity, code):
    await shop.address(customer)
    sku = await shop.sku(stock=500)
    payload = await _preview(
        customer_api, items=[{"skuId": gid("Sku", sku.id), "quantity": quantity}]
    )
    assert _errors(payload) == [(code, ["items", "0", "quantity"])]


async def test_a_missing_sku_is_sku_not_found(customer_api, shop, customer):
    await shop.address(customer)
    payload = await _preview(customer_api, items=[{"skuId": gid("Sku", 9999), "quantity": 1}])
    assert _errors(payload) == [("SKU_NOT_FOUND", ["items", "0", "skuId"])]


async def test_cart_lines_and_items_together_are_invalid(customer_api, shop, customer):
    sku = await shop.sku()
    (line,) = await shop.cart(customer, (sku, 1))
    payload = await _preview(
        customer_api,
        lineIds=[gid("CartLine", line.id)],
        items=[{"skuId": gid("Sku", sku.id), "quantity": 1}],
    )
    assert _errors(payload) == [("INVALID", ["items"])]


async def test_the_same_sku_twice_in_buy_now_items_is_refused(customer_api, shop, customer):
    await shop.address(customer)
    sku = await shop.sku(stock=500)
    other = await shop.sku()
    items = [
        {"skuId": gid("Sku", sku.id), "quantity": 60},
        {"skuId": gid("Sku", other.id), "quantity": 1},
        {"skuId": gid("Sku", sku.id), "quantity": 60},
    ]
    payload = await _preview(customer_api, items=items)
    assert payload["preview"] is None
    assert _errors(payload) == [("DUPLICATE_SKU", ["items", "2", "skuId"])]


async def test_the_same_cart_line_twice_is_refused(customer_api, shop, customer):
    await shop.address(customer)
    (line,) = await shop.cart(customer, (await shop.sku(), 60))
    payload = await _preview(
        customer_api, lineIds=[gid("CartLine", line.id), gid("CartLine", line.id)]
    )
    assert payload["preview"] is None
    assert _errors(payload) == [("DUPLICATE_LINE", ["lineIds", "1"])]


async def test_a_malformed_id_names_its_field_as_a_list_path(customer_api, shop, customer):
    errors = await customer_api.errors(
        PREVIEW, {"input": {"items": [{"skuId": "nope", "quantity": 1}]}}
    )
    assert [e["extensions"]["field"] for e in errors] == [["items", "0", "skuId"]]


async def test_store_orders_count_the_stores_shelf_not_the_warehouse(customer_api, shop, customer):
    # Given a nearer store without the tee and a farther one, still in reach, with it
    empty = await shop.store(at=NEAR, radius_m=3000, name="empty")
    stocked = await shop.store(at=CENTRE, radius_m=3000, name="stocked")
    tee = await shop.sku(stock=100)
    await shop.stock(stocked, tee, 2)
    await shop.address(customer, at=NEAR)
    await shop.cart(customer, (tee, 2))

    courier = await _preview(customer_api, deliveryMethod="COURIER")
    pickup_empty = await _preview(
        customer_api, deliveryMethod="PICKUP", storeId=gid("Store", empty.id)
    )
    courier_empty = await _preview(
        customer_api, deliveryMethod="COURIER", storeId=gid("Store", empty.id)
    )

    assert courier["preview"]["storeId"] == gid("Store", stocked.id)
    assert _errors(pickup_empty) == [("INSUFFICIENT_STOCK", ["lineIds", "0"])]
    assert _errors(courier_empty) == [("INSUFFICIENT_STOCK", ["lineIds", "0"])]
