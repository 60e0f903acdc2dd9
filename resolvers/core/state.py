"""What a process shares between requests, built once in the app's lifespan.

Core builds only shared infrastructure. Domain services (payment providers, the flash-sale
gate) are wired in by the app factory (`main.create_state`), so core never imports a domain;
the imports below are for readers and type checkers only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import httpx
from redis.asyncio import Redis

from resolvers.core.crypto import FieldCipher
from resolvers.core.keys import RedisKeys
from resolvers.core.outbox import EventPublisher
from resolvers.core.pubsub import FanoutBroadcast
from resolvers.core.ratelimit import RateLimiter
from resolvers.core.redis_lane import RedisLane
from resolvers.lua import LuaScripts
from settings import Settings

if TYPE_CHECKING:
    from resolvers.campaigns.batch_writer import FlashOrderWriter
    from resolvers.campaigns.gate import FlashSaleGate
    from resolvers.orders.batching import OrderWriter
    from resolvers.payments.providers.registry import PaymentProviders


@dataclass(slots=True)
class AppState:
    settings: Settings
    redis: Redis
    http: httpx.AsyncClient
    broadcast: FanoutBroadcast
    keys: RedisKeys = field(init=False)
    scripts: LuaScripts = field(init=False)
    limiter: RateLimiter = field(init=False)
    events: EventPublisher = field(init=False)
    crypto: FieldCipher = field(init=False)
    # Set by main.create_state right after construction.
    payments: PaymentProviders = field(init=False)
    flash_sales: FlashSaleGate = field(init=False)
    # PostgreSQL: granted flash sale purchases written in batches; None writes each alone.
    flash_orders: FlashOrderWriter | None = field(init=False, default=None)
    # PostgreSQL: ordinary EXPRESS orders placed in batches; None places each alone.
    order_writer: OrderWriter | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        # SM4 known-answer test first: a process that cannot protect personal data at rest
        # must not start (raises CryptoUnavailable).
        self.crypto = FieldCipher.from_settings(self.settings)
        self.keys = RedisKeys(self.settings.redis_prefix)
        self.scripts = LuaScripts(self.redis, RedisLane.from_url(self.settings.redis_url))
        self.limiter = RateLimiter(self.redis, self.keys, self.scripts)
        self.events = EventPublisher(self.broadcast, self.keys)

    async def start(self) -> None:
        await self.broadcast.connect()

    async def aclose(self) -> None:
        if self.flash_orders is not None:
            # Purchases handed to it commit (their events queued) or go back to Redis.
            await self.flash_orders.drain()
        if self.order_writer is not None:
            # Requests handed to it are answered (their events queued).
            await self.order_writer.drain()
        await self.events.flush()
        await self.payments.aclose()
        await self.flash_sales.drain()
        await self.broadcast.disconnect()
        await self.http.aclose()
        await self.scripts.aclose()
        await self.redis.aclose()
