"""Redis Lua scripts, one `.lua` file each, registered once per client.

`register_script` returns an object that calls EVALSHA and falls back to loading the script
when Redis answers NOSCRIPT (after a restart or a SCRIPT FLUSH), so callers never manage
SHAs themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from importlib import resources
from typing import Any

from redis.asyncio import Redis
from redis.commands.core import AsyncScript

from resolvers.core.redis_lane import LaneScript, RedisLane

ScriptCall = Callable[..., Awaitable[Any]]


@cache
def script_source(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.lua").read_text(encoding="utf-8")


class LuaScripts:
    """The scripts of one Redis client, registered on first use.

    `hot(name)` is the same script for a call on a request's critical path: on the
    process's pipelined lane (resolvers/core/redis_lane.py) when there is one.
    """

    def __init__(self, redis: Redis, lane: RedisLane | None = None) -> None:
        self._redis = redis
        self.lane = lane
        self._scripts: dict[str, AsyncScript] = {}
        self._hot: dict[str, ScriptCall] = {}

    def __getitem__(self, name: str) -> AsyncScript:
        script = self._scripts.get(name)
        if script is None:
            script = self._scripts[name] = self._redis.register_script(script_source(name))
        return script

    def hot(self, name: str) -> ScriptCall:
        """`call(keys=[...], args=[...])`: one EVALSHA (plus SCRIPT LOAD after a NOSCRIPT)."""
        call = self._hot.get(name)
        if call is None:
            call = self._hot[name] = (
                LaneScript(self.lane, script_source(name)) if self.lane is not None else self[name]
            )
        return call

    async def aclose(self) -> None:
        if self.lane is not None:
            await self.lane.aclose()
