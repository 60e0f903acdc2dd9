"""Rate limits kept in Redis, shared by every web process."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from resolvers.core.errors import RateLimited
from resolvers.core.keys import RedisKeys
from resolvers.lua import LuaScripts


@dataclass(frozen=True, slots=True)
class Limit:
    """`burst` attempts at once, refilled at `burst` per `period_seconds`."""

    bucket: str
    burst: int
    period_seconds: float

    @property
    def rate_per_second(self) -> float:
        return self.burst / self.period_seconds


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after_seconds: float
    remaining: int


class RateLimiter:
    def __init__(self, redis: Redis, keys: RedisKeys, scripts: LuaScripts) -> None:
        self._redis = redis
        self._keys = keys
        self._scripts = scripts

    async def check(self, limit: Limit, subject: str, *, cost: int = 1) -> Decision:
        allowed, retry_ms, remaining = await self._scripts.hot("token_bucket")(
            keys=[self._keys.rate_limit(limit.bucket, subject)],
            args=[limit.burst, limit.rate_per_second, cost],
        )
        return Decision(bool(allowed), int(retry_ms) / 1000, int(remaining))

    async def hit(self, limit: Limit, subject: str, *, cost: int = 1) -> None:
        """Take `cost` tokens (0: only look) or raise RateLimited."""
        decision = await self.check(limit, subject, cost=cost)
        if not decision.allowed:
            raise RateLimited(decision.retry_after_seconds)

    async def reset(self, limit: Limit, subject: str) -> None:
        await self._redis.delete(self._keys.rate_limit(limit.bucket, subject))
