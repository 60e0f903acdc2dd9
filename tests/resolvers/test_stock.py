"""Stock movements: conditional updates, all or nothing, a ledger row each, never negative."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from tortoise.transactions import in_transaction

from models import Category, Product, Sku, StockChangeReason, StockLedger
from resolvers.catalog import stock
from resolvers.catalog.stock import InsufficientStock, StockLine


@pytest.fixture
async def skus(app_server) -> list[Sku]:
    category = await Category.create(name="Coats")
    product = await Product.create(category=category, title="Merino Wool Coat")
    return [
        await Sku.create(
            product=product, spec_key=f"Size:{size}", price=Decimal("399.00"), stock=qty
        )
        for size, qty in (("S", 5), ("M", 2), ("L", 0))
    ]


async def _take(lines: list[StockLine], reference: str = "order-1") -> None:
    async with in_transaction():
        await stock.take_stock(lines, reason=StockChangeReason.ORDER_PLACED, reference=reference)


async def test_take_stock_moves_every_line_and_writes_the_ledger(skus):
    s, m, _ = skus

    await _take([StockLine(s.id, 2), StockLine(m.id, 1)])

    assert (await Sku.get(id=s.id)).stock == 3
    assert (await Sku.get(id=m.id)).stock == 1
    rows = (
        await StockLedger.all()
        .order_by("sku_id")
        .values("sku_id", "delta", "balance_after", "reason", "reference")
    )
    assert rows == [
        {
            "sku_id": s.id,
            "delta": -2,
            "balance_after": 3,
            "reason": "ORDER_PLACED",
            "reference": "order-1",
        },
        {
            "sku_id": m.id,
            "delta": -1,
            "balance_after": 1,
            "reason": "ORDER_PLACED",
            "reference": "order-1",
        },
    ]


async def test_a_short_line_takes_nothing_and_lists_every_shortage(skus):
    s, m, big = skus

    with pytest.raises(InsufficientStock) as raised:
        await _take([StockLine(s.id, 1), StockLine(m.id, 3), StockLine(big.id, 1)])

    assert [(x.sku_id, x.requested, x.available) for x in raised.value.shortages] == [
        (m.id, 3, 2),
        (big.id, 1, 0),
    ]
    assert [sku.stock for sku in await Sku.all().order_by("id")] == [5, 2, 0]
    assert await StockLedger.all().count() == 0


async def test_repeated_skus_are_summed(skus):
    s, _, _ = skus

    with pytest.raises(InsufficientStock):
        await _take([StockLine(s.id, 3), StockLine(s.id, 3)])

    assert (await Sku.get(id=s.id)).stock == 5


async def test_concurrent_takes_never_oversell(skus):
    s, _, _ = skus

    results = await asyncio.gather(
        *(_take([StockLine(s.id, 1)], reference=f"o{i}") for i in range(40)), return_exceptions=True
    )

    assert sum(1 for r in results if r is None) == 5
    assert all(isinstance(r, InsufficientStock) for r in results if r is not None)
    assert (await Sku.get(id=s.id)).stock == 0
    assert await StockLedger.all().count() == 5


async def test_return_stock_adds_back_with_a_ledger_row(skus):
    _, m, _ = skus

    async with in_transaction():
        await stock.return_stock(
            [StockLine(m.id, 2)], reason=StockChangeReason.ORDER_RELEASED, reference="order-9"
        )

    assert (await Sku.get(id=m.id)).stock == 4
    assert await StockLedger.filter(sku_id=m.id, delta=2, balance_after=4).count() == 1


async def test_adjust_stock_refuses_to_go_below_zero(skus, staff_user):
    _, m, _ = skus

    with pytest.raises(InsufficientStock):
        await stock.adjust_stock(
            sku_id=m.id, delta=-3, reason=StockChangeReason.DAMAGE, actor_id=staff_user.id
        )
    balance = await stock.adjust_stock(
        sku_id=m.id,
        delta=10,
        reason=StockChangeReason.RESTOCK,
        note="delivery 42",
        actor_id=staff_user.id,
    )

    assert balance == 12
    row = await StockLedger.get(sku_id=m.id)
    assert (row.delta, row.note, row.actor_id) == (10, "delivery 42", staff_user.id)


async def test_adjusting_a_missing_sku_is_a_lookup_error(app_server):
    with pytest.raises(LookupError):
        await stock.adjust_stock(
            sku_id=999_999, delta=1, reason=StockChangeReason.RESTOCK, actor_id=None
        )
