"""After-sales: asking, deciding, returning goods and getting the money back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import (
    AfterSaleKind,
    AfterSaleStatus,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
    Refund,
    RefundReason,
    RefundStatus,
    Sku,
    StockChangeReason,
    StockLedger,
)
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.orders import after_sales, payment_hook
from resolvers.orders import service as orders
from resolvers.orders.after_sales import LineRequest
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import OrderAction

REFUND_ONLY = AfterSaleKind.REFUND_ONLY
RETURN = AfterSaleKind.RETURN_AND_REFUND


@pytest.fixture
async def staff(make_user):
    from models import Role

    return await make_user(Role.STAFF)


async def _two_line_order(shop, state, customer, staff, *, deliver: bool = True):
    """40.00 + 30.00 of goods + 10.00 express = 80.00 paid."""
    tee = await shop.sku(price="20.00", stock=10)
    cap = await shop.sku(price="30.00", stock=10)
    order = await shop.pay(await shop.order(customer, (tee, 2), (cap, 1)))
    if deliver:
        await orders.ship_orders(
            state=state, staff_id=staff.id, shipments=[orders.ShipRequest(order.id, "SF", "SF1")]
        )
        await orders.advance_order(
            state=state, staff_id=staff.id, order_id=order.id, action=OrderAction.DELIVER
        )
    lines = {line.sku_id: line for line in await OrderLine.filter(order_id=order.id)}
    return await Order.get(id=order.id), lines[tee.id], lines[cap.id]


async def _ask(state, customer, order, kind=REFUND_ONLY, lines=None, reason="broken"):
    return await after_sales.request_after_sale(
        settings=state.settings,
        user_id=customer.id,
        order_id=order.id,
        kind=kind,
        lines=lines,
        reason=reason,
        photos=["https://img.example.com/broken.jpg"],
    )


async def _settle_refunds(state) -> None:
    for refund in await payment_hook.claim_refunds():
        await payment_hook.record_refund_result(
            state=state,
            out_refund_no=refund.out_refund_no,
            succeeded=True,
            provider_refund_id=f"r{refund.id}",
        )


async def test_refund_only_for_one_unit_after_delivery(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    assert order.paid_amount == Decimal("80.00")

    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])
    assert asked.requested_amount == Decimal("20.00") and asked.status == AfterSaleStatus.REQUESTED

    approved = await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    assert approved.status == AfterSaleStatus.REFUNDING
    refund = await Refund.get(after_sale_id=asked.id)
    assert refund.out_refund_no == f"{asked.number}-R" and refund.amount == Decimal("20.00")
    assert refund.reason == RefundReason.AFTER_SALE and refund.status == RefundStatus.PENDING
    assert (await OrderLine.get(id=tee.id)).refunded_quantity == 1

    await _settle_refunds(state)

    row = await Order.get(id=order.id)
    assert row.refunded_amount == Decimal("20.00") and row.status == OrderStatus.DELIVERED
    assert (await after_sales.get_after_sale(after_sale_id=asked.id, user_id=None)).status == (
        AfterSaleStatus.REFUNDED
    )
    # The goods stayed with the shopper: no stock moved.
    assert await StockLedger.filter(reason=StockChangeReason.RETURNED).count() == 0
    assert (
        await OrderEvent.filter(order_id=order.id, kind=OrderEventKind.REFUND_SUCCEEDED).count()
        == 1
    )


async def test_refunding_everything_refunds_the_shipping_and_ends_refunded(
    shop, state, customer, staff
):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)

    first = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])
    rest = await _ask(state, customer, order)  # everything not yet asked for

    assert first.requested_amount == Decimal("20.00")
    assert rest.requested_amount == Decimal("60.00")  # 20 + 30 + 10 shipping
    for asked in (first, rest):
        await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    await _settle_refunds(state)

    row = await Order.get(id=order.id)
    assert row.refunded_amount == row.paid_amount == Decimal("80.00")
    assert row.status == OrderStatus.REFUNDED and row.refunded_at is not None
    event = await OrderEvent.get(order_id=order.id, to_status=OrderStatus.REFUNDED)
    assert event.from_status == OrderStatus.DELIVERED


async def test_return_and_refund_restocks_exactly_once(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    stock_before = (await Sku.get(id=tee.sku_id)).stock

    asked = await _ask(state, customer, order, kind=RETURN, lines=[LineRequest(tee.id, 2)])
    approved = await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    assert approved.status == AfterSaleStatus.AWAITING_RETURN
    assert await Refund.filter(after_sale_id=asked.id).count() == 0

    # When the warehouse books the parcel in, five times at once
    results = await asyncio.gather(
        *[after_sales.receive_return(staff_id=staff.id, after_sale_id=asked.id) for _ in range(5)]
    )

    # Then the goods went back once and one refund went out
    assert {r.status for r in results} == {AfterSaleStatus.REFUNDING}
    assert (await Sku.get(id=tee.sku_id)).stock == stock_before + 2
    assert await StockLedger.filter(reason=StockChangeReason.RETURNED).count() == 1
    assert (await OrderLine.get(id=tee.id)).returned_quantity == 2
    assert await Refund.filter(after_sale_id=asked.id).count() == 1


async def test_refund_before_shipping_puts_the_goods_back_and_ends_refunded(
    shop, state, customer, staff
):
    order, tee, cap = await _two_line_order(shop, state, customer, staff, deliver=False)
    assert order.status == OrderStatus.PAID
    stocks = {line.sku_id: (await Sku.get(id=line.sku_id)).stock for line in (tee, cap)}

    asked = await _ask(state, customer, order)
    await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
    await _settle_refunds(state)

    assert (await Sku.get(id=tee.sku_id)).stock == stocks[tee.sku_id] + 2
    assert (await Sku.get(id=cap.sku_id)).stock == stocks[cap.sku_id] + 1
    row = await Order.get(id=order.id)
    assert row.status == OrderStatus.REFUNDED and row.refunded_amount == Decimal("80.00")


async def test_return_and_refund_needs_delivered_goods(shop, state, customer, staff):
    order, _, _ = await _two_line_order(shop, state, customer, staff, deliver=False)

    with pytest.raises(DomainError) as caught:
        await _ask(state, customer, order, kind=RETURN)

    assert caught.value.code == OrderErrorCode.AFTER_SALE_NOT_ALLOWED
    assert caught.value.field == ["kind"]


async def test_an_unpaid_order_has_no_after_sales(shop, state, customer):
    order = await shop.order(customer, (await shop.sku(), 1))

    with pytest.raises(DomainError) as caught:
        await _ask(state, customer, order)

    assert caught.value.code == OrderErrorCode.AFTER_SALE_NOT_ALLOWED
    assert caught.value.field == ["orderId"]


async def test_after_sales_close_after_the_window(shop, state, customer, staff):
    order, _, _ = await _two_line_order(shop, state, customer, staff)
    await Order.filter(id=order.id).update(delivered_at=datetime.now(UTC) - timedelta(days=8))

    with pytest.raises(DomainError) as caught:
        await _ask(state, customer, order)

    assert caught.value.code == OrderErrorCode.AFTER_SALE_WINDOW_CLOSED
    assert caught.value.field == ["orderId"]


async def test_someone_elses_order_is_not_found(shop, state, customer, staff, make_user):
    order, _, _ = await _two_line_order(shop, state, customer, staff)
    stranger = await make_user()

    with pytest.raises(DomainError) as caught:
        await _ask(state, stranger, order)

    assert caught.value.code == OrderErrorCode.NOT_FOUND


async def test_more_than_is_left_of_a_line_is_refused(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])

    with pytest.raises(DomainErrors) as caught:
        await _ask(state, customer, order, lines=[LineRequest(tee.id, 2)])

    (error,) = caught.value.errors
    assert error.code == OrderErrorCode.QUANTITY_EXCEEDS_REFUNDABLE
    assert error.field == ["lines", "0", "quantity"]


async def test_a_line_of_another_order_is_line_not_found(shop, state, customer, staff):
    order, _, _ = await _two_line_order(shop, state, customer, staff)
    _, foreign, _ = await _two_line_order(shop, state, customer, staff)

    with pytest.raises(DomainErrors) as caught:
        await _ask(state, customer, order, lines=[LineRequest(foreign.id, 1)])

    (error,) = caught.value.errors
    assert error.code == OrderErrorCode.LINE_NOT_FOUND
    assert error.field == ["lines", "0", "orderLineId"]


async def test_reason_and_photos_are_checked(shop, state, customer, staff):
    order, _, _ = await _two_line_order(shop, state, customer, staff)

    with pytest.raises(DomainErrors) as caught:
        await after_sales.request_after_sale(
            settings=state.settings,
            user_id=customer.id,
            order_id=order.id,
            kind=REFUND_ONLY,
            lines=None,
            reason=" ",
            photos=["javascript:alert(1)"],
        )

    assert [(e.code, e.field) for e in caught.value.errors] == [
        (OrderErrorCode.INVALID, ["reason"]),
        (OrderErrorCode.INVALID, ["photos", "0"]),
    ]


async def test_an_approval_above_what_was_asked_is_refused(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])  # 20.00

    with pytest.raises(DomainError) as caught:
        await after_sales.approve(
            staff_id=staff.id, after_sale_id=asked.id, amount=Decimal("20.01")
        )

    assert caught.value.code == OrderErrorCode.REFUND_EXCEEDS_REQUESTED
    assert caught.value.field == ["amount"]
    assert (await Order.get(id=order.id)).refund_committed == 0
    assert await Refund.all().count() == 0
    assert (await OrderLine.get(id=tee.id)).refunded_quantity == 0
    assert (await after_sales.get_after_sale(after_sale_id=asked.id, user_id=None)).status == (
        AfterSaleStatus.REQUESTED
    )


async def test_concurrent_approvals_never_refund_more_than_was_paid(shop, state, customer, staff):
    # Given two after-sales that together cover everything an order paid (80.00)
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    first = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])  # 20.00
    rest = await _ask(state, customer, order)  # 60.00

    # When staff approve them at the same moment, some clicks asking for more than was asked
    results = await asyncio.gather(
        after_sales.approve(staff_id=staff.id, after_sale_id=first.id, amount=Decimal("80.00")),
        after_sales.approve(staff_id=staff.id, after_sale_id=rest.id, amount=Decimal("80.00")),
        after_sales.approve(staff_id=staff.id, after_sale_id=first.id, amount=None),
        after_sales.approve(staff_id=staff.id, after_sale_id=rest.id, amount=None),
        after_sales.approve(staff_id=staff.id, after_sale_id=rest.id, amount=None),
        return_exceptions=True,
    )

    # Then every refusal is the cap, and exactly what was paid goes back, once per after-sale
    refused = [r for r in results if isinstance(r, Exception)]
    assert all(
        isinstance(r, DomainError) and r.code == OrderErrorCode.REFUND_EXCEEDS_REQUESTED
        for r in refused
    )
    row = await Order.get(id=order.id)
    assert row.refund_committed == row.paid_amount == Decimal("80.00")
    refunds = await Refund.all()
    assert sorted(r.after_sale_id for r in refunds) == sorted([first.id, rest.id])
    assert sum(r.amount for r in refunds) == Decimal("80.00")


async def test_a_line_listed_twice_is_refused(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)

    with pytest.raises(DomainErrors) as caught:
        await _ask(state, customer, order, lines=[LineRequest(tee.id, 1), LineRequest(tee.id, 1)])

    assert [(e.code, e.field) for e in caught.value.errors] == [
        (OrderErrorCode.DUPLICATE_LINE, ["lines", "1", "orderLineId"])
    ]
    assert await after_sales.AfterSale.filter(order_id=order.id).count() == 0


async def test_approving_twice_makes_one_refund(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])

    await asyncio.gather(
        *[
            after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)
            for _ in range(3)
        ]
    )

    assert await Refund.filter(after_sale_id=asked.id).count() == 1
    assert (await Order.get(id=order.id)).refund_committed == Decimal("20.00")


async def test_rejected_after_sales_stay_rejected(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 2)])

    rejected = await after_sales.reject(staff_id=staff.id, after_sale_id=asked.id, note="worn")
    again = await after_sales.reject(staff_id=staff.id, after_sale_id=asked.id, note="worn")
    with pytest.raises(DomainError) as caught:
        await after_sales.approve(staff_id=staff.id, after_sale_id=asked.id, amount=None)

    assert rejected.status == again.status == AfterSaleStatus.REJECTED
    assert caught.value.code == OrderErrorCode.AFTER_SALE_ILLEGAL_STATE
    # A rejection frees the line for a new request.
    assert (await _ask(state, customer, order, lines=[LineRequest(tee.id, 2)])).requested_amount


async def test_receiving_goods_for_a_refund_only_is_illegal(shop, state, customer, staff):
    order, tee, _ = await _two_line_order(shop, state, customer, staff)
    asked = await _ask(state, customer, order, lines=[LineRequest(tee.id, 1)])

    with pytest.raises(DomainError) as caught:
        await after_sales.receive_return(staff_id=staff.id, after_sale_id=asked.id)

    assert caught.value.code == OrderErrorCode.AFTER_SALE_ILLEGAL_STATE
    assert caught.value.field == ["afterSaleId"]


async def test_a_missing_after_sale_is_after_sale_not_found(staff):
    with pytest.raises(DomainError) as caught:
        await after_sales.approve(staff_id=staff.id, after_sale_id=12345, amount=None)
    assert caught.value.code == OrderErrorCode.AFTER_SALE_NOT_FOUND
    assert caught.value.field == ["afterSaleId"]
