"""Flash sale storms on real Redis and PostgreSQL: never oversold, never lost.

Each storm fires every attempt at once (asyncio.gather over the app's own Redis pool and
database pool), while a sampler reads both stores over and over and records what it saw.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis

from models import FlashSaleBuyer, FlashSaleReservation, FlashSaleUnit, ReservationStatus, Role
from resolvers.campaigns import reconcile, service
from resolvers.core.state import AppState
from settings import Settings
from tests.support.flash_sales import make_sale, make_shoppers, make_sku, pickup

UNITS = 100
SHOPPERS = 2000
ATTEMPTS = 10_000
LIMIT = 2
# The attempt before which the flush test loses the sale in Redis (about 50 units in).
FLUSH_AT = 125


@dataclass
class Samples:
    redis: list[tuple[int, int, int]] = field(default_factory=list)  # stock, reserved, sold
    held_in_db: list[int] = field(default_factory=list)


async def _sample(
    state: AppState, settings: Settings, sale_id: int, stop: asyncio.Event, samples: Samples
) -> None:
    """Its own connections: the storm's thousands of waiters queue on the app's pools."""
    meta, units, _, _ = state.flash_sales.sale_keys(sale_id)
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    db = await asyncpg.connect(settings.database_url)
    try:
        while not stop.is_set():
            pipe = redis.pipeline(transaction=True)
            pipe.llen(units)
            pipe.hmget(meta, "reserved", "sold")
            stock, (reserved, sold) = await pipe.execute()
            if reserved is not None:  # None while the keys are gone (the flush test)
                samples.redis.append((stock, int(reserved), int(sold)))
            samples.held_in_db.append(
                await db.fetchval(
                    "SELECT count(*) FROM flash_sale_unit WHERE sale_id = $1", sale_id
                )
            )
            await asyncio.sleep(0.002)
    finally:
        await redis.aclose()
        await db.close()


def _plan(shoppers: list, seed: int) -> list[tuple[int, int, str]]:
    """ATTEMPTS attempts: every shopper taps ATTEMPTS / SHOPPERS times in a row (1 or 2
    units each), shoppers in a shuffled order; each shopper has an address of their own."""
    rng = random.Random(seed)
    order = list(enumerate(shoppers))
    rng.shuffle(order)
    return [
        (shopper.id, rng.choice((1, 2)), f"10.{i // 250}.{i % 250}.1")
        for i, shopper in order
        for _ in range(ATTEMPTS // SHOPPERS)
    ]


async def _attempt(
    state: AppState, sale_id: int, user_id: int, quantity: int, ip: str, delivery
) -> str:
    try:
        purchase = await service.purchase(
            state=state,
            user_id=user_id,
            sale_id=sale_id,
            quantity=quantity,
            client_ip=ip,
            delivery=delivery,
        )
    except service.PurchaseRefused as exc:
        return str(exc.code)
    return f"OK{purchase.reservation.quantity}"


async def _assert_agreement(state: AppState, sale_id: int) -> reconcile.Report:
    """Both stores hold exactly UNITS units, nobody above the limit, and they agree."""
    rows = await FlashSaleReservation.filter(
        sale_id=sale_id, status=ReservationStatus.RESERVED
    ).values_list("user_id", "quantity")
    per_user = Counter()
    for user_id, quantity in rows:
        per_user[user_id] += quantity
    assert sum(per_user.values()) == UNITS
    assert await FlashSaleUnit.filter(sale_id=sale_id).count() == UNITS
    assert max(per_user.values()) <= LIMIT
    buyers = await FlashSaleBuyer.filter(sale_id=sale_id, held__gt=0).values_list("user_id", "held")
    assert dict(buyers) == dict(per_user)

    report = await reconcile.check(state=state, sale_id=sale_id)
    assert report is not None
    assert report.holds, report.problems
    assert (report.redis_stock, report.redis_reserved, report.redis_sold) == (0, UNITS, 0)
    assert (report.pg_reserved, report.pg_free) == (UNITS, 0)
    assert report.in_flight == 0
    view = await state.flash_sales.view(sale_id)
    assert view.buyers == dict(per_user)
    return report


async def test_ten_thousand_attempts_from_two_thousand_shoppers_sell_exactly_the_units(
    state, settings, make_user
):
    # Given a live sale of 100 units, 2 per shopper, and 2,000 shoppers
    staff = await make_user(Role.STAFF)
    sale = await make_sale(state, sku=await make_sku(stock=UNITS), staff=staff, quantity=UNITS)
    shoppers = await make_shoppers(SHOPPERS)
    plan = _plan(shoppers, seed=6)
    delivery = await pickup()
    samples, stop = Samples(), asyncio.Event()
    sampler = asyncio.create_task(_sample(state, settings, sale.id, stop, samples))

    # When 10,000 attempts arrive at once
    outcomes = await asyncio.gather(
        *(_attempt(state, sale.id, user_id, q, ip, delivery) for user_id, q, ip in plan)
    )
    stop.set()
    await sampler

    # Then exactly 100 units are reserved, in both stores, nobody holds more than 2
    counts = Counter(outcomes)
    assert counts["OK1"] + 2 * counts["OK2"] == UNITS
    assert set(counts) <= {"OK1", "OK2", "SOLD_OUT", "LIMIT_REACHED"}, counts
    assert counts["SOLD_OUT"] > 0 and counts["LIMIT_REACHED"] > 0
    await _assert_agreement(state, sale.id)
    # and at every sample: never below zero, never more than offered, Redis balanced
    assert len(samples.redis) > 3
    for stock, reserved, sold in samples.redis:
        assert stock >= 0
        assert stock + reserved + sold == UNITS
    assert all(0 <= held <= UNITS for held in samples.held_in_db)


async def test_a_storm_survives_redis_losing_the_sale_halfway(state, settings, make_user):
    # Given the same storm
    staff = await make_user(Role.STAFF)
    sale = await make_sale(state, sku=await make_sku(stock=UNITS), staff=staff, quantity=UNITS)
    plan = _plan(await make_shoppers(SHOPPERS), seed=7)
    delivery = await pickup()
    samples, stop = Samples(), asyncio.Event()
    sampler = asyncio.create_task(_sample(state, settings, sale.id, stop, samples))
    # Its own connection, ready before the storm, so the flush is not queued behind it.
    redis = Redis.from_url(settings.redis_url, decode_responses=True)
    await redis.ping()

    async def attempt(i: int, user_id: int, quantity: int, ip: str) -> str:
        if i == FLUSH_AT:
            # When Redis loses the sale (FLUSHALL, failover) between two attempts, about
            # half the units granted and their database writes still in flight
            await redis.delete(*state.flash_sales.sale_keys(sale.id))
        return await _attempt(state, sale.id, user_id, quantity, ip, delivery)

    try:
        outcomes = await asyncio.gather(
            *(attempt(i, user_id, q, ip) for i, (user_id, q, ip) in enumerate(plan))
        )
    finally:
        await redis.aclose()
    await state.flash_sales.drain()  # the rebuild the first PAUSED answer started
    # and the shoppers told PAUSED try again, as its retryAfter asks them to
    paused = [plan[i] for i, outcome in enumerate(outcomes) if outcome == "PAUSED"]
    retried = await asyncio.gather(
        *(_attempt(state, sale.id, user_id, q, ip, delivery) for user_id, q, ip in paused)
    )
    stop.set()
    await sampler

    # Then purchases paused while Redis was rebuilt from PostgreSQL, and resumed:
    # exactly 100 units in the end, none sold twice, both stores agree
    assert paused, Counter(outcomes)
    assert "PAUSED" not in retried
    assert await FlashSaleReservation.filter(sale_id=sale.id, redis_epoch=2).exists()
    report = await _assert_agreement(state, sale.id)
    assert report.pg_epoch == 2 == report.redis_epoch
    for stock, reserved, sold in samples.redis:
        assert stock >= 0
        assert stock + reserved + sold == UNITS
    assert all(0 <= held <= UNITS for held in samples.held_in_db)
