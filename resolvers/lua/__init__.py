"""Redis Lua scripts, one `.lua` file each, registered once per client.

`register_script` returns an object that calls EVALSHA and falls back to loading the script
when Redis answers NOSCRIPT (after a restart or a SCRIPT FLUSH), so callers never manage
SHAs themselves.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from redis.asyncio import Redis
from redis.commands.core import AsyncScript


@cache
def script_source(name: str) -> str:
    return resources.files(__package__).joinpath(f"{name}.lua").read_text(encoding="utf-8")


class LuaScripts:
    """The scripts of one Redis client, registered on first use."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._scripts: dict[str, AsyncScript] = {}

    def __getitem__(self, name: str) -> AsyncScript:
        script = self._scripts.get(name)
        if script is None:
            script = self._scripts[name] = self._redis.register_script(script_source(name))
        return script
