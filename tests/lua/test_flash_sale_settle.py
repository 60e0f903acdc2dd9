"""Settling a sale in Redis: closed for purchases, free units counted as returned, once."""

from __future__ import annotations

from tests.lua.test_flash_sale_reserve import SALE, fresh_gate, load, reserve, sale_state


async def test_settling_closes_the_gate_and_returns_the_free_units_once(state):
    await load(state, units=5)
    await reserve(state.flash_sales, quantity=2, token="t")

    first = await state.flash_sales.settle(sale_id=SALE)
    second = await state.flash_sales.settle(sale_id=SALE)

    assert (first, second) == ("OK", "ALREADY")
    meta, units, _, _ = await sale_state(state)
    assert units == [] and (meta["open"], meta["settled"]) == ("0", "1")
    assert (meta["reserved"], meta["returned"]) == ("2", "3")
    assert (await reserve(fresh_gate(state), user=2)).code == "ENDED"


async def test_a_sale_redis_does_not_hold_is_missing(state):
    assert await state.flash_sales.settle(sale_id=SALE) == "MISSING"
