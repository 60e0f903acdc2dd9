"""The order timers the worker runs: close unpaid orders, confirm receipt after N days.

The deadlines are columns (`payment_deadline`, `auto_complete_at`), so a restart loses
nothing: the next sweep finds whatever fell due meanwhile. Several workers may sweep at
once: each order is taken with `SELECT ... FOR UPDATE SKIP LOCKED` (another worker's order
is skipped, not waited for) and moved with a guarded transition, so an order is closed,
and its stock returned, exactly once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from models import Order, OrderStatus, OutboxEvent, Payment, PaymentStatus
from resolvers.core.state import AppState
from resolvers.orders import lifecycle, payment_hook
from resolvers.orders.lifecycle import SYSTEM, OrderAction
from resolvers.orders.service import release_order

logger = logging.getLogger(__name__)

BATCH = 100


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


async def _ask_providers(
    order: Order,
) -> payment_hook.CloseVerdict | tuple[Payment, payment_hook.Paid]:
    """Close the order's open trades at their providers (see payment_hook.CLOSE_GATES)."""
    pending = await Payment.filter(order_id=order.id, status=PaymentStatus.PENDING).order_by("id")
    for payment in pending:
        gate = payment_hook.CLOSE_GATES.get(payment.provider)
        if gate is None:
            continue
        verdict = await gate(payment)
        if isinstance(verdict, payment_hook.Paid):
            return payment, verdict
        if verdict != payment_hook.CloseVerdict.CLOSE:
            return payment_hook.CloseVerdict.KEEP_OPEN
    return payment_hook.CloseVerdict.CLOSE


async def close_expired_orders(
    *, state: AppState, now: datetime | None = None, limit: int = BATCH
) -> int:
    """Close PENDING_PAYMENT orders past their payment deadline; stock and reserved
    benefits go back. Returns how many this worker closed."""
    now = now or datetime.now(UTC)
    closed = 0
    for order_id in await _due(OrderStatus.PENDING_PAYMENT, "payment_deadline", now, limit):
        events: list[OutboxEvent] = []
        try:
            async with in_transaction():
                order = await _lock_due(
                    order_id, OrderStatus.PENDING_PAYMENT, "payment_deadline", now
                )
                if order is None:
                    continue  # another worker has it, or it was paid / closed meanwhile
                verdict = await _ask_providers(order)
                if isinstance(verdict, tuple):
                    payment, paid = verdict
                    locked = await Payment.filter(id=payment.id).select_for_update().get()
                    _, events = await payment_hook.apply_payment_success(
                        locked,
                        order,
                        provider_transaction_id=paid.provider_transaction_id,
                        amount=paid.amount,
                        currency=paid.currency,
                        paid_at=paid.paid_at,
                    )
                elif verdict == payment_hook.CloseVerdict.CLOSE:
                    change = await lifecycle.apply(
                        order,
                        OrderAction.CLOSE,
                        actor=SYSTEM,
                        note="payment deadline passed",
                        now=now,
                    )
                    if change.changed:
                        await release_order(order)
                        closed += 1
                    events = change.events
        except Exception:
            # One bad order must not stop the sweep; it is retried next round.
            logger.exception("closing order %s failed", order_id)
            continue
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
