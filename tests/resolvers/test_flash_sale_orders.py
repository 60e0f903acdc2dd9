"""Flash sale purchases as orders: placed at the flash price, paid, cancelled or closed."""

from __future__ import annotations

import asyncio
import secrets
from datetime import timedelta
from decimal import Decimal

import pytest

from models import (
    FlashSale,
    FlashSaleReservation,
    FlashSaleUnit,
    Order,
    OrderStatus,
    ReleaseReason,
    ReservationStatus,
    Role,
    Sku,
    StockLedger,
)
from resolvers.campaigns import reconcile, service
from resolvers.campaigns.errors import FlashSaleErrorCode as Code
from resolvers.orders import delivery, payment_hook, timers
from resolvers.orders import service as orders
from tests.support.flash_sales import buy, make_sale, make_sku


@pytest.fixture
async def staff(make_user):
    return await make_user(Role.STAFF)


async def _ledger(sku_id: int) -> list[tuple[int, str]]:
    return [(r.delta, r.reason) for r in await StockLedger.filter(sku_id=sku_id).order_by("id")]


async def test_a_purchase_places_the_order_at_the_flash_price(state, staff, make_user):
    sku = await make_sku(stock=10, price="199.00")
    sale = await make_sale(state, sku=sku, staff=staff, quantity=10, limit=2, price="99.00")
    shopper = await make_user()

    purchase = await buy(state, sale, shopper, 2)

    order, reservation = purchase.order, purchase.reservation
    assert (order.status, order.user_id) == (OrderStatus.PENDING_PAYMENT, shopper.id)
    assert order.idempotency_key == reservation.token
    assert order.payment_deadline == reservation.expires_at
    assert (order.subtotal, order.discount_total, order.total) == (
        Decimal("398.00"),
        Decimal("200.00"),
        Decimal("198.00"),
    )
    assert [(a["code"], a["reference"]) for a in order.adjustments] == [
        ("flash_sale", reservation.token)
    ]
    assert (await FlashSaleReservation.get(id=reservation.id)).order_id == order.id
    # The units are the sale's: the SKU's stock and ledger do not move for the order.
    assert (await Sku.get(id=sku.id)).stock == 0
    assert await _ledger(sku.id) == [(-10, "FLASH_SALE_ALLOCATED")]


async def test_by_default_the_order_goes_express_to_the_default_address(
    state, settings, staff, make_user, shop
):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, price="59.00")
    shopper = await make_user()
    await shop.address(shopper, make_default=True)

    purchase = await service.purchase(
        state=state, user_id=shopper.id, sale_id=sale.id, quantity=1, client_ip="10.0.0.1"
    )

    order = purchase.order
    assert order.delivery_method == "EXPRESS" and order.recipient_name == "Li Lei"
    assert order.shipping_fee == delivery.express_fee(Decimal("59.00"), settings)
    assert order.total == Decimal("59.00") + order.shipping_fee


async def test_an_order_that_cannot_be_placed_gives_the_units_back(state, staff, make_user):
    # Given a shopper without any address, buying for express delivery
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=5)

    with pytest.raises(service.PurchaseRefused) as caught:
        await service.purchase(
            state=state, user_id=(await make_user()).id, sale_id=sale.id, quantity=2, client_ip="1"
        )

    # Then the answer is the order's, and nothing is held anywhere
    assert (caught.value.code, caught.value.field) == (Code.ORDER_INVALID, ["addressId"])
    assert not await Order.exists() and not await FlashSaleReservation.exists()
    report = await reconcile.check(state=state, sale_id=sale.id)
    assert report.holds and (report.redis_stock, report.redis_reserved) == (5, 0)


async def test_paying_the_order_confirms_the_reservation_once(state, staff, make_user, shop):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10)
    purchase = await buy(state, sale, await make_user())
    payment = await payment_hook.open_payment(
        user_id=purchase.order.user_id, order_id=purchase.order.id, provider="sandbox"
    )
    paid = {
        "out_trade_no": payment.out_trade_no,
        "provider_transaction_id": f"tx-{secrets.token_hex(6)}",
        "amount": payment.amount,
    }

    outcomes = [await payment_hook.record_payment_success(state=state, **paid) for _ in range(2)]

    assert outcomes == [
        payment_hook.PaymentOutcome.PAID,
        payment_hook.PaymentOutcome.ALREADY_RECORDED,
    ]
    reservation = await FlashSaleReservation.get(id=purchase.reservation.id)
    assert reservation.status == ReservationStatus.CONFIRMED
    # Redis follows through the reconciler: reserved -> sold.
    report = await reconcile.reconcile(state=state, sale_id=sale.id)
    assert report.holds and (report.redis_reserved, report.redis_sold) == (0, 1)
    assert (report.pg_reserved, report.pg_sold) == (0, 1)


async def test_a_cancelled_order_puts_the_units_back_on_sale_once(state, staff, make_user):
    # Given a sold-out sale of 2
    sku = await make_sku(stock=2)
    sale = await make_sale(state, sku=sku, staff=staff, quantity=2, limit=2)
    shopper = await make_user()
    purchase = await buy(state, sale, shopper, 2)
    with pytest.raises(service.PurchaseRefused):
        await buy(state, sale, await make_user())

    # When the shopper cancels the order twice at once
    await asyncio.gather(
        *(
            orders.cancel_order(state=state, user_id=shopper.id, order_id=purchase.order.id)
            for _ in range(2)
        )
    )
    report = await reconcile.reconcile(state=state, sale_id=sale.id)

    # Then the reservation was released once, the units are on sale again (not on the SKU)
    reservation = await FlashSaleReservation.get(id=purchase.reservation.id)
    assert (reservation.status, reservation.release_reason) == (
        ReservationStatus.RELEASED,
        ReleaseReason.CANCELLED,
    )
    assert not await FlashSaleUnit.exists()
    assert (await Sku.get(id=sku.id)).stock == 0
    assert await _ledger(sku.id) == [(-2, "FLASH_SALE_ALLOCATED")]
    assert report.holds and (report.redis_stock, report.redis_reserved) == (2, 0)
    # and they sell again (the sold-out memory is short)
    await asyncio.sleep(state.settings.flash_sale_sold_out_cache_seconds)
    assert (await buy(state, sale, await make_user(), 2)).reservation.quantity == 2


async def test_unpaid_orders_close_once_and_their_units_sell_again(state, staff, make_user):
    # Given a sold-out sale of 4 whose two orders are unpaid past their deadline
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=4, limit=2)
    shoppers = [await make_user(), await make_user()]
    purchases = [await buy(state, sale, shopper, 2) for shopper in shoppers]
    later = purchases[-1].order.payment_deadline + timedelta(seconds=1)

    # When three workers sweep at once
    closed = await asyncio.gather(
        *(timers.close_expired_orders(state=state, now=later) for _ in range(3))
    )
    report = await reconcile.reconcile(state=state, sale_id=sale.id)

    # Then each order closed once and each reservation went back once
    assert sum(closed) == 2
    assert await Order.filter(status=OrderStatus.CLOSED).count() == 2
    statuses = await FlashSaleReservation.all().values_list("status", "release_reason")
    assert statuses == [(ReservationStatus.RELEASED, ReleaseReason.EXPIRED)] * 2
    assert report.holds and (report.redis_stock, report.redis_reserved) == (4, 0)
    # and the same shoppers may buy again
    await asyncio.sleep(state.settings.flash_sale_sold_out_cache_seconds)
    again = [await buy(state, sale, shopper, 2) for shopper in shoppers]
    assert sum(p.reservation.quantity for p in again) == 4


async def test_once_the_sale_is_over_a_closed_order_returns_its_units_to_the_sku(
    state, staff, make_user
):
    # Given a sale of 5 with 2 units in an unpaid order, cancelled by staff
    sku = await make_sku(stock=5)
    sale = await make_sale(state, sku=sku, staff=staff, quantity=5, limit=2)
    purchase = await buy(state, sale, await make_user(), 2)
    await service.cancel_flash_sale(state=state, actor_id=staff.id, sale_id=sale.id)
    assert (await Sku.get(id=sku.id)).stock == 3

    # When the order's deadline passes
    later = purchase.order.payment_deadline + timedelta(seconds=1)
    await timers.close_expired_orders(state=state, now=later)
    await timers.close_expired_orders(state=state, now=later)
    report = await reconcile.reconcile(state=state, sale_id=sale.id)

    # Then its 2 units went back to the SKU once, through the sale
    assert (await Sku.get(id=sku.id)).stock == 5
    assert await _ledger(sku.id) == [
        (-5, "FLASH_SALE_ALLOCATED"),
        (3, "FLASH_SALE_RETURNED"),
        (2, "FLASH_SALE_RETURNED"),
    ]
    assert (await FlashSale.get(id=sale.id)).returned_quantity == 5
    assert report.holds and (report.redis_returned, report.pg_returned) == (5, 5)
