"""Hot catalog reads cached in Redis, invalidated by generation.

Each cached value is stored as `<generation>|<json>` next to a generation key. A read
takes both in one MGET and uses the value only when its generation is the current one.
A staff change bumps the generation after its commit (a fresh random token, never a
counter that could come back after eviction), so every value filled before is dead at once.

The race this closes: a reader loads the old row, a writer commits and invalidates, then
the reader stores what it loaded. `cache_fill.lua` stores only if the generation is still
the one the reader saw before loading, so that stale value is dropped, not served.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from resolvers.core.keys import RedisKeys
from resolvers.lua import LuaScripts

logger = logging.getLogger(__name__)

# Generations outlive the values they guard; when one expires anyway, the values tagged
# with it can never match the next (random) one.
GENERATION_TTL_SECONDS = 24 * 3600


def new_generation() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class CatalogCache:
    redis: Redis
    keys: RedisKeys
    scripts: LuaScripts
    enabled: bool = True
    detail_ttl_seconds: int = 300
    listing_ttl_seconds: int = 60

    async def fetch(
        self,
        *,
        generation_key: str,
        value_key: str,
        ttl_seconds: int,
        load: Callable[[], Awaitable[str]],
    ) -> str:
        """The cached JSON text, or `load()`'s, stored unless invalidated meanwhile."""
        if not self.enabled:
            return await load()
        try:
            generation, cached = await self.redis.mget(generation_key, value_key)
        except RedisError:
            logger.warning("catalog cache unavailable; reading the database")
            return await load()
        if generation and cached:
            tag, _, body = cached.partition("|")
            if tag == generation:
                return body
        body = await load()
        try:
            await self.scripts["cache_fill"](
                keys=[generation_key, value_key],
                args=[
                    generation or "",
                    new_generation(),
                    body,
                    ttl_seconds,
                    GENERATION_TTL_SECONDS,
                ],
            )
        except RedisError:
            logger.warning("catalog cache fill failed")
        return body

    async def invalidate(self, *, product_ids: Iterable[int] = (), listings: bool = True) -> None:
        """Call after the change is committed. Failing here would serve stale data until
        the TTL, so it is logged loudly but not raised: the change itself is done."""
        keys = [self.keys.catalog_product_generation(pid) for pid in set(product_ids)]
        if listings:
            keys.append(self.keys.catalog_listing_generation())
        if not keys:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.set(key, new_generation(), ex=GENERATION_TTL_SECONDS)
                await pipe.execute()
        except RedisError:
            logger.exception("catalog cache invalidation failed; stale reads until TTL")

    def detail_keys(self, product_id: int) -> tuple[str, str]:
        return (
            self.keys.catalog_product_generation(product_id),
            self.keys.catalog_product_detail(product_id),
        )

    def listing_keys(self, digest: str) -> tuple[str, str]:
        return self.keys.catalog_listing_generation(), self.keys.catalog_listing_page(digest)

    def category_keys(self) -> tuple[str, str]:
        return self.keys.catalog_listing_generation(), self.keys.catalog_category_tree()


def catalog_cache(state: object) -> CatalogCache:
    """The cache of an AppState (typed loosely: services never import the app state)."""
    settings = state.settings  # type: ignore[attr-defined]
    return CatalogCache(
        redis=state.redis,  # type: ignore[attr-defined]
        keys=state.keys,  # type: ignore[attr-defined]
        scripts=state.scripts,  # type: ignore[attr-defined]
        enabled=settings.catalog_cache_enabled,
        detail_ttl_seconds=settings.catalog_detail_ttl_seconds,
        listing_ttl_seconds=settings.catalog_listing_ttl_seconds,
    )
