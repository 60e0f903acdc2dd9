"""Placing an order writes the same rows on PostgreSQL (one statement, placing.py) as on
SQLite (the ORM, statement by statement)."""

from __future__ import annotations

import asyncio
import sys
from uuid import uuid4

import orjson
import pytest

from models import DeliveryMethod, Order, ProductStatus, Sku, Store
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.orders import checkout as checkout_rules
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from settings import BASE_DIR
from tests.support.placing import run_scenario
from tests.support.queries import capture_queries


async def _sqlite_report(path: str) -> dict:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.placing",
        path,
        cwd=BASE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-3000:]
    return orjson.loads(out.decode().strip().splitlines()[-1])


async def test_postgresql_and_sqlite_place_the_same_rows(state, tmp_path):
    # Given the same shop on each database, when the same orders are placed and refused
    postgres = orjson.loads(orjson.dumps(await run_scenario(state)))  # as SQLite's arrives
    sqlite = await _sqlite_report(str(tmp_path / "placing.sqlite3"))

    # Then the rows they leave are the same
    assert postgres == sqlite
    # ... and are what placing means
    express = postgres["express"]
    assert express["order"]["total"] == "179.50"  # 2 x 59.00 + 61.50; shipping free over 99
    assert express["order"]["buyer_note"] == "leave at door"
    assert express["order"]["recipient_phone"] == "13812345678"
    lines = [(line["sku"], line["quantity"], line["unit_price"]) for line in express["lines"]]
    assert lines == [("tee-l", 1, "61.50"), ("tee-m", 2, "59.00")]  # the cart's, newest first
    assert [(e["sku"], e["delta"], e["balance_after"]) for e in express["ledger"]] == [
        ("tee-m", -2, 8),
        ("tee-l", -1, 2),
    ]
    assert [e["to_status"] for e in express["events"]] == ["PENDING_PAYMENT"]
    assert [e["topic"] for e in express["outbox"]] == ["order.status_changed"]
    assert postgres["replay_is_the_same_order"] is True
    assert postgres["pickup"]["ledger"] == []  # the store's shelf, not the SKU
    assert postgres["refused"]["central_short"] == [
        ["INSUFFICIENT_STOCK", ["items", "0", "quantity"], "Only 8 of Tee left"],
        ["INSUFFICIENT_STOCK", ["items", "2", "quantity"], "Only 5 of Mug left"],
    ]
    assert postgres["stock"] == {"tee-m": 8, "tee-l": 2, "mug": 5}
    assert postgres["store_stock"] == {"mug": 1}
    assert postgres["cart"] == ["mug"]
    assert postgres["orders"] == 2


async def test_placing_costs_the_same_statements_for_one_line_or_many(shop, customer, state):
    skus = [await shop.sku(stock=10) for _ in range(6)]
    await shop.order(customer, (skus[0], 1))  # the address, and a warm process

    counts = []
    for items in ([(skus[1], 1)], [(sku, 2) for sku in skus[2:]]):
        await state.events.flush()
        request = CheckoutRequest(
            delivery_method=DeliveryMethod.EXPRESS,
            items=tuple(BuyItem(sku.id, quantity) for sku, quantity in items),
        )
        with capture_queries() as log:
            await orders.create_order(
                state=state, user_id=customer.id, request=request, idempotency_key=uuid4().hex
            )
            await state.events.flush()
        counts.append(log.count)

    # lock the shopper and read the SKUs and the address (one statement); write the order,
    # its lines, events, stock and ledger (one statement); after the commit, mark the event
    # published
    assert counts == [3, 3], "\n".join(x[:150] for x in log.statements)


def _codes(exc: DomainError | DomainErrors) -> list[tuple[str, list[str] | None]]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [(str(e.code), e.field) for e in errors]


async def test_placing_refuses_what_the_preview_refuses(shop, make_user, state):
    # Given a shopper without an address, another shopper's address and cart line, a store
    # that closed, and a product taken off the shelf
    buyer, other = await make_user(), await make_user()
    sku = await shop.sku()
    hidden = await shop.sku(status=ProductStatus.OFF_SHELF)
    closed = await shop.store()
    await Store.filter(id=closed.id).update(is_active=False)
    theirs = await shop.address(other, make_default=True)
    (their_line,) = await shop.cart(other, (sku, 1))
    express, pickup = DeliveryMethod.EXPRESS, DeliveryMethod.PICKUP
    requests = {
        "no address": CheckoutRequest(express, items=(BuyItem(sku.id, 1),)),
        "their address": CheckoutRequest(
            express, items=(BuyItem(sku.id, 1),), address_id=theirs.id
        ),
        "no store": CheckoutRequest(pickup, items=(BuyItem(sku.id, 1),)),
        "closed store": CheckoutRequest(pickup, items=(BuyItem(sku.id, 1),), store_id=closed.id),
        "their line": CheckoutRequest(pickup, line_ids=(their_line.id,), store_id=closed.id),
        "empty cart": CheckoutRequest(express),
        "unknown SKU": CheckoutRequest(express, items=(BuyItem(sku.id + 1000, 1),)),
        "off the shelf": CheckoutRequest(express, items=(BuyItem(hidden.id, 1),)),
    }

    for name, request in requests.items():
        # When the shopper places it (rows prefetched with the lock) and previews it
        with pytest.raises((DomainError, DomainErrors)) as placing:
            await orders.create_order(
                state=state, user_id=buyer.id, request=request, idempotency_key=uuid4().hex
            )
        with pytest.raises((DomainError, DomainErrors)) as previewing:
            await orders.preview_checkout(state=state, user_id=buyer.id, request=request)

        # Then both refuse it the same way
        assert _codes(placing.value) == _codes(previewing.value), name
    assert await Order.all().count() == 0
    assert _codes(placing.value) == [("PRODUCT_NOT_AVAILABLE", ["items", "0", "skuId"])]


async def test_an_address_chosen_by_id_is_the_one_snapshotted(shop, customer, state):
    sku = await shop.sku()
    await shop.address(customer, phone="13800000001", make_default=True)
    chosen = await shop.address(customer, phone="13800000002")

    order = await orders.create_order(
        state=state,
        user_id=customer.id,
        request=CheckoutRequest(
            DeliveryMethod.EXPRESS, items=(BuyItem(sku.id, 1),), address_id=chosen.id
        ),
        idempotency_key=uuid4().hex,
    )

    phone = state.crypto.decrypt(
        order.recipient_phone_encrypted, context=checkout_rules.ORDER_PHONE_CONTEXT
    )
    assert phone == "13800000002"
    stored = await Order.get(id=order.id)
    assert stored.recipient_phone_encrypted == order.recipient_phone_encrypted


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
async def test_one_cart_placed_twice_at_once_makes_one_order(
    shop, customer, state, monkeypatch, batched
):
    # Given a shopper whose cart holds one line, placed twice at once under two keys (the
    # second placement waits for the shopper's lock, holding a read of the cart from before
    # the first one emptied it)
    if not batched:
        monkeypatch.setattr(state, "order_writer", None)
    await shop.address(customer)
    every = CheckoutRequest(delivery_method=DeliveryMethod.EXPRESS)

    async def place() -> object:
        try:
            return await orders.create_order(
                state=state, user_id=customer.id, request=every, idempotency_key=uuid4().hex
            )
        except (DomainError, DomainErrors) as exc:
            return _codes(exc)

    for _ in range(4):
        sku = await shop.sku(stock=10)
        await shop.cart(customer, (sku, 1))

        outcomes = await asyncio.gather(place(), place())

        # Then one of them is the order and the other finds the cart empty
        placed = [o for o in outcomes if isinstance(o, Order)]
        assert len(placed) == 1, outcomes
        assert [o for o in outcomes if not isinstance(o, Order)] == [
            [("NOTHING_TO_CHECK_OUT", ["lineIds"])]
        ]
        assert (await Sku.get(id=sku.id)).stock == 9
    assert await Order.filter(user_id=customer.id).count() == 4
