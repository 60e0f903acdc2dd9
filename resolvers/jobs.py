"""Every periodic job the worker runs, gathered from the domains."""

from __future__ import annotations

from datetime import timedelta

from resolvers.accounts import service as accounts
from resolvers.campaigns import reconcile as flash_sale_reconcile
from resolvers.campaigns import service as flash_sales
from resolvers.core.state import AppState
from resolvers.core.worker import PeriodicJob
from resolvers.delivery import service as delivery
from resolvers.orders import timers as order_timers
from resolvers.payments import service as payments


async def _purge_refresh_tokens(state: AppState) -> int:
    return await accounts.purge_dead_refresh_tokens()


async def _republish_events(state: AppState) -> int:
    return await state.events.republish_pending()


async def _close_unpaid_orders(state: AppState) -> int:
    # Keep sweeping while batches come back full (a flash sale leaves many unpaid orders).
    total = 0
    for _ in range(20):
        closed = await order_timers.close_expired_orders(state=state)
        total += closed
        if closed < order_timers.BATCH:
            break
    return total


async def _complete_delivered_orders(state: AppState) -> int:
    return await order_timers.complete_delivered_orders(state=state)


async def _reconcile_payments(state: AppState) -> int:
    return await payments.reconcile_pending_payments(state)


async def _process_refunds(state: AppState) -> int:
    return await payments.process_refunds(state)


async def _purge_courier_locations(state: AppState) -> int:
    settled = await delivery.settle_finished_orders(state=state)
    retention = timedelta(minutes=state.settings.courier_location_retention_minutes)
    return settled + await delivery.purge_locations(retention=retention)


async def _settle_flash_sales(state: AppState) -> int:
    return await flash_sales.settle_ended_sales(state=state)


async def _reconcile_flash_sales(state: AppState) -> int:
    return await flash_sale_reconcile.reconcile_all(state=state)


JOBS: list[PeriodicJob] = [
    PeriodicJob("purge-refresh-tokens", interval_seconds=3600, run=_purge_refresh_tokens),
    PeriodicJob("republish-events", interval_seconds=2, run=_republish_events),
    PeriodicJob("close-unpaid-orders", interval_seconds=15, run=_close_unpaid_orders),
    PeriodicJob("complete-delivered-orders", interval_seconds=300, run=_complete_delivered_orders),
    PeriodicJob("reconcile-payments", interval_seconds=60, run=_reconcile_payments),
    PeriodicJob("process-refunds", interval_seconds=5, run=_process_refunds),
    PeriodicJob("purge-courier-locations", interval_seconds=60, run=_purge_courier_locations),
    PeriodicJob("flash-sale-settle", interval_seconds=2, run=_settle_flash_sales),
    PeriodicJob("flash-sale-reconcile", interval_seconds=5, run=_reconcile_flash_sales),
]
