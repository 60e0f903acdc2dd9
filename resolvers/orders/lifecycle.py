"""The order state machine: the only code that changes `Order.status`.

Every transition is named (`OrderAction`), allowed only from its source statuses (and, for
the ways goods leave the shop, only for its delivery method), applied with a guarded
`UPDATE ... WHERE status = <from>` that bumps `version`, and recorded as an OrderEvent plus
an OutboxEvent in the caller's transaction. Applying a transition whose target is already
the order's status changes nothing and succeeds (retries are safe); any other transition
from a status not in its sources is an ILLEGAL_TRANSITION error.

The ways goods leave the shop (SENDS_GOODS) are also refused while a refund-only
after-sale holds them back (resolvers/orders/fulfilment.py).

Callers lock the order first (`lock_order`), call `apply`, run their side effects when
`changed` is true (that is what makes them happen exactly once), commit, then publish the
returned events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.expressions import F

from models import (
    ActorRole,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderStatus,
    OutboxEvent,
)
from resolvers.catalog import sales
from resolvers.core import outbox
from resolvers.core.errors import DomainError
from resolvers.orders import fulfilment
from resolvers.orders.errors import OrderErrorCode

S = OrderStatus

STATUS_TOPIC = "order.status_changed"
UPDATED_TOPIC = "order.updated"


class OrderAction(StrEnum):
    PAY = "PAY"
    CANCEL = "CANCEL"
    CLOSE = "CLOSE"
    SHIP = "SHIP"
    SEND_OUT = "SEND_OUT"  # courier leaves the store
    MARK_READY = "MARK_READY"  # ready for pickup
    DELIVER = "DELIVER"
    CONFIRM_RECEIPT = "CONFIRM_RECEIPT"
    PICK_UP = "PICK_UP"
    REFUND = "REFUND"


@dataclass(frozen=True, slots=True)
class Rule:
    sources: frozenset[OrderStatus]
    target: OrderStatus
    verb: str  # for messages: "A SHIPPED order cannot be <verb>"
    stamp: str | None = None  # timestamp column set when it happens
    methods: frozenset[DeliveryMethod] | None = None


RULES: dict[OrderAction, Rule] = {
    OrderAction.PAY: Rule(frozenset({S.PENDING_PAYMENT}), S.PAID, "paid", "paid_at"),
    OrderAction.CANCEL: Rule(
        frozenset({S.PENDING_PAYMENT}), S.CANCELLED, "cancelled", "cancelled_at"
    ),
    OrderAction.CLOSE: Rule(frozenset({S.PENDING_PAYMENT}), S.CLOSED, "closed", "closed_at"),
    OrderAction.SHIP: Rule(
        frozenset({S.PAID}),
        S.SHIPPED,
        "shipped",
        "shipped_at",
        frozenset({DeliveryMethod.EXPRESS}),
    ),
    OrderAction.SEND_OUT: Rule(
        frozenset({S.PAID}),
        S.OUT_FOR_DELIVERY,
        "sent out for delivery",
        "shipped_at",
        frozenset({DeliveryMethod.COURIER}),
    ),
    OrderAction.MARK_READY: Rule(
        frozenset({S.PAID}),
        S.READY_FOR_PICKUP,
        "made ready for pickup",
        "ready_at",
        frozenset({DeliveryMethod.PICKUP}),
    ),
    OrderAction.DELIVER: Rule(
        frozenset({S.SHIPPED, S.OUT_FOR_DELIVERY}), S.DELIVERED, "delivered", "delivered_at"
    ),
    OrderAction.CONFIRM_RECEIPT: Rule(
        frozenset({S.DELIVERED}), S.COMPLETED, "confirmed as received", "completed_at"
    ),
    OrderAction.PICK_UP: Rule(
        frozenset({S.READY_FOR_PICKUP}), S.COMPLETED, "picked up", "completed_at"
    ),
    # In transit too: a refund-only after-sale may give back a lost parcel's money.
    OrderAction.REFUND: Rule(
        frozenset(
            {S.PAID, S.READY_FOR_PICKUP, S.SHIPPED, S.OUT_FOR_DELIVERY, S.DELIVERED, S.COMPLETED}
        ),
        S.REFUNDED,
        "refunded",
        "refunded_at",
    ),
}

# The ways goods leave the shop (or the counter): held back while they are being refunded.
SENDS_GOODS = frozenset(
    {OrderAction.SHIP, OrderAction.SEND_OUT, OrderAction.MARK_READY, OrderAction.PICK_UP}
)

# Every (from, to) pair the order life allows; tests check the machine against it.
LEGAL_MOVES: frozenset[tuple[OrderStatus, OrderStatus]] = frozenset(
    (source, rule.target) for rule in RULES.values() for source in rule.sources
)


@dataclass(frozen=True, slots=True)
class Actor:
    role: ActorRole
    user_id: int | None = None


SYSTEM = Actor(ActorRole.SYSTEM)
PAYMENT_PROVIDER = Actor(ActorRole.PAYMENT)


@dataclass(slots=True)
class Change:
    order: Order
    changed: bool
    events: list[OutboxEvent] = field(default_factory=list)


def not_found(field_name: str = "id") -> DomainError:
    # Another shopper's order must be indistinguishable from a missing one.
    return DomainError(OrderErrorCode.NOT_FOUND, "No such order", field=[field_name])


async def lock_order(order_id: int, *, user_id: int | None = None, field_name: str = "id") -> Order:
    """The order row, locked until the transaction ends; NOT_FOUND when not the user's."""
    query = Order.filter(id=order_id)
    if user_id is not None:
        query = query.filter(user_id=user_id)
    order = await query.select_for_update().first()
    if order is None:
        raise not_found(field_name)
    return order


def event_payload(order: Order, previous: OrderStatus | None) -> dict[str, Any]:
    return {
        "orderId": order.id,
        "number": order.number,
        "userId": order.user_id,
        "status": str(order.status),
        "previousStatus": str(previous) if previous else None,
        "version": order.version,
    }


async def record(
    order: Order,
    *,
    actor: Actor,
    kind: OrderEventKind = OrderEventKind.STATUS_CHANGED,
    previous: OrderStatus | None = None,
    note: str = "",
    topic: str = STATUS_TOPIC,
) -> OutboxEvent:
    """The OrderEvent and the OutboxEvent of a change already applied to `order`."""
    await OrderEvent.create(
        order_id=order.id,
        kind=kind,
        from_status=previous,
        to_status=order.status if kind == OrderEventKind.STATUS_CHANGED else None,
        actor_id=actor.user_id,
        actor_role=actor.role,
        note=note[:255],
        version=order.version,
    )
    payload = event_payload(order, previous)
    payload["kind"] = str(kind)
    return await outbox.record(
        topic=topic,
        aggregate_type="order",
        aggregate_id=order.id,
        version=order.version,
        payload=payload,
    )


def check(order: Order, action: OrderAction) -> bool:
    """True when the transition is to be applied; False when the order already has the
    action's target status, however it got there (sources and delivery method are then not
    checked: PICK_UP and CONFIRM_RECEIPT both end in COMPLETED, so either is a no-op on any
    completed order).

    Raises ILLEGAL_TRANSITION when the order's status (or delivery method) does not allow it.
    """
    rule = RULES[action]
    if order.status == rule.target:
        return False
    if order.status not in rule.sources:
        raise DomainError(
            OrderErrorCode.ILLEGAL_TRANSITION,
            f"A {order.status} order cannot be {rule.verb}",
        )
    if rule.methods is not None and order.delivery_method not in rule.methods:
        raise DomainError(
            OrderErrorCode.ILLEGAL_TRANSITION,
            f"A {order.delivery_method} order cannot be {rule.verb}",
        )
    return True


async def apply(
    order: Order,
    action: OrderAction,
    *,
    actor: Actor,
    updates: dict[str, Any] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Change:
    """Apply a transition to a locked order (see the module docstring)."""
    if not check(order, action):
        return Change(order=order, changed=False)
    if action in SENDS_GOODS:
        hold = await fulfilment.hold_on(order.id)
        if hold is not None:
            raise DomainError(OrderErrorCode(hold.code), hold.message)
    rule = RULES[action]
    now = now or datetime.now(UTC)
    values: dict[str, Any] = dict(updates or {})
    if rule.stamp:
        values[rule.stamp] = now
    previous = order.status
    updated = await Order.filter(id=order.id, status=previous).update(
        status=rule.target, version=F("version") + 1, updated_at=now, **values
    )
    if updated != 1:
        # Only reachable without the row lock (SQLite): someone else moved it first.
        current = await Order.get(id=order.id)
        if current.status == rule.target:
            return Change(order=current, changed=False)
        raise DomainError(
            OrderErrorCode.ILLEGAL_TRANSITION, f"A {current.status} order cannot be {rule.verb}"
        )
    order.status = rule.target
    order.version += 1
    order.updated_at = now
    for name, value in values.items():
        setattr(order, name, value)
    # Products' sales counts follow the money, exactly once: this runs only when the
    # guarded UPDATE above moved the order.
    if action == OrderAction.PAY:
        await sales.order_paid(order.id)
    elif action == OrderAction.REFUND:
        await sales.order_refunded(order.id)
    event = await record(order, actor=actor, previous=previous, note=note)
    return Change(order=order, changed=True, events=[event])


async def bump(
    order: Order,
    *,
    actor: Actor,
    kind: OrderEventKind,
    updates: dict[str, Any],
    allowed: frozenset[OrderStatus],
    note: str = "",
) -> OutboxEvent:
    """Change a locked order without changing its status (e.g. its address), guarded by
    the statuses that allow it; records the event and returns the outbox event."""
    updates = {**updates, "updated_at": datetime.now(UTC)}
    updated = await Order.filter(id=order.id, status__in=list(allowed)).update(
        version=F("version") + 1, **updates
    )
    if updated != 1:
        raise DomainError(OrderErrorCode.ILLEGAL_TRANSITION, "The order changed meanwhile")
    order.version += 1
    for name, value in updates.items():
        setattr(order, name, value)
    return await record(order, actor=actor, kind=kind, note=note, topic=UPDATED_TOPIC)
