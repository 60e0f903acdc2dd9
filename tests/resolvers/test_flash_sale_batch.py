"""The batched writer of granted flash sale purchases (resolvers/campaigns/batch_writer.py):
per-purchase failures stay per purchase, one shopper's purchases take turns, a batch costs
the same statements whatever its size, and a purchase handed over is never lost."""

from __future__ import annotations

import asyncio
from collections import Counter

import asyncpg
import pytest

from models import (
    DeliveryMethod,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleUnit,
    Order,
    OrderLine,
    OrderStatus,
    OutboxEvent,
    ReservationStatus,
    Role,
)
from resolvers.campaigns import reconcile, service
from resolvers.campaigns.errors import FlashSaleErrorCode as Code
from tests.support.flash_sales import buy, make_sale, make_sku

pytestmark = pytest.mark.usefixtures("one_batch")


@pytest.fixture
async def staff(make_user):
    return await make_user(Role.STAFF)


@pytest.fixture
def writer(state):
    assert state.flash_orders is not None  # the tests run on PostgreSQL
    return state.flash_orders


@pytest.fixture
def one_batch(writer):
    """A window wide enough that purchases started together meet in one batch."""
    window = writer.window_seconds
    writer.window_seconds = 0.5
    yield
    writer.window_seconds = window


async def _outcome(state, sale, user, quantity: int = 1, **kw) -> object:
    try:
        return await buy(state, sale, user, quantity, **kw)
    except service.PurchaseRefused as exc:
        return exc.code


async def _settled(state) -> None:
    await state.flash_orders.drain()
    await state.flash_sales.drain()


async def test_one_bad_purchase_does_not_fail_its_batch(state, staff, make_user, writer):
    # Given a live sale, three shoppers who can buy, one who asks for delivery without an
    # address, and one who already has as many unpaid orders as a shopper may
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, limit=2)
    good = [await make_user() for _ in range(3)]
    no_address, at_cap = await make_user(), await make_user()
    cap = state.settings.order_max_unpaid_per_user
    other = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, limit=cap)
    writer.window_seconds = 0
    for _ in range(cap):
        await buy(state, other, at_cap)
    writer.window_seconds = 0.5
    batches, statements = writer.batches, writer.statements

    # When all five buy at once
    outcomes = await asyncio.gather(
        *(_outcome(state, sale, user) for user in good),
        _outcome(state, sale, no_address, delivery=service.Delivery(DeliveryMethod.EXPRESS)),
        _outcome(state, sale, at_cap),
    )
    await _settled(state)

    # Then they were one batch of two statements: the three committed, the two refused
    assert (writer.batches - batches, writer.statements - statements) == (1, 2)
    assert all(isinstance(o, service.Purchase) for o in outcomes[:3])
    assert outcomes[3:] == [Code.ORDER_INVALID, Code.ORDER_INVALID]
    for user, purchase in zip(good, outcomes[:3], strict=True):
        order = await Order.get(user_id=user.id)
        assert order.id == purchase.order.id and order.idempotency_key == purchase.reservation.token
        assert order.status == OrderStatus.PENDING_PAYMENT and str(order.total) == "99.00"
        assert order.payment_deadline == purchase.reservation.expires_at
        assert await OrderLine.filter(order_id=order.id).count() == 1
        assert await OutboxEvent.filter(aggregate_id=order.id).count() == 1
        reservation = await FlashSaleReservation.get(token=purchase.reservation.token)
        assert (reservation.order_id, reservation.status) == (order.id, ReservationStatus.RESERVED)
        assert await FlashSaleUnit.filter(reservation_id=reservation.id).count() == 1
    assert not await Order.filter(user_id=no_address.id).exists()
    assert await Order.filter(user_id=at_cap.id).count() == cap
    assert not await FlashSaleReservation.filter(
        sale_id=sale.id, user_id__in=[no_address.id, at_cap.id]
    ).exists()
    assert not await FlashSaleBuyer.filter(
        sale_id=sale.id, user_id__in=[no_address.id, at_cap.id], held__gt=0
    ).exists()
    # ... and the refused grants went back: Redis and PostgreSQL agree on 3 units taken
    report = await reconcile.check(state=state, sale_id=sale.id)
    assert report.holds, report.problems
    assert (report.redis_stock, report.redis_reserved, report.pg_reserved) == (7, 3, 3)


async def test_a_unit_someone_holds_rolls_back_the_batch_and_only_it_is_refused(
    state, staff, make_user, writer
):
    # Given a sale of 3 units, one of them already held in PostgreSQL (Redis is wrong)
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=3, limit=1)
    squatter = await make_user()
    unit = (await state.flash_sales.view(sale.id)).free_units[1]
    held = await FlashSaleReservation.create(
        token="squatter-token-000",
        sale_id=sale.id,
        user_id=squatter.id,
        quantity=1,
        unit_price=sale.price,
        status=ReservationStatus.RESERVED,
        expires_at=sale.ends_at,
        redis_epoch=sale.redis_epoch,
    )
    await FlashSaleUnit.create(sale_id=sale.id, unit_no=unit, reservation_id=held.id)
    shoppers = [await make_user() for _ in range(3)]
    batches = writer.batches

    # When three shoppers take the three units at once
    outcomes = await asyncio.gather(*(_outcome(state, sale, user) for user in shoppers))
    await _settled(state)

    # Then the batch was rolled back and retried one by one: two orders, one refusal
    assert writer.batches == batches  # no batch committed
    assert Counter(type(o).__name__ for o in outcomes) == {"Purchase": 2, "FlashSaleErrorCode": 1}
    assert [o for o in outcomes if not isinstance(o, service.Purchase)] == [Code.PAUSED]
    assert await Order.filter(user_id__in=[u.id for u in shoppers]).count() == 2
    assert await FlashSaleUnit.filter(sale_id=sale.id).count() == 3
    assert await FlashSaleUnit.filter(sale_id=sale.id, unit_no=unit).count() == 1


async def test_one_shoppers_concurrent_purchases_take_turns(state, staff, make_user, writer):
    # Given a sale of 2 per shopper
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=20, limit=2)
    shopper, other = await make_user(), await make_user()
    batches = writer.batches

    # When the shopper taps three times at once, beside another shopper
    outcomes = await asyncio.gather(
        *(_outcome(state, sale, shopper) for _ in range(3)), _outcome(state, sale, other)
    )
    await _settled(state)

    # Then two of the shopper's taps were recorded, in two batches (one each), never
    # above the limit; the third was refused by the gate
    mine = outcomes[:3]
    assert sum(isinstance(o, service.Purchase) for o in mine) == 2
    assert [o for o in mine if not isinstance(o, service.Purchase)] == [Code.LIMIT_REACHED]
    assert isinstance(outcomes[3], service.Purchase)
    assert writer.batches - batches == 2
    assert (await FlashSaleBuyer.get(sale_id=sale.id, user_id=shopper.id)).held == 2
    assert await Order.filter(user_id=shopper.id).count() == 2
    assert (await reconcile.check(state=state, sale_id=sale.id)).holds


@pytest.fixture
def statements(monkeypatch, writer) -> list[str]:
    """Every statement the writer's task sends to PostgreSQL (BEGIN and COMMIT too)."""
    sent: list[str] = []

    def counted(method):
        async def call(self, query, *args, **kwargs):
            if writer.owns(asyncio.current_task()):
                sent.append(query)
            return await method(self, query, *args, **kwargs)

        return call

    for name in ("execute", "executemany", "fetch", "fetchrow", "fetchval"):
        monkeypatch.setattr(asyncpg.Connection, name, counted(getattr(asyncpg.Connection, name)))
    return sent


async def test_a_batch_costs_the_same_statements_whatever_its_size(
    state, staff, make_user, writer, statements
):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=50, limit=2)
    await _outcome(state, sale, await make_user())  # the sale's terms are read once
    await _settled(state)
    statements.clear()

    # When one shopper buys alone, then twelve buy together
    await _outcome(state, sale, await make_user())
    await _settled(state)
    alone = len(statements)
    statements.clear()
    shoppers = [await make_user() for _ in range(12)]
    batches = writer.batches
    outcomes = await asyncio.gather(*(_outcome(state, sale, user) for user in shoppers))
    await _settled(state)

    # Then the twelve were one batch, of as many statements as one purchase alone
    assert all(isinstance(o, service.Purchase) for o in outcomes)
    assert writer.batches - batches == 1
    assert len(statements) == alone == 4, statements  # BEGIN, prefetch, write, COMMIT


async def test_a_purchase_whose_request_went_away_is_still_recorded(
    state, staff, make_user, writer, monkeypatch
):
    # Given a purchase handed to the writer
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=5, limit=2)
    shopper = await make_user()
    handed = asyncio.Event()
    submit = writer.submit

    async def spy(grant):
        handed.set()
        return await submit(grant)

    monkeypatch.setattr(writer, "submit", spy)
    request = asyncio.create_task(buy(state, sale, shopper))
    await handed.wait()
    assert writer._queue

    # When its request is cancelled (the client went away)
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    await _settled(state)

    # Then the purchase was recorded all the same, and both stores agree
    order = await Order.get(user_id=shopper.id)
    reservation = await FlashSaleReservation.get(user_id=shopper.id)
    assert reservation.order_id == order.id and reservation.status == ReservationStatus.RESERVED
    report = await reconcile.check(state=state, sale_id=sale.id)
    assert report.holds and report.redis_reserved == report.pg_reserved == 1
