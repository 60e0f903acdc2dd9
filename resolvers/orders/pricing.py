"""Prices, discounts and totals: computed here, never taken from a client.

    subtotal      sum of unit price x quantity (prices read from the database now)
  - discounts     DISCOUNT_PIPELINE, in order: each adjuster sees the quote so far
  + shipping      resolvers/orders/delivery.py (free-over-threshold looks at goods after discounts)
  = total

Campaigns plug in by appending an `Adjuster` to `DISCOUNT_PIPELINE` (a flash-sale price,
then coupons, then points, ...). An adjuster

* `adjust(quote)` returns the discounts it grants (positive amounts taken off the goods);
* `reserve(order=, adjustment=)` claims what it granted (marks a coupon used, spends points)
  in the transaction that creates the order; raising DomainError there cancels the order;
* `release(order=, adjustment=)` gives it back in the transaction that closes or cancels
  the order (the close timer and cancellation both call it, exactly once per order);
* optionally, `confirm(order=, adjustment=)` makes it final in the transaction that records the
  payment (PENDING_PAYMENT -> PAID, exactly once per order);
* optionally, `held_stock(order=, adjustment=)` names the stock the campaign itself holds for the
  order (a flash sale's units left the SKU when the sale was set up): placing the order
  does not take it from the SKU and closing it does not put it back there; the
  campaign's `release` gives it back where it belongs.

A campaign that prices an order itself (a flash sale) passes a `CampaignHold` to
`create_order` instead of waiting for `adjust`, which only sees ordinary checkouts.

The order stores its adjustments (code, label, amount, reference), so a release finds the
adjuster by `code` even after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any, Protocol

from models import DeliveryMethod, Order

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT)


@dataclass(frozen=True, slots=True)
class PricedLine:
    sku_id: int
    product_id: int
    title: str
    spec_text: str
    image_url: str
    unit_price: Decimal
    quantity: int
    cart_line_id: int | None = None

    @property
    def line_total(self) -> Decimal:
        return money(self.unit_price * self.quantity)


@dataclass(frozen=True, slots=True)
class Adjustment:
    code: str  # the adjuster's code, e.g. "coupon"
    label: str  # shown to the shopper, e.g. "满100减10"
    amount: Decimal  # taken off the goods; positive
    reference: str = ""  # what `reserve` / `release` act on, e.g. a coupon id

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label,
            "amount": str(self.amount),
            "reference": self.reference,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Adjustment:
        return cls(
            code=str(data["code"]),
            label=str(data.get("label", "")),
            amount=Decimal(str(data["amount"])),
            reference=str(data.get("reference", "")),
        )


@dataclass(slots=True)
class Quote:
    user_id: int
    delivery_method: DeliveryMethod
    lines: list[PricedLine]
    adjustments: list[Adjustment] = field(default_factory=list)
    shipping_fee: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines), ZERO)

    @property
    def discount_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    @property
    def goods_total(self) -> Decimal:
        """What the goods cost after the discounts so far."""
        return self.subtotal - self.discount_total

    @property
    def total(self) -> Decimal:
        return self.goods_total + self.shipping_fee

    def discount_shares(self) -> list[Decimal]:
        """Each line's share of the discounts, proportional to its total, in cents; the last
        line takes the rounding remainder so the shares add up exactly."""
        discount = self.discount_total
        if discount == ZERO:
            return [ZERO] * len(self.lines)
        subtotal = self.subtotal
        if subtotal == ZERO:
            return [ZERO] * len(self.lines)
        shares = [
            (discount * line.line_total / subtotal).quantize(CENT, rounding=ROUND_DOWN)
            for line in self.lines[:-1]
        ]
        shares.append(discount - sum(shares, ZERO))
        return shares


class Adjuster(Protocol):
    code: str

    async def adjust(self, quote: Quote) -> Sequence[Adjustment]: ...

    async def reserve(self, *, order: Order, adjustment: Adjustment) -> None: ...

    async def release(self, *, order: Order, adjustment: Adjustment) -> None: ...

    # Optional (looked up with getattr): `confirm(order=, adjustment=)` and
    # `held_stock(order=, adjustment=) -> [(sku id, quantity)]`, see the module doc.


@dataclass(frozen=True, slots=True)
class CampaignHold:
    """What a campaign brings to an order it places itself (a flash sale purchase).

    `adjust(quote)` gives its discounts, which replace the pipeline's (campaign prices do
    not stack with other discounts) and come before shipping is computed; `held_stock` (SKU id -> quantity) is stock the campaign already holds, so
    neither the stock check nor stock taking touches the SKU for it; `payment_deadline`
    replaces the shop's default; `on_placed(order)` runs in the order's transaction, after
    the order and its lines are written (raising there undoes the order).
    """

    adjust: Any = None  # Callable[[Quote], Sequence[Adjustment]] | None
    held_stock: dict[int, int] = field(default_factory=dict)
    payment_deadline: Any = None  # datetime | None
    on_placed: Any = None  # Callable[[Order], Awaitable[None]] | None
    # PostgreSQL: the same writes as `on_placed`, inside the statement that writes the order
    # (one round trip less); `on_placed` then does not run there.
    statement: StatementPart | None = None


@dataclass(frozen=True, slots=True)
class StatementPart:
    """A campaign's writes as CTEs of the statement that writes an order on PostgreSQL
    (resolvers/orders/placing.py).

    `ctes` ("name AS (...), ...") and `columns` (select-list expressions) are constant SQL in
    which `{order_id}` stands for the new order's id and `{0}`, `{1}`, ... for `values`;
    `on_row(order, row)` reads the columns back once the statement returns, still in the
    order's transaction (raising there undoes the order).
    """

    ctes: str
    columns: str
    values: list[Any]
    on_row: Any  # Callable[[Order, Mapping[str, Any]], None]


# Campaigns append here, in the order they apply. Empty until campaigns exist.
DISCOUNT_PIPELINE: list[Adjuster] = []


def _adjuster(code: str) -> Adjuster | None:
    return next((a for a in DISCOUNT_PIPELINE if a.code == code), None)


async def apply_discounts(quote: Quote) -> None:
    """Run the pipeline; a discount never takes the goods below zero."""
    for adjuster in DISCOUNT_PIPELINE:
        for adjustment in await adjuster.adjust(quote):
            amount = min(money(adjustment.amount), quote.goods_total)
            if amount > ZERO:
                quote.adjustments.append(
                    Adjustment(adjustment.code, adjustment.label, amount, adjustment.reference)
                )


async def reserve_benefits(order: Order, adjustments: Sequence[Adjustment]) -> None:
    for adjustment in adjustments:
        adjuster = _adjuster(adjustment.code)
        if adjuster is not None:
            await adjuster.reserve(order=order, adjustment=adjustment)


def apply_campaign_hold(quote: Quote, hold: CampaignHold) -> None:
    """A CampaignHold's discounts, never below zero. Kept even at zero: an adjustment is
    how the order finds its campaign again when it is paid, cancelled or closed."""
    for adjustment in hold.adjust(quote) if hold.adjust is not None else ():
        amount = max(ZERO, min(money(adjustment.amount), quote.goods_total))
        quote.adjustments.append(
            Adjustment(adjustment.code, adjustment.label, amount, adjustment.reference)
        )


async def confirm_benefits(order: Order) -> None:
    """Make final what the order reserved; called once, when it is paid."""
    for data in order.adjustments or []:
        adjustment = Adjustment.from_json(data)
        adjuster = _adjuster(adjustment.code)
        confirm = getattr(adjuster, "confirm", None)  # optional: most have nothing to confirm
        if confirm is not None:
            await confirm(order=order, adjustment=adjustment)


async def held_stock(order: Order) -> dict[int, int]:
    """SKU id -> quantity of the order's stock that its campaigns hold (not the SKU)."""
    held: dict[int, int] = {}
    for data in order.adjustments or []:
        adjustment = Adjustment.from_json(data)
        adjuster = _adjuster(adjustment.code)
        if adjuster is None:
            # Not knowing whether it holds stock could put units back twice: refuse (the
            # close timer retries once the campaign's code is loaded).
            raise LookupError(f"order {order.id}: no adjuster {adjustment.code!r}")
        holds = getattr(adjuster, "held_stock", None)  # optional: most hold no stock
        if holds is None:
            continue
        for sku_id, quantity in await holds(order=order, adjustment=adjustment):
            held[sku_id] = held.get(sku_id, 0) + quantity
    return held


async def release_benefits(order: Order) -> None:
    """Give back what the order reserved; called once, when it closes or is cancelled."""
    for data in order.adjustments or []:
        adjustment = Adjustment.from_json(data)
        adjuster = _adjuster(adjustment.code)
        if adjuster is None:
            logger.warning(
                "order %s: no adjuster %r to release %r",
                order.id,
                adjustment.code,
                adjustment.reference,
            )
            continue
        await adjuster.release(order=order, adjustment=adjustment)
