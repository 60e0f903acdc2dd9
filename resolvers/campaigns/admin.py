"""Staff set up flash sales: create, edit, publish, cancel (see service.py for a sale's life)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise.transactions import in_transaction

from models import (
    AuditLog,
    FlashSale,
    FlashSaleStatus,
    Sku,
    StockChangeReason,
)
from resolvers.campaigns.common import (
    MAX_PER_USER_LIMIT,
    Code,
    held_units,
    sale_reference,
)
from resolvers.campaigns.images import load_into_redis
from resolvers.campaigns.settlement import settle_locked, settle_redis
from resolvers.catalog import stock
from resolvers.core.errors import DomainError
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 60
MAX_DURATION = timedelta(days=31)
MIN_PRICE = Decimal("0.01")


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
            sale.starts_at <= now or await held_units(sale.id) > 0
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
            await load_into_redis(state, sale)
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
        await load_into_redis(state, sale)
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
        await settle_locked(sale, FlashSaleStatus.CANCELLED, actor_id=actor_id)
        await _audit(actor_id, "flash_sale.cancel", sale.id, {"status": (before, sale.status)})
    await settle_redis(state, sale)
    logger.info("flash sale %s cancelled", sale.id)
    return sale
