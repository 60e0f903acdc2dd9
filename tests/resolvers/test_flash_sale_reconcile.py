"""The reconciler: finds what a crash or a Redis loss left half done, and repairs it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import sys

import asyncpg
import httpx
from redis.asyncio import Redis
from strawberry import relay
from tortoise.transactions import in_transaction

from models import (
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleUnit,
    ReleaseReason,
    ReservationStatus,
    Role,
)
from resolvers.campaigns import reconcile, service
from settings import BASE_DIR
from tests.support.flash_sales import buy, make_sale, make_shoppers, make_sku, pickup

PURCHASE = """
mutation Buy($saleId: ID!, $storeId: ID!) {
  flashSalePurchase(saleId: $saleId, quantity: 1, deliveryMethod: PICKUP, storeId: $storeId) {
    reservation { token }
    errors { code }
  }
}
"""


async def _grant_without_recording(state, sale_id: int, user_id: int, quantity: int = 1) -> str:
    """What a web process leaves when it dies between the Redis grant and the database."""
    token = secrets.token_urlsafe(16)
    verdict = await state.flash_sales.reserve(
        sale_id=sale_id, user_id=user_id, quantity=quantity, token=token, client_ip="10.9.9.9"
    )
    assert verdict.code == "OK"
    return token


async def test_a_grant_never_recorded_is_given_back_once_older_than_the_grace(state, make_user):
    # Given a process that died right after Redis granted 2 units
    staff, shopper = await make_user(Role.STAFF), await make_user()
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10)
    token = await _grant_without_recording(state, sale.id, shopper.id, quantity=2)

    # When the reconciler runs within the grace period, it is a purchase in flight
    young = await reconcile.reconcile(state=state, sale_id=sale.id)
    # and after it, it is an orphan
    repaired = await reconcile.reconcile(state=state, sale_id=sale.id, orphan_grace_seconds=0)
    again = await reconcile.reconcile(state=state, sale_id=sale.id, orphan_grace_seconds=0)

    # Then the units went back exactly once, and a late write of the grant now fails
    assert young.holds and young.in_flight == 2 and young.repairs == []
    assert repaired.holds and repaired.repairs and repaired.redis_stock == 10
    assert again.holds and again.repairs == [] and again.redis_stock == 10
    row = await FlashSaleReservation.get(token=token)
    assert (row.status, row.release_reason) == (ReservationStatus.RELEASED, ReleaseReason.ABANDONED)
    assert not await FlashSaleUnit.filter(sale_id=sale.id).exists()
    view = await state.flash_sales.view(sale.id)
    assert view.buyers == {} and view.records[token].status == "X"


async def test_a_release_that_missed_redis_is_replayed(state, make_user):
    # Given a release committed in PostgreSQL whose Redis half never ran (a crash)
    staff, shopper = await make_user(Role.STAFF), await make_user()
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10)
    reservation = (await buy(state, sale, shopper, 2)).reservation
    await FlashSaleReservation.filter(id=reservation.id).update(status=ReservationStatus.RELEASED)
    await FlashSaleUnit.filter(reservation_id=reservation.id).delete()
    await FlashSaleBuyer.filter(sale_id=sale.id, user_id=shopper.id).update(held=0)

    # When the invariant is checked, then repaired
    found = await reconcile.check(state=state, sale_id=sale.id)
    repaired = await reconcile.reconcile(state=state, sale_id=sale.id)

    # Then the check saw Redis behind, and the release was replayed in Redis once
    assert not found.holds and found.replay_release == [reservation.token]
    assert repaired.holds and repaired.redis_stock == 10 and repaired.redis_reserved == 0


async def test_a_confirm_that_missed_redis_is_replayed(state, make_user):
    staff, shopper = await make_user(Role.STAFF), await make_user()
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10)
    reservation = (await buy(state, sale, shopper)).reservation
    await FlashSaleReservation.filter(id=reservation.id).update(status=ReservationStatus.CONFIRMED)

    repaired = await reconcile.reconcile(state=state, sale_id=sale.id)

    assert repaired.holds and repaired.repairs
    assert (repaired.redis_reserved, repaired.redis_sold) == (0, 1)
    assert (repaired.pg_reserved, repaired.pg_sold) == (0, 1)


async def test_lost_keys_are_rebuilt_from_postgresql(state, make_user):
    # Given a sale with reservations, and Redis losing its keys
    staff, a, b = await make_user(Role.STAFF), await make_user(), await make_user()
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10, limit=3)
    kept = (await buy(state, sale, a, 3)).reservation
    sold = (await buy(state, sale, b)).reservation
    async with in_transaction():
        assert await service.confirm_in_database(token=sold.token)
    await state.redis.delete(*state.flash_sales.sale_keys(sale.id))

    # When the invariant is checked, then repaired
    found = await reconcile.check(state=state, sale_id=sale.id)
    repaired = await reconcile.reconcile(state=state, sale_id=sale.id)

    # Then Redis holds what PostgreSQL says, under a new epoch
    assert not found.holds and found.rebuild and not found.redis_present
    assert repaired.holds and repaired.repairs == ["rebuilt Redis from PostgreSQL"]
    assert (repaired.redis_stock, repaired.redis_reserved, repaired.redis_sold) == (6, 3, 1)
    assert repaired.redis_epoch == repaired.pg_epoch == 2
    view = await state.flash_sales.view(sale.id)
    assert view.buyers == {a.id: 3, b.id: 1}
    assert set(view.records) == {kept.token, sold.token}


async def test_redis_counters_that_do_not_add_up_are_rebuilt(state, make_user):
    staff = await make_user(Role.STAFF)
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=10)
    units = state.flash_sales.sale_keys(sale.id)[1]
    await state.redis.rpush(units, 3)  # a unit twice on the free list

    found = await reconcile.check(state=state, sale_id=sale.id)
    repaired = await reconcile.reconcile(state=state, sale_id=sale.id)

    assert not found.holds and found.rebuild
    assert repaired.holds and repaired.redis_stock == 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def _server_process(settings):
    """The real server in its own process group, so the test can kill it for real."""
    port = _free_port()
    env = {
        **os.environ,
        "ENV": "test",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "JWT_SECRET": settings.jwt_secret,
        "EMBEDDED_WORKER": "false",
        "LOG_LEVEL": "ERROR",
        "FLASH_SALE_IP_BURST": "100000",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "serve",
        "--workers",
        "1",
        cwd=BASE_DIR,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            for _ in range(200):
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/readyz")).status_code == 200:
                        break
                assert process.returncode is None, "the server process did not start"
                await asyncio.sleep(0.05)
        yield url, process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        await process.wait()


async def test_a_web_process_killed_mid_storm_leaves_nothing_the_reconciler_cannot_restore(
    state, settings, make_user, token_for
):
    # Given a live sale and 400 shoppers storming a real server process
    staff = await make_user(Role.STAFF)
    sale = await make_sale(state, sku=await make_sku(), staff=staff, quantity=1000, limit=1)
    shoppers = await make_shoppers(400)
    variables = {
        "saleId": relay.to_base64("FlashSale", sale.id),
        "storeId": relay.to_base64("Store", (await pickup()).store_id),
    }
    answered: list[str] = []
    storm_over = asyncio.Event()
    async with _server_process(settings) as (url, process):
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as client:

            async def buy(shopper) -> None:
                with contextlib.suppress(httpx.HTTPError):
                    response = await client.post(
                        "/graphql",
                        json={"query": PURCHASE, "variables": variables},
                        headers={"Authorization": f"Bearer {token_for(shopper)}"},
                    )
                    payload = response.json()["data"]["flashSalePurchase"]
                    answered.append(
                        payload["reservation"]["token"] if payload["reservation"] else ""
                    )

            async def kill_when_busy() -> None:
                # When the process is SIGKILLed with purchases in flight: granted in Redis,
                # not yet committed in PostgreSQL (looked for on connections of our own)
                redis = Redis.from_url(settings.redis_url, decode_responses=True)
                db = await asyncpg.connect(settings.database_url)
                meta = state.flash_sales.sale_keys(sale.id)[0]
                try:
                    while not storm_over.is_set():
                        granted = int(await redis.hget(meta, "reserved") or 0)
                        recorded = await db.fetchval(
                            "SELECT count(*) FROM flash_sale_unit WHERE sale_id = $1", sale.id
                        )
                        if granted >= 100 and (granted > recorded or granted >= 300):
                            break
                    os.killpg(process.pid, signal.SIGKILL)
                finally:
                    await redis.aclose()
                    await db.close()

            async def storm() -> None:
                await asyncio.gather(*(buy(s) for s in shoppers))
                storm_over.set()  # never loop for ever if the process was not caught busy

            await asyncio.gather(kill_when_busy(), storm())

    # Then the reconciler (past the grace period: the dead process will never write)
    # gives back what was granted but never recorded, and both stores agree again
    report = await reconcile.reconcile(state=state, sale_id=sale.id, orphan_grace_seconds=0)
    assert report.holds, report.problems
    assert report.in_flight == 0
    assert report.redis_reserved == report.pg_reserved >= len([t for t in answered if t])
    assert report.redis_stock + report.redis_reserved == 1000
    assert report.pg_reserved == await FlashSaleUnit.filter(sale_id=sale.id).count()
    assert len(answered) < len(shoppers)  # it really died mid-storm
