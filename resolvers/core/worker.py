"""The background worker: periodic jobs (sweepers, republishers, reconcilers).

Jobs keep their state in the database, never in the process, so any number of workers
may run side by side; each job is written to be safe under that (guarded updates,
`SELECT ... FOR UPDATE SKIP LOCKED`).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass

from resolvers.core.state import AppState

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    interval_seconds: float
    # Returns how many items it handled, for the log.
    run: Callable[[AppState], Awaitable[int]]


async def _loop(job: PeriodicJob, state: AppState, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            handled = await job.run(state)
            if handled:
                logger.info("job %s handled %d", job.name, handled)
        except Exception:
            logger.exception("job %s failed; retrying next round", job.name)
        # Jitter keeps several workers from waking in lockstep.
        delay = job.interval_seconds * random.uniform(0.8, 1.2)  # noqa: S311
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=delay)


async def run_jobs(state: AppState, jobs: Sequence[PeriodicJob], stop: asyncio.Event) -> None:
    logger.info("worker running %d jobs: %s", len(jobs), ", ".join(j.name for j in jobs))
    async with asyncio.TaskGroup() as group:
        for job in jobs:
            group.create_task(_loop(job, state, stop), name=f"job:{job.name}")
