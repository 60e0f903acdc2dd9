"""What a process shares between requests, built once in the app's lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from redis.asyncio import Redis

from resolvers.core.keys import RedisKeys
from resolvers.core.ratelimit import RateLimiter
from resolvers.lua import LuaScripts
from settings import Settings


@dataclass(slots=True)
class AppState:
    settings: Settings
    redis: Redis
    http: httpx.AsyncClient
    keys: RedisKeys = field(init=False)
    scripts: LuaScripts = field(init=False)
    limiter: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.keys = RedisKeys(self.settings.redis_prefix)
        self.scripts = LuaScripts(self.redis)
        self.limiter = RateLimiter(self.redis, self.keys, self.scripts)

    async def aclose(self) -> None:
        await self.http.aclose()
        await self.redis.aclose()
