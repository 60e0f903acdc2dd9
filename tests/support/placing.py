"""One scenario of placing orders, reported as plain data, to run on either database.

PostgreSQL writes a new order with one statement (resolvers/orders/placing.py); SQLite (the
embedded default) through the ORM. `tests/resolvers/test_order_placing.py` runs this scenario
on both and compares the reports: the rows left behind must be the same.

Run in its own process for SQLite because Tortoise keeps global state (the suite's is
PostgreSQL):

    python -m tests.support.placing <sqlite file>
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from models import (
    Address,
    CartLine,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OutboxEvent,
    Product,
    Role,
    Sku,
    StockLedger,
    StoreStock,
    User,
)
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.state import AppState
from resolvers.orders import checkout as checkout_rules
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from tests.support.shop import Shop


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        raise TypeError("timestamps differ between runs; report them relative to something")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _errors(exc: DomainError | DomainErrors) -> list[list[Any]]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [[str(e.code), e.field, e.message] for e in errors]


async def _order_report(state: AppState, order: Order, names: dict[str, dict[int, str]]) -> dict:
    row = (await Order.filter(id=order.id).values())[0]
    crypto = state.crypto
    if row["recipient_phone_encrypted"]:
        row["recipient_phone"] = crypto.decrypt(
            row["recipient_phone_encrypted"], context=checkout_rules.ORDER_PHONE_CONTEXT
        )
        row["address_detail"] = crypto.decrypt(
            row["address_detail_encrypted"], context=checkout_rules.ORDER_DETAIL_CONTEXT
        )
    deadline = (row["payment_deadline"] - row["created_at"]).total_seconds()
    row["payment_deadline_after_s"] = round(deadline)
    row["user"] = names["user"][row["user_id"]]
    row["store"] = names["store"].get(row["store_id"])
    for key in (
        "id",
        "number",
        "user_id",
        "store_id",
        "idempotency_key",
        "request_hash",
        "recipient_phone_encrypted",
        "address_detail_encrypted",
        "created_at",
        "updated_at",
        "payment_deadline",
    ):
        row.pop(key)
    row = {k: v for k, v in row.items() if not isinstance(v, datetime)}
    lines = await OrderLine.filter(order_id=order.id).order_by("id").values()
    for line in lines:
        line["sku"] = names["sku"][line.pop("sku_id")]
        line["product"] = names["product"][line.pop("product_id")]
        for key in ("id", "order_id"):
            line.pop(key)
    events = await OrderEvent.filter(order_id=order.id).order_by("id").values()
    for event in events:
        event["by_the_buyer"] = event.pop("actor_id") == order.user_id
        for key in ("id", "order_id", "created_at"):
            event.pop(key)
    outbox = await OutboxEvent.filter(aggregate_type="order", aggregate_id=order.id).values()
    for event in outbox:
        payload = event["payload"]
        assert payload.pop("orderId") == order.id
        assert payload.pop("number") == order.number
        assert payload.pop("userId") == order.user_id
        for key in ("id", "aggregate_id", "created_at", "published_at"):
            event.pop(key)
    ledger = await StockLedger.filter(reference=order.number).order_by("sku_id").values()
    for entry in ledger:
        entry["sku"] = names["sku"][entry.pop("sku_id")]
        entry["by_the_buyer"] = entry.pop("actor_id") == order.user_id
        for key in ("id", "created_at", "reference"):
            entry.pop(key)
    return _plain(
        {"order": row, "lines": lines, "events": events, "outbox": outbox, "ledger": ledger}
    )


async def run_scenario(state: AppState) -> dict[str, Any]:
    """Orders from a cart (express) and buy-now (pickup at a store), a retry, and refused
    orders; the rows they leave, with ids replaced by names."""
    shop = Shop(state)
    _, (tee_m, tee_l) = await shop.product(
        title="Tee",
        skus=[({"Size": "M"}, "59.00", 10), ({"Size": "L"}, "61.50", 3)],
    )
    mug = await shop.sku(price="19.90", stock=5, title="Mug")
    for sku in (tee_m, mug):  # the same cover image in both runs (the snapshot copies it)
        await Product.filter(id=sku.product_id).update(images=[f"https://img/{sku.id}.jpg"])
    store = await shop.store()
    await shop.stock(store, mug, 4)
    buyer = await User.create(role=Role.CUSTOMER, wechat_openid="placing-buyer", nickname="b")
    await shop.address(buyer, make_default=True)
    names = {
        "user": {buyer.id: "buyer"},
        "store": {store.id: "store"},
        "sku": {tee_m.id: "tee-m", tee_l.id: "tee-l", mug.id: "mug"},
        "product": {tee_m.product_id: "tee", mug.product_id: "mug"},
    }
    report: dict[str, Any] = {}

    # From the cart, every selected line but one; the unselected line stays.
    lines = await shop.cart(buyer, (tee_m, 2), (tee_l, 1), (mug, 1))
    await CartLine.filter(id=lines[2].id).update(selected=False)
    request = CheckoutRequest(delivery_method=DeliveryMethod.EXPRESS, note=" leave at door ")
    express = await orders.create_order(
        state=state, user_id=buyer.id, request=request, idempotency_key="placing-express"
    )
    report["express"] = await _order_report(state, express, names)
    report["express_answer_total"] = str(express.total)
    replay = await orders.create_order(
        state=state, user_id=buyer.id, request=request, idempotency_key="placing-express"
    )
    report["replay_is_the_same_order"] = replay.id == express.id

    # Buy now, picked up at the store: the store's shelf gives the units, not the SKU.
    pickup = await orders.create_order(
        state=state,
        user_id=buyer.id,
        request=CheckoutRequest(
            delivery_method=DeliveryMethod.PICKUP,
            items=(BuyItem(mug.id, 3),),
            store_id=store.id,
        ),
        idempotency_key="placing-pickup",
    )
    report["pickup"] = await _order_report(state, pickup, names)

    # Refused: every short line listed, nothing written.
    refused = {}
    for name, request in {
        "central_short": CheckoutRequest(
            delivery_method=DeliveryMethod.EXPRESS,
            items=(BuyItem(tee_m.id, 9), BuyItem(tee_l.id, 1), BuyItem(mug.id, 6)),
        ),
        "store_short": CheckoutRequest(
            delivery_method=DeliveryMethod.PICKUP,
            items=(BuyItem(tee_m.id, 1), BuyItem(mug.id, 2)),
            store_id=store.id,
        ),
    }.items():
        try:
            await orders.create_order(
                state=state, user_id=buyer.id, request=request, idempotency_key=f"placing-{name}"
            )
        except (DomainError, DomainErrors) as exc:
            refused[name] = _errors(exc)
    report["refused"] = refused

    report["orders"] = await Order.filter(user_id=buyer.id).count()
    report["stock"] = {
        names["sku"][pk]: stock
        for pk, stock in await Sku.filter(id__in=list(names["sku"])).values_list("id", "stock")
    }
    report["store_stock"] = {
        names["sku"][pk]: quantity
        for pk, quantity in await StoreStock.filter(store_id=store.id).values_list(
            "sku_id", "quantity"
        )
    }
    report["cart"] = [
        names["sku"][pk]
        for pk in await CartLine.filter(user_id=buyer.id).values_list("sku_id", flat=True)
    ]
    report["addresses"] = await Address.filter(user_id=buyer.id).count()
    return report


async def _run_on_sqlite(path: str) -> dict[str, Any]:
    from tortoise import Tortoise

    import main
    from resolvers.core.db import tortoise_config
    from settings import Settings

    settings = Settings(database_url=f"sqlite://{path}", redis_url="memory://")
    await main.migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    state = main.create_state(settings)
    await state.start()
    try:
        return await run_scenario(state)
    finally:
        await state.aclose()
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(_run_on_sqlite(sys.argv[1]))).decode())
