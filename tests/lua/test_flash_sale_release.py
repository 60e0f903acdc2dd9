"""Releasing a reservation in Redis: exactly once, units back where they belong."""

from __future__ import annotations

from tests.lua.test_flash_sale_reserve import SALE, load, reserve, sale_state


async def test_release_puts_the_units_back_once(state):
    await load(state, units=3)
    await reserve(state.flash_sales, user=9, quantity=2, token="t")

    first = await state.flash_sales.release(sale_id=SALE, token="t")
    second = await state.flash_sales.release(sale_id=SALE, token="t")

    assert (first, second) == ("OK", "ALREADY")
    meta, units, buyers, _ = await sale_state(state)
    assert sorted(units) == ["1", "2", "3"] and buyers == {}
    assert (meta["reserved"], meta["returned"]) == ("0", "0")
    assert (await state.flash_sales.record(SALE, "t")).status == "X"


async def test_after_settlement_released_units_count_as_returned(state):
    await load(state, units=3)
    await reserve(state.flash_sales, quantity=2, token="t")
    await state.flash_sales.settle(sale_id=SALE)

    assert await state.flash_sales.release(sale_id=SALE, token="t") == "OK"

    meta, units, _, _ = await sale_state(state)
    assert units == [] and (meta["reserved"], meta["returned"]) == ("0", "3")


async def test_a_sold_reservation_is_not_released(state):
    await load(state)
    await reserve(state.flash_sales, token="t")
    await state.flash_sales.confirm(sale_id=SALE, token="t")

    assert await state.flash_sales.release(sale_id=SALE, token="t") == "CONFIRMED"
    meta, units, _, _ = await sale_state(state)
    assert (meta["sold"], len(units)) == ("1", 4)


async def test_unknown_tokens_and_sales_are_missing(state):
    assert await state.flash_sales.release(sale_id=SALE, token="t") == "MISSING"
    await load(state)
    assert await state.flash_sales.release(sale_id=SALE, token="nope") == "MISSING"
