"""Group commit: what many concurrent requests write, written together in one transaction.

A flash sale's granted purchases (campaigns/batch_writer.py) and ordinary orders
(orders/batching.py) each cost a transaction of a few statements and a commit (an fsync);
written one by one, those round trips and commits, not the work, bound the rate. A writer
here collects the requests of a short window (or until a batch is full) and hands them to
its subclass's `_write_batch` as one batch; the subclass answers every request's future.

- At most `concurrency` batches are written at once (their transactions overlap).
- A shopper appears at most once in the batches being written: a second request of theirs
  waits for the next batch, so one batch never races itself over a shopper's rows.
- A request that goes away (cancelled) stops waiting; its batch is still written, so what
  it took is recorded or given back, never left half-done.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from abc import ABC, abstractmethod
from typing import Generic, NamedTuple, TypeVar

from resolvers.core.logs import request_id_var

logger = logging.getLogger(__name__)

Item = TypeVar("Item")
Outcome = TypeVar("Outcome")


class Queued(NamedTuple, Generic[Item, Outcome]):
    """One request in a writer's queue: what to write and where its outcome goes."""

    item: Item
    future: asyncio.Future[Outcome]


def _retrieve(future: asyncio.Future) -> None:
    # A request that went away leaves its future unread; its outcome is already logged.
    if not future.cancelled():
        future.exception()


class GroupCommitWriter(ABC, Generic[Item, Outcome]):
    """One per process and kind of write. Subclasses give `_shopper(item)` and
    `_write_batch(batch)`, which must settle every future of the batch it is given (an
    exception it raises settles those it left, and is logged)."""

    # Named in the log when a batch fails.
    kind = "batch"

    def __init__(self, *, max_batch: int, window_seconds: float, concurrency: int) -> None:
        self.max_batch = max_batch
        self.window_seconds = window_seconds
        self.concurrency = concurrency
        self._queue: list[Queued[Item, Outcome]] = []
        self._tasks: list[asyncio.Task[None]] = []
        # Shoppers with a request in a batch being written: their next waits for the next.
        self._writing: set[int] = set()
        # Batches written and the statements they took (read by tests and benches).
        self.batches = 0
        self.statements = 0

    @abstractmethod
    def _shopper(self, item: Item) -> int:
        """The shopper `item` is for (one per batch being written)."""

    @abstractmethod
    async def _write_batch(self, batch: list[Queued[Item, Outcome]]) -> None:
        """Write `batch` and settle each of its futures."""

    async def _enqueue(self, item: Item) -> Outcome:
        """`item` written in the next batch; its outcome (or its exception)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        future.add_done_callback(_retrieve)
        self._queue.append(Queued(item, future))
        self._tasks = [t for t in self._tasks if not t.done() and t.get_loop() is loop]
        if len(self._tasks) < min(self.concurrency, len(self._queue)):
            # The writer outlives the request that starts it: it must not log that
            # request's id as its own.
            context = contextvars.copy_context()
            context.run(request_id_var.set, None)
            self._tasks.append(loop.create_task(self._run(), context=context))
        # Shielded: a cancelled request stops waiting, its batch goes on.
        return await asyncio.shield(future)

    def owns(self, task: asyncio.Task | None) -> bool:
        """Whether `task` is one of the writer's (tests count the statements it sends)."""
        return task in self._tasks

    async def drain(self) -> None:
        """Wait until every request handed over so far is answered."""
        while tasks := [t for t in self._tasks if not t.done()]:
            await asyncio.shield(asyncio.gather(*tasks, return_exceptions=True))

    def _next_batch(self) -> list[Queued[Item, Outcome]]:
        batch: list[Queued[Item, Outcome]] = []
        rest: list[Queued[Item, Outcome]] = []
        shoppers = set(self._writing)
        for queued in self._queue:
            shopper = self._shopper(queued.item)
            if len(batch) < self.max_batch and shopper not in shoppers:
                shoppers.add(shopper)
                batch.append(queued)
            else:
                rest.append(queued)
        self._queue = rest
        return batch

    async def _run(self) -> None:
        while self._queue:
            if len(self._queue) < self.max_batch:
                await asyncio.sleep(self.window_seconds)
            batch = self._next_batch()
            if not batch:
                if self._queue:
                    # Every queued shopper is in a batch being written: wait for it.
                    await asyncio.sleep(self.window_seconds)
                continue
            shoppers = {self._shopper(queued.item) for queued in batch}
            self._writing |= shoppers
            try:
                await self._write_batch(batch)
            except BaseException as exc:
                for queued in batch:
                    if not queued.future.done():
                        queued.future.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                logger.exception("%s writer failed", self.kind)
            finally:
                self._writing -= shoppers
