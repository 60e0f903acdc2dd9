"""Products' sales counts follow the order life: paid adds once, fully refunded takes back once."""

from __future__ import annotations

import asyncio

import pytest

from models import OrderStatus, Product, Refund
from resolvers.orders import payment_hook


async def _sales(*products: int) -> list[int]:
    return [(await Product.get(id=pid)).sales_count for pid in products]


async def test_paying_counts_each_products_units_and_placing_does_not(shop, customer):
    tee, (red, blue) = await shop.product(
        title="Tee",
        skus=[({"Colour": "red"}, "59.00", 50), ({"Colour": "blue"}, "59.00", 50)],
    )
    mug = await shop.sku(title="Mug")
    order = await shop.order(customer, (red, 2), (blue, 3), (mug, 1))

    assert await _sales(tee.id, mug.product_id) == [0, 0]
    await shop.pay(order)

    assert await _sales(tee.id, mug.product_id) == [5, 1]


async def test_concurrent_payment_notifications_count_once(shop, state, customer):
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 2))
    payment = await payment_hook.open_payment(
        user_id=customer.id, order_id=order.id, provider="sandbox"
    )

    await asyncio.gather(
        *(
            payment_hook.record_payment_success(
                state=state,
                out_trade_no=payment.out_trade_no,
                provider_transaction_id="tx-1",
                amount=payment.amount,
            )
            for _ in range(8)
        )
    )

    assert await _sales(sku.product_id) == [2]


async def test_concurrent_orders_of_one_product_all_count(shop, make_user):
    sku = await shop.sku(stock=100)
    buyers = [await make_user() for _ in range(6)]
    orders = [await shop.order(buyer, (sku, i + 1)) for i, buyer in enumerate(buyers)]

    await asyncio.gather(*(shop.pay(order) for order in orders))

    assert await _sales(sku.product_id) == [sum(range(1, 7))]


@pytest.mark.parametrize("status", [OrderStatus.CANCELLED, OrderStatus.CLOSED])
async def test_orders_never_paid_never_count(shop, customer, status):
    sku = await shop.sku()

    await shop.order_in(customer, status, sku, quantity=3)

    assert await _sales(sku.product_id) == [0]


async def test_a_full_refund_takes_the_units_back_once(shop, state, customer):
    sku = await shop.sku()
    other = await shop.sku()
    await shop.order_in(customer, OrderStatus.COMPLETED, other, quantity=4)
    order = await shop.order_in(customer, OrderStatus.REFUNDED, sku, quantity=3)
    refund = await Refund.get(order_id=order.id)

    # the provider's result replayed, several times at once, changes nothing more
    await asyncio.gather(
        *(
            payment_hook.record_refund_result(
                state=state, out_refund_no=refund.out_refund_no, succeeded=True
            )
            for _ in range(4)
        )
    )

    assert await _sales(sku.product_id, other.product_id) == [0, 4]
