"""Tortoise's asyncpg client, minus one round trip per statement.

asyncpg runs `Connection.reset()` each time a connection goes back to the pool: one more
round trip (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`) for every
query or transaction Tortoise runs, which on a one-statement read such as the product
listing doubles the database conversation. Microstore's connections never carry session
state across a release: there are no session-level `SET`s (only `SET LOCAL`, which ends
with its transaction), no advisory locks, no `LISTEN` (pub/sub is Redis), no cursors held
open. So releasing only does what asyncpg always does first (roll back a transaction left
open, forget listeners, in Python) and skips the reset query. Whoever adds session state
must restore `reset` below.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Nothing to undo: see the module docstring."""


class MicrostorePostgresClient(AsyncpgDBClient):
    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=_keep_session, **kwargs)


# Tortoise finds the client of an engine module by this name.
client_class = MicrostorePostgresClient
