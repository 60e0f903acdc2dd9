"""Confirming a reservation in Redis: reserved -> sold, exactly once."""

from __future__ import annotations

from tests.lua.test_flash_sale_reserve import SALE, load, reserve, sale_state


async def test_confirm_moves_units_from_reserved_to_sold_once(state):
    await load(state)
    await reserve(state.flash_sales, user=3, quantity=2, token="t")

    first = await state.flash_sales.confirm(sale_id=SALE, token="t")
    second = await state.flash_sales.confirm(sale_id=SALE, token="t")

    assert (first, second) == ("OK", "ALREADY")
    meta, units, buyers, _ = await sale_state(state)
    assert (meta["reserved"], meta["sold"], len(units)) == ("0", "2", 3)
    assert buyers == {"3": "2"}  # sold units still count against the shopper's limit


async def test_a_released_reservation_cannot_be_confirmed(state):
    await load(state)
    await reserve(state.flash_sales, token="t")
    await state.flash_sales.release(sale_id=SALE, token="t")

    assert await state.flash_sales.confirm(sale_id=SALE, token="t") == "RELEASED"
    meta, _, _, _ = await sale_state(state)
    assert meta["sold"] == "0"
