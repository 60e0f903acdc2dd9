"""Waiting for state that settles asynchronously (Redis subscriptions, other processes)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

WAIT = 10.0  # seconds a test waits for something before it fails


async def eventually(check: Callable[[], Awaitable[bool]], wait: float = WAIT) -> None:
    """Poll `check` until it holds; fail after `wait` seconds. Asserts nothing about time."""
    async with asyncio.timeout(wait):
        # Polling: the state lives in another process (Redis, a server), no event to await.
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
