"""The flash sale invariant, checked and restored.

For every sale, at every moment:

    Redis:       stock + reserved + sold + returned == offered      (stock never below 0)
    PostgreSQL:  free + reserved + sold + returned  == offered      (units held <= offered)
    and both agree, reservation by reservation.

(`returned` is 0 while the sale runs.) Redis keeps its half by construction: every script
moves units between its counters atomically. PostgreSQL keeps its half with the unique
unit rows. The two can only drift apart when something stops half way:

* a web process died between the Redis grant and the database write: Redis holds a
  reservation PostgreSQL never heard of (an *orphan*, once older than the grace period).
  It gets a RELEASED row first (the token is unique, so a late write of the real one now
  fails instead), then its units go back in Redis;
* a confirm or release committed in PostgreSQL but did not reach Redis (Redis *behind*):
  the script is replayed, which changes nothing if it ran after all;
* Redis lost data (restart without persistence, failover, FLUSHALL) or holds another
  epoch: the sale's keys are rebuilt from PostgreSQL (service.rebuild_redis).

`check` only reads and reports; `reconcile` (worker job, staff mutation) also repairs.
A difference that a transition in flight could explain is looked at a second time before
anything is rebuilt, so a reconcile during a storm does not pause the sale for nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError

from models import (
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    ReleaseReason,
    ReservationStatus,
)
from resolvers.campaigns import service
from resolvers.campaigns.gate import CONFIRMED, RELEASED, RESERVED, Record, RedisView, from_ms
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)

# Sales settled longer ago than this are left alone, unless reservations are still open.
RECENTLY_SETTLED = timedelta(days=2)

_PG_TO_REDIS = {
    ReservationStatus.RESERVED: RESERVED,
    ReservationStatus.CONFIRMED: CONFIRMED,
    ReservationStatus.RELEASED: RELEASED,
}


@dataclass
class Report:
    sale_id: int
    offered: int
    checked_at: datetime
    pg_epoch: int = 0
    pg_reserved: int = 0
    pg_sold: int = 0
    pg_returned: int = 0
    redis_present: bool = False
    redis_epoch: int | None = None
    redis_stock: int = 0
    redis_reserved: int = 0
    redis_sold: int = 0
    redis_returned: int = 0
    # Units Redis granted that PostgreSQL has not recorded yet (younger than the grace).
    in_flight: int = 0
    problems: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    # What a repair would do, by kind (filled by check, used by reconcile).
    rebuild: bool = False
    replay_confirm: list[str] = field(default_factory=list)
    replay_release: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    suspects: list[str] = field(default_factory=list)
    settle: bool = False

    @property
    def pg_free(self) -> int:
        return self.offered - self.pg_reserved - self.pg_sold - self.pg_returned

    @property
    def holds(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class _Row:
    id: int
    status: ReservationStatus
    user_id: int
    quantity: int


async def _pg_state(
    sale_id: int,
) -> tuple[dict[str, _Row], dict[int, list[int]], dict[int, int]]:
    rows = await FlashSaleReservation.filter(sale_id=sale_id).values_list(
        "id", "token", "status", "user_id", "quantity"
    )
    by_token = {token: _Row(rid, ReservationStatus(st), uid, q) for rid, token, st, uid, q in rows}
    units: dict[int, list[int]] = {}
    for reservation_id, unit_no in await FlashSaleUnit.filter(sale_id=sale_id).values_list(
        "reservation_id", "unit_no"
    ):
        units.setdefault(reservation_id, []).append(unit_no)
    buyers = dict(
        await FlashSaleBuyer.filter(sale_id=sale_id, held__gt=0).values_list("user_id", "held")
    )
    return by_token, units, buyers


def _redis_internal(view: RedisView, offered: int) -> list[str]:
    """Redis against itself (one MULTI, so exact)."""
    problems = []
    total = view.stock + view.reserved + view.sold + view.returned
    if total != offered:
        problems.append(
            f"Redis: stock {view.stock} + reserved {view.reserved} + sold {view.sold} "
            f"+ returned {view.returned} = {total}, not {offered}"
        )
    records = view.records.values()
    reserved = sum(r.quantity for r in records if r.status == RESERVED)
    sold = sum(r.quantity for r in records if r.status == CONFIRMED)
    if (reserved, sold) != (view.reserved, view.sold):
        problems.append(
            f"Redis: reservations add up to {reserved} reserved / {sold} sold, "
            f"counters say {view.reserved} / {view.sold}"
        )
    buyers: dict[int, int] = {}
    held_units: list[int] = []
    for r in records:
        if r.status in (RESERVED, CONFIRMED):
            buyers[r.user_id] = buyers.get(r.user_id, 0) + r.quantity
            held_units.extend(r.units)
    if buyers != view.buyers:
        problems.append("Redis: per-shopper counts differ from the reservations")
    every = view.free_units + held_units
    if len(every) != len(set(every)) or any(not 1 <= u <= offered for u in every):
        problems.append("Redis: a unit number is free twice, held twice, or out of range")
    return problems


async def check(
    *, state: AppState, sale_id: int, orphan_grace_seconds: float | None = None
) -> Report | None:
    """Compare Redis with PostgreSQL for one sale (reads only). None: no such sale."""
    sale = await FlashSale.get_or_none(id=sale_id)
    if sale is None:
        return None
    grace = state.settings.flash_sale_orphan_grace_seconds
    grace_ms = int(1000 * (grace if orphan_grace_seconds is None else orphan_grace_seconds))
    # Redis first: a reservation is written to Redis before PostgreSQL, so any row read
    # afterwards had its Redis record before this snapshot (unless Redis lost it).
    view = await state.flash_sales.view(sale_id)
    rows, units, buyers = await _pg_state(sale_id)
    report = Report(
        sale_id=sale.id,
        offered=sale.quantity,
        checked_at=from_ms(view.now_ms),
        pg_epoch=sale.redis_epoch,
        pg_returned=sale.returned_quantity,
    )
    for row in rows.values():
        if row.status == ReservationStatus.RESERVED:
            report.pg_reserved += row.quantity
        elif row.status == ReservationStatus.CONFIRMED:
            report.pg_sold += row.quantity
    held = sum(len(u) for u in units.values())
    if held != report.pg_reserved + report.pg_sold:
        report.problems.append(
            f"PostgreSQL: {held} units held, reservations say {report.pg_reserved + report.pg_sold}"
        )
    per_user: dict[int, int] = {}
    for row in rows.values():
        if row.status != ReservationStatus.RELEASED:
            per_user[row.user_id] = per_user.get(row.user_id, 0) + row.quantity
    if per_user != buyers:
        report.problems.append("PostgreSQL: per-shopper counts differ from the reservations")
    if report.pg_reserved + report.pg_sold + report.pg_returned > sale.quantity:
        report.problems.append("PostgreSQL: more units held and returned than offered")

    if sale.status == FlashSaleStatus.DRAFT:
        return report  # nothing is in Redis before publishing
    expected = sale.status == FlashSaleStatus.PUBLISHED or report.pg_reserved > 0
    report.redis_present = view.present
    if not view.present:
        if expected:
            report.problems.append("Redis: the sale's keys are missing")
            report.rebuild = True
        return report
    report.redis_epoch = view.epoch
    report.redis_stock = view.stock
    report.redis_reserved = view.reserved
    report.redis_sold = view.sold
    report.redis_returned = view.returned
    if view.epoch != sale.redis_epoch:
        report.problems.append(f"Redis: epoch {view.epoch}, PostgreSQL says {sale.redis_epoch}")
        report.rebuild = True
        return report
    internal = _redis_internal(view, sale.quantity)
    if internal:
        report.problems.extend(internal)
        report.rebuild = True
        return report

    settled = sale.settled_at is not None
    if settled and not view.settled:
        report.problems.append("Redis: still open, PostgreSQL settled the sale")
        report.settle = True
    elif view.settled and not settled:
        report.problems.append("Redis: settled, PostgreSQL did not settle the sale")
        report.rebuild = True

    for token, record in view.records.items():
        row = rows.get(token)
        if row is None:
            if record.status == RESERVED:
                if view.now_ms - record.created_ms > grace_ms:
                    report.orphans.append(token)
                else:
                    report.in_flight += record.quantity
            elif record.status == CONFIRMED:
                report.suspects.append(token)
            # RELEASED without a row: a grant the database refused, given back. Fine.
            continue
        mirrored = _PG_TO_REDIS[row.status]
        if mirrored == record.status:
            if mirrored != RELEASED and sorted(units.get(row.id, [])) != sorted(record.units):
                # Units never change while a reservation holds them: no transition explains it.
                report.problems.append(f"Reservation {token[:6]}… holds other units in Redis")
                report.rebuild = True
        elif record.status == RESERVED and mirrored == CONFIRMED:
            report.replay_confirm.append(token)
        elif record.status == RESERVED and mirrored == RELEASED:
            report.replay_release.append(token)
        else:
            report.suspects.append(token)  # Redis ahead of PostgreSQL
    for token, row in rows.items():
        if row.status != ReservationStatus.RELEASED and token not in view.records:
            report.suspects.append(token)  # held in PostgreSQL, unknown to Redis

    if report.orphans:
        report.problems.append(f"{len(report.orphans)} reservation(s) granted but never recorded")
    if report.replay_confirm or report.replay_release:
        report.problems.append(
            f"Redis behind: {len(report.replay_confirm)} confirm(s), "
            f"{len(report.replay_release)} release(s) to replay"
        )
    if report.suspects:
        report.problems.append(f"{len(report.suspects)} reservation(s) differ between the stores")
    if (
        settled
        and view.settled
        and not (report.orphans or report.replay_release or report.suspects)
        and view.returned != sale.returned_quantity
    ):
        report.problems.append(
            f"Returned to the SKU: Redis {view.returned}, PostgreSQL {sale.returned_quantity}"
        )
        report.rebuild = True
    return report


async def _still_differs(state: AppState, sale_id: int, token: str) -> bool:
    """Second look at one reservation, Redis first (it is written first on purchase,
    last on confirm / release), so a transition in flight never looks like a difference."""
    record: Record | None = await state.flash_sales.record(sale_id, token)
    row = await FlashSaleReservation.get_or_none(token=token)
    if row is None:
        return record is not None and record.status == CONFIRMED
    if record is None:
        return row.status != ReservationStatus.RELEASED
    return _PG_TO_REDIS[row.status] != record.status and not (
        record.status == RESERVED and row.status != ReservationStatus.RESERVED
    )


async def _bury_orphan(state: AppState, sale: FlashSale, token: str, record: Record) -> bool:
    """A RELEASED row for a grant nobody recorded, then its units back in Redis. If the
    real row got there first, it is a live reservation after all and nothing happens."""
    try:
        await FlashSaleReservation.create(
            token=token,
            sale_id=sale.id,
            user_id=record.user_id,
            quantity=record.quantity,
            unit_price=sale.price,
            status=ReservationStatus.RELEASED,
            release_reason=ReleaseReason.ABANDONED,
            expires_at=from_ms(record.expires_ms),
            redis_epoch=sale.redis_epoch,
            released_at=datetime.now(UTC),
        )
    except IntegrityError:
        return False
    await state.flash_sales.release(sale_id=sale.id, token=token)
    return True


async def reconcile(
    *, state: AppState, sale_id: int, orphan_grace_seconds: float | None = None
) -> Report | None:
    """Check, repair what differs, and check again; the report lists the repairs."""
    report = await check(state=state, sale_id=sale_id, orphan_grace_seconds=orphan_grace_seconds)
    if report is None or report.holds:
        return report
    repairs: list[str] = []
    gate = state.flash_sales
    rebuild = report.rebuild or any(
        [await _still_differs(state, sale_id, token) for token in report.suspects]
    )
    if rebuild:
        stale = report.redis_epoch if report.redis_epoch == report.pg_epoch else None
        if await service.rebuild_redis(state=state, sale_id=sale_id, stale_epoch=stale):
            repairs.append("rebuilt Redis from PostgreSQL")
    else:
        for token in report.replay_confirm:
            if await gate.confirm(sale_id=sale_id, token=token) == "OK":
                repairs.append(f"confirmed {token[:6]}… in Redis")
        for token in report.replay_release:
            if await gate.release(sale_id=sale_id, token=token) == "OK":
                repairs.append(f"released {token[:6]}… in Redis")
        if report.orphans:
            sale = await FlashSale.get(id=sale_id)
            buried = 0
            for token in report.orphans:
                record = await gate.record(sale_id, token)
                if record is not None and record.status == RESERVED:
                    buried += await _bury_orphan(state, sale, token, record)
            if buried:
                repairs.append(f"gave back {buried} reservation(s) granted but never recorded")
        if report.settle and await gate.settle(sale_id=sale_id) == "OK":
            repairs.append("closed the sale in Redis")
    if repairs:
        logger.warning("flash sale %s reconciled: %s", sale_id, "; ".join(repairs))
    final = await check(state=state, sale_id=sale_id, orphan_grace_seconds=orphan_grace_seconds)
    assert final is not None
    final.repairs = repairs
    return final


async def reconcile_all(*, state: AppState) -> int:
    """Worker job: every sale that Redis serves or that still has open reservations."""
    since = datetime.now(UTC) - RECENTLY_SETTLED
    published = await FlashSale.filter(status=FlashSaleStatus.PUBLISHED).values_list(
        "id", flat=True
    )
    recent = await FlashSale.filter(settled_at__gte=since).values_list("id", flat=True)
    open_ones = (
        await FlashSaleReservation.filter(status=ReservationStatus.RESERVED)
        .distinct()
        .values_list("sale_id", flat=True)
    )
    repaired = 0
    for sale_id in sorted({*published, *recent, *open_ones}):
        report = await reconcile(state=state, sale_id=sale_id)
        if report is not None and report.repairs:
            repaired += 1
        if report is not None and not report.holds:
            logger.error("flash sale %s: invariant broken: %s", sale_id, "; ".join(report.problems))
    return repaired
