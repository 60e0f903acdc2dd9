"""The order state machine: every legal move recorded, every illegal one refused."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from models import ActorRole, DeliveryMethod, Order, OrderEvent, OrderStatus, OutboxEvent
from resolvers.core.errors import DomainError
from resolvers.orders import lifecycle
from resolvers.orders.errors import OrderErrorCode
from resolvers.orders.lifecycle import RULES, Actor, OrderAction

S = OrderStatus

# DESIGN.md's order life, written out by hand so the machine is checked against the design.
DESIGN_MOVES = {
    (S.PENDING_PAYMENT, S.PAID),
    (S.PAID, S.SHIPPED),
    (S.SHIPPED, S.DELIVERED),
    (S.DELIVERED, S.COMPLETED),
    (S.PAID, S.OUT_FOR_DELIVERY),
    (S.OUT_FOR_DELIVERY, S.DELIVERED),
    (S.PAID, S.READY_FOR_PICKUP),
    (S.READY_FOR_PICKUP, S.COMPLETED),
    (S.PENDING_PAYMENT, S.CANCELLED),
    (S.PENDING_PAYMENT, S.CLOSED),
    # Fully refunded after payment (after-sales): before shipping, at the pickup counter,
    # in transit (a lost parcel) or after delivery.
    (S.PAID, S.REFUNDED),
    (S.READY_FOR_PICKUP, S.REFUNDED),
    (S.SHIPPED, S.REFUNDED),
    (S.OUT_FOR_DELIVERY, S.REFUNDED),
    (S.DELIVERED, S.REFUNDED),
    (S.COMPLETED, S.REFUNDED),
}

STAFF = Actor(ActorRole.STAFF, None)


class Rollback(Exception):
    pass


def test_the_machine_allows_exactly_the_designed_moves():
    assert set(lifecycle.LEGAL_MOVES) == DESIGN_MOVES


CASES = [
    (S.PENDING_PAYMENT, DeliveryMethod.EXPRESS),
    (S.PAID, DeliveryMethod.EXPRESS),
    (S.PAID, DeliveryMethod.COURIER),
    (S.PAID, DeliveryMethod.PICKUP),
    (S.SHIPPED, DeliveryMethod.EXPRESS),
    (S.OUT_FOR_DELIVERY, DeliveryMethod.COURIER),
    (S.READY_FOR_PICKUP, DeliveryMethod.PICKUP),
    (S.DELIVERED, DeliveryMethod.EXPRESS),
    (S.COMPLETED, DeliveryMethod.EXPRESS),
    (S.CANCELLED, DeliveryMethod.EXPRESS),
    (S.CLOSED, DeliveryMethod.EXPRESS),
    (S.REFUNDED, DeliveryMethod.EXPRESS),
]


@pytest.mark.parametrize(("status", "method"), CASES, ids=[f"{s}-{m}" for s, m in CASES])
async def test_every_action_from_every_status(shop, customer, status, method):
    # Given an order in `status`, reached through the real transitions
    sku = await shop.sku(stock=10)
    order = await shop.order_in(customer, status, sku, method=method)
    before_events = await OrderEvent.filter(order_id=order.id).count()

    for action, rule in RULES.items():
        legal = status in rule.sources and (rule.methods is None or method in rule.methods)
        # When the action is applied (and rolled back, to try the next one on the same order)
        try:
            async with in_transaction():
                locked = await lifecycle.lock_order(order.id)
                if status == rule.target:
                    change = await lifecycle.apply(locked, action, actor=STAFF)
                    # Then doing what is already done changes nothing
                    assert not change.changed, action
                    assert await OrderEvent.filter(order_id=order.id).count() == before_events
                elif legal:
                    change = await lifecycle.apply(locked, action, actor=STAFF)
                    # Then a legal move is applied, versioned and recorded
                    row = await Order.get(id=order.id)
                    assert change.changed and row.status == rule.target, action
                    assert row.version == order.version + 1
                    event = await OrderEvent.filter(order_id=order.id).order_by("-id").first()
                    assert (event.from_status, event.to_status) == (status, rule.target)
                    assert event.actor_role == ActorRole.STAFF
                    assert event.version == row.version
                    outbox = await OutboxEvent.filter(aggregate_id=order.id).order_by("-id").first()
                    assert outbox.version == row.version
                    assert outbox.payload["status"] == rule.target
                else:
                    # Then an illegal one is a clear error
                    with pytest.raises(DomainError) as caught:
                        await lifecycle.apply(locked, action, actor=STAFF)
                    assert caught.value.code == OrderErrorCode.ILLEGAL_TRANSITION, action
                    assert (
                        str(status) in caught.value.message or str(method) in caught.value.message
                    )
                raise Rollback
        except Rollback:
            pass
        # and (legal or not) nothing leaked past the rollback
        row = await Order.get(id=order.id)
        assert (row.status, row.version) == (status, order.version), action


async def test_a_move_whose_source_changed_meanwhile_is_refused(shop, customer):
    # Given an order read while unpaid, then cancelled behind the reader's back
    sku = await shop.sku()
    order = await shop.order(customer, (sku, 1))
    stale = await Order.get(id=order.id)
    await Order.filter(id=order.id).update(status=S.CANCELLED)

    # When the stale copy is paid (no row lock: what SQLite would do)
    with pytest.raises(DomainError) as caught:
        await lifecycle.apply(stale, OrderAction.PAY, actor=STAFF)

    # Then the guarded UPDATE matched nothing and nothing was recorded
    assert caught.value.code == OrderErrorCode.ILLEGAL_TRANSITION
    assert (await Order.get(id=order.id)).status == S.CANCELLED
    assert await OrderEvent.filter(order_id=order.id, to_status=S.PAID).count() == 0
