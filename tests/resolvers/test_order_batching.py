"""The group commit of ordinary orders (resolvers/orders/batching.py): each request of a batch
gets exactly its own outcome, a batch costs the same statements whatever its size, and a batch
the database rejects is placed again one by one."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import asyncpg
import pytest

from models import CartLine, DeliveryMethod, Order, OrderLine, OutboxEvent, Sku, StockLedger
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.orders import checkout as checkout_rules
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from tests.support.queries import capture_queries

pytestmark = pytest.mark.usefixtures("one_batch")


@pytest.fixture
def writer(state):
    assert state.order_writer is not None  # the tests run on PostgreSQL
    return state.order_writer


@pytest.fixture
def one_batch(writer):
    """A window wide enough that requests started together meet in one batch."""
    window = writer.window_seconds
    writer.window_seconds = 0.3
    yield
    writer.window_seconds = window


def _buy(*items: tuple[Sku, int]) -> CheckoutRequest:
    return CheckoutRequest(
        delivery_method=DeliveryMethod.EXPRESS,
        items=tuple(BuyItem(sku.id, quantity) for sku, quantity in items),
    )


async def _outcome(state, user, request: CheckoutRequest, key: str | None = None) -> object:
    try:
        return await orders.create_order(
            state=state, user_id=user.id, request=request, idempotency_key=key or uuid4().hex
        )
    except (DomainError, DomainErrors) as exc:
        errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
        return [(str(e.code), e.field, e.message) for e in errors]


async def _shoppers(shop, make_user, count: int) -> list:
    users = [await make_user() for _ in range(count)]
    for user in users:
        await shop.address(user)
    return users


async def test_accepted_and_short_orders_share_a_batch(shop, make_user, state, writer):
    # Given 3 tees and 4 mugs, and four shoppers who want them in this order
    tee, mug = await shop.sku(stock=3), await shop.sku(stock=4)
    first, short, third, fourth = await _shoppers(shop, make_user, 4)
    batches = writer.batches

    # When they place their orders at once
    outcomes = await asyncio.gather(
        _outcome(state, first, _buy((tee, 2))),
        _outcome(state, short, _buy((tee, 2), (mug, 5))),  # 1 tee left, 4 mugs
        _outcome(state, third, _buy((tee, 1), (mug, 4))),
        _outcome(state, fourth, _buy((mug, 1))),  # the third took every mug
    )

    # Then one batch decided them in arrival order, each against what was left for it
    assert writer.batches == batches + 1
    assert isinstance(outcomes[0], Order) and isinstance(outcomes[2], Order)
    assert outcomes[1] == [
        ("INSUFFICIENT_STOCK", ["items", "0", "quantity"], "Only 1 of Tee left"),
        ("INSUFFICIENT_STOCK", ["items", "1", "quantity"], "Only 4 of Tee left"),
    ]
    assert outcomes[3] == [("INSUFFICIENT_STOCK", ["items", "0", "quantity"], "Only 0 of Tee left")]
    # ... nothing was written for the refused ones, everything for the placed ones
    assert await Order.filter(user_id__in=[short.id, fourth.id]).count() == 0
    assert await Order.filter(user_id__in=[first.id, third.id]).count() == 2
    assert await OrderLine.filter(order_id=outcomes[2].id).count() == 2
    assert await OutboxEvent.filter(aggregate_id__in=[o.id for o in outcomes[::2]]).count() == 2
    assert (await Sku.get(id=tee.id)).stock == 0
    assert (await Sku.get(id=mug.id)).stock == 0
    ledger = (
        await StockLedger.filter(sku_id=tee.id)
        .order_by("id")
        .values_list("reference", "delta", "balance_after")
    )
    assert ledger == [(outcomes[0].number, -2, 1), (outcomes[2].number, -1, 0)]


async def test_one_key_twice_at_once_makes_one_order(shop, customer, state, writer):
    # Given a shopper with a cart
    sku = await shop.sku(stock=10)
    await shop.address(customer)
    await shop.cart(customer, (sku, 2))
    key = uuid4().hex
    every = CheckoutRequest(delivery_method=DeliveryMethod.EXPRESS)

    # When the same request is sent three times at once under one key, and another request
    # under the same key
    outcomes = await asyncio.gather(
        *(_outcome(state, customer, every, key) for _ in range(3)),
        _outcome(state, customer, _buy((sku, 1)), key),
    )

    # Then one order was made and every retry answered with it; the other request is a
    # mismatch
    assert all(isinstance(o, Order) for o in outcomes[:3])
    assert {o.id for o in outcomes[:3]} == {outcomes[0].id}
    assert outcomes[3] == [
        (
            "IDEMPOTENCY_MISMATCH",
            ["idempotencyKey"],
            "This idempotency key was used for a different order request",
        )
    ]
    assert await Order.filter(user_id=customer.id).count() == 1
    assert (await Sku.get(id=sku.id)).stock == 8
    assert await CartLine.filter(user_id=customer.id).count() == 0


async def test_a_batch_costs_the_same_statements_for_one_order_or_ten(
    shop, make_user, state, writer
):
    skus = [await shop.sku(stock=100) for _ in range(3)]
    users = await _shoppers(shop, make_user, 10)
    counts = []
    for group in (users[:1], users[1:]):
        batches = writer.batches
        with capture_queries() as log:
            outcomes = await asyncio.gather(
                *(_outcome(state, u, _buy(*((s, 1) for s in skus))) for u in group)
            )
        assert all(isinstance(o, Order) for o in outcomes)
        assert writer.batches == batches + 1
        locks = [q for q in log.statements if "FOR NO KEY UPDATE" in q]
        inserts = [q for q in log.statements if 'INSERT INTO "order"' in q]
        counts.append((len(locks), len(inserts)))

    # lock and read (one statement), write (one statement), whatever the batch's size
    assert counts == [(1, 1), (1, 1)]
    assert (await Sku.get(id=skus[0].id)).stock == 90


async def test_a_batch_the_database_rejects_is_placed_one_by_one(
    shop, make_user, state, writer, settings, monkeypatch
):
    # Given three shoppers buying from their carts, one of whose cart line another
    # placement empties after the batch read it (as one in another process could)
    sku = await shop.sku(stock=10)
    users = await _shoppers(shop, make_user, 3)
    lines = [(await shop.cart(u, (sku, 1)))[0] for u in users]
    read = checkout_rules.prefetch_batch

    async def read_then_lose_a_line(conn, *args, **kw):
        rows = await read(conn, *args, **kw)
        other = await asyncpg.connect(settings.database_url)
        try:
            await other.execute("DELETE FROM cart_line WHERE id = $1", lines[1].id)
        finally:
            await other.close()
        return rows

    monkeypatch.setattr(checkout_rules, "prefetch_batch", read_then_lose_a_line)
    rolled_back = writer.rolled_back
    every = CheckoutRequest(delivery_method=DeliveryMethod.EXPRESS)

    # When they place their orders at once
    outcomes = await asyncio.gather(*(_outcome(state, u, every) for u in users))

    # Then the batch was rolled back and each placed on its own: the two whose lines are
    # still there got their order, the third is told its cart is empty
    assert writer.rolled_back == rolled_back + 1
    assert isinstance(outcomes[0], Order) and isinstance(outcomes[2], Order)
    assert [code for code, _, _ in outcomes[1]] == ["NOTHING_TO_CHECK_OUT"]
    assert await Order.all().count() == 2
    assert (await Sku.get(id=sku.id)).stock == 8
    assert await StockLedger.filter(sku_id=sku.id).count() == 2
    assert await CartLine.all().count() == 0


async def test_a_shopper_at_the_unpaid_cap_is_refused_in_a_batch(shop, make_user, state, writer):
    sku = await shop.sku(stock=100)
    at_cap, other = await _shoppers(shop, make_user, 2)
    writer.window_seconds = 0
    for _ in range(state.settings.order_max_unpaid_per_user):
        await shop.order(at_cap, (sku, 1))
    writer.window_seconds = 0.3

    outcomes = await asyncio.gather(
        _outcome(state, at_cap, _buy((sku, 1))), _outcome(state, other, _buy((sku, 1)))
    )

    assert [code for code, _, _ in outcomes[0]] == ["TOO_MANY_UNPAID_ORDERS"]
    assert isinstance(outcomes[1], Order)
    assert (await Sku.get(id=sku.id)).stock == 100 - state.settings.order_max_unpaid_per_user - 1


async def test_an_unpaid_order_the_read_missed_rolls_the_batch_back(
    shop, make_user, state, writer, monkeypatch
):
    # Given a shopper at the unpaid-order cap whose count the batch's read missed (as when
    # another process placed their last order after the read's snapshot), and another
    sku = await shop.sku(stock=100)
    at_cap, other = await _shoppers(shop, make_user, 2)
    cap = state.settings.order_max_unpaid_per_user
    writer.window_seconds = 0
    for _ in range(cap):
        await shop.order(at_cap, (sku, 1))
    writer.window_seconds = 0.3
    read = checkout_rules.prefetch_batch

    async def read_missing_their_orders(conn, requests, **kw):
        rows, stock = await read(conn, requests, **kw)
        for (user_id, _, _), found in zip(requests, rows, strict=True):
            if user_id == at_cap.id:
                found.other_unpaid = 0
        return rows, stock

    monkeypatch.setattr(checkout_rules, "prefetch_batch", read_missing_their_orders)
    rolled_back = writer.rolled_back

    # When both place an order at once
    outcomes = await asyncio.gather(
        _outcome(state, at_cap, _buy((sku, 1))), _outcome(state, other, _buy((sku, 1)))
    )

    # Then the write's own count caught it: the batch was placed one by one, and the cap held
    assert writer.rolled_back == rolled_back + 1
    assert [code for code, _, _ in outcomes[0]] == ["TOO_MANY_UNPAID_ORDERS"]
    assert isinstance(outcomes[1], Order)
    assert await Order.filter(user_id=at_cap.id).count() == cap
    assert (await Sku.get(id=sku.id)).stock == 100 - cap - 1
