"""The order timers the worker runs: close unpaid orders, confirm receipt after N days.

The deadlines are columns (`payment_deadline`, `auto_complete_at`), so a restart loses
nothing: the next sweep finds whatever fell due meanwhile. Several workers may sweep at
once: orders are taken with `SELECT ... FOR UPDATE SKIP LOCKED` (another worker's order
is skipped, not waited for) and moved with a guarded transition, so an order is closed,
and its stock returned, exactly once.

Closing an unpaid order may first need its payment providers (an HTTP call each), which
must not happen inside a transaction holding the order's row lock: a payment notification
for that order would wait on the lock for as long as the provider takes. So the close
sweep goes in three steps: claim a batch of due orders (SKIP LOCKED, stamping
`close_next_attempt_at` so no other worker takes them meanwhile), ask the providers with
no transaction open, then lock each order again and close it only if it still awaits
payment and has no attempt the providers were not asked about. An order a provider keeps
open is simply due again at its stamp, later each time, and never holds up the others.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import Order, OrderStatus, OutboxEvent, Payment, PaymentStatus
from resolvers.core.state import AppState
from resolvers.orders import lifecycle, payment_hook
from resolvers.orders.lifecycle import SYSTEM, OrderAction
from resolvers.orders.service import release_order

logger = logging.getLogger(__name__)

BATCH = 100
# An order a provider keeps open is asked again after as long as it has been overdue
# (so about 1, 2, 4, 8 ... minutes apart), at least 1 and at most 30 minutes later. The
# least is also the claim's lease: long enough for a batch's provider calls.
CLOSE_RETRY_MIN = timedelta(minutes=1)
CLOSE_RETRY_MAX = timedelta(minutes=30)


def close_retry_delay(overdue: timedelta) -> timedelta:
    """How long an order `overdue` past its payment deadline waits for its next attempt."""
    return min(max(overdue, CLOSE_RETRY_MIN), CLOSE_RETRY_MAX)


async def _due(status: OrderStatus, column: str, now: datetime, limit: int) -> list[int]:
    return await (
        Order.filter(status=status, **{f"{column}__lte": now})
        .order_by(column, "id")
        .limit(limit)
        .values_list("id", flat=True)
    )


async def _lock_due(order_id: int, status: OrderStatus, column: str, now: datetime) -> Order | None:
    """The order, locked, if it is still due and no other worker holds it."""
    return (
        await Order.filter(id=order_id, status=status, **{f"{column}__lte": now})
        .select_for_update(skip_locked=True)
        .first()
    )


async def _claim_unpaid(now: datetime, limit: int) -> list[int]:
    """Overdue unpaid orders for this worker, each stamped with its next attempt, which
    keeps other workers off it until then (and is when a kept-open order is retried)."""
    async with in_transaction():
        rows = await (
            Order.filter(status=OrderStatus.PENDING_PAYMENT, payment_deadline__lte=now)
            .filter(Q(close_next_attempt_at=None) | Q(close_next_attempt_at__lte=now))
            .order_by("payment_deadline", "id")
            .limit(limit)
            .select_for_update(skip_locked=True)
        )
        for row in rows:
            # Per row: the delay depends on the order's own deadline.
            await Order.filter(id=row.id).update(
                close_next_attempt_at=now + close_retry_delay(now - row.payment_deadline)
            )
    return [row.id for row in rows]


async def _ask_providers(
    order_id: int,
) -> payment_hook.CloseVerdict | tuple[Payment, payment_hook.Paid] | set[int]:
    """Close the order's open trades at their providers (see payment_hook.CLOSE_GATES),
    holding no lock. CLOSE comes back as the ids of the attempts the providers closed."""
    pending = await Payment.filter(order_id=order_id, status=PaymentStatus.PENDING).order_by("id")
    closed: set[int] = set()
    for payment in pending:
        gate = payment_hook.CLOSE_GATES.get(payment.provider)
        if gate is None:
            continue
        verdict = await gate(payment)
        if isinstance(verdict, payment_hook.Paid):
            return payment, verdict
        if verdict != payment_hook.CloseVerdict.CLOSE:
            return payment_hook.CloseVerdict.KEEP_OPEN
        closed.add(payment.id)
    return closed


async def _close(order_id: int, asked: set[int], now: datetime) -> list[OutboxEvent] | None:
    """Close the order if it still may be: awaiting payment (a notification that came in
    while the providers were asked has paid it) and every open attempt one a provider
    closed. None when it stays open."""
    async with in_transaction():
        order = await lifecycle.lock_order(order_id)
        if order.status != OrderStatus.PENDING_PAYMENT or not (
            order.payment_deadline and order.payment_deadline <= now
        ):
            return None
        open_attempts = await Payment.filter(
            order_id=order_id, status=PaymentStatus.PENDING
        ).values_list("id", "provider")
        if any(pid not in asked and p in payment_hook.CLOSE_GATES for pid, p in open_attempts):
            return None  # an attempt nobody asked about: the next round asks
        change = await lifecycle.apply(
            order, OrderAction.CLOSE, actor=SYSTEM, note="payment deadline passed", now=now
        )
        if not change.changed:
            return None
        await release_order(order)
        return change.events


async def close_expired_orders(
    *, state: AppState, now: datetime | None = None, limit: int = BATCH
) -> int:
    """Close PENDING_PAYMENT orders past their payment deadline; stock and reserved
    benefits go back. Returns how many this worker closed."""
    now = now or datetime.now(UTC)
    closed = 0
    for order_id in await _claim_unpaid(now, limit):
        try:
            verdict = await _ask_providers(order_id)
            if isinstance(verdict, tuple):
                payment, paid = verdict
                # Exactly as its notification would: pays the order, or (if it was closed
                # meanwhile) books the money and schedules its refund.
                await payment_hook.record_payment_success(
                    state=state,
                    out_trade_no=payment.out_trade_no,
                    provider_transaction_id=paid.provider_transaction_id,
                    amount=paid.amount,
                    currency=paid.currency,
                    paid_at=paid.paid_at,
                )
                continue
            if verdict == payment_hook.CloseVerdict.KEEP_OPEN:
                continue  # due again at its close_next_attempt_at
            events = await _close(order_id, verdict, now)
        except Exception:
            # One bad order must not stop the sweep; it is retried at its next attempt.
            logger.exception("closing order %s failed", order_id)
            continue
        if events is not None:
            closed += 1
            await state.events.publish(events)
    return closed


async def complete_delivered_orders(
    *, state: AppState, now: datetime | None = None, limit: int = BATCH
) -> int:
    """Confirm receipt for shoppers who did not, N days after delivery."""
    now = now or datetime.now(UTC)
    completed = 0
    for order_id in await _due(OrderStatus.DELIVERED, "auto_complete_at", now, limit):
        async with in_transaction():
            order = await _lock_due(order_id, OrderStatus.DELIVERED, "auto_complete_at", now)
            if order is None:
                continue
            change = await lifecycle.apply(
                order,
                OrderAction.CONFIRM_RECEIPT,
                actor=SYSTEM,
                note="confirmed automatically",
                now=now,
            )
        completed += int(change.changed)
        await state.events.publish(change.events)
    return completed
