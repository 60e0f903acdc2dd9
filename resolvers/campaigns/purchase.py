"""The storm's path: one gate call, then, for the few that got units, the order and the
grant's record in one PostgreSQL transaction (see service.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import (
    DeliveryMethod,
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    Order,
    ReservationStatus,
)
from resolvers.campaigns import batch_writer
from resolvers.campaigns.batch_writer import Grant, NotRecorded, Recorded
from resolvers.campaigns.common import (
    FLASH_SALE_CODE,
    MAX_PER_USER_LIMIT,
    Code,
    PurchaseRefused,
)
from resolvers.campaigns.gate import (
    Verdict,
    from_ms,
)
from resolvers.campaigns.images import request_rebuild
from resolvers.core import sql
from resolvers.core.errors import DomainError, DomainErrors, RateLimited
from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from resolvers.orders.pricing import Adjustment, CampaignHold, Quote, StatementPart
from settings import Settings

logger = logging.getLogger(__name__)


# --- shoppers: purchase -------------------------------------------------------------------


def _refusal(verdict: Verdict) -> PurchaseRefused:
    code = verdict.code
    if code == "RATE_LIMITED":
        seconds = verdict.wait_ms / 1000
        return PurchaseRefused(
            Code.RATE_LIMITED,
            f"Too many attempts; try again in {seconds:.1f} s",
            retry_after=seconds,
        )
    if code == "NOT_STARTED":
        seconds = verdict.wait_ms / 1000
        return PurchaseRefused(
            Code.NOT_STARTED,
            "The sale has not started yet",
            field=["saleId"],
            retry_after=seconds,
        )
    if code == "ENDED":
        return PurchaseRefused(Code.ENDED, "The sale is over", field=["saleId"])
    if code == "SOLD_OUT":
        if verdict.left == 0:
            return PurchaseRefused(Code.SOLD_OUT, "Sold out", field=["saleId"])
        return PurchaseRefused(Code.SOLD_OUT, f"Only {verdict.left} left", field=["quantity"])
    if code == "LIMIT_REACHED":
        return PurchaseRefused(
            Code.LIMIT_REACHED,
            f"At most {verdict.limit} per shopper; you hold {verdict.held}",
            field=["quantity"],
        )
    raise RuntimeError(f"unexpected gate verdict {code}")


def _paused() -> PurchaseRefused:
    return PurchaseRefused(
        Code.PAUSED,
        "The sale is paused for a moment while it is restored; try again shortly",
        field=["saleId"],
        retry_after=1.0,
    )


def unknown_sale_limits(settings: Settings) -> tuple[Limit, Limit]:
    """The shopper's and the address's budgets for attempts on sales Redis does not know.

    A known sale's buckets live under its own hash tag, so ids nobody sells would each
    bring fresh ones: these are shared by every unknown id instead, at the same rates."""
    return (
        Limit(
            "flash-sale-unknown-user",
            settings.flash_sale_user_burst,
            settings.flash_sale_user_burst / settings.flash_sale_user_per_second,
        ),
        Limit(
            "flash-sale-unknown-ip",
            settings.flash_sale_ip_burst,
            settings.flash_sale_ip_burst / settings.flash_sale_ip_per_second,
        ),
    )


async def _unknown_to_redis(
    state: AppState, *, sale_id: int, user_id: int, client_ip: str
) -> PurchaseRefused:
    """Redis has no keys for the sale: a sale that is not (or no longer) on, or one Redis
    lost. PostgreSQL decides; its answer is remembered for a second per process, in a
    memo of bounded size. The id is the client's choice, so an attempt that must ask
    PostgreSQL spends the shopper's and the address's budget first: answers from the
    memo cost what a rate-limited answer costs, a new id costs a token."""
    gate = state.flash_sales
    kind = gate.missing.get(sale_id)
    if kind is None:
        user_limit, ip_limit = unknown_sale_limits(state.settings)
        try:
            await state.limiter.hit(user_limit, str(user_id))
            await state.limiter.hit(ip_limit, client_ip)
        except RateLimited as exc:
            return _refusal(Verdict("RATE_LIMITED", wait_ms=int(exc.retry_after_seconds * 1000)))
        sale = await FlashSale.get_or_none(id=sale_id)
        if sale is None or sale.status == FlashSaleStatus.DRAFT:
            kind = "NOT_FOUND"
        elif sale.settled_at is not None or sale.status != FlashSaleStatus.PUBLISHED:
            kind = "ENDED"
        else:
            kind = "PAUSED"
            request_rebuild(state, sale_id)
        gate.missing.put(sale_id, kind)
    if kind == "NOT_FOUND":
        return PurchaseRefused(Code.NOT_FOUND, "No such flash sale", field=["saleId"])
    if kind == "ENDED":
        return PurchaseRefused(Code.ENDED, "The sale is over", field=["saleId"])
    return _paused()


@dataclass(frozen=True, slots=True)
class Reservation:
    """A reservation as a purchase returns it: the recorded row's values, without building
    an ORM object on the storm's hot path."""

    id: int
    token: str
    sale_id: int
    user_id: int
    quantity: int
    unit_price: Decimal
    status: ReservationStatus
    expires_at: datetime
    created_at: datetime


class _Refused(Exception):
    """PostgreSQL turned a Redis grant down; the transaction rolled back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Part of the statement that writes the order (pricing.StatementPart, see
# resolvers/orders/placing.py), so recording costs no round trip of its own: the sale row
# read FOR KEY SHARE with the grant's epoch, the shopper's count raised by a conditional
# upsert (which locks the buyer row and re-reads it, so two of one shopper's purchases take
# turns), then the reservation and its unit rows. A unit held twice is a unique violation,
# which undoes it all, the order included. The data-modifying CTEs always run to
# completion, each only if the one before it produced a row. {0}..{6}: sale id, epoch,
# shopper, quantity, token, expiry, unit numbers.
_RECORD_CTES = """
sale AS (
    SELECT price, per_user_limit FROM flash_sale
    WHERE id = {0} AND redis_epoch = {1} AND status = 'PUBLISHED' AND settled_at IS NULL
    FOR KEY SHARE
), buyer AS (
    INSERT INTO flash_sale_buyer AS b (sale_id, user_id, held)
    SELECT {0}, {2}, {3} FROM sale WHERE {3} <= sale.per_user_limit
    ON CONFLICT (sale_id, user_id) DO UPDATE SET held = b.held + excluded.held
    WHERE b.held + excluded.held <= (SELECT per_user_limit FROM sale)
    RETURNING held
), reservation AS (
    INSERT INTO flash_sale_reservation
        (token, sale_id, user_id, quantity, unit_price, status, expires_at, redis_epoch,
         order_id, created_at)
    SELECT {4}, {0}, {2}, {3}, sale.price, 'RESERVED', {5}, {1}, {order_id}, now()
    FROM sale, buyer
    RETURNING id, created_at, unit_price
), units AS (
    INSERT INTO flash_sale_unit (sale_id, unit_no, reservation_id)
    SELECT {0}, unit, reservation.id FROM reservation, unnest({6}::int[]) AS unit
)
"""
_RECORD_COLUMNS = """
(SELECT count(*) FROM sale) AS sale_found,
(SELECT id FROM reservation) AS reservation_id,
(SELECT created_at FROM reservation) AS reservation_created_at,
(SELECT unit_price FROM reservation) AS reservation_unit_price
"""


def _record_part(
    *,
    sale_id: int,
    user_id: int,
    token: str,
    verdict: Verdict,
    recorded: list[Reservation],
) -> StatementPart:
    """PostgreSQL: the grant recorded by the statement that writes its order."""
    quantity = len(verdict.units)
    expires_at = from_ms(verdict.expires_ms)

    def on_row(order: Order, row: Mapping[str, Any]) -> None:
        if not row["sale_found"]:
            raise _Refused("sale")
        if row["reservation_id"] is None:
            raise _Refused("limit")
        recorded.append(
            Reservation(
                id=row["reservation_id"],
                token=token,
                sale_id=sale_id,
                user_id=user_id,
                quantity=quantity,
                unit_price=row["reservation_unit_price"],
                status=ReservationStatus.RESERVED,
                expires_at=expires_at,
                created_at=row["reservation_created_at"],
            )
        )

    return StatementPart(
        ctes=_RECORD_CTES,
        columns=_RECORD_COLUMNS,
        values=[sale_id, verdict.epoch, user_id, quantity, token, expires_at, list(verdict.units)],
        on_row=on_row,
    )


async def _record_sqlite(
    *, sale_id: int, user_id: int, token: str, verdict: Verdict, order_id: int | None
) -> Reservation:
    """The same rules for the embedded database (one writer at a time, no row locks), in
    the order's transaction. PostgreSQL records with `_record_part` instead."""
    quantity = len(verdict.units)
    async with in_transaction():
        sale = await FlashSale.filter(
            id=sale_id,
            redis_epoch=verdict.epoch,
            status=FlashSaleStatus.PUBLISHED,
            settled_at=None,
        ).first()
        if sale is None:
            raise _Refused("sale")
        buyer, _ = await FlashSaleBuyer.get_or_create(sale_id=sale_id, user_id=user_id)
        if buyer.held + quantity > sale.per_user_limit:
            raise _Refused("limit")
        await FlashSaleBuyer.filter(id=buyer.id).update(held=F("held") + quantity)
        reservation = await FlashSaleReservation.create(
            token=token,
            sale_id=sale_id,
            user_id=user_id,
            quantity=quantity,
            unit_price=sale.price,
            status=ReservationStatus.RESERVED,
            expires_at=from_ms(verdict.expires_ms),
            redis_epoch=verdict.epoch,
            order_id=order_id,
        )
        await FlashSaleUnit.bulk_create(
            [
                FlashSaleUnit(sale_id=sale_id, unit_no=unit, reservation_id=reservation.id)
                for unit in verdict.units
            ]
        )
    return Reservation(
        id=reservation.id,
        token=token,
        sale_id=sale_id,
        user_id=user_id,
        quantity=quantity,
        unit_price=reservation.unit_price,
        status=reservation.status,
        expires_at=reservation.expires_at,
        created_at=reservation.created_at,
    )


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a flash sale order travels (orders' rules): by default express to the
    shopper's default address; it may be changed while the order awaits payment."""

    method: DeliveryMethod = DeliveryMethod.EXPRESS
    address_id: int | None = None
    store_id: int | None = None


@dataclass(frozen=True, slots=True)
class Purchase:
    reservation: Reservation
    order: Order


@dataclass(frozen=True, slots=True)
class SaleTermsSnapshot:
    sku_id: int
    price: Decimal


async def _terms(state: AppState, sale_id: int, epoch: int) -> SaleTermsSnapshot | None:
    """The SKU and price a grant of `epoch` sells at. Terms only change with a new epoch
    (an edit reloads Redis), so a process keeps them by (sale, epoch)."""
    cache = state.flash_sales.terms
    terms = cache.get((sale_id, epoch))
    if terms is None:
        row = await FlashSale.filter(id=sale_id).values_list("sku_id", "price", "redis_epoch")
        if not row or row[0][2] != epoch:
            return None
        terms = SaleTermsSnapshot(sku_id=row[0][0], price=row[0][1])
        if len(cache) > 10_000:
            cache.clear()
        cache[(sale_id, epoch)] = terms
    return terms


def _flash_price(terms: SaleTermsSnapshot, token: str) -> Callable[[Quote], list[Adjustment]]:
    def adjust(quote: Quote) -> list[Adjustment]:
        return [
            Adjustment(
                FLASH_SALE_CODE,
                "秒杀价",
                (line.unit_price - terms.price) * line.quantity,
                reference=token,
            )
            for line in quote.lines
            if line.sku_id == terms.sku_id
        ]

    return adjust


async def purchase(
    *,
    state: AppState,
    user_id: int,
    sale_id: int,
    quantity: int,
    client_ip: str,
    delivery: Delivery | None = None,
) -> Purchase:
    """One purchase attempt: a reservation holding `quantity` units and the order to pay
    for them (at the flash price, due by the reservation's expiry), or PurchaseRefused."""
    if not 1 <= quantity <= MAX_PER_USER_LIMIT:
        raise PurchaseRefused(
            Code.INVALID_QUANTITY, f"Buy 1 to {MAX_PER_USER_LIMIT} at a time", field=["quantity"]
        )
    gate = state.flash_sales
    token = secrets.token_urlsafe(16)
    verdict = await gate.reserve(
        sale_id=sale_id, user_id=user_id, quantity=quantity, token=token, client_ip=client_ip
    )
    if verdict.code == "MISSING":
        raise await _unknown_to_redis(state, sale_id=sale_id, user_id=user_id, client_ip=client_ip)
    if verdict.code != "OK":
        raise _refusal(verdict)

    delivery = delivery or Delivery()
    try:
        terms = await _terms(state, sale_id, verdict.epoch)
    except BaseException:
        await batch_writer.give_back_token(state, sale_id=sale_id, token=token, reason="terms")
        raise
    if terms is None:
        await batch_writer.give_back_token(state, sale_id=sale_id, token=token, reason="sale")
        raise await _explain(state, sale_id, verdict, NotRecorded("sale"))
    grant = Grant(
        sale_id=sale_id,
        user_id=user_id,
        token=token,
        verdict=verdict,
        sku_id=terms.sku_id,
        request=CheckoutRequest(
            delivery_method=delivery.method,
            items=(BuyItem(terms.sku_id, quantity),),
            address_id=delivery.address_id,
            store_id=delivery.store_id,
        ),
        hold=CampaignHold(
            adjust=_flash_price(terms, token),
            held_stock={terms.sku_id: quantity},
            payment_deadline=from_ms(verdict.expires_ms),
        ),
    )
    try:
        writer = state.flash_orders
        if writer is not None and sql.is_postgres() and delivery.method in _BATCHED:
            recorded = await writer.submit(grant)
        else:
            recorded = await record_single(state, grant)
    except NotRecorded as exc:
        raise await _explain(state, sale_id, verdict, exc) from None
    return Purchase(
        reservation=Reservation(
            id=recorded.reservation_id,
            token=token,
            sale_id=sale_id,
            user_id=user_id,
            quantity=quantity,
            unit_price=recorded.unit_price,
            status=ReservationStatus.RESERVED,
            expires_at=from_ms(verdict.expires_ms),
            created_at=recorded.reservation_created_at,
        ),
        order=recorded.order,
    )


# Delivery methods the batched writer prices without another query (a courier order looks
# for the nearest store that delivers: it takes the single path).
_BATCHED = frozenset({DeliveryMethod.EXPRESS, DeliveryMethod.PICKUP})


async def record_single(state: AppState, grant: Grant) -> Recorded:
    """The grant and its order in a transaction of their own (`orders.create_order` with
    the recording folded into its statement on PostgreSQL); raises NotRecorded, once the
    grant was given back, if it cannot be recorded."""
    sale_id, user_id, token, verdict = grant.sale_id, grant.user_id, grant.token, grant.verdict
    recorded: list[Reservation] = []

    async def record(order: Order) -> None:
        # In the order's transaction: the order, its reservation and its units commit or
        # roll back together.
        recorded.append(
            await _record_sqlite(
                sale_id=sale_id, user_id=user_id, token=token, verdict=verdict, order_id=order.id
            )
        )

    order_error: DomainError | None = None
    try:
        order = await orders.create_order(
            state=state,
            user_id=user_id,
            request=grant.request,
            idempotency_key=token,
            hold=replace(
                grant.hold,
                on_placed=record,
                statement=_record_part(
                    sale_id=sale_id,
                    user_id=user_id,
                    token=token,
                    verdict=verdict,
                    recorded=recorded,
                ),
            ),
        )
        reservation = recorded[-1]
        return Recorded(
            order=order,
            reservation_id=reservation.id,
            reservation_created_at=reservation.created_at,
            unit_price=reservation.unit_price,
        )
    except _Refused as exc:
        reason = exc.reason
    except IntegrityError:
        reason = "unit"
    except (DomainError, DomainErrors) as exc:
        # The order cannot be placed (no address, out of range, product off the shelf...).
        reason = "order"
        order_error = exc.errors[0] if isinstance(exc, DomainErrors) else exc
    # Rolled back for certain: nothing will ever record this grant, so it goes back now.
    await batch_writer.give_back(state, grant, reason)
    raise NotRecorded(reason, order_error)


async def _explain(
    state: AppState, sale_id: int, verdict: Verdict, exc: NotRecorded
) -> PurchaseRefused:
    """What the shopper hears about a grant that was not recorded (and was given back)."""
    reason = exc.reason
    order_error = exc.order_error
    if order_error is not None:
        return PurchaseRefused(Code.ORDER_INVALID, order_error.message, field=order_error.field)
    if reason == "sale":
        sale = await FlashSale.get_or_none(id=sale_id)
        if sale is None or sale.status != FlashSaleStatus.PUBLISHED or sale.settled_at:
            return PurchaseRefused(Code.ENDED, "The sale is over", field=["saleId"])
        # Granted by a Redis of another epoch: it is being (or was just) rebuilt.
        request_rebuild(state, sale_id)
        return _paused()
    # Redis of the current epoch gave a unit someone holds, or more than the limit:
    # it is wrong about this sale, so it is rebuilt.
    logger.warning("flash sale %s: PostgreSQL refused a Redis grant (%s)", sale_id, reason)
    request_rebuild(state, sale_id, stale_epoch=verdict.epoch)
    if reason == "limit":
        return PurchaseRefused(
            Code.LIMIT_REACHED, "You hold as many as a shopper may", field=["quantity"]
        )
    return _paused()
