"""Reviews and rating summaries under real concurrency on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest

from models import AuditLog, OrderLine, OrderStatus, Product, Review
from resolvers.catalog import reviews
from resolvers.catalog.cache import catalog_cache
from resolvers.catalog.errors import CatalogErrorCode
from resolvers.core.errors import DomainError


@pytest.fixture
def cache(state):
    return catalog_cache(state)


async def _completed_line(shop, user, sku) -> OrderLine:
    order = await shop.order_in(user, OrderStatus.COMPLETED, sku)
    return await OrderLine.get(order_id=order.id)


def _average(total: int, count: int) -> Decimal:
    # Two decimals, halves rounded up (SQL's ROUND on numeric).
    if not count:
        return Decimal("0.00")
    return (Decimal(total) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


async def _summary(product_id: int) -> tuple[int, int, Decimal]:
    product = await Product.get(id=product_id)
    return product.rating_count, product.rating_sum, product.rating_avg


async def test_the_buyer_reviews_a_completed_line_and_the_summary_counts_it(shop, cache, customer):
    sku = await shop.sku()
    line = await _completed_line(shop, customer, sku)

    review = await reviews.create_review(
        cache=cache,
        user_id=customer.id,
        order_line_id=line.id,
        rating=4,
        body="  Warm\r\nand soft\x07  ",
        images=["https://img.example/r1.jpg"],
    )

    assert (review.rating, review.body, review.images) == (
        4,
        "Warm\nand soft",
        ["https://img.example/r1.jpg"],
    )
    assert review.spec_text == line.spec_text and review.product_id == sku.product_id
    assert review.author_nickname == customer.nickname
    assert await _summary(sku.product_id) == (1, 4, Decimal("4.00"))


async def test_concurrent_reviews_of_one_line_count_once(shop, cache, customer):
    sku = await shop.sku()
    line = await _completed_line(shop, customer, sku)

    results = await asyncio.gather(
        *(
            reviews.create_review(cache=cache, user_id=customer.id, order_line_id=line.id, rating=5)
            for _ in range(6)
        ),
        return_exceptions=True,
    )

    created = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1 and len(refused) == 5
    assert {e.code for e in refused} == {CatalogErrorCode.ALREADY_REVIEWED}
    assert await Review.filter(order_line_id=line.id).count() == 1
    assert await _summary(sku.product_id) == (1, 5, Decimal("5.00"))


async def test_concurrent_reviews_of_many_lines_all_count(shop, cache, make_user):
    sku = await shop.sku(stock=100)
    ratings = [5, 4, 4, 3, 1, 5, 2, 5]
    lines = []
    for _ in ratings:
        buyer = await make_user()
        lines.append((buyer, await _completed_line(shop, buyer, sku)))

    await asyncio.gather(
        *(
            reviews.create_review(
                cache=cache, user_id=buyer.id, order_line_id=line.id, rating=rating
            )
            for (buyer, line), rating in zip(lines, ratings, strict=True)
        )
    )

    count, total, average = await _summary(sku.product_id)
    assert (count, total) == (len(ratings), sum(ratings))
    assert average == _average(sum(ratings), len(ratings)) == Decimal("3.63")


async def test_hiding_takes_a_review_out_of_the_summary_exactly_once(
    shop, cache, customer, make_user, staff_user
):
    sku = await shop.sku()
    kept = await reviews.create_review(
        cache=cache,
        user_id=customer.id,
        order_line_id=(await _completed_line(shop, customer, sku)).id,
        rating=5,
    )
    other = await make_user()
    hidden = await reviews.create_review(
        cache=cache,
        user_id=other.id,
        order_line_id=(await _completed_line(shop, other, sku)).id,
        rating=1,
    )

    results = await asyncio.gather(
        *(
            reviews.set_review_hidden(
                cache=cache, actor_id=staff_user.id, review_id=hidden.id, hidden=True, reason="spam"
            )
            for _ in range(5)
        )
    )

    assert all(r.is_hidden for r in results)
    assert await _summary(sku.product_id) == (1, 5, Decimal("5.00"))
    row = await Review.get(id=hidden.id)
    assert row.hidden_by_id == staff_user.id and row.hidden_reason == "spam"
    # one audit row: only the hide that changed something is recorded
    assert await AuditLog.filter(action="review.hide", entity_id=hidden.id).count() == 1
    assert kept.id != hidden.id


async def test_unhiding_counts_it_again_and_hiding_the_last_review_leaves_zero(
    shop, cache, customer, staff_user
):
    sku = await shop.sku()
    review = await reviews.create_review(
        cache=cache,
        user_id=customer.id,
        order_line_id=(await _completed_line(shop, customer, sku)).id,
        rating=3,
    )

    await reviews.set_review_hidden(
        cache=cache, actor_id=staff_user.id, review_id=review.id, hidden=True
    )
    assert await _summary(sku.product_id) == (0, 0, Decimal("0.00"))
    again = await reviews.set_review_hidden(
        cache=cache, actor_id=staff_user.id, review_id=review.id, hidden=False
    )
    assert again.is_hidden is False
    assert await _summary(sku.product_id) == (1, 3, Decimal("3.00"))
    await reviews.set_review_hidden(
        cache=cache, actor_id=staff_user.id, review_id=review.id, hidden=False
    )
    assert await _summary(sku.product_id) == (1, 3, Decimal("3.00"))


async def test_racing_hides_and_unhides_leave_the_summary_true(shop, cache, make_user, staff_user):
    sku = await shop.sku(stock=100)
    made = []
    for rating in (5, 4, 2):
        buyer = await make_user()
        line = await _completed_line(shop, buyer, sku)
        made.append(
            await reviews.create_review(
                cache=cache, user_id=buyer.id, order_line_id=line.id, rating=rating
            )
        )
    chooser = random.Random(7)
    moves = [(chooser.choice(made).id, chooser.random() < 0.5) for _ in range(30)]

    await asyncio.gather(
        *(
            reviews.set_review_hidden(
                cache=cache, actor_id=staff_user.id, review_id=review_id, hidden=hidden
            )
            for review_id, hidden in moves
        )
    )

    visible = await Review.filter(product_id=sku.product_id, is_hidden=False)
    count, total, average = await _summary(sku.product_id)
    assert (count, total) == (len(visible), sum(r.rating for r in visible))
    assert average == _average(total, count)


async def test_hiding_a_missing_review_is_not_found(cache, staff_user):
    with pytest.raises(DomainError) as caught:
        await reviews.set_review_hidden(
            cache=cache, actor_id=staff_user.id, review_id=404, hidden=True
        )
    assert (caught.value.code, caught.value.field) == (CatalogErrorCode.NOT_FOUND, ["id"])
