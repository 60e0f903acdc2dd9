"""Every periodic job the worker runs, gathered from the domains."""

from __future__ import annotations

from resolvers.accounts import service as accounts
from resolvers.core.state import AppState
from resolvers.core.worker import PeriodicJob


async def _purge_refresh_tokens(state: AppState) -> int:
    return await accounts.purge_dead_refresh_tokens()


async def _republish_events(state: AppState) -> int:
    return await state.events.republish_pending()


JOBS: list[PeriodicJob] = [
    PeriodicJob("purge-refresh-tokens", interval_seconds=3600, run=_purge_refresh_tokens),
    PeriodicJob("republish-events", interval_seconds=2, run=_republish_events),
]
