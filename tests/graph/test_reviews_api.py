"""Reviews through the real HTTP API: writing, moderation, the product's reviews and rating."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from models import OrderLine, OrderStatus, Product, Review, Sku
from tests.support.catalog import (
    cache_of,
    completed_order_lines,
    make_category,
    make_product,
    make_reviews,
)
from tests.support.graphql import codes

REVIEW_CREATE = """
mutation ($input: ReviewCreateInput!) {
  reviewCreate(input: $input) {
    review { id rating body images specText authorName isHidden product { id } }
    errors { field code message }
  }
}
"""
REVIEW_HIDE = """
mutation ($id: ID!, $reason: String! = "") {
  reviewHide(input: {id: $id, reason: $reason}) { review { id isHidden } errors { field code } }
}
"""
REVIEW_UNHIDE = """
mutation ($id: ID!) { reviewUnhide(input: {id: $id}) { review { id isHidden } errors { field code } } }
"""
PRODUCT_REVIEWS = """
query ($id: ID!, $first: Int, $after: String, $all: Boolean! = false) {
  product(id: $id) {
    rating { average count }
    reviews(first: $first, after: $after, includeHidden: $all) {
      edges { cursor node { id rating body isHidden } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
    }
  }
}
"""
RATING = "query ($id: ID!) { product(id: $id) { id title rating { average count } } }"
LINE_REVIEW = "query ($id: ID!) { node(id: $id) { ... on OrderLine { review { id rating } } } }"
REVIEW_NODE = "query ($id: ID!) { node(id: $id) { ... on Review { id body isHidden } } }"


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


@pytest.fixture
def cache(state):
    return cache_of(state)


@pytest.fixture
async def coats_sku(cache) -> Sku:
    """The one SKU of a product on the shelf."""
    product = await make_product(
        cache, category=await make_category("Coats"), colours=["red"], sizes=["M"]
    )
    return await Sku.get(product_id=product.id)


def review_input(line_id: int, **overrides) -> dict:
    return {"orderLineId": gid("OrderLine", line_id), "rating": 5, "body": "Warm", **overrides}


async def _line(shop, user, status: OrderStatus = OrderStatus.COMPLETED) -> OrderLine:
    sku = await shop.sku()
    order = await shop.order_in(user, status, sku)
    return await OrderLine.get(order_id=order.id)


async def test_a_buyer_reviews_a_completed_line_and_the_product_shows_it(
    customer_api, api, shop, customer
):
    line = await _line(shop, customer)

    payload = (
        await customer_api.execute(
            REVIEW_CREATE,
            {"input": review_input(line.id, rating=4, images=["https://img.example/r.jpg"])},
        )
    )["reviewCreate"]
    page = (await api.execute(PRODUCT_REVIEWS, {"id": gid("Product", line.product_id)}))["product"]
    mine = await customer_api.execute(LINE_REVIEW, {"id": gid("OrderLine", line.id)})

    review = payload["review"]
    assert payload["errors"] == []
    assert (review["rating"], review["body"], review["isHidden"]) == (4, "Warm", False)
    assert review["authorName"] == customer.nickname[0] + "***"
    assert review["specText"] == line.spec_text
    assert review["product"]["id"] == gid("Product", line.product_id)
    assert page["rating"] == {"average": 4.0, "count": 1}
    assert [e["node"]["id"] for e in page["reviews"]["edges"]] == [review["id"]]
    assert mine["node"]["review"]["id"] == review["id"]
    assert await Review.filter(order_line_id=line.id).count() == 1


# --- one test per error code ---------------------------------------------------------------------


async def _refused(customer_api, variables) -> list[tuple[str, list[str]]]:
    payload = (await customer_api.execute(REVIEW_CREATE, variables))["reviewCreate"]
    assert payload["review"] is None
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def test_not_found_for_a_missing_line(customer_api):
    assert await _refused(customer_api, {"input": review_input(404)}) == [
        ("NOT_FOUND", ["orderLineId"])
    ]


async def test_not_found_for_another_shoppers_line(customer_api, shop, make_user):
    line = await _line(shop, await make_user())

    assert await _refused(customer_api, {"input": review_input(line.id)}) == [
        ("NOT_FOUND", ["orderLineId"])
    ]
    assert not await Review.exists()


@pytest.mark.parametrize("status", [OrderStatus.PAID, OrderStatus.DELIVERED, OrderStatus.REFUNDED])
async def test_order_not_completed(customer_api, shop, customer, status):
    line = await _line(shop, customer, status)

    assert await _refused(customer_api, {"input": review_input(line.id)}) == [
        ("ORDER_NOT_COMPLETED", ["orderLineId"])
    ]
    assert not await Review.exists()


async def test_already_reviewed(customer_api, shop, customer):
    line = await _line(shop, customer)
    await customer_api.execute(REVIEW_CREATE, {"input": review_input(line.id, rating=5)})

    assert await _refused(customer_api, {"input": review_input(line.id, rating=1)}) == [
        ("ALREADY_REVIEWED", ["orderLineId"])
    ]
    product = await Product.get(id=line.product_id)
    assert (product.rating_count, product.rating_sum) == (1, 5)


@pytest.mark.parametrize("rating", [0, 6, -1])
async def test_rating_out_of_range(customer_api, shop, customer, rating):
    line = await _line(shop, customer)

    assert await _refused(customer_api, {"input": review_input(line.id, rating=rating)}) == [
        ("RATING_OUT_OF_RANGE", ["rating"])
    ]
    assert not await Review.exists()
    assert (await Product.get(id=line.product_id)).rating_count == 0


async def test_too_long(customer_api, shop, customer):
    line = await _line(shop, customer)

    assert await _refused(customer_api, {"input": review_input(line.id, body="好" * 1001)}) == [
        ("TOO_LONG", ["body"])
    ]
    assert not await Review.exists()


async def test_too_many_images(customer_api, shop, customer):
    line = await _line(shop, customer)
    images = [f"https://img.example/{i}.jpg" for i in range(10)]

    assert await _refused(customer_api, {"input": review_input(line.id, images=images)}) == [
        ("TOO_MANY", ["images"])
    ]


async def test_invalid_image_url(customer_api, shop, customer):
    line = await _line(shop, customer)
    images = ["https://img.example/ok.jpg", "javascript:alert(1)"]

    assert await _refused(customer_api, {"input": review_input(line.id, images=images)}) == [
        ("INVALID", ["images", "1"])
    ]


async def test_everything_wrong_at_once_is_listed(customer_api, shop, customer):
    line = await _line(shop, customer)

    errors = await _refused(
        customer_api, {"input": review_input(line.id, rating=9, body="x" * 1001)}
    )

    assert errors == [("RATING_OUT_OF_RANGE", ["rating"]), ("TOO_LONG", ["body"])]


async def test_a_visitor_cannot_review(api, shop, customer):
    line = await _line(shop, customer)

    errors = await api.errors(REVIEW_CREATE, {"input": review_input(line.id)})

    assert codes(errors) == ["UNAUTHENTICATED"]
    assert not await Review.exists()


async def test_a_malformed_line_id_is_bad_user_input(customer_api):
    errors = await customer_api.errors(
        REVIEW_CREATE, {"input": {"orderLineId": gid("Product", 1), "rating": 5}}
    )

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == ["orderLineId"]


# --- moderation -----------------------------------------------------------------------------------


async def test_staff_hide_a_review_it_leaves_the_page_and_the_rating_at_once(
    api, staff_api, cache, customer, coats_sku
):
    kept, hidden = await make_reviews(cache, customer, coats_sku.id, [5, 1])
    variables = {"id": gid("Product", coats_sku.product_id)}
    before = (await api.execute(PRODUCT_REVIEWS, variables))["product"]
    cached = (await api.execute(RATING, variables))["product"]  # whole response cached

    payload = (
        await staff_api.execute(REVIEW_HIDE, {"id": gid("Review", hidden.id), "reason": "abuse"})
    )["reviewHide"]
    after = (await api.execute(PRODUCT_REVIEWS, variables))["product"]
    rating = (await api.execute(RATING, variables))["product"]["rating"]
    staff_view = (await staff_api.execute(PRODUCT_REVIEWS, {**variables, "all": True}))["product"]
    shopper_asks_all = (await api.execute(PRODUCT_REVIEWS, {**variables, "all": True}))["product"]

    assert payload == {"review": {"id": gid("Review", hidden.id), "isHidden": True}, "errors": []}
    assert before["rating"] == cached["rating"] == {"average": 3.0, "count": 2}
    assert [e["node"]["body"] for e in before["reviews"]["edges"]] == ["#1", "#0"]
    assert [e["node"]["body"] for e in after["reviews"]["edges"]] == ["#0"]
    assert rating == after["rating"] == {"average": 5.0, "count": 1}
    assert [e["node"]["isHidden"] for e in staff_view["reviews"]["edges"]] == [True, False]
    assert [e["node"]["body"] for e in shopper_asks_all["reviews"]["edges"]] == ["#0"]
    assert kept.id != hidden.id


async def test_unhide_brings_it_back(api, staff_api, cache, customer, coats_sku):
    (review,) = await make_reviews(cache, customer, coats_sku.id, [2])
    await staff_api.execute(REVIEW_HIDE, {"id": gid("Review", review.id)})

    payload = (await staff_api.execute(REVIEW_UNHIDE, {"id": gid("Review", review.id)}))[
        "reviewUnhide"
    ]
    page = (await api.execute(PRODUCT_REVIEWS, {"id": gid("Product", coats_sku.product_id)}))[
        "product"
    ]

    assert payload["review"]["isHidden"] is False
    assert page["rating"] == {"average": 2.0, "count": 1}
    assert len(page["reviews"]["edges"]) == 1


async def test_hiding_a_missing_review_is_not_found(staff_api):
    payload = (await staff_api.execute(REVIEW_HIDE, {"id": gid("Review", 404)}))["reviewHide"]

    assert payload == {"review": None, "errors": [{"field": ["id"], "code": "NOT_FOUND"}]}


async def test_a_hide_reason_too_long_changes_nothing(staff_api, cache, customer, coats_sku):
    (review,) = await make_reviews(cache, customer, coats_sku.id, [1])

    payload = (
        await staff_api.execute(REVIEW_HIDE, {"id": gid("Review", review.id), "reason": "x" * 256})
    )["reviewHide"]

    assert payload == {"review": None, "errors": [{"field": ["reason"], "code": "TOO_LONG"}]}
    assert (await Review.get(id=review.id)).is_hidden is False
    assert (await Product.get(id=coats_sku.product_id)).rating_count == 1


async def test_a_shopper_cannot_hide_and_nothing_changes(customer_api, cache, customer, coats_sku):
    (review,) = await make_reviews(cache, customer, coats_sku.id, [1])

    errors = await customer_api.errors(REVIEW_HIDE, {"id": gid("Review", review.id)})

    assert codes(errors) == ["FORBIDDEN"]
    assert (await Review.get(id=review.id)).is_hidden is False
    assert (await Product.get(id=coats_sku.product_id)).rating_count == 1


async def test_a_hidden_review_is_null_to_other_shoppers_but_not_to_its_author_or_staff(
    api, customer_api, staff_api, cache, customer, coats_sku
):
    (review,) = await make_reviews(cache, customer, coats_sku.id, [1])
    await staff_api.execute(REVIEW_HIDE, {"id": gid("Review", review.id)})
    variables = {"id": gid("Review", review.id)}

    assert (await api.execute(REVIEW_NODE, variables))["node"] is None
    assert (await customer_api.execute(REVIEW_NODE, variables))["node"]["isHidden"] is True
    assert (await staff_api.execute(REVIEW_NODE, variables))["node"]["isHidden"] is True


# --- reading --------------------------------------------------------------------------------------


async def test_reviews_come_newest_first_and_pages_cover_each_once(api, cache, customer, coats_sku):
    await make_reviews(cache, customer, coats_sku.id, [5, 4, 3, 2, 1, 5, 4])
    variables = {"id": gid("Product", coats_sku.product_id), "first": 3}

    seen: list[str] = []
    pages = 0
    after = None
    while True:
        data = (await api.execute(PRODUCT_REVIEWS, {**variables, "after": after}))["product"]
        reviews = data["reviews"]
        seen += [e["node"]["body"] for e in reviews["edges"]]
        assert reviews["pageInfo"]["hasPreviousPage"] is (after is not None)
        pages += 1
        if not reviews["pageInfo"]["hasNextPage"]:
            break
        after = reviews["pageInfo"]["endCursor"]

    assert seen == ["#6", "#5", "#4", "#3", "#2", "#1", "#0"]
    assert pages == 3


async def test_first_over_100_and_bad_cursors_are_bad_user_input(api, coats_sku):
    variables = {"id": gid("Product", coats_sku.product_id)}

    too_many = await api.errors(PRODUCT_REVIEWS, {**variables, "first": 101})
    bad_cursor = await api.errors(PRODUCT_REVIEWS, {**variables, "after": "bm90LWEtY3Vyc29y"})

    assert codes(too_many) == ["BAD_USER_INPUT"] and too_many[0]["extensions"]["field"] == ["first"]
    assert codes(bad_cursor) == ["BAD_USER_INPUT"] and bad_cursor[0]["extensions"]["field"] == [
        "after"
    ]


async def test_a_line_of_a_completed_order_has_no_review_until_written(
    customer_api, customer, coats_sku
):
    (line,) = await completed_order_lines(customer, coats_sku.id, 1)

    data = await customer_api.execute(LINE_REVIEW, {"id": gid("OrderLine", line.id)})

    assert data["node"] == {"review": None}
