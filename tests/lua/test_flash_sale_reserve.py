"""The purchase gate script on real Redis: one atomic call, nothing written on a refusal."""

from __future__ import annotations

import secrets

import pytest
from redis.crc import key_slot
from redis.exceptions import ResponseError

from resolvers.campaigns.gate import FlashSaleGate, SaleImage

SALE = 7001


async def redis_now_ms(redis) -> int:
    seconds, micros = await redis.time()
    return seconds * 1000 + micros // 1000


async def load(state, *, sale_id=SALE, units=5, limit=2, starts_in_ms=-1000, open_=True):
    now = await redis_now_ms(state.redis)
    await state.flash_sales.load(
        SaleImage(
            sale_id=sale_id,
            epoch=1,
            starts_ms=now + starts_in_ms,
            ends_ms=now + 60_000,
            limit=limit,
            offered=units,
            returned=0,
            open=open_,
            settled=False,
            free_units=list(range(1, units + 1)),
            buyers={},
            records={},
            expire_at_ms=now + 3_600_000,
        )
    )


async def reserve(gate: FlashSaleGate, *, user=1, quantity=1, token=None, ip="10.0.0.1"):
    return await gate.reserve(
        sale_id=SALE,
        user_id=user,
        quantity=quantity,
        token=token or secrets.token_urlsafe(16),
        client_ip=ip,
    )


async def sale_state(state) -> tuple:
    meta, units, buyers, records = state.flash_sales.sale_keys(SALE)
    return (
        await state.redis.hgetall(meta),
        await state.redis.lrange(units, 0, -1),
        await state.redis.hgetall(buyers),
        await state.redis.hgetall(records),
    )


def fresh_gate(state, **settings) -> FlashSaleGate:
    """A gate with its own settings and no memory of earlier answers."""
    return FlashSaleGate(
        state.redis, state.keys, state.scripts, state.settings.model_copy(update=settings)
    )


async def test_a_grant_takes_units_and_records_the_reservation(state):
    await load(state)

    verdict = await reserve(state.flash_sales, user=42, quantity=2, token="tok-1")

    assert verdict.code == "OK" and verdict.epoch == 1 and verdict.units == (1, 2)
    hold = state.settings.flash_sale_payment_seconds * 1000
    assert verdict.expires_ms - verdict.now_ms == hold
    meta, units, buyers, _ = await sale_state(state)
    assert meta["reserved"] == "2" and units == ["3", "4", "5"] and buyers == {"42": "2"}
    record = await state.flash_sales.record(SALE, "tok-1")
    assert (record.status, record.user_id, record.quantity, record.units) == ("R", 42, 2, (1, 2))


@pytest.mark.parametrize(
    ("setup", "attempt", "code"),
    [
        ({"starts_in_ms": 60_000}, {}, "NOT_STARTED"),
        ({"open_": False}, {}, "ENDED"),
        ({"units": 1}, {"quantity": 2}, "SOLD_OUT"),
        ({"limit": 1}, {"quantity": 2}, "LIMIT_REACHED"),
    ],
)
async def test_a_refusal_writes_nothing_but_the_rate_buckets(state, setup, attempt, code):
    await load(state, **setup)
    before = await sale_state(state)

    verdict = await reserve(fresh_gate(state), **attempt)

    assert verdict.code == code
    assert await sale_state(state) == before
    bucket = state.keys.flash_sale_user_bucket(SALE, 1)
    assert (
        float(await state.redis.hget(bucket, "tokens")) == state.settings.flash_sale_user_burst - 1
    )


async def test_a_sale_redis_does_not_hold_is_missing_and_nothing_is_written(state):
    verdict = await reserve(state.flash_sales)

    assert verdict.code == "MISSING"
    assert not await state.redis.exists(
        *state.flash_sales.sale_keys(SALE), state.keys.flash_sale_user_bucket(SALE, 1)
    )


async def test_a_used_token_is_refused(state):
    await load(state)
    await reserve(state.flash_sales, user=1, token="same")

    verdict = await reserve(state.flash_sales, user=2, token="same")

    assert verdict.code == "DUPLICATE"
    assert (await sale_state(state))[1] == ["2", "3", "4", "5"]


async def test_bad_arguments_fail_before_any_write(state):
    await load(state)
    before = await sale_state(state)
    meta, units, buyers, records = state.flash_sales.sale_keys(SALE)

    with pytest.raises(ResponseError, match="bad arguments"):
        await state.scripts["flash_sale_reserve"](
            keys=[meta, units, buyers, records, "u", "ip"],
            args=[1, 0, "t", 1000, 5, 1, 5, 1],
        )

    assert await sale_state(state) == before


async def test_the_start_is_decided_by_the_redis_clock(state):
    await load(state, starts_in_ms=300)
    gate = fresh_gate(state)

    early = await reserve(gate)

    assert early.code == "NOT_STARTED" and 0 < early.wait_ms <= 300


async def test_one_address_is_rate_limited_across_shoppers(state):
    await load(state, units=50)
    gate = fresh_gate(state, flash_sale_ip_burst=3, flash_sale_ip_per_second=0.001)

    verdicts = [await reserve(gate, user=user, ip="203.0.113.7") for user in range(1, 5)]
    other = await reserve(gate, user=5, ip="203.0.113.8")

    assert [v.code for v in verdicts] == ["OK", "OK", "OK", "RATE_LIMITED"]
    assert verdicts[-1].wait_ms > 0
    assert other.code == "OK"


async def test_a_rate_limited_attempt_spends_no_token(state):
    await load(state, units=50, limit=50)
    gate = fresh_gate(state, flash_sale_user_burst=2, flash_sale_user_per_second=0.001)
    await reserve(gate)
    await reserve(gate)
    bucket = state.keys.flash_sale_user_bucket(SALE, 1)
    before = await state.redis.hgetall(bucket)

    refused = [await reserve(gate) for _ in range(3)]

    assert {v.code for v in refused} == {"RATE_LIMITED"}
    assert await state.redis.hgetall(bucket) == before


def test_every_key_of_a_sale_is_on_one_cluster_slot(state):
    keys = [
        *state.flash_sales.sale_keys(SALE),
        state.keys.flash_sale_user_bucket(SALE, 1),
        state.keys.flash_sale_ip_bucket(SALE, "2001:db8::1"),
    ]

    assert len({key_slot(k.encode()) for k in keys}) == 1
    assert key_slot(b"{7001}") == key_slot(keys[0].encode())
