"""Catalog rules below the API: sanitising, search normal form, the cache's fill race."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from models import Product, ProductStatus
from resolvers.catalog import service, text
from resolvers.catalog.data import LISTING_FIELDS, ProductData
from resolvers.core.times import utc_text
from tests.support.catalog import cache_of, make_category, make_product


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=https://evil.example></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<scr<script>ipt>alert(1)</script>",
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<body onload=alert(1)>",
    ],
)
def test_no_script_survives_sanitising(html):
    clean = text.sanitize_description(html).lower()

    assert "<script" not in clean
    assert "javascript:" not in clean
    assert "onerror" not in clean and "onload" not in clean
    assert "<iframe" not in clean and "style=" not in clean


def test_sanitising_keeps_formatting_and_safe_links():
    html = '<h2>Care</h2><p><strong>Wool</strong> <a href="https://shop.example/care">guide</a></p>'

    assert text.sanitize_description(html) == (
        '<h2>Care</h2><p><strong>Wool</strong> <a href="https://shop.example/care" '
        'rel="noopener noreferrer nofollow">guide</a></p>'
    )


def test_search_normal_form_folds_width_and_case():
    assert (
        text.search_text(title="Ｍｅｒｉｎｏ  WOOL", subtitle="羊毛 大衣")
        == "merino wool 羊毛 大衣"
    )
    assert text.keyword_terms(" Wool  wool COAT ") == ["wool", "coat"]
    assert text.query_grams(["羊毛大衣", "x"]) == ["x", "大衣", "毛大", "羊毛"]


async def test_a_fill_that_raced_an_invalidation_is_dropped(state, redis):
    """Reader loads the old row, writer commits and invalidates, reader stores: dropped."""
    cache = cache_of(state)
    generation_key, value_key = cache.detail_keys(42)
    await cache.invalidate(product_ids=[42])
    seen_generation = await redis.get(generation_key)

    async def load_old_row_while_a_writer_invalidates() -> str:
        await cache.invalidate(product_ids=[42])  # the writer's commit + invalidation
        return orjson.dumps({"price": "100.00"}).decode()  # what the reader had loaded

    served = await cache.fetch(
        generation_key=generation_key,
        value_key=value_key,
        ttl_seconds=60,
        load=load_old_row_while_a_writer_invalidates,
    )

    assert orjson.loads(served) == {"price": "100.00"}  # the reader itself answers with it
    assert await redis.get(value_key) is None  # but nobody after it gets it from Redis
    assert await redis.get(generation_key) != seen_generation


async def test_a_fill_without_a_race_is_served_from_redis(state, redis):
    cache = cache_of(state)
    generation_key, value_key = cache.detail_keys(7)
    calls = 0

    async def load() -> str:
        nonlocal calls
        calls += 1
        return '{"n": 1}'

    first = await cache.fetch(
        generation_key=generation_key, value_key=value_key, ttl_seconds=60, load=load
    )
    second = await cache.fetch(
        generation_key=generation_key, value_key=value_key, ttl_seconds=60, load=load
    )

    assert first == second == '{"n": 1}' and calls == 1
    assert 0 < await redis.ttl(value_key) <= 60


async def test_concurrent_reads_and_a_price_change_never_leave_a_stale_detail(state, app_server):
    """Readers fill the cache while a staff change lands; afterwards every read is fresh."""
    import asyncio
    from decimal import Decimal

    from models import Sku

    cache = cache_of(state)
    category = await make_category()
    product = await make_product(cache, category=category, price="100.00")
    sku = await Sku.get(product_id=product.id)

    async def read() -> ProductData | None:
        return await service.get_product(cache=cache, product_id=product.id, staff=False)

    async def change() -> None:
        await service.update_sku(
            cache=cache, actor_id=None, sku_id=sku.id, changes={"price": Decimal("80.00")}
        )

    await asyncio.gather(*(read() for _ in range(20)), change(), *(read() for _ in range(20)))

    after = [await read() for _ in range(3)]
    assert {p.min_price for p in after if p} == {Decimal("80.00")}


async def test_a_listed_product_reads_like_the_snapshot_of_its_row(state):
    """Listing rows convert each column when it is read (listing.ListedProduct): every
    attribute must be what the model's snapshot holds, decimals with their scale."""
    coats = await make_category("Coats")
    made = await make_product(
        cache_of(state), category=coats, colours=["red", "navy"], sizes=["S", "M"], price="12.50"
    )
    await Product.filter(id=made.id).update(rating_count=3, rating_sum=13, rating_avg="4.33")

    page = await service.list_products(
        cache=cache_of(state), query=service.ProductQuery(first=5), staff=True
    )

    (listed,) = page.rows
    expected = ProductData.from_model(await Product.get(id=made.id), with_description=False)
    for name in [*LISTING_FIELDS, "cover_image", "min_price_text", "max_price_text"]:
        assert getattr(listed, name) == getattr(expected, name), name
    assert listed.rating_avg_text == expected.rating_avg_text == "4.33"
    assert [str(listed.min_price), str(listed.max_price), str(listed.rating_avg)] == [
        "12.50",
        "12.50",
        "4.33",
    ]
    assert listed.spec_groups == [
        {"name": "Colour", "values": ["red", "navy"]},
        {"name": "Size", "values": ["S", "M"]},
    ]
    assert listed.is_visible_to_shoppers
    assert (listed.description_html, listed.skus) == (None, None)  # loaded on demand
    assert listed.snapshot() == expected
    assert listed.to_json() == expected.to_json()


@pytest.mark.parametrize(
    "created_at",
    [
        datetime(2026, 11, 23, 8, 0, tzinfo=UTC),  # no microseconds: none written
        datetime(2026, 11, 23, 8, 0, 5, 250, tzinfo=UTC),
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(999, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
    ],
)
async def test_a_listed_creation_time_is_the_text_the_api_writes(state, created_at):
    """PostgreSQL writes a listing row's creation time as the API does (listing.py
    `_CREATED_AT_TEXT`); the datetime read back from it is the stored one."""
    made = await make_product(cache_of(state), category=await make_category("Coats"))
    await Product.filter(id=made.id).update(created_at=created_at)

    for sort, keyword in [*((sort, None) for sort in service.ProductSort), (None, "wool")]:
        page = await service.list_products(
            cache=cache_of(state),
            query=service.ProductQuery(
                first=5, sort=sort or service.ProductSort.NEWEST, keyword=keyword
            ),
            staff=True,
            columns=["id", "created_at"],
        )

        (listed,) = page.rows
        assert listed.created_at_text == utc_text(created_at)
        assert listed.created_at == created_at
        assert listed.created_at.tzinfo is UTC
    stored = ProductData.from_model(await Product.get(id=made.id))
    assert stored.created_at_text == utc_text(stored.created_at) == listed.created_at_text


@pytest.mark.parametrize("sort", list(service.ProductSort))
@pytest.mark.parametrize(
    ("staff", "status"), [(False, None), (False, "OFF_SHELF"), (True, None), (True, "DRAFT")]
)
def test_an_unfiltered_page_reuses_the_statement_it_would_build(sort, staff, status):
    from resolvers.catalog import listing

    query = listing.ProductQuery(first=7, sort=sort, status=status and ProductStatus(status))
    keys = listing.SORT_KEYS[sort]
    for columns in (None, frozenset({"title", "created_at"})):
        for postgres in (True, False):
            options = {"staff": staff, "postgres": postgres, "columns": columns}
            built = listing._build_statement(query, keys, [], 7, **options)

            assert listing._statement(query, keys, [], 7, **options) == built
            assert listing._statement(query, keys, [], 7, **options) == built  # cached
