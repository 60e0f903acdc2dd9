"""Flash sale rules: staff set-up, stock moving exactly once, purchases and their answers."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models import (
    AuditLog,
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    ReservationStatus,
    Role,
    Sku,
    StockChangeReason,
    StockLedger,
)
from resolvers.campaigns import reconcile, service
from resolvers.campaigns.errors import FlashSaleErrorCode as Code
from resolvers.campaigns.gate import ExpiringMemo
from resolvers.core.errors import DomainError
from resolvers.orders import service as orders
from tests.support.flash_sales import buy, make_sale, make_sku, pickup

HOUR = timedelta(hours=1)


@pytest.fixture
async def staff(make_user):
    return await make_user(Role.STAFF)


async def _buy(state, sale, user, quantity: int = 1, ip: str = "10.0.0.1"):
    return (await buy(state, sale, user, quantity, ip=ip)).reservation


async def _refusal(state, sale_id: int, user, quantity: int = 1, ip: str = "10.0.0.1"):
    with pytest.raises(service.PurchaseRefused) as caught:
        await service.purchase(
            state=state,
            user_id=user.id,
            sale_id=sale_id,
            quantity=quantity,
            client_ip=ip,
            delivery=await pickup(),
        )
    return caught.value


async def _ledger(sku_id: int) -> list[tuple[int, str]]:
    return [
        (row.delta, row.reason) for row in await StockLedger.filter(sku_id=sku_id).order_by("id")
    ]


# --- staff ----------------------------------------------------------------------------------


async def test_creating_a_sale_takes_its_units_from_the_sku_in_one_transaction(state, staff):
    sku = await make_sku(stock=150)

    sale = await make_sale(state, sku=sku, staff=staff, quantity=100, publish=False)

    assert sale.status == FlashSaleStatus.DRAFT and sale.redis_epoch == 0
    assert (await Sku.get(id=sku.id)).stock == 50
    ledger = await StockLedger.get(sku_id=sku.id)
    assert (ledger.delta, ledger.reason, ledger.reference) == (
        -100,
        StockChangeReason.FLASH_SALE_ALLOCATED,
        f"flash_sale:{sale.id}",
    )
    assert await AuditLog.filter(action="flash_sale.create", entity_id=sale.id).exists()
    # Nothing is in Redis before publishing.
    assert not (await state.flash_sales.view(sale.id)).present


async def test_a_sale_larger_than_the_stock_is_refused_and_leaves_nothing(state, staff):
    sku = await make_sku(stock=5)

    with pytest.raises(DomainError) as caught:
        await make_sale(state, sku=sku, staff=staff, quantity=6, publish=False)

    assert (caught.value.code, caught.value.field) == (Code.INSUFFICIENT_STOCK, ["quantity"])
    assert (await Sku.get(id=sku.id)).stock == 5
    assert not await FlashSale.exists() and not await StockLedger.exists()


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"price": Decimal("0")}, "price"),
        ({"price": Decimal("9.999")}, "price"),
        ({"quantity": 0}, "quantity"),
        ({"per_user_limit": 0}, "perUserLimit"),
        ({"ends_at": datetime.now(UTC) - HOUR}, "endsAt"),
        ({"ends_at": datetime.now(UTC) + timedelta(days=40)}, "endsAt"),
        ({"title": "x" * 61}, "title"),
    ],
)
async def test_terms_are_checked(state, staff, terms, field):
    sku = await make_sku()
    base = {
        "price": Decimal("9.90"),
        "quantity": 10,
        "per_user_limit": 1,
        "starts_at": datetime.now(UTC),
        "ends_at": datetime.now(UTC) + HOUR,
    }

    with pytest.raises(DomainError) as caught:
        await service.create_flash_sale(
            state=state,
            actor_id=staff.id,
            sku_id=sku.id,
            terms=service.SaleTerms(**{**base, **terms}),
        )

    assert (caught.value.code, caught.value.field) == (Code.INVALID, [field])


async def test_an_unknown_sku_is_sku_not_found(state, staff):
    with pytest.raises(DomainError) as caught:
        await service.create_flash_sale(
            state=state,
            actor_id=staff.id,
            sku_id=999,
            terms=service.SaleTerms(
                price=Decimal(1),
                quantity=1,
                per_user_limit=1,
                starts_at=datetime.now(UTC),
                ends_at=datetime.now(UTC) + HOUR,
            ),
        )
    assert (caught.value.code, caught.value.field) == (Code.SKU_NOT_FOUND, ["skuId"])


async def test_publishing_warms_redis_from_postgresql_once(state, staff):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=20, publish=False)

    first = await service.publish_flash_sale(state=state, actor_id=staff.id, sale_id=sale.id)
    again = await service.publish_flash_sale(state=state, actor_id=staff.id, sale_id=sale.id)

    assert first.status == FlashSaleStatus.PUBLISHED and first.redis_epoch == 1
    assert again.redis_epoch == 1 and again.version == first.version
    view = await state.flash_sales.view(sale.id)
    assert (view.epoch, view.offered, view.stock, view.open) == (1, 20, 20, True)
    assert sorted(view.free_units) == list(range(1, 21))


async def test_editing_before_the_start_moves_stock_and_rebuilds_redis(state, staff):
    sku = await make_sku(stock=100)
    sale = await make_sale(state, sku=sku, staff=staff, quantity=40, starts_in=HOUR)

    bigger = await service.update_flash_sale(
        state=state,
        actor_id=staff.id,
        sale_id=sale.id,
        expected_version=sale.version,
        terms=service.SaleTerms(quantity=70, price=Decimal("79.00"), per_user_limit=3),
    )
    smaller = await service.update_flash_sale(
        state=state, actor_id=staff.id, sale_id=sale.id, terms=service.SaleTerms(quantity=30)
    )

    assert (bigger.quantity, bigger.price, bigger.per_user_limit) == (70, Decimal("79.00"), 3)
    assert (await Sku.get(id=sku.id)).stock == 70
    assert await _ledger(sku.id) == [
        (-40, "FLASH_SALE_ALLOCATED"),
        (-30, "FLASH_SALE_ALLOCATED"),
        (40, "FLASH_SALE_RETURNED"),
    ]
    view = await state.flash_sales.view(sale.id)
    assert (view.epoch, view.offered, view.stock) == (smaller.redis_epoch, 30, 30) == (3, 30, 30)


async def test_a_stale_edit_is_a_version_conflict(state, staff):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, starts_in=HOUR)
    await service.update_flash_sale(
        state=state, actor_id=staff.id, sale_id=sale.id, terms=service.SaleTerms(title="New")
    )

    with pytest.raises(DomainError) as caught:
        await service.update_flash_sale(
            state=state,
            actor_id=staff.id,
            sale_id=sale.id,
            expected_version=sale.version,
            terms=service.SaleTerms(title="Mine"),
        )

    assert (caught.value.code, caught.value.field) == (Code.VERSION_CONFLICT, ["version"])
    assert (await FlashSale.get(id=sale.id)).title == "New"


async def test_a_started_sale_cannot_be_edited(state, staff):
    sale = await make_sale(state, sku=await make_sku(), staff=staff)

    with pytest.raises(DomainError) as caught:
        await service.update_flash_sale(
            state=state, actor_id=staff.id, sale_id=sale.id, terms=service.SaleTerms(quantity=5)
        )

    assert caught.value.code == Code.ALREADY_STARTED
    assert (await FlashSale.get(id=sale.id)).quantity == 100


async def test_cancelling_gives_unsold_units_back_exactly_once(state, staff, make_user):
    # Given a live sale of 10 with 3 units reserved
    sku = await make_sku(stock=10)
    sale = await make_sale(state, sku=sku, staff=staff, quantity=10, limit=3)
    shopper = await make_user()
    held = await _buy(state, sale, shopper, quantity=3)

    # When staff cancel it twice at the same time
    await asyncio.gather(
        *(
            service.cancel_flash_sale(state=state, actor_id=staff.id, sale_id=sale.id)
            for _ in range(2)
        )
    )

    # Then the 7 unsold units went back once; purchases are over; the reservation stays
    assert (await Sku.get(id=sku.id)).stock == 7
    assert await _ledger(sku.id) == [(-10, "FLASH_SALE_ALLOCATED"), (7, "FLASH_SALE_RETURNED")]
    cancelled = await FlashSale.get(id=sale.id)
    assert (cancelled.status, cancelled.returned_quantity) == (FlashSaleStatus.CANCELLED, 7)
    assert (await _refusal(state, sale.id, await make_user())).code == Code.ENDED
    assert (await FlashSaleReservation.get(id=held.id)).status == ReservationStatus.RESERVED
    report = await reconcile.check(state=state, sale_id=sale.id)
    assert report.holds and (report.redis_returned, report.redis_reserved) == (7, 3)

    # and when its order is cancelled (twice at once), its units go back to the SKU, once
    order_id = (await FlashSaleReservation.get(id=held.id)).order_id
    await asyncio.gather(
        *(orders.cancel_order(state=state, user_id=shopper.id, order_id=order_id) for _ in range(2))
    )
    assert (await Sku.get(id=sku.id)).stock == 10
    assert (await FlashSale.get(id=sale.id)).returned_quantity == 10
    assert await _ledger(sku.id) == [
        (-10, "FLASH_SALE_ALLOCATED"),
        (7, "FLASH_SALE_RETURNED"),
        (3, "FLASH_SALE_RETURNED"),
    ]
    report = await reconcile.reconcile(state=state, sale_id=sale.id)
    assert report.holds and (report.redis_returned, report.pg_returned) == (10, 10)


async def test_sales_past_their_end_are_settled_once_by_any_number_of_workers(state, staff):
    sku = await make_sku(stock=10)
    sale = await make_sale(state, sku=sku, staff=staff, quantity=10)
    await FlashSale.filter(id=sale.id).update(ends_at=datetime.now(UTC) - timedelta(seconds=1))

    settled = await asyncio.gather(*(service.settle_ended_sales(state=state) for _ in range(3)))

    assert sum(settled) == 1
    ended = await FlashSale.get(id=sale.id)
    assert (ended.status, ended.returned_quantity) == (FlashSaleStatus.ENDED, 10)
    assert (await Sku.get(id=sku.id)).stock == 10
    assert (await reconcile.check(state=state, sale_id=sale.id)).holds


# --- purchases -------------------------------------------------------------------------------


async def test_a_purchase_records_the_reservation_and_its_units(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, price="9.90")
    shopper = await make_user()

    reservation = await _buy(state, sale, shopper, quantity=2)

    assert (reservation.quantity, reservation.unit_price) == (2, Decimal("9.90"))
    assert reservation.status == ReservationStatus.RESERVED
    expected_expiry = datetime.now(UTC) + timedelta(
        seconds=state.settings.flash_sale_payment_seconds
    )
    assert abs(reservation.expires_at - expected_expiry) < timedelta(seconds=5)
    units = await FlashSaleUnit.filter(reservation_id=reservation.id).values_list(
        "unit_no", flat=True
    )
    record = await state.flash_sales.record(sale.id, reservation.token)
    assert sorted(units) == sorted(record.units) and len(units) == 2
    assert (await reconcile.check(state=state, sale_id=sale.id)).holds


async def test_before_the_start_is_not_started_with_the_wait(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, starts_in=timedelta(minutes=5))

    refusal = await _refusal(state, sale.id, await make_user())

    assert (refusal.code, refusal.field) == (Code.NOT_STARTED, ["saleId"])
    assert 290 < refusal.retry_after <= 300


async def test_the_start_is_the_redis_servers_second(state, staff, make_user):
    # Given a sale starting in 1.2 s
    sale = await make_sale(
        state, sku=await make_sku(), staff=staff, starts_in=timedelta(seconds=1.2)
    )
    shopper = await make_user()

    # When a shopper tries now, then waits what the answer said
    early = await _refusal(state, sale.id, shopper)
    await asyncio.sleep(early.retry_after + 0.05)
    reservation = await _buy(state, sale, shopper)

    # Then the first attempt was too early and the second got through
    assert early.code == Code.NOT_STARTED and 0 < early.retry_after <= 1.2
    assert reservation.status == ReservationStatus.RESERVED


async def test_after_the_end_is_ended(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, lasts=timedelta(seconds=1.3))
    await asyncio.sleep(0.4)  # it started a second ago: now it is over

    refusal = await _refusal(state, sale.id, await make_user())

    assert (refusal.code, refusal.field) == (Code.ENDED, ["saleId"])


async def test_sold_out_and_too_few_left(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=3, limit=2)
    await _buy(state, sale, await make_user(), quantity=2)

    too_few = await _refusal(state, sale.id, await make_user(), quantity=2)
    await _buy(state, sale, await make_user(), quantity=1)
    sold_out = await _refusal(state, sale.id, await make_user())

    assert (too_few.code, too_few.field, too_few.message) == (
        Code.SOLD_OUT,
        ["quantity"],
        "Only 1 left",
    )
    assert (sold_out.code, sold_out.field) == (Code.SOLD_OUT, ["saleId"])


async def test_a_sold_out_sale_is_answered_without_redis(state, staff, make_user):
    # Given a sale this process has seen sold out
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=1, limit=1)
    await _buy(state, sale, await make_user())
    await _refusal(state, sale.id, await make_user())

    # When its keys vanish from Redis
    await state.redis.delete(*state.flash_sales.sale_keys(sale.id))
    refusal = await _refusal(state, sale.id, await make_user())

    # Then the answer is still SOLD_OUT (from memory), not PAUSED (from Redis)
    assert refusal.code == Code.SOLD_OUT


async def test_the_per_shopper_limit(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, limit=2)
    shopper = await make_user()
    await _buy(state, sale, shopper, quantity=1)

    refusal = await _refusal(state, sale.id, shopper, quantity=2)
    await _buy(state, sale, shopper, quantity=1)
    again = await _refusal(state, sale.id, shopper)

    assert (refusal.code, refusal.field) == (Code.LIMIT_REACHED, ["quantity"])
    assert refusal.message == "At most 2 per shopper; you hold 1"
    assert again.code == Code.LIMIT_REACHED
    assert (await FlashSaleBuyer.get(sale_id=sale.id, user_id=shopper.id)).held == 2


async def test_concurrent_taps_of_one_shopper_never_pass_the_limit(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=50, limit=3)
    shopper = await make_user()

    outcomes = await asyncio.gather(
        *(_buy(state, sale, shopper) for _ in range(5)), return_exceptions=True
    )

    assert sum(1 for o in outcomes if isinstance(o, service.Reservation)) == 3
    assert (await FlashSaleBuyer.get(sale_id=sale.id, user_id=shopper.id)).held == 3


async def test_a_shopper_tapping_too_fast_is_rate_limited(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, limit=1)
    shopper = await make_user()
    await _buy(state, sale, shopper)
    burst = state.settings.flash_sale_user_burst
    for _ in range(burst - 1):
        assert (await _refusal(state, sale.id, shopper)).code == Code.LIMIT_REACHED

    refusal = await _refusal(state, sale.id, shopper)

    assert (refusal.code, refusal.field) == (Code.RATE_LIMITED, None)
    assert 0 < refusal.retry_after <= 1 / state.settings.flash_sale_user_per_second


async def test_a_draft_or_unknown_sale_is_not_found(state, staff, make_user):
    draft = await make_sale(state, sku=await make_sku(), staff=staff, publish=False)
    shopper = await make_user()

    for sale_id in (draft.id, 999_999):
        refusal = await _refusal(state, sale_id, shopper)
        assert (refusal.code, refusal.field) == (Code.NOT_FOUND, ["saleId"])


async def test_unknown_sale_ids_spend_the_shoppers_budget(state, make_user):
    # Given a shopper and as many made-up sale ids as they like (each new to the memo)
    shopper = await make_user()
    burst = state.settings.flash_sale_user_burst

    # When they try one new id after another
    refusals = [await _refusal(state, 900_000 + i, shopper) for i in range(burst + 1)]

    # Then each id is a fresh guess but the budget is one: after the burst, RATE_LIMITED
    assert [r.code for r in refusals[:burst]] == [Code.NOT_FOUND] * burst
    assert (refusals[-1].code, refusals[-1].field) == (Code.RATE_LIMITED, None)
    assert 0 < refusals[-1].retry_after <= 1 / state.settings.flash_sale_user_per_second
    # and the answers the database gave were remembered for the ids it was asked about only
    assert len(state.flash_sales.missing) == burst


async def test_unknown_sale_ids_spend_the_addresss_budget(state, make_user, monkeypatch):
    # Given an address of a small budget, spent by several shoppers guessing ids
    monkeypatch.setattr(state.settings, "flash_sale_ip_burst", 3)
    monkeypatch.setattr(state.settings, "flash_sale_ip_per_second", 0.01)
    for i in range(3):
        refusal = await _refusal(state, 800_000 + i, await make_user(), ip="10.9.9.9")
        assert refusal.code == Code.NOT_FOUND

    # When a new shopper behind that address guesses once more
    refusal = await _refusal(state, 1, await make_user(), ip="10.9.9.9")

    # Then the address is out of attempts, whoever asks; another address is not
    assert refusal.code == Code.RATE_LIMITED
    assert (await _refusal(state, 1, await make_user(), ip="10.9.9.10")).code == Code.NOT_FOUND


def test_the_memo_of_unknown_sales_is_bounded_and_forgets_the_oldest():
    memo = ExpiringMemo(3, seconds=60)
    for sale_id in range(10):
        memo.put(sale_id, "NOT_FOUND")

    assert len(memo) == 3
    assert [memo.get(i) for i in (6, 7, 8, 9)] == [None, "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]


def test_the_memo_of_unknown_sales_forgets_after_its_time(monkeypatch):
    memo = ExpiringMemo(3, seconds=1)
    memo.put(1, "PAUSED")
    now = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: now + 1.01)

    assert memo.get(1) is None
    assert len(memo) == 0


async def test_a_quantity_outside_the_bounds_is_invalid(state, staff, make_user):
    sale = await make_sale(state, sku=await make_sku(), staff=staff)

    refusal = await _refusal(state, sale.id, await make_user(), quantity=0)

    assert (refusal.code, refusal.field) == (Code.INVALID_QUANTITY, ["quantity"])


async def test_lost_keys_pause_purchases_until_rebuilt_then_they_resume(state, staff, make_user):
    # Given a live sale with a reservation, and Redis losing the sale
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=5, limit=5)
    first = await make_user()
    await _buy(state, sale, first, quantity=4)
    await state.redis.delete(*state.flash_sales.sale_keys(sale.id))

    # When a shopper tries
    refusal = await _refusal(state, sale.id, await make_user())
    await state.flash_sales.drain()  # the rebuild that answer started

    # Then it paused, and after the rebuild only the 1 unit left can be bought
    assert (refusal.code, refusal.field, refusal.retry_after) == (Code.PAUSED, ["saleId"], 1.0)
    assert (await _buy(state, sale, await make_user())).quantity == 1
    assert (await _refusal(state, sale.id, await make_user())).code == Code.SOLD_OUT
    assert await FlashSaleUnit.filter(sale_id=sale.id).count() == 5


async def test_a_grant_from_an_older_redis_is_refused_and_given_back(state, staff, make_user):
    # Given a Redis grant made under epoch 1, and PostgreSQL rebuilt Redis since (epoch 2)
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=5)
    shopper = await make_user()
    await FlashSale.filter(id=sale.id).update(redis_epoch=2)

    # When the grant is recorded
    refusal = await _refusal(state, sale.id, shopper)
    await state.flash_sales.drain()

    # Then PostgreSQL refused it, Redis was rebuilt, and nothing is held
    assert refusal.code == Code.PAUSED
    assert not await FlashSaleReservation.exists()
    report = await reconcile.check(state=state, sale_id=sale.id)
    assert report.holds and report.redis_epoch == 3 and report.redis_stock == 5
