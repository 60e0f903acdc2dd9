"""Whole responses of public catalog reads come from Redis; nothing else goes near it."""

from __future__ import annotations

import pytest

from tests.support.catalog import cache_of, make_category, make_product
from tests.support.queries import capture_queries

LISTING = "{ products(first: 5) { edges { node { id title price { amount } } } } }"


@pytest.fixture
async def listed(state):
    coats = await make_category("Coats")
    await make_product(cache_of(state), category=coats, title="Merino Wool Coat")


async def _response_keys(redis, settings) -> list[str]:
    pattern = f"{settings.redis_prefix}catalog:{{listing}}:response:*"
    return [key async for key in redis.scan_iter(match=pattern)]


async def test_a_public_listing_is_answered_from_redis_the_second_time(
    api, listed, redis, settings
):
    first = await api.execute(LISTING)
    with capture_queries() as queries:
        second = await api.execute(LISTING)

    assert second == first
    assert queries.count == 0
    assert len(await _response_keys(redis, settings)) == 1


@pytest.mark.parametrize("query", ["{ __typename }", "{ me { id } }"])
async def test_only_catalog_reads_use_the_response_cache(api, listed, redis, settings, query):
    await api.execute(query)

    assert await _response_keys(redis, settings) == []


async def test_staff_reads_are_never_cached(staff_api, listed, redis, settings):
    await staff_api.execute(LISTING)

    assert await _response_keys(redis, settings) == []
