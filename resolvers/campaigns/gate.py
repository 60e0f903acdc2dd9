"""The Redis side of flash sales: the purchase gate and the sale's mirror in Redis.

PostgreSQL is the truth, Redis is the gate. A sale in Redis is a handful of keys sharing
the hash tag `{<sale id>}` (resolvers/core/keys.py):

    meta     epoch, window (ms), per-user limit, offered, reserved, sold, returned, open
    units    list of free unit numbers: the stock left is its length, never below zero
    buyers   user id -> units held, for the per-user limit
    res      token -> reservation record {s: R|C|X, u, q, c, e, n: [units]}

Every purchase attempt is one EVALSHA (flash_sale_reserve.lua). Confirming and releasing
are one call each and happen exactly once per reservation (its record's status is the
guard). `load` replaces a sale's keys atomically from an image computed from PostgreSQL:
publishing warms Redis with it, and a rebuild after Redis lost data uses it too.

This module also keeps what one web process may answer without Redis for a short while
(`LocalVerdicts`): a sold-out sale, an ended one, one that has not started.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from redis.asyncio import Redis

from resolvers.core.keys import RedisKeys
from resolvers.lua import LuaScripts
from settings import Settings

logger = logging.getLogger(__name__)

# Reservation record statuses, as the scripts write them.
RESERVED, CONFIRMED, RELEASED = "R", "C", "X"
# RPUSH at most this many unit numbers per command when loading a sale.
LOAD_CHUNK = 5000
# How long an ended sale is answered from memory (it never reopens).
ENDED_MEMORY_SECONDS = 60.0
# How long a web process trusts what PostgreSQL said about a sale Redis does not know.
MISSING_MEMORY_SECONDS = 1.0
# How long a "not started" answer is remembered at most (staff may move the start).
NOT_STARTED_MEMORY_SECONDS = 1.0
# Redis keeps a sale's keys this long after its last possible payment deadline.
KEYS_LINGER_MS = 24 * 3600 * 1000
# Sales Redis does not know that one process remembers at most: the ids come from
# shoppers (attackers too), so the memo must not grow with them.
MISSING_MEMO_SIZE = 1024


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def from_ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the gate said about one purchase attempt."""

    code: str  # OK, MISSING, RATE_LIMITED, NOT_STARTED, ENDED, SOLD_OUT, LIMIT_REACHED, DUPLICATE
    epoch: int = 0
    now_ms: int = 0
    expires_ms: int = 0
    units: tuple[int, ...] = ()
    wait_ms: int = 0  # RATE_LIMITED: retry after; NOT_STARTED: until the start
    left: int = 0  # SOLD_OUT: units left
    held: int = 0  # LIMIT_REACHED: units the shopper holds
    limit: int = 0
    # Answered from this process's memory, without asking Redis.
    local: bool = False

    @classmethod
    def parse(cls, reply: list[Any]) -> Verdict:
        code = reply[0]
        if code == "OK":
            return cls(
                code,
                epoch=int(reply[1]),
                now_ms=int(reply[2]),
                expires_ms=int(reply[3]),
                units=tuple(int(u) for u in reply[4:]),
            )
        if code in ("RATE_LIMITED", "NOT_STARTED"):
            return cls(code, wait_ms=int(reply[1]))
        if code == "SOLD_OUT":
            return cls(code, left=int(reply[1]))
        if code == "LIMIT_REACHED":
            return cls(code, held=int(reply[1]), limit=int(reply[2]))
        return cls(code)


@dataclass(frozen=True, slots=True)
class Record:
    """One reservation as Redis holds it."""

    status: str
    user_id: int
    quantity: int
    created_ms: int
    expires_ms: int
    units: tuple[int, ...]

    @classmethod
    def parse(cls, raw: str) -> Record:
        data = orjson.loads(raw)
        return cls(
            status=data["s"],
            user_id=int(data["u"]),
            quantity=int(data["q"]),
            created_ms=int(data["c"]),
            expires_ms=int(data["e"]),
            units=tuple(int(u) for u in data["n"]),
        )

    def dump(self) -> str:
        # The scripts read it with cjson: strings for user and units, as they write them.
        return orjson.dumps(
            {
                "s": self.status,
                "u": str(self.user_id),
                "q": self.quantity,
                "c": self.created_ms,
                "e": self.expires_ms,
                "n": [str(u) for u in self.units],
            }
        ).decode()


@dataclass(frozen=True, slots=True)
class SaleImage:
    """Everything Redis holds about a sale, computed from PostgreSQL."""

    sale_id: int
    epoch: int
    starts_ms: int
    ends_ms: int
    limit: int
    offered: int
    returned: int
    open: bool
    settled: bool
    free_units: list[int]
    buyers: dict[int, int]
    records: dict[str, Record]
    expire_at_ms: int

    @property
    def reserved(self) -> int:
        return sum(r.quantity for r in self.records.values() if r.status == RESERVED)

    @property
    def sold(self) -> int:
        return sum(r.quantity for r in self.records.values() if r.status == CONFIRMED)


@dataclass(frozen=True, slots=True)
class RedisView:
    """One sale's keys, read in one MULTI (a consistent snapshot)."""

    present: bool
    now_ms: int
    epoch: int = 0
    offered: int = 0
    reserved: int = 0
    sold: int = 0
    returned: int = 0
    open: bool = False
    settled: bool = False
    free_units: list[int] = field(default_factory=list)
    buyers: dict[int, int] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)

    @property
    def stock(self) -> int:
        return len(self.free_units)


class LocalVerdicts:
    """Answers this process gives without Redis for a short while, per sale.

    Durations come from the monotonic clock of this process only, so no clock skew
    between machines can make a sale open early.
    """

    def __init__(self) -> None:
        self._until: dict[int, tuple[float, Verdict]] = {}

    def get(self, sale_id: int) -> Verdict | None:
        entry = self._until.get(sale_id)
        if entry is None:
            return None
        if time.monotonic() >= entry[0]:
            del self._until[sale_id]
            return None
        return entry[1]

    def remember(self, sale_id: int, verdict: Verdict, seconds: float) -> None:
        if seconds > 0:
            local = Verdict(verdict.code, left=verdict.left, wait_ms=verdict.wait_ms, local=True)
            self._until[sale_id] = (time.monotonic() + seconds, local)

    def forget(self, sale_id: int) -> None:
        self._until.pop(sale_id, None)


class ExpiringMemo:
    """A fixed-size memo whose entries expire: the least recently stored entry goes
    first when it is full. Keys may be chosen by clients, so its size is the bound."""

    def __init__(self, size: int, seconds: float) -> None:
        self._size = size
        self._seconds = seconds
        self._entries: OrderedDict[int, tuple[float, str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: int) -> str | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() >= entry[0]:
            del self._entries[key]
            return None
        return entry[1]

    def put(self, key: int, value: str) -> None:
        self._entries.pop(key, None)
        self._entries[key] = (time.monotonic() + self._seconds, value)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def pop(self, key: int) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


class FlashSaleGate:
    """A process's handle on the flash sales in Redis."""

    def __init__(
        self, redis: Redis, keys: RedisKeys, scripts: LuaScripts, settings: Settings
    ) -> None:
        self._redis = redis
        self._keys = keys
        self._scripts = scripts
        self._settings = settings
        self._sale_keys: dict[int, tuple[str, str, str, str]] = {}
        self.local = LocalVerdicts()
        # What PostgreSQL said of sales Redis does not know (see purchase.py).
        self.missing = ExpiringMemo(MISSING_MEMO_SIZE, MISSING_MEMORY_SECONDS)
        # (sale, epoch) -> the SKU and price grants of that epoch sell at (purchase._terms).
        self.terms: dict[tuple[int, int], Any] = {}
        self._tasks: dict[Any, asyncio.Task[Any]] = {}

    # --- keys ---------------------------------------------------------------------------

    def sale_keys(self, sale_id: int) -> tuple[str, str, str, str]:
        """meta, units, buyers, reservations."""
        keys = self._sale_keys.get(sale_id)
        if keys is None:
            k = self._keys
            keys = (
                k.flash_sale_meta(sale_id),
                k.flash_sale_units(sale_id),
                k.flash_sale_buyers(sale_id),
                k.flash_sale_reservations(sale_id),
            )
            if len(self._sale_keys) > 10_000:
                self._sale_keys.clear()
            self._sale_keys[sale_id] = keys
        return keys

    # --- the purchase gate --------------------------------------------------------------

    async def reserve(
        self, *, sale_id: int, user_id: int, quantity: int, token: str, client_ip: str
    ) -> Verdict:
        """One purchase attempt: exactly one EVALSHA, or none when memory already knows."""
        remembered = self.local.get(sale_id)
        if remembered is not None:
            return remembered
        settings = self._settings
        meta, units, buyers, records = self.sale_keys(sale_id)
        reply = await self._scripts.hot("flash_sale_reserve")(
            keys=[
                meta,
                units,
                buyers,
                records,
                self._keys.flash_sale_user_bucket(sale_id, user_id),
                self._keys.flash_sale_ip_bucket(sale_id, client_ip),
            ],
            args=[
                user_id,
                quantity,
                token,
                settings.flash_sale_payment_seconds * 1000,
                settings.flash_sale_user_burst,
                settings.flash_sale_user_per_second,
                settings.flash_sale_ip_burst,
                settings.flash_sale_ip_per_second,
            ],
        )
        verdict = Verdict.parse(reply)
        if verdict.code == "SOLD_OUT" and verdict.left == 0:
            self.local.remember(sale_id, verdict, settings.flash_sale_sold_out_cache_seconds)
        elif verdict.code == "ENDED":
            self.local.remember(sale_id, verdict, ENDED_MEMORY_SECONDS)
        elif verdict.code == "NOT_STARTED":
            # Remember it for less than the time left, so the first second is never missed.
            seconds = min(NOT_STARTED_MEMORY_SECONDS, verdict.wait_ms / 1000 - 0.05)
            self.local.remember(sale_id, verdict, seconds)
        return verdict

    async def confirm(self, *, sale_id: int, token: str) -> str:
        meta, _, _, records = self.sale_keys(sale_id)
        reply = await self._scripts["flash_sale_confirm"](keys=[meta, records], args=[token])
        return str(reply[0])

    async def release(self, *, sale_id: int, token: str) -> str:
        reply = await self._scripts["flash_sale_release"](
            keys=list(self.sale_keys(sale_id)), args=[token]
        )
        if reply[0] == "OK":
            # Units came back: this process must ask Redis again.
            remembered = self.local.get(sale_id)
            if remembered is not None and remembered.code == "SOLD_OUT":
                self.local.forget(sale_id)
        return str(reply[0])

    async def settle(self, *, sale_id: int) -> str:
        meta, units, _, _ = self.sale_keys(sale_id)
        reply = await self._scripts["flash_sale_settle"](keys=[meta, units], args=[])
        self.local.forget(sale_id)
        return str(reply[0])

    # --- loading and reading a whole sale -------------------------------------------------

    async def load(self, image: SaleImage) -> None:
        """Replace the sale's keys with `image` in one MULTI: a purchase sees the old keys,
        none, or the new ones, never half of them. Rate-limit buckets are kept."""
        meta, units, buyers, records = self.sale_keys(image.sale_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(meta, units, buyers, records)
        pipe.hset(
            meta,
            mapping={
                "epoch": image.epoch,
                "starts_ms": image.starts_ms,
                "ends_ms": image.ends_ms,
                "limit": image.limit,
                "offered": image.offered,
                "reserved": image.reserved,
                "sold": image.sold,
                "returned": image.returned,
                "open": "1" if image.open else "0",
                "settled": "1" if image.settled else "0",
            },
        )
        for start in range(0, len(image.free_units), LOAD_CHUNK):
            pipe.rpush(units, *image.free_units[start : start + LOAD_CHUNK])
        if image.buyers:
            pipe.hset(buyers, mapping={str(u): q for u, q in image.buyers.items()})
        if image.records:
            pipe.hset(records, mapping={t: r.dump() for t, r in image.records.items()})
        for key in (meta, units, buyers, records):
            pipe.pexpireat(key, image.expire_at_ms)
        await pipe.execute()
        self.local.forget(image.sale_id)
        self.missing.pop(image.sale_id)

    async def view(self, sale_id: int) -> RedisView:
        meta, units, buyers, records = self.sale_keys(sale_id)
        pipe = self._redis.pipeline(transaction=True)
        pipe.time()
        pipe.hgetall(meta)
        pipe.lrange(units, 0, -1)
        pipe.hgetall(buyers)
        pipe.hgetall(records)
        clock, fields, free, buyer_map, record_map = await pipe.execute()
        now_ms = int(clock[0]) * 1000 + int(clock[1]) // 1000
        if not fields:
            return RedisView(present=False, now_ms=now_ms)
        return RedisView(
            present=True,
            now_ms=now_ms,
            epoch=int(fields.get("epoch", 0)),
            offered=int(fields.get("offered", 0)),
            reserved=int(fields.get("reserved", 0)),
            sold=int(fields.get("sold", 0)),
            returned=int(fields.get("returned", 0)),
            open=fields.get("open") == "1",
            settled=fields.get("settled") == "1",
            free_units=[int(u) for u in free],
            buyers={int(u): int(q) for u, q in buyer_map.items()},
            records={token: Record.parse(raw) for token, raw in record_map.items()},
        )

    async def record(self, sale_id: int, token: str) -> Record | None:
        raw = await self._redis.hget(self.sale_keys(sale_id)[3], token)
        return Record.parse(raw) if raw is not None else None

    async def epoch(self, sale_id: int) -> int | None:
        value = await self._redis.hget(self.sale_keys(sale_id)[0], "epoch")
        return int(value) if value is not None else None

    async def remaining(self, sale_ids: Iterable[int]) -> tuple[datetime, dict[int, int | None]]:
        """Redis server time and the units left of each sale (None: not in Redis)."""
        ids = list(dict.fromkeys(sale_ids))
        pipe = self._redis.pipeline(transaction=False)
        pipe.time()
        for sale_id in ids:
            meta, units, _, _ = self.sale_keys(sale_id)
            pipe.exists(meta)
            pipe.llen(units)
        replies = await pipe.execute()
        clock = replies[0]
        now = from_ms(int(clock[0]) * 1000 + int(clock[1]) // 1000)
        left: dict[int, int | None] = {}
        for i, sale_id in enumerate(ids):
            exists, length = replies[1 + 2 * i], replies[2 + 2 * i]
            left[sale_id] = int(length) if exists else None
        return now, left

    async def server_time(self) -> datetime:
        seconds, micros = await self._redis.time()
        return datetime.fromtimestamp(seconds + micros / 1_000_000, UTC)

    # --- background work ------------------------------------------------------------------

    def run_once(self, key: Any, work: Callable[[], Awaitable[Any]]) -> None:
        """Start `work` in the background unless the same key is already running."""
        running = self._tasks.get(key)
        if running is not None and not running.done():
            return

        async def guarded() -> None:
            try:
                await work()
            except Exception:
                logger.exception("flash sale background task %s failed", key)

        self._tasks[key] = asyncio.get_running_loop().create_task(guarded())

    def forget_everything(self) -> None:
        """Drop what this process remembers about sales (tests whose ids start over)."""
        self.local = LocalVerdicts()
        self.missing.clear()
        self.terms.clear()

    async def drain(self) -> None:
        """Wait for the background work started so far (tests, shutdown)."""
        tasks = [t for t in self._tasks.values() if not t.done()]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks = {k: t for k, t in self._tasks.items() if not t.done()}
