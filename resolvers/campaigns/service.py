"""Flash sales (秒杀): staff set them up, shoppers storm them, PostgreSQL keeps the truth.

Life of a sale

    create (DRAFT)      the offered quantity leaves the SKU's stock (FLASH_SALE_ALLOCATED)
    edit                while DRAFT, or PUBLISHED before it starts
    publish             DRAFT -> PUBLISHED; Redis is warmed from PostgreSQL
    purchases           between starts_at and ends_at (Redis server time)
    end / cancel        -> ENDED / CANCELLED, once: unsold units go back to the SKU
                        (FLASH_SALE_RETURNED); open reservations may still be paid

A purchase is one Lua call (resolvers/campaigns/gate.py), then, only for the few that
got units, one PostgreSQL transaction: the order (through the orders service, the
reservation token as its idempotency key, at the flash price, due when the reservation
expires) and, in it, one statement recording the reservation and its units:

* the sale row is read `FOR KEY SHARE` with the Redis epoch the grant came from: a grant
  from an older Redis (lost and rebuilt since) is refused, and a rebuild, which locks the
  row `FOR UPDATE`, waits for the recordings in flight;
* every unit is a row with a unique (sale, unit number): two reservations can never hold
  one unit, so the sale cannot be oversold whatever Redis says;
* the shopper's count (FlashSaleBuyer) rises by a conditional upsert that locks its row:
  the per-user limit holds in PostgreSQL too.

A grant PostgreSQL refused is given back in Redis at once. A grant whose process died
before recording it is found by the reconciler (resolvers/campaigns/reconcile.py).

The order then decides (resolvers/campaigns/orders.py): paid -> the reservation is
CONFIRMED; cancelled or closed unpaid -> RELEASED, its units back on sale (or back to
the SKU once the sale is over). Both are guarded UPDATEs in the order's transaction, so
each happens exactly once; Redis follows through the reconciler.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import (
    AuditLog,
    DeliveryMethod,
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    Order,
    ReleaseReason,
    ReservationStatus,
    Sku,
    StockChangeReason,
)
from resolvers.campaigns.errors import FlashSaleErrorCode
from resolvers.campaigns.gate import (
    CONFIRMED,
    KEYS_LINGER_MS,
    RESERVED,
    Record,
    SaleImage,
    Verdict,
    from_ms,
    ms,
)
from resolvers.catalog import stock
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.pagination import Page, SortKey, paginate
from resolvers.core.state import AppState
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest
from resolvers.orders.pricing import Adjustment, CampaignHold, Quote

logger = logging.getLogger(__name__)

MAX_PER_USER_LIMIT = 99
MAX_TITLE_LENGTH = 60
MAX_DURATION = timedelta(days=31)
MIN_PRICE = Decimal("0.01")
SALE_KEYS = [SortKey("starts_at"), SortKey("id")]
# How long a web process trusts what PostgreSQL said about a sale Redis does not know.
MISSING_MEMORY_SECONDS = 1.0

Code = FlashSaleErrorCode
# The code of a flash sale's adjustment on its order (resolvers/campaigns/orders.py).
FLASH_SALE_CODE = "flash_sale"


class Phase(StrEnum):
    """Where a sale stands for a shopper, by the server's clock."""

    UPCOMING = "UPCOMING"
    LIVE = "LIVE"
    ENDED = "ENDED"


def phase_of(sale: FlashSale, now: datetime) -> Phase:
    if sale.status in (FlashSaleStatus.CANCELLED, FlashSaleStatus.ENDED) or now >= sale.ends_at:
        return Phase.ENDED
    return Phase.UPCOMING if now < sale.starts_at else Phase.LIVE


class PurchaseRefused(DomainError):
    """A purchase attempt the gate or the database turned down; may say when to retry."""

    def __init__(
        self,
        code: FlashSaleErrorCode,
        message: str,
        *,
        field: list[str] | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(code, message, field=field)
        self.retry_after = retry_after


def sale_reference(sale_id: int) -> str:
    """StockLedger reference of a sale's movements."""
    return f"flash_sale:{sale_id}"


def _sql(conn: BaseDBAsyncClient, postgres: str, sqlite: str | None = None) -> str:
    """Written once with PostgreSQL placeholders; SQLite takes `?` (and no row locks)."""
    if conn.capabilities.dialect != "sqlite":
        return postgres
    text = sqlite if sqlite is not None else postgres
    for n in range(9, 0, -1):
        text = text.replace(f"${n}", "?")
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


async def _audit(actor_id: int | None, action: str, sale_id: int, changes: dict[str, Any]) -> None:
    await AuditLog.create(
        actor_id=actor_id,
        action=action,
        entity_type="flash_sale",
        entity_id=sale_id,
        changes={k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()},
    )


# --- staff: create, edit, publish, cancel ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaleTerms:
    """What staff set on a sale. In an edit, None leaves a term as it is."""

    title: str | None = None
    price: Decimal | None = None
    quantity: int | None = None
    per_user_limit: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def _check_terms(
    *,
    title: str,
    price: Decimal,
    quantity: int,
    per_user_limit: int,
    starts_at: datetime,
    ends_at: datetime,
    max_quantity: int,
    now: datetime,
    regular_price: Decimal,
) -> None:
    problems: list[tuple[str, str]] = []
    if not title or len(title) > MAX_TITLE_LENGTH:
        problems.append(("title", f"A title of 1 to {MAX_TITLE_LENGTH} characters"))
    if price < MIN_PRICE or price.as_tuple().exponent < -2:  # type: ignore[operator]
        problems.append(("price", "A price of at least 0.01 with at most two decimals"))
    elif price >= regular_price:
        problems.append(("price", f"A flash price is below the regular {regular_price}"))
    if not 1 <= quantity <= max_quantity:
        problems.append(("quantity", f"Offer between 1 and {max_quantity} units"))
    if not 1 <= per_user_limit <= min(MAX_PER_USER_LIMIT, max(quantity, 1)):
        problems.append(
            ("perUserLimit", f"Between 1 and {min(MAX_PER_USER_LIMIT, quantity)} per shopper")
        )
    if ends_at <= starts_at:
        problems.append(("endsAt", "The sale must end after it starts"))
    elif ends_at - starts_at > MAX_DURATION:
        problems.append(("endsAt", f"A flash sale lasts at most {MAX_DURATION.days} days"))
    elif ends_at <= now:
        problems.append(("endsAt", "The end is in the past"))
    if problems:
        field, message = problems[0]
        raise DomainError(Code.INVALID, message, field=[field])


async def _lock_sale(sale_id: int) -> FlashSale:
    sale = await FlashSale.filter(id=sale_id).select_for_update().first()
    if sale is None:
        raise DomainError(Code.NOT_FOUND, "No such flash sale", field=["id"])
    return sale


async def _held_units(sale_id: int) -> int:
    return await FlashSaleUnit.filter(sale_id=sale_id).count()


def _stock_error(exc: stock.InsufficientStock) -> DomainError:
    available = exc.shortages[0].available if exc.shortages else 0
    return DomainError(
        Code.INSUFFICIENT_STOCK,
        f"The SKU has only {max(available, 0)} units in stock",
        field=["quantity"],
    )


async def create_flash_sale(
    *,
    state: AppState,
    actor_id: int,
    sku_id: int,
    terms: SaleTerms,
) -> FlashSale:
    """A DRAFT sale; its units leave the SKU's stock in the same transaction."""
    sku = await Sku.filter(id=sku_id).select_related("product").first()
    if sku is None or not sku.is_active:
        raise DomainError(Code.SKU_NOT_FOUND, "No such SKU", field=["skuId"])
    if terms.price is None or terms.quantity is None or terms.per_user_limit is None:
        raise DomainError(Code.INVALID, "Price, quantity and limit are required")
    if terms.starts_at is None or terms.ends_at is None:
        raise DomainError(Code.INVALID, "Start and end are required", field=["startsAt"])
    title = (terms.title if terms.title is not None else sku.product.title).strip()
    _check_terms(
        title=title,
        price=terms.price,
        quantity=terms.quantity,
        per_user_limit=terms.per_user_limit,
        starts_at=terms.starts_at,
        ends_at=terms.ends_at,
        max_quantity=state.settings.flash_sale_max_quantity,
        now=datetime.now(UTC),
        regular_price=sku.price,
    )
    async with in_transaction():
        sale = await FlashSale.create(
            sku_id=sku_id,
            title=title,
            price=terms.price,
            quantity=terms.quantity,
            per_user_limit=terms.per_user_limit,
            starts_at=terms.starts_at,
            ends_at=terms.ends_at,
            created_by_id=actor_id,
        )
        try:
            await stock.take_stock(
                [stock.StockLine(sku_id, terms.quantity)],
                reason=StockChangeReason.FLASH_SALE_ALLOCATED,
                reference=sale_reference(sale.id),
                actor_id=actor_id,
            )
        except stock.InsufficientStock as exc:
            raise _stock_error(exc) from exc
        await _audit(actor_id, "flash_sale.create", sale.id, {"quantity": (0, terms.quantity)})
    logger.info("flash sale %s created: %s units of sku %s", sale.id, sale.quantity, sku_id)
    return sale


async def update_flash_sale(
    *,
    state: AppState,
    actor_id: int,
    sale_id: int,
    terms: SaleTerms,
    expected_version: int | None = None,
) -> FlashSale:
    """Change a sale that has not started. A quantity change moves SKU stock; a
    published sale's Redis keys are rebuilt with the new terms in the same lock."""
    now = datetime.now(UTC)
    async with in_transaction():
        sale = await _lock_sale(sale_id)
        if expected_version is not None and sale.version != expected_version:
            raise DomainError(
                Code.VERSION_CONFLICT,
                f"The sale changed meanwhile (now version {sale.version}); reload it",
                field=["version"],
            )
        if sale.status not in (FlashSaleStatus.DRAFT, FlashSaleStatus.PUBLISHED):
            raise DomainError(Code.NOT_EDITABLE, f"A {sale.status} sale cannot change")
        if sale.status == FlashSaleStatus.PUBLISHED and (
            sale.starts_at <= now or await _held_units(sale.id) > 0
        ):
            raise DomainError(Code.ALREADY_STARTED, "The sale has started; cancel it instead")
        before = {
            "title": sale.title,
            "price": sale.price,
            "quantity": sale.quantity,
            "per_user_limit": sale.per_user_limit,
            "starts_at": sale.starts_at,
            "ends_at": sale.ends_at,
        }
        after = {
            "title": terms.title.strip() if terms.title is not None else sale.title,
            "price": terms.price if terms.price is not None else sale.price,
            "quantity": terms.quantity if terms.quantity is not None else sale.quantity,
            "per_user_limit": (
                terms.per_user_limit if terms.per_user_limit is not None else sale.per_user_limit
            ),
            "starts_at": terms.starts_at or sale.starts_at,
            "ends_at": terms.ends_at or sale.ends_at,
        }
        regular = await Sku.filter(id=sale.sku_id).values_list("price", flat=True)
        _check_terms(
            **after,
            max_quantity=state.settings.flash_sale_max_quantity,
            now=now,
            regular_price=regular[0],
        )
        delta = after["quantity"] - sale.quantity
        try:
            if delta > 0:
                await stock.take_stock(
                    [stock.StockLine(sale.sku_id, delta)],
                    reason=StockChangeReason.FLASH_SALE_ALLOCATED,
                    reference=sale_reference(sale.id),
                    actor_id=actor_id,
                )
            elif delta < 0:
                await stock.return_stock(
                    [stock.StockLine(sale.sku_id, -delta)],
                    reason=StockChangeReason.FLASH_SALE_RETURNED,
                    reference=sale_reference(sale.id),
                    actor_id=actor_id,
                )
        except stock.InsufficientStock as exc:
            raise _stock_error(exc) from exc
        for name, value in after.items():
            setattr(sale, name, value)
        sale.version += 1
        changed = {k: (before[k], v) for k, v in after.items() if before[k] != v}
        await _audit(actor_id, "flash_sale.update", sale.id, changed)
        if sale.status == FlashSaleStatus.PUBLISHED:
            await _load_into_redis(state, sale)
        await sale.save()
    return sale


async def publish_flash_sale(*, state: AppState, actor_id: int, sale_id: int) -> FlashSale:
    """DRAFT -> PUBLISHED and warm Redis; publishing twice changes nothing."""
    async with in_transaction():
        sale = await _lock_sale(sale_id)
        if sale.status == FlashSaleStatus.PUBLISHED:
            return sale
        if sale.status != FlashSaleStatus.DRAFT:
            raise DomainError(Code.NOT_EDITABLE, f"A {sale.status} sale cannot be published")
        if sale.ends_at <= datetime.now(UTC):
            raise DomainError(Code.INVALID, "The end is in the past", field=["endsAt"])
        sale.status = FlashSaleStatus.PUBLISHED
        sale.published_at = datetime.now(UTC)
        sale.version += 1
        await _audit(actor_id, "flash_sale.publish", sale.id, {"status": ("DRAFT", "PUBLISHED")})
        # Redis is written before the commit, under the row lock: if the commit fails,
        # the sale's Redis epoch is ahead of PostgreSQL's and every grant is refused.
        await _load_into_redis(state, sale)
        await sale.save()
    logger.info("flash sale %s published", sale.id)
    return sale


async def cancel_flash_sale(*, state: AppState, actor_id: int, sale_id: int) -> FlashSale:
    """Stop a sale for good; unsold units go back to the SKU. Reservations already held
    stay payable; the units of any that are not paid go back to the SKU later."""
    async with in_transaction():
        sale = await _lock_sale(sale_id)
        if sale.status == FlashSaleStatus.CANCELLED:
            return sale
        if sale.status == FlashSaleStatus.ENDED:
            raise DomainError(Code.NOT_EDITABLE, "The sale has already ended")
        before = sale.status
        await _settle_locked(sale, FlashSaleStatus.CANCELLED, actor_id=actor_id)
        await _audit(actor_id, "flash_sale.cancel", sale.id, {"status": (before, sale.status)})
    await _settle_redis(state, sale)
    logger.info("flash sale %s cancelled", sale.id)
    return sale


async def _settle_locked(sale: FlashSale, status: FlashSaleStatus, *, actor_id: int | None) -> int:
    """In a transaction holding the sale row FOR UPDATE: close it and give every free
    unit back to the SKU. The row lock keeps purchases and releases out meanwhile."""
    free = sale.quantity - sale.returned_quantity - await _held_units(sale.id)
    if sale.settled_at is None and free > 0:
        await stock.return_stock(
            [stock.StockLine(sale.sku_id, free)],
            reason=StockChangeReason.FLASH_SALE_RETURNED,
            reference=sale_reference(sale.id),
            actor_id=actor_id,
        )
        sale.returned_quantity += free
    sale.status = status
    sale.settled_at = sale.settled_at or datetime.now(UTC)
    sale.version += 1
    await sale.save()
    return free


async def _settle_redis(state: AppState, sale: FlashSale) -> None:
    """After the commit: close the gate. A failure is repaired by the reconciler."""
    try:
        await state.flash_sales.settle(sale_id=sale.id)
    except Exception:
        logger.exception("closing flash sale %s in Redis failed; the reconciler will", sale.id)


async def settle_ended_sales(*, state: AppState) -> int:
    """Worker job: PUBLISHED sales past their end become ENDED, once, unsold units back."""
    now = datetime.now(UTC)
    ids = await FlashSale.filter(
        status=FlashSaleStatus.PUBLISHED, ends_at__lte=now, settled_at=None
    ).values_list("id", flat=True)
    settled: list[FlashSale] = []
    for sale_id in ids:
        async with in_transaction():
            sale = (
                await FlashSale.filter(id=sale_id, status=FlashSaleStatus.PUBLISHED)
                .select_for_update(skip_locked=True)
                .first()
            )
            if sale is None or sale.settled_at is not None:
                continue  # another worker has it
            free = await _settle_locked(sale, FlashSaleStatus.ENDED, actor_id=None)
            logger.info("flash sale %s ended; %d unsold units back to the SKU", sale.id, free)
        settled.append(sale)
    for sale in settled:
        await _settle_redis(state, sale)
    return len(settled)


# --- Redis images and rebuilds ----------------------------------------------------------------


async def sale_image(state: AppState, sale: FlashSale, *, epoch: int) -> SaleImage:
    """What Redis must hold for `sale`, from PostgreSQL. Call holding the sale row lock."""
    reservations = await FlashSaleReservation.filter(
        sale_id=sale.id,
        status__in=[ReservationStatus.RESERVED, ReservationStatus.CONFIRMED],
    ).values("id", "token", "user_id", "quantity", "status", "created_at", "expires_at")
    units_of: dict[int, list[int]] = {}
    for reservation_id, unit_no in await FlashSaleUnit.filter(sale_id=sale.id).values_list(
        "reservation_id", "unit_no"
    ):
        units_of.setdefault(reservation_id, []).append(unit_no)
    records: dict[str, Record] = {}
    buyers: dict[int, int] = {}
    held: set[int] = set()
    for row in reservations:
        units = tuple(sorted(units_of.get(row["id"], [])))
        held.update(units)
        records[row["token"]] = Record(
            status=RESERVED if row["status"] == ReservationStatus.RESERVED else CONFIRMED,
            user_id=row["user_id"],
            quantity=row["quantity"],
            created_ms=ms(row["created_at"]),
            expires_ms=ms(row["expires_at"]),
            units=units,
        )
        buyers[row["user_id"]] = buyers.get(row["user_id"], 0) + row["quantity"]
    settled = sale.settled_at is not None
    free = [] if settled else [u for u in range(1, sale.quantity + 1) if u not in held]
    hold_ms = state.settings.flash_sale_payment_seconds * 1000
    return SaleImage(
        sale_id=sale.id,
        epoch=epoch,
        starts_ms=ms(sale.starts_at),
        ends_ms=ms(sale.ends_at),
        limit=sale.per_user_limit,
        offered=sale.quantity,
        returned=sale.returned_quantity,
        open=sale.status == FlashSaleStatus.PUBLISHED and not settled,
        settled=settled,
        free_units=free,
        buyers=buyers,
        records=records,
        expire_at_ms=max(ms(sale.ends_at), ms(datetime.now(UTC))) + hold_ms + KEYS_LINGER_MS,
    )


async def _load_into_redis(state: AppState, sale: FlashSale) -> None:
    """Next epoch: Redis gets a fresh image. Call holding the sale row FOR UPDATE, before
    saving the row; grants of the previous epoch are refused from now on."""
    sale.redis_epoch += 1
    await state.flash_sales.load(await sale_image(state, sale, epoch=sale.redis_epoch))


async def rebuild_redis(
    *, state: AppState, sale_id: int, stale_epoch: int | None = None, force: bool = False
) -> bool:
    """Rebuild a sale's Redis keys from PostgreSQL if they need it; True if rebuilt.

    Needed when Redis lost the sale (no keys), holds another epoch than PostgreSQL, or
    (`stale_epoch`) the keys of that epoch were found wrong. Several processes may ask at
    once: the row lock serialises them and the later ones find nothing left to do.
    """
    async with in_transaction():
        sale = await FlashSale.filter(id=sale_id).select_for_update().first()
        if sale is None or sale.status == FlashSaleStatus.DRAFT:
            return False
        if not force:
            if stale_epoch is not None:
                if sale.redis_epoch != stale_epoch:
                    return False  # rebuilt since that epoch was seen
            elif await state.flash_sales.epoch(sale.id) == sale.redis_epoch:
                return False  # present and current
        await _load_into_redis(state, sale)
        await FlashSale.filter(id=sale.id).update(redis_epoch=sale.redis_epoch)
    logger.warning(
        "flash sale %s: Redis rebuilt from PostgreSQL (epoch %s)", sale_id, sale.redis_epoch
    )
    return True


def request_rebuild(state: AppState, sale_id: int, *, stale_epoch: int | None = None) -> None:
    """Rebuild in the background (once per process at a time); purchases answer PAUSED
    meanwhile."""
    state.flash_sales.run_once(
        ("rebuild", sale_id),
        lambda: rebuild_redis(state=state, sale_id=sale_id, stale_epoch=stale_epoch),
    )


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


async def _unknown_to_redis(state: AppState, sale_id: int) -> PurchaseRefused:
    """Redis has no keys for the sale: a sale that is not (or no longer) on, or one Redis
    lost. PostgreSQL decides; its answer is remembered for a second per process."""
    gate = state.flash_sales
    remembered = gate.missing.get(sale_id)
    if remembered is not None and remembered[0] > time.monotonic():
        kind = remembered[1]
    else:
        sale = await FlashSale.get_or_none(id=sale_id)
        if sale is None or sale.status == FlashSaleStatus.DRAFT:
            kind = "NOT_FOUND"
        elif sale.settled_at is not None or sale.status != FlashSaleStatus.PUBLISHED:
            kind = "ENDED"
        else:
            kind = "PAUSED"
            request_rebuild(state, sale_id)
        gate.missing[sale_id] = (time.monotonic() + MISSING_MEMORY_SECONDS, kind)
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


# One statement, so one round trip and no BEGIN / COMMIT: the sale row read FOR KEY SHARE
# with the grant's epoch, the shopper's count raised by a conditional upsert (which locks
# the buyer row and re-reads it, so two of one shopper's purchases take turns), then the
# reservation and its unit rows. A unit held twice is a unique violation, which undoes it
# all. The data-modifying CTEs always run to completion, each only if the one before it
# produced a row.
_RECORD = """
WITH sale AS (
    SELECT price, per_user_limit FROM flash_sale
    WHERE id = $1 AND redis_epoch = $2 AND status = 'PUBLISHED' AND settled_at IS NULL
    FOR KEY SHARE
), buyer AS (
    INSERT INTO flash_sale_buyer AS b (sale_id, user_id, held)
    SELECT $1, $3, $4 FROM sale WHERE $4 <= sale.per_user_limit
    ON CONFLICT (sale_id, user_id) DO UPDATE SET held = b.held + excluded.held
    WHERE b.held + excluded.held <= (SELECT per_user_limit FROM sale)
    RETURNING held
), reservation AS (
    INSERT INTO flash_sale_reservation
        (token, sale_id, user_id, quantity, unit_price, status, expires_at, redis_epoch,
         order_id, created_at)
    SELECT $5, $1, $3, $4, sale.price, 'RESERVED', $6, $2, $8, now() FROM sale, buyer
    RETURNING id, created_at, unit_price
), units AS (
    INSERT INTO flash_sale_unit (sale_id, unit_no, reservation_id)
    SELECT $1, unit, reservation.id FROM reservation, unnest($7::int[]) AS unit
)
SELECT (SELECT count(*) FROM sale) AS sale_found, reservation.id, reservation.created_at,
       reservation.unit_price
FROM (SELECT 1) AS one LEFT JOIN reservation ON true
"""


async def _record_postgres(
    conn: BaseDBAsyncClient,
    *,
    sale_id: int,
    user_id: int,
    token: str,
    verdict: Verdict,
    order_id: int | None,
) -> Reservation:
    quantity = len(verdict.units)
    expires_at = from_ms(verdict.expires_ms)
    [row] = await conn.execute_query_dict(
        _RECORD,
        [
            sale_id,
            verdict.epoch,
            user_id,
            quantity,
            token,
            expires_at,
            list(verdict.units),
            order_id,
        ],
    )
    if not row["sale_found"]:
        raise _Refused("sale")
    if row["id"] is None:
        raise _Refused("limit")
    return Reservation(
        id=row["id"],
        token=token,
        sale_id=sale_id,
        user_id=user_id,
        quantity=quantity,
        unit_price=row["unit_price"],
        status=ReservationStatus.RESERVED,
        expires_at=expires_at,
        created_at=row["created_at"],
    )


async def _record_sqlite(
    *, sale_id: int, user_id: int, token: str, verdict: Verdict, order_id: int | None
) -> Reservation:
    """The same rules for the embedded database (one writer at a time, no row locks)."""
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


async def _record(
    *, sale_id: int, user_id: int, token: str, verdict: Verdict, order_id: int | None
) -> Reservation:
    """Record a grant, in the caller's transaction when there is one (the order's)."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        return await _record_postgres(
            conn, sale_id=sale_id, user_id=user_id, token=token, verdict=verdict, order_id=order_id
        )
    return await _record_sqlite(
        sale_id=sale_id, user_id=user_id, token=token, verdict=verdict, order_id=order_id
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
        raise await _unknown_to_redis(state, sale_id)
    if verdict.code != "OK":
        raise _refusal(verdict)

    delivery = delivery or Delivery()
    recorded: list[Reservation] = []

    async def record(order: Order) -> None:
        # In the order's transaction: the order, its reservation and its units commit or
        # roll back together.
        recorded.append(
            await _record(
                sale_id=sale_id, user_id=user_id, token=token, verdict=verdict, order_id=order.id
            )
        )

    order_error: DomainError | None = None
    try:
        terms = await _terms(state, sale_id, verdict.epoch)
        if terms is None:
            raise _Refused("sale")
        order = await orders.create_order(
            state=state,
            user_id=user_id,
            request=CheckoutRequest(
                delivery_method=delivery.method,
                items=(BuyItem(terms.sku_id, quantity),),
                address_id=delivery.address_id,
                store_id=delivery.store_id,
            ),
            idempotency_key=token,
            hold=CampaignHold(
                adjust=_flash_price(terms, token),
                held_stock={terms.sku_id: quantity},
                payment_deadline=from_ms(verdict.expires_ms),
                on_placed=record,
            ),
        )
        return Purchase(reservation=recorded[-1], order=order)
    except _Refused as exc:
        reason = exc.reason
    except IntegrityError:
        reason = "unit"
    except (DomainError, DomainErrors) as exc:
        # The order cannot be placed (no address, out of range, product off the shelf...).
        reason = "order"
        order_error = exc.errors[0] if isinstance(exc, DomainErrors) else exc
    # Rolled back for certain: nothing will ever record this grant, so it goes back now.
    logger.info("flash sale %s: a grant was not recorded (%s)", sale_id, reason)
    try:
        await gate.release(sale_id=sale_id, token=token)
    except Exception:
        logger.exception("giving a refused grant back failed; the reconciler will")
    if order_error is not None:
        raise PurchaseRefused(Code.ORDER_INVALID, order_error.message, field=order_error.field)
    if reason == "sale":
        sale = await FlashSale.get_or_none(id=sale_id)
        if sale is None or sale.status != FlashSaleStatus.PUBLISHED or sale.settled_at:
            raise PurchaseRefused(Code.ENDED, "The sale is over", field=["saleId"])
        # Granted by a Redis of another epoch: it is being (or was just) rebuilt.
        request_rebuild(state, sale_id)
        raise _paused()
    # Redis of the current epoch gave a unit someone holds, or more than the limit:
    # it is wrong about this sale, so it is rebuilt.
    logger.warning("flash sale %s: PostgreSQL refused a Redis grant (%s)", sale_id, reason)
    request_rebuild(state, sale_id, stale_epoch=verdict.epoch)
    if reason == "limit":
        raise PurchaseRefused(
            Code.LIMIT_REACHED, "You hold as many as a shopper may", field=["quantity"]
        )
    raise _paused()


# --- reservations: confirm, release, expire -------------------------------------------------


async def confirm_in_database(*, token: str) -> FlashSaleReservation | None:
    """RESERVED -> CONFIRMED in the caller's transaction (the payment's); the reservation
    if this call changed it, else None (not found, or not RESERVED)."""
    reservation = await FlashSaleReservation.get_or_none(token=token)
    if reservation is None:
        return None
    changed = await FlashSaleReservation.filter(
        id=reservation.id, status=ReservationStatus.RESERVED
    ).update(status=ReservationStatus.CONFIRMED, confirmed_at=datetime.now(UTC))
    return reservation if changed else None


_LOCK_SALE_SHARED = "SELECT settled_at, sku_id FROM flash_sale WHERE id = $1 FOR KEY SHARE"


async def release_in_database(
    *, token: str, reason: ReleaseReason, actor_id: int | None = None
) -> FlashSaleReservation | None:
    """RESERVED -> RELEASED in the caller's transaction (e.g. the order's close); its units
    are free again: back on sale while it runs, back to the SKU once it is over. The
    reservation if this call changed it, else None (not found, or not RESERVED)."""
    reservation = await FlashSaleReservation.get_or_none(token=token)
    if reservation is None:
        return None
    conn = connections.get("default")
    # The sale row first (every path locks the sale before its reservations), shared:
    # settling the sale waits for this release, or this release sees it settled.
    rows = await conn.execute_query_dict(
        _sql(conn, _LOCK_SALE_SHARED, _LOCK_SALE_SHARED.removesuffix(" FOR KEY SHARE")),
        [reservation.sale_id],
    )
    changed = await FlashSaleReservation.filter(
        id=reservation.id, status=ReservationStatus.RESERVED
    ).update(
        status=ReservationStatus.RELEASED,
        release_reason=reason,
        released_at=datetime.now(UTC),
    )
    if not changed:
        return None
    await FlashSaleUnit.filter(reservation_id=reservation.id).delete()
    await FlashSaleBuyer.filter(sale_id=reservation.sale_id, user_id=reservation.user_id).update(
        held=F("held") - reservation.quantity
    )
    if rows[0]["settled_at"] is not None:
        await _return_to_sku(
            sale_id=reservation.sale_id,
            sku_id=rows[0]["sku_id"],
            quantity=reservation.quantity,
            actor_id=actor_id,
        )
    return reservation


async def _return_to_sku(*, sale_id: int, sku_id: int, quantity: int, actor_id: int | None) -> None:
    await FlashSale.filter(id=sale_id).update(returned_quantity=F("returned_quantity") + quantity)
    await stock.return_stock(
        [stock.StockLine(sku_id, quantity)],
        reason=StockChangeReason.FLASH_SALE_RETURNED,
        reference=sale_reference(sale_id),
        actor_id=actor_id,
    )


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SaleListing:
    page: Page[FlashSale]
    server_time: datetime
    remaining: dict[int, int | None]


async def list_flash_sales(
    *,
    state: AppState,
    phase: Phase | None,
    statuses: list[FlashSaleStatus] | None,
    first: int | None,
    after: str | None,
) -> SaleListing:
    """Shoppers (no `statuses`): published sales that are upcoming or live, soonest first.
    Staff may list any statuses. Time is Redis server time, the gate's clock."""
    gate = state.flash_sales
    now = await gate.server_time()
    if statuses:
        query = FlashSale.filter(status__in=statuses)
    else:
        query = FlashSale.filter(status=FlashSaleStatus.PUBLISHED, ends_at__gt=now)
    if phase == Phase.UPCOMING:
        query = query.filter(starts_at__gt=now, ends_at__gt=now)
    elif phase == Phase.LIVE:
        query = query.filter(starts_at__lte=now, ends_at__gt=now)
    elif phase == Phase.ENDED:
        query = query.filter(ends_at__lte=now)
    page = await paginate(query, first=first, after=after, keys=SALE_KEYS)
    remaining: dict[int, int | None] = {}
    if page.rows:
        _, remaining = await gate.remaining(row.id for row in page.rows)
    return SaleListing(page=page, server_time=now, remaining=remaining)


async def remaining_units(*, state: AppState, sale_ids: list[int]) -> dict[int, int | None]:
    if not sale_ids:
        return {}
    _, remaining = await state.flash_sales.remaining(sale_ids)
    return remaining
