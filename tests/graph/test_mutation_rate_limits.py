"""Per-shopper rate limits on the mutations a script would spam: each has its own budget,
answers RATE_LIMITED (with retryAfter) once it is spent, writes nothing then, and leaves
other shoppers alone."""

from __future__ import annotations

import uuid

import pytest

from models import Address, CartLine
from tests.support.graphql import GraphQLClient, codes
from tests.support.shop import gid

ERRORS = "errors { field message code }"
ORDER_CREATE = f"""
mutation($input: OrderCreateInput!) {{ orderCreate(input: $input) {{ order {{ id }} {ERRORS} }} }}"""
CART_ADD = f"""
mutation($lines: [CartLineAddInput!]!) {{
  cartLinesAdd(input: {{lines: $lines}}) {{ cart {{ lines {{ quantity }} }} {ERRORS} }}
}}"""
AFTER_SALE_REQUEST = f"""
mutation($input: AfterSaleRequestInput!) {{
  afterSaleRequest(input: $input) {{ afterSale {{ id }} {ERRORS} }}
}}"""
REVIEW_CREATE = f"""
mutation($input: ReviewCreateInput!) {{ reviewCreate(input: $input) {{ review {{ id }} {ERRORS} }} }}"""
ADDRESS_CREATE = f"""
mutation($input: AddressCreateInput!) {{
  addressCreate(input: $input) {{ address {{ id }} {ERRORS} }}
}}"""
ADDRESS = {
    "recipientName": "韩梅梅",
    "phone": "+86 138-1234-5678",
    "province": "上海",
    "city": "上海市",
    "district": "黄浦区",
    "detail": "人民大道 200 号 3 楼",
}


def _order_create(sku_id: int) -> tuple[str, dict]:
    # No address: answered with a payload error, which still spends the budget.
    return ORDER_CREATE, {
        "input": {
            "idempotencyKey": uuid.uuid4().hex,
            "deliveryMethod": "EXPRESS",
            "items": [{"skuId": gid("Sku", sku_id)}],
        }
    }


def _cart_add(sku_id: int) -> tuple[str, dict]:
    return CART_ADD, {"lines": [{"skuId": gid("Sku", sku_id), "quantity": 1}]}


def _after_sale(sku_id: int) -> tuple[str, dict]:
    return AFTER_SALE_REQUEST, {
        "input": {"orderId": gid("Order", 404), "kind": "REFUND_ONLY", "reason": "late"}
    }


def _review(sku_id: int) -> tuple[str, dict]:
    return REVIEW_CREATE, {"input": {"orderLineId": gid("OrderLine", 404), "rating": 5}}


def _address(sku_id: int) -> tuple[str, dict]:
    return ADDRESS_CREATE, {"input": {"address": ADDRESS}}


CASES = [
    pytest.param("rate_order_creates_per_minute", _order_create, "orderCreate", id="orderCreate"),
    pytest.param("rate_cart_adds_per_minute", _cart_add, "cartLinesAdd", id="cartLinesAdd"),
    pytest.param(
        "rate_after_sale_requests_per_hour", _after_sale, "afterSaleRequest", id="afterSaleRequest"
    ),
    pytest.param("rate_reviews_per_hour", _review, "reviewCreate", id="reviewCreate"),
    pytest.param("rate_address_creates_per_hour", _address, "addressCreate", id="addressCreate"),
]


@pytest.mark.parametrize(("setting", "operation", "field"), CASES)
async def test_a_shopper_is_limited_and_others_are_not(
    setting, operation, field, state, shop, http, make_user, token_for, monkeypatch
):
    # Given a budget of 3 for this mutation
    monkeypatch.setattr(state.settings, setting, 3)
    sku = await shop.sku()
    spammer = GraphQLClient(http, token_for(await make_user()))
    other = GraphQLClient(http, token_for(await make_user()))

    # When one shopper sends it 4 times
    for _ in range(3):
        assert field in await spammer.execute(*operation(sku.id))
    errors = await spammer.errors(*operation(sku.id))

    # Then the 4th is refused with a wait, and another shopper still gets through
    assert codes(errors) == ["RATE_LIMITED"]
    assert errors[0]["extensions"]["retryAfter"] > 0
    assert field in await other.execute(*operation(sku.id))


async def test_a_limited_call_writes_nothing(state, shop, customer_api, customer, monkeypatch):
    monkeypatch.setattr(state.settings, "rate_cart_adds_per_minute", 2)
    monkeypatch.setattr(state.settings, "rate_address_creates_per_hour", 1)
    sku = await shop.sku()

    for _ in range(2):
        await customer_api.execute(*_cart_add(sku.id))
    await customer_api.execute(*_address(sku.id))
    assert codes(await customer_api.errors(*_cart_add(sku.id))) == ["RATE_LIMITED"]
    assert codes(await customer_api.errors(*_address(sku.id))) == ["RATE_LIMITED"]

    assert (await CartLine.get(user_id=customer.id)).quantity == 2
    assert await Address.filter(user_id=customer.id).count() == 1


async def test_the_default_budgets(state):
    settings = state.settings
    assert (
        settings.rate_order_creates_per_minute,
        settings.rate_cart_adds_per_minute,
        settings.rate_after_sale_requests_per_hour,
        settings.rate_reviews_per_hour,
        settings.rate_address_creates_per_hour,
        settings.order_max_unpaid_per_user,
    ) == (10, 60, 10, 20, 10, 5)
