"""Refund-only after-sales against fulfilment: goods being refunded are not sent out."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from models import (
    AfterSaleKind,
    AfterSaleStatus,
    DeliveryMethod,
    Order,
    OrderLine,
    OrderStatus,
    Role,
    Sku,
    StockChangeReason,
    StockLedger,
    StoreStock,
)
from models.delivery import DeliveryTask
from resolvers.core.errors import DomainError
from resolvers.delivery import service as delivery
from resolvers.delivery.errors import DeliveryErrorCode
from resolvers.orders import after_sales, payment_hook
from resolvers.orders import service as orders
from resolvers.orders.after_sales import LineRequest
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import OrderAction

REFUND_ONLY = AfterSaleKind.REFUND_ONLY


@pytest.fixture
async def staff(make_user):
    return await make_user(Role.STAFF)


async def _ask(state, customer, order, lines=None):
    return await after_sales.request_after_sale(
        settings=state.settings,
        user_id=customer.id,
        order_id=order.id,
        kind=REFUND_ONLY,
        lines=lines,
        reason="changed my mind",
        photos=[],
    )


async def _settle_refunds(state) -> None:
    for refund in await payment_hook.claim_refunds():
        await payment_hook.record_refund_result(
            state=state, out_refund_no=refund.out_refund_no, succeeded=True
        )


async def _ship(state, staff, order) -> orders.ShipResult:
    return await orders.ship_orders(
        state=state, staff_id=staff.id, shipments=[orders.ShipRequest(order.id, "SF", "SF1")]
    )


async def _two_lines(shop, customer, **kw):
    tee = await shop.sku(price="20.00", stock=10)
    cap = await shop.sku(price="30.00", stock=10)
    order = await shop.pay(await shop.order(customer, (tee, 2), (cap, 1), **kw))
    lines = {line.sku_id: line for line in await OrderLine.filter(order_id=order.id)}
    return order, lines[tee.id], lines[cap.id]


async def _shelves(sku) -> tuple[int, list[int]]:
    """The SKU's central stock and every store's shelf of it."""
    stores = (
        await StoreStock.filter(sku_id=sku.id).order_by("id").values_list("quantity", flat=True)
    )
    return (await Sku.get(id=sku.id)).stock, list(stores)


async def test_a_pending_refund_only_blocks_shipping(shop, state, customer, staff):
    order, tee, _ = await _two_lines(shop, customer)
    await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])

    result = await _ship(state, staff, order)

    (error,) = result.errors
    assert error.code == OrderErrorCode.AFTER_SALE_OPEN
    assert error.field == ["shipments", "0", "orderId"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_after_a_partial_refund_the_rest_ships(shop, state, customer, staff):
    order, tee, _ = await _two_lines(shop, customer)
    stock_before = (await Sku.get(id=tee.sku_id)).stock
    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])
    await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)

    result = await _ship(state, staff, order)

    assert result.errors == []
    assert (await Order.get(id=order.id)).status == OrderStatus.SHIPPED
    assert (await Sku.get(id=tee.sku_id)).stock == stock_before + 1


async def test_a_fully_refunded_order_is_never_sent_and_ends_refunded(shop, state, customer, staff):
    order, _, _ = await _two_lines(shop, customer)
    asked = await _ask(state, customer, order)
    await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)

    # Money still on its way back: nothing may leave the shop.
    result = await _ship(state, staff, order)
    assert [e.code for e in result.errors] == [OrderErrorCode.ORDER_REFUNDED]

    await _settle_refunds(state)
    assert (await Order.get(id=order.id)).status == OrderStatus.REFUNDED


async def test_all_lines_refunded_for_less_still_ends_refunded(shop, state, customer, staff):
    # Staff kept part of the money (say the shipping fee), but every unit was refunded:
    # nothing is left to send, so the order is over.
    order, _, _ = await _two_lines(shop, customer)
    asked = await _ask(state, customer, order)
    await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=Decimal("70.00"))
    await _settle_refunds(state)

    row = await Order.get(id=order.id)
    assert row.refunded_amount == Decimal("70.00") < row.paid_amount
    assert row.status == OrderStatus.REFUNDED


@pytest.mark.parametrize(
    ("method", "action"),
    [
        (DeliveryMethod.COURIER, OrderAction.SEND_OUT),
        (DeliveryMethod.PICKUP, OrderAction.MARK_READY),
    ],
)
async def test_a_pending_refund_only_blocks_every_way_out(
    shop, state, customer, staff, method, action
):
    order, _, _ = await _two_lines(shop, customer, method=method, store=await shop.store())
    await _ask(state, customer, order)

    with pytest.raises(DomainError) as caught:
        await orders.advance_order(state=state, staff_id=staff.id, order_id=order.id, action=action)

    assert caught.value.code == OrderErrorCode.AFTER_SALE_OPEN
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_a_refund_only_while_ready_for_pickup_blocks_the_pickup_and_restocks(
    shop, state, customer, staff
):
    sku = await shop.sku(price="20.00", stock=5)
    order = await shop.order_in(customer, OrderStatus.READY_FOR_PICKUP, sku, quantity=2)
    shelf_before = (await StoreStock.get(store_id=order.store_id, sku_id=sku.id)).quantity
    asked = await _ask(state, customer, order)

    with pytest.raises(DomainError) as caught:
        await orders.advance_order(
            state=state, staff_id=staff.id, order_id=order.id, action=OrderAction.PICK_UP
        )
    assert caught.value.code == OrderErrorCode.AFTER_SALE_OPEN

    # Approved twice (a double click): the goods still at the counter go back once.
    await asyncio.gather(
        *[
            after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
            for _ in range(2)
        ]
    )
    # ...to the store's shelf they were taken from, not the central stock.
    shelf = await StoreStock.get(store_id=order.store_id, sku_id=sku.id)
    assert shelf.quantity == shelf_before + 2
    assert (await Sku.get(id=sku.id)).stock == 5
    await _settle_refunds(state)
    assert (await Order.get(id=order.id)).status == OrderStatus.REFUNDED


async def test_an_express_refund_before_shipping_restocks_the_central_stock_once(
    shop, state, customer, staff
):
    sku = await shop.sku(price="20.00", stock=5)
    order = await shop.pay(await shop.order(customer, (sku, 2)))
    asked = await _ask(state, customer, order)

    await asyncio.gather(
        *[
            after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
            for _ in range(2)
        ]
    )

    assert (await Sku.get(id=sku.id)).stock == 5
    assert await StockLedger.filter(reason=StockChangeReason.RETURNED).count() == 1


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.OUT_FOR_DELIVERY])
async def test_refund_only_in_transit_refunds_without_restocking(
    shop, state, customer, staff, status
):
    # The parcel got lost: the shopper may ask for the money, but the goods are gone.
    sku = await shop.sku(price="20.00", stock=5)
    order = await shop.order_in(customer, status, sku, quantity=2)
    shelves_before = await _shelves(sku)
    asked = await _ask(state, customer, order)
    approved = await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    await _settle_refunds(state)

    assert approved.status == AfterSaleStatus.REFUNDING and approved.restocked_at is None
    assert await _shelves(sku) == shelves_before  # neither the central stock nor a store's
    assert await StockLedger.filter(reason=StockChangeReason.RETURNED).count() == 0
    row = await Order.get(id=order.id)
    assert row.refunded_amount == row.paid_amount and row.status == OrderStatus.REFUNDED


async def test_return_and_refund_in_transit_is_refused(shop, state, customer):
    order = await shop.order_in(customer, OrderStatus.SHIPPED, await shop.sku())

    with pytest.raises(DomainError) as caught:
        await after_sales.request_after_sale(
            settings=state.settings,
            user_id=customer.id,
            order_id=order.id,
            kind=AfterSaleKind.RETURN_AND_REFUND,
            lines=None,
            reason="never came",
            photos=[],
        )

    assert caught.value.code == OrderErrorCode.AFTER_SALE_NOT_ALLOWED
    assert caught.value.field == ["kind"]


async def test_courier_assignment_and_pickup_are_blocked(shop, state, customer, staff, make_user):
    courier = await make_user(Role.COURIER)
    order, _, _ = await _two_lines(
        shop, customer, method=DeliveryMethod.COURIER, store=await shop.store()
    )
    await delivery.assign(state=state, staff_id=staff.id, order_id=order.id, courier_id=courier.id)
    asked = await _ask(state, customer, order)

    with pytest.raises(DomainError) as pending:
        await delivery.picked_up(state=state, courier_id=courier.id, order_id=order.id)
    await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    with pytest.raises(DomainError) as refunded:
        await delivery.picked_up(state=state, courier_id=courier.id, order_id=order.id)

    assert pending.value.code == DeliveryErrorCode.AFTER_SALE_OPEN
    assert refunded.value.code == DeliveryErrorCode.ORDER_REFUNDED
    assert (await DeliveryTask.get(order_id=order.id)).status == "ASSIGNED"
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_assigning_a_courier_to_an_order_being_refunded_is_refused(
    shop, state, customer, staff, make_user
):
    courier = await make_user(Role.COURIER)
    order, _, _ = await _two_lines(
        shop, customer, method=DeliveryMethod.COURIER, store=await shop.store()
    )
    await _ask(state, customer, order)

    with pytest.raises(DomainError) as caught:
        await delivery.assign(
            state=state, staff_id=staff.id, order_id=order.id, courier_id=courier.id
        )

    assert caught.value.code == DeliveryErrorCode.AFTER_SALE_OPEN
    assert caught.value.field == ["orderId"]
    assert await DeliveryTask.filter(order_id=order.id).count() == 0


async def test_a_request_racing_the_shipment_never_restocks_shipped_goods(
    shop, state, customer, staff
):
    # Whoever takes the order row first wins; either way the books stay right.
    for _ in range(3):
        order, tee, _ = await _two_lines(shop, customer)
        stock_before = (await Sku.get(id=tee.sku_id)).stock
        shipped, asked = await asyncio.gather(
            _ship(state, staff, order), _ask(state, customer, order, lines=[LineRequest(tee.id, 2)])
        )
        await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
        row = await Order.get(id=order.id)
        stock_after = (await Sku.get(id=tee.sku_id)).stock
        if row.status == OrderStatus.SHIPPED:
            assert shipped.errors == [] and stock_after == stock_before
        else:
            assert [e.code for e in shipped.errors] == [OrderErrorCode.AFTER_SALE_OPEN]
            assert row.status == OrderStatus.PAID and stock_after == stock_before + 2
