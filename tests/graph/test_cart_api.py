"""The cart over GraphQL: lines, totals at today's prices, and every refusal."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import CartLine, ProductStatus, Sku
from tests.support.graphql import GraphQLClient, codes
from tests.support.shop import gid, pk_of

CART_FIELDS = """
  lines {
    id skuId productId title specText imageUrl quantity selected
    unitPrice { amount currency } priceWhenAdded { amount } priceChange { amount }
    lineTotal { amount } onSale inStock
  }
  selectedQuantity subtotal { amount currency }
"""
ERRORS = "errors { field message code }"

CART = f"query {{ cart {{ {CART_FIELDS} }} }}"
ADD = f"""
mutation($lines: [CartLineAddInput!]!) {{
  cartLinesAdd(input: {{lines: $lines}}) {{ cart {{ {CART_FIELDS} }} {ERRORS} }}
}}"""
UPDATE = f"""
mutation($lines: [CartLineUpdateInput!]!) {{
  cartLinesUpdate(input: {{lines: $lines}}) {{ cart {{ {CART_FIELDS} }} {ERRORS} }}
}}"""
REMOVE = f"""
mutation($ids: [ID!]!) {{
  cartLinesRemove(input: {{lineIds: $ids}}) {{ cart {{ {CART_FIELDS} }} {ERRORS} }}
}}"""
SELECT = f"""
mutation($ids: [ID!], $selected: Boolean!) {{
  cartLinesSelect(input: {{lineIds: $ids, selected: $selected}}) {{ cart {{ {CART_FIELDS} }} {ERRORS} }}
}}"""
NODE = "query($id: ID!) { node(id: $id) { ... on CartLine { id quantity } } }"


async def _add(api: GraphQLClient, *lines: tuple[Sku, int]) -> dict:
    data = await api.execute(
        ADD, {"lines": [{"skuId": gid("Sku", s.id), "quantity": q} for s, q in lines]}
    )
    return data["cartLinesAdd"]


async def test_adding_merges_lines_and_totals_count_selected_lines(customer_api, shop, customer):
    tee = await shop.sku(price="59.00")
    mug = await shop.sku(price="20.50")

    first = await _add(customer_api, (tee, 1), (mug, 2))
    again = await _add(customer_api, (tee, 2))

    assert first["errors"] == again["errors"] == []
    cart = again["cart"]
    by_sku = {line["skuId"]: line for line in cart["lines"]}
    assert by_sku[gid("Sku", tee.id)]["quantity"] == 3
    assert by_sku[gid("Sku", tee.id)]["lineTotal"]["amount"] == "177.00"
    assert by_sku[gid("Sku", mug.id)]["specText"] == "M"
    assert cart["subtotal"] == {"amount": "218.00", "currency": "CNY"}
    assert cart["selectedQuantity"] == 5
    assert await CartLine.filter(user_id=customer.id).count() == 2


async def test_each_line_says_if_it_can_still_be_bought_and_how_its_price_moved(customer_api, shop):
    tee = await shop.sku(price="59.00", stock=5)
    mug = await shop.sku(price="20.00", stock=5)
    hat = await shop.sku(price="10.00", stock=5)
    await _add(customer_api, (tee, 2), (mug, 2), (hat, 1))

    # The tee got cheaper, the mug sold out below the quantity, the hat left the shelf
    await Sku.filter(id=tee.id).update(price=Decimal("49.00"))
    await Sku.filter(id=mug.id).update(stock=1)
    hat_product = await (await Sku.get(id=hat.id)).product
    hat_product.status = ProductStatus.OFF_SHELF
    await hat_product.save()

    cart = (await customer_api.execute(CART))["cart"]

    lines = {line["skuId"]: line for line in cart["lines"]}
    tee_line, mug_line, hat_line = (lines[gid("Sku", s.id)] for s in (tee, mug, hat))
    assert tee_line["unitPrice"]["amount"] == "49.00"
    assert tee_line["priceWhenAdded"]["amount"] == "59.00"
    assert tee_line["priceChange"]["amount"] == "-10.00"
    assert (tee_line["onSale"], tee_line["inStock"]) == (True, True)
    assert (mug_line["onSale"], mug_line["inStock"]) == (True, False)
    assert (hat_line["onSale"], hat_line["inStock"]) == (False, True)
    # Only what can be bought now counts.
    assert cart["subtotal"]["amount"] == "98.00"
    assert cart["selectedQuantity"] == 2


async def test_change_quantity_switch_sku_select_and_remove(customer_api, shop, customer):
    _, (red, blue) = await shop.product(
        skus=[({"Colour": "red"}, "59.00", 10), ({"Colour": "blue"}, "69.00", 10)]
    )
    mug = await shop.sku(price="20.00")
    cart = (await _add(customer_api, (red, 1), (mug, 1)))["cart"]
    lines = {line["skuId"]: line["id"] for line in cart["lines"]}
    red_line, mug_line = lines[gid("Sku", red.id)], lines[gid("Sku", mug.id)]

    # Change quantity and switch to blue in one go; unselect the mug
    updated = (
        await customer_api.execute(
            UPDATE,
            {
                "lines": [
                    {"lineId": red_line, "quantity": 3, "skuId": gid("Sku", blue.id)},
                    {"lineId": mug_line, "selected": False},
                ]
            },
        )
    )["cartLinesUpdate"]
    assert updated["errors"] == []
    lines = {line["id"]: line for line in updated["cart"]["lines"]}
    assert lines[red_line]["skuId"] == gid("Sku", blue.id)
    assert lines[red_line]["quantity"] == 3
    assert lines[red_line]["priceWhenAdded"]["amount"] == "69.00"
    assert lines[mug_line]["selected"] is False
    assert updated["cart"]["subtotal"]["amount"] == "207.00"

    # Select everything again, then remove the mug
    selected = (await customer_api.execute(SELECT, {"ids": None, "selected": True}))[
        "cartLinesSelect"
    ]
    assert selected["cart"]["subtotal"]["amount"] == "227.00"
    removed = (await customer_api.execute(REMOVE, {"ids": [mug_line]}))["cartLinesRemove"]
    assert [line["id"] for line in removed["cart"]["lines"]] == [red_line]
    assert await CartLine.filter(user_id=customer.id).count() == 1


async def test_switching_onto_a_sku_already_in_the_cart_merges_the_lines(customer_api, shop):
    _, (red, blue) = await shop.product(
        skus=[({"Colour": "red"}, "59.00", 10), ({"Colour": "blue"}, "59.00", 10)]
    )
    cart = (await _add(customer_api, (red, 1), (blue, 2)))["cart"]
    red_line = next(line["id"] for line in cart["lines"] if line["skuId"] == gid("Sku", red.id))

    updated = (
        await customer_api.execute(
            UPDATE, {"lines": [{"lineId": red_line, "skuId": gid("Sku", blue.id)}]}
        )
    )["cartLinesUpdate"]

    assert [(line["skuId"], line["quantity"]) for line in updated["cart"]["lines"]] == [
        (gid("Sku", blue.id), 3)
    ]


async def test_cart_lines_are_nodes_only_for_their_owner(
    customer_api, shop, http, make_user, token_for
):
    tee = await shop.sku()
    line_id = (await _add(customer_api, (tee, 1)))["cart"]["lines"][0]["id"]
    stranger = GraphQLClient(http, token_for(await make_user()))

    mine = await customer_api.execute(NODE, {"id": line_id})
    theirs = await stranger.execute(NODE, {"id": line_id})

    assert mine["node"] == {"id": line_id, "quantity": 1}
    assert theirs["node"] is None


async def test_the_cart_needs_a_login(api):
    assert codes(await api.errors(CART)) == ["UNAUTHENTICATED"]


# --- refusals: one per code, each leaving the cart as it was ----------------------------------


async def _assert_refused(api, document, variables, code, field, customer, before):
    data = await api.execute(document, variables)
    payload = next(iter(data.values()))
    assert payload["cart"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    after = sorted(
        await CartLine.filter(user_id=customer.id).values_list("sku_id", "quantity", "selected")
    )
    assert after == before


@pytest.mark.parametrize(
    ("quantity", "code"),
    [(0, "INVALID_QUANTITY"), (-2, "INVALID_QUANTITY"), (100, "QUANTITY_LIMIT_EXCEEDED")],
)
async def test_bad_quantities_are_refused(customer_api, shop, customer, quantity, code):
    tee = await shop.sku()
    variables = {"lines": [{"skuId": gid("Sku", tee.id), "quantity": quantity}]}
    await _assert_refused(
        customer_api, ADD, variables, code, ["lines", "0", "quantity"], customer, []
    )


async def test_adding_up_to_more_than_the_cap_is_refused(customer_api, shop, customer):
    tee = await shop.sku(stock=500)
    await _add(customer_api, (tee, 90))
    variables = {"lines": [{"skuId": gid("Sku", tee.id), "quantity": 10}]}
    await _assert_refused(
        customer_api,
        ADD,
        variables,
        "QUANTITY_LIMIT_EXCEEDED",
        ["lines", "0", "quantity"],
        customer,
        [(tee.id, 90, True)],
    )


async def test_a_missing_sku_is_refused(customer_api, customer):
    variables = {"lines": [{"skuId": gid("Sku", 424242), "quantity": 1}]}
    await _assert_refused(
        customer_api, ADD, variables, "SKU_NOT_FOUND", ["lines", "0", "skuId"], customer, []
    )


async def test_an_off_shelf_product_is_refused(customer_api, shop, customer):
    tee = await shop.sku(status=ProductStatus.OFF_SHELF)
    ok = await shop.sku()
    variables = {
        "lines": [
            {"skuId": gid("Sku", ok.id), "quantity": 1},
            {"skuId": gid("Sku", tee.id), "quantity": 1},
        ]
    }
    await _assert_refused(
        customer_api, ADD, variables, "PRODUCT_NOT_AVAILABLE", ["lines", "1", "skuId"], customer, []
    )


async def test_more_than_the_stock_is_refused(customer_api, shop, customer):
    tee = await shop.sku(stock=2)
    variables = {"lines": [{"skuId": gid("Sku", tee.id), "quantity": 3}]}
    await _assert_refused(
        customer_api, ADD, variables, "INSUFFICIENT_STOCK", ["lines", "0", "quantity"], customer, []
    )


async def test_a_full_cart_is_refused(customer_api, shop, customer, state, monkeypatch):
    monkeypatch.setattr(state.settings, "cart_max_lines", 2)
    a, b, c = [await shop.sku() for _ in range(3)]
    await _add(customer_api, (a, 1), (b, 1))
    variables = {"lines": [{"skuId": gid("Sku", c.id), "quantity": 1}]}
    await _assert_refused(
        customer_api,
        ADD,
        variables,
        "CART_FULL",
        None,
        customer,
        sorted([(a.id, 1, True), (b.id, 1, True)]),
    )


async def test_switching_to_a_sku_of_another_product_is_refused(customer_api, shop, customer):
    tee, mug = await shop.sku(), await shop.sku()
    line = (await _add(customer_api, (tee, 1)))["cart"]["lines"][0]["id"]
    variables = {"lines": [{"lineId": line, "skuId": gid("Sku", mug.id)}]}
    await _assert_refused(
        customer_api,
        UPDATE,
        variables,
        "SKU_OF_ANOTHER_PRODUCT",
        ["lines", "0", "skuId"],
        customer,
        [(tee.id, 1, True)],
    )


async def test_someone_elses_cart_line_is_not_found(
    customer_api, shop, customer, http, make_user, token_for
):
    tee = await shop.sku()
    mine = (await _add(customer_api, (tee, 1)))["cart"]["lines"][0]["id"]
    stranger_user = await make_user()
    stranger = GraphQLClient(http, token_for(stranger_user))

    for document, variables, field in (
        (UPDATE, {"lines": [{"lineId": mine, "quantity": 5}]}, ["lines", "0", "lineId"]),
        (REMOVE, {"ids": [mine]}, ["lineIds", "0"]),
        (SELECT, {"ids": [mine], "selected": False}, ["lineIds", "0"]),
    ):
        await _assert_refused(
            stranger, document, variables, "LINE_NOT_FOUND", field, stranger_user, []
        )
    assert await CartLine.filter(user_id=customer.id).values_list("quantity", "selected") == [
        (1, True)
    ]


async def test_a_malformed_sku_id_is_bad_user_input(customer_api):
    errors = await customer_api.errors(ADD, {"lines": [{"skuId": "not-an-id", "quantity": 1}]})
    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_concurrent_adds_of_one_sku_add_up(customer_api, shop, customer):
    tee = await shop.sku(stock=50)

    results = await asyncio.gather(*[_add(customer_api, (tee, 1)) for _ in range(10)])

    assert all(r["errors"] == [] for r in results)
    assert await CartLine.filter(user_id=customer.id).values_list("quantity", flat=True) == [10]


# --- switching SKUs between lines ---------------------------------------------------------------


async def _lines(customer) -> list[tuple[int, int, int]]:
    return sorted(
        await CartLine.filter(user_id=customer.id).values_list("id", "sku_id", "quantity")
    )


async def test_two_lines_swapping_skus_keep_both_lines(customer_api, shop, customer):
    _, (red, blue) = await shop.product(
        skus=[({"Colour": "red"}, "59.00", 10), ({"Colour": "blue"}, "69.00", 10)]
    )
    cart = (await _add(customer_api, (red, 1), (blue, 2)))["cart"]
    ids = {line["skuId"]: line["id"] for line in cart["lines"]}
    red_line, blue_line = ids[gid("Sku", red.id)], ids[gid("Sku", blue.id)]

    updated = (
        await customer_api.execute(
            UPDATE,
            {
                "lines": [
                    {"lineId": red_line, "skuId": gid("Sku", blue.id)},
                    {"lineId": blue_line, "skuId": gid("Sku", red.id)},
                ]
            },
        )
    )["cartLinesUpdate"]

    assert updated["errors"] == []
    lines = {line["id"]: (line["skuId"], line["quantity"]) for line in updated["cart"]["lines"]}
    assert lines == {red_line: (gid("Sku", blue.id), 1), blue_line: (gid("Sku", red.id), 2)}
    assert await _lines(customer) == sorted(
        [(pk_of(red_line), blue.id, 1), (pk_of(blue_line), red.id, 2)]
    )


async def test_two_lines_switching_onto_one_new_sku_merge(customer_api, shop, customer):
    _, (red, blue, green) = await shop.product(
        skus=[
            ({"Colour": "red"}, "59.00", 10),
            ({"Colour": "blue"}, "59.00", 10),
            ({"Colour": "green"}, "59.00", 10),
        ]
    )
    cart = (await _add(customer_api, (red, 1), (blue, 2)))["cart"]
    ids = {line["skuId"]: line["id"] for line in cart["lines"]}

    updated = (
        await customer_api.execute(
            UPDATE,
            {
                "lines": [
                    {"lineId": ids[gid("Sku", red.id)], "skuId": gid("Sku", green.id)},
                    {"lineId": ids[gid("Sku", blue.id)], "skuId": gid("Sku", green.id)},
                ]
            },
        )
    )["cartLinesUpdate"]

    assert updated["errors"] == []
    assert [(line["skuId"], line["quantity"]) for line in updated["cart"]["lines"]] == [
        (gid("Sku", green.id), 3)
    ]
    assert [(s, q) for _, s, q in await _lines(customer)] == [(green.id, 3)]


async def test_switching_onto_a_line_that_changes_in_the_same_request_merges_its_new_quantity(
    customer_api, shop, customer
):
    _, (red, blue) = await shop.product(
        skus=[({"Colour": "red"}, "59.00", 10), ({"Colour": "blue"}, "59.00", 10)]
    )
    cart = (await _add(customer_api, (red, 1), (blue, 2)))["cart"]
    ids = {line["skuId"]: line["id"] for line in cart["lines"]}

    updated = (
        await customer_api.execute(
            UPDATE,
            {
                "lines": [
                    {"lineId": ids[gid("Sku", red.id)], "skuId": gid("Sku", blue.id)},
                    {"lineId": ids[gid("Sku", blue.id)], "quantity": 4},
                ]
            },
        )
    )["cartLinesUpdate"]

    assert updated["errors"] == []
    assert [(s, q) for _, s, q in await _lines(customer)] == [(blue.id, 5)]


async def test_a_merge_above_the_cap_is_refused(customer_api, shop, customer):
    _, (red, blue) = await shop.product(
        skus=[({"Colour": "red"}, "59.00", 500), ({"Colour": "blue"}, "59.00", 500)]
    )
    cart = (await _add(customer_api, (red, 60), (blue, 60)))["cart"]
    red_line = next(line["id"] for line in cart["lines"] if line["skuId"] == gid("Sku", red.id))
    await _assert_refused(
        customer_api,
        UPDATE,
        {"lines": [{"lineId": red_line, "skuId": gid("Sku", blue.id)}]},
        "QUANTITY_LIMIT_EXCEEDED",
        ["lines", "0", "quantity"],
        customer,
        sorted([(red.id, 60, True), (blue.id, 60, True)]),
    )


async def test_the_same_line_twice_is_refused(customer_api, shop, customer):
    tee = await shop.sku()
    line = (await _add(customer_api, (tee, 1)))["cart"]["lines"][0]["id"]
    await _assert_refused(
        customer_api,
        UPDATE,
        {"lines": [{"lineId": line, "quantity": 2}, {"lineId": line, "quantity": 3}]},
        "DUPLICATE_LINE",
        ["lines", "1", "lineId"],
        customer,
        [(tee.id, 1, True)],
    )


@pytest.mark.parametrize(
    ("document", "variables", "field"),
    [
        (ADD, {"lines": [{"skuId": "nope", "quantity": 1}]}, ["lines", "0", "skuId"]),
        (UPDATE, {"lines": [{"lineId": "nope"}]}, ["lines", "0", "lineId"]),
        (REMOVE, {"ids": ["nope"]}, ["lineIds", "0"]),
        (SELECT, {"ids": ["nope"], "selected": True}, ["lineIds", "0"]),
    ],
)
async def test_a_malformed_id_names_its_field_as_a_list_path(
    customer_api, document, variables, field
):
    errors = await customer_api.errors(document, variables)
    assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
        ("BAD_USER_INPUT", field)
    ]
