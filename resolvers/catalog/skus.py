"""Staff changes to SKUs: create, update, stock adjustments, bulk price changes, and the
checks and locks shared with product creation.

Every change to a product's SKUs takes the product's row lock first (`lock_products`), so
the price range recomputed at the end sees every concurrent change."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.functions import Max, Min
from tortoise.transactions import in_transaction

from models import Product, ProductStatus, Sku, StockChangeReason
from resolvers.catalog import audit, stock
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import SkuData
from resolvers.catalog.errors import CatalogErrorCode, not_found
from resolvers.core.errors import DomainError

logger = logging.getLogger(__name__)


STAFF_STOCK_REASONS = frozenset(
    {StockChangeReason.RESTOCK, StockChangeReason.CORRECTION, StockChangeReason.DAMAGE}
)
BULK_PRICE_MAX_ITEMS = 100


class _Keep:
    """Marks an optional change that was not asked for (as opposed to "set it to null")."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


@dataclass(slots=True)
class SkuInput:
    spec_values: list[tuple[str, str]]
    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int = 0
    low_stock_threshold: int = 5
    barcode: str | None = None
    weight_grams: int = 0


@dataclass(slots=True)
class CheckedSku:
    values: dict[str, str]
    key: str
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    low_stock_threshold: int
    barcode: str | None
    weight_grams: int


def check_compare_at(
    problems: v.Problems, price: Decimal, compare_at: Decimal | None, path: list[str]
) -> None:
    if compare_at is not None and compare_at < price:
        problems.add(
            CatalogErrorCode.INVALID,
            "The compare-at price is the higher, original price",
            path,
        )


def check_barcode(problems: v.Problems, barcode: str | None, path: list[str]) -> str | None:
    if barcode is None:
        return None
    barcode = barcode.strip()
    if len(barcode) > v.BARCODE_MAX:
        problems.add(CatalogErrorCode.TOO_LONG, f"At most {v.BARCODE_MAX} characters", path)
    return barcode or None


def check_sku(
    problems: v.Problems, groups: v.SpecGroups, sku: SkuInput, path: list[str]
) -> CheckedSku | None:
    values = v.combination(problems, groups, sku.spec_values, path=[*path, "specValues"])
    price = v.money(problems, sku.price, path=[*path, "price"])
    compare_at = (
        v.money(problems, sku.compare_at_price, path=[*path, "compareAtPrice"])
        if sku.compare_at_price is not None
        else None
    )
    check_compare_at(problems, price, compare_at, [*path, "compareAtPrice"])
    stock_level = v.count(problems, sku.stock, path=[*path, "stock"])
    threshold = v.count(problems, sku.low_stock_threshold, path=[*path, "lowStockThreshold"])
    weight = v.count(problems, sku.weight_grams, path=[*path, "weightGrams"])
    barcode = check_barcode(problems, sku.barcode, [*path, "barcode"])
    if values is None:
        return None
    return CheckedSku(
        values, v.spec_key(values), price, compare_at, stock_level, threshold, barcode, weight
    )


async def check_barcodes_free(
    problems: v.Problems,
    barcodes: list[tuple[str | None, list[str]]],
    *,
    except_sku: int | None = None,
) -> None:
    wanted: dict[str, list[str]] = {}
    for barcode, path in barcodes:
        if barcode is None:
            continue
        if barcode in wanted:
            problems.add(CatalogErrorCode.DUPLICATE_BARCODE, "Barcode given twice", path)
        wanted[barcode] = path
    if not wanted:
        return
    qs = Sku.filter(barcode__in=list(wanted))
    if except_sku is not None:
        qs = qs.exclude(id=except_sku)
    for taken in await qs.values_list("barcode", flat=True):
        problems.add(
            CatalogErrorCode.DUPLICATE_BARCODE, "Another SKU has this barcode", wanted[taken]
        )


async def lock_products(product_ids: Sequence[int]) -> dict[int, Product]:
    """Lock products in id order. Every change to a product's SKUs takes this lock first, so
    the price range recomputed at the end sees every concurrent change (and no deadlock)."""
    rows = await Product.filter(id__in=sorted(set(product_ids))).order_by("id").select_for_update()
    return {row.id: row for row in rows}


async def refresh_price_ranges(product_ids: Sequence[int]) -> None:
    """Product.min_price / max_price from its active SKUs (callers hold the product lock)."""
    ids = sorted(set(product_ids))
    ranges = {
        row["product_id"]: (row["low"], row["high"])
        for row in await Sku.filter(product_id__in=ids, is_active=True)
        .annotate(low=Min("price"), high=Max("price"))
        .group_by("product_id")
        .values("product_id", "low", "high")
    }
    for pid in ids:
        low, high = ranges.get(pid, (Decimal(0), Decimal(0)))
        await Product.filter(id=pid).update(
            min_price=low, max_price=high, updated_at=datetime.now(UTC)
        )


async def create_skus(
    *, product_id: int, skus: list[CheckedSku], actor_id: int | None
) -> list[Sku]:
    created: list[Sku] = []
    for sku in skus:
        row = await Sku.create(
            product_id=product_id,
            spec_values=sku.values,
            spec_key=sku.key,
            price=sku.price,
            compare_at_price=sku.compare_at_price,
            stock=0,
            low_stock_threshold=sku.low_stock_threshold,
            barcode=sku.barcode,
            weight_grams=sku.weight_grams,
        )
        if sku.stock:
            # The opening stock is a movement like any other: it gets its ledger row.
            row.stock = await stock.adjust_stock(
                sku_id=row.id,
                delta=sku.stock,
                reason=StockChangeReason.RESTOCK,
                note="opening stock",
                actor_id=actor_id,
            )
        created.append(row)
    return created


def sku_audit(sku: CheckedSku) -> dict[str, Any]:
    return {
        "specValues": sku.values,
        "price": sku.price,
        "compareAtPrice": sku.compare_at_price,
        "stock": sku.stock,
        "lowStockThreshold": sku.low_stock_threshold,
        "barcode": sku.barcode,
        "weightGrams": sku.weight_grams,
    }


def duplicate_barcode(exc: IntegrityError) -> DomainError:
    # A concurrent writer took the barcode between our check and our insert.
    logger.info("barcode taken concurrently: %s", type(exc).__name__)
    return DomainError(CatalogErrorCode.DUPLICATE_BARCODE, "Another SKU has this barcode")


async def create_sku(
    *, cache: CatalogCache, actor_id: int, product_id: int, data: SkuInput
) -> SkuData:
    problems = v.Problems()
    try:
        async with in_transaction():
            product = (await lock_products([product_id])).get(product_id)
            if product is None:
                raise not_found("Product", ["productId"])
            checked = check_sku(problems, product.spec_groups, data, [])
            existing = await Sku.filter(product_id=product_id).values_list("spec_key", flat=True)
            if len(existing) >= v.SKUS_MAX:
                problems.add(CatalogErrorCode.TOO_MANY, f"At most {v.SKUS_MAX} SKUs", [])
            if checked is not None and checked.key in existing:
                problems.add(
                    CatalogErrorCode.DUPLICATE_COMBINATION,
                    "This product already has a SKU for this combination (reactivate it instead)",
                    ["specValues"],
                )
            if checked is not None:
                await check_barcodes_free(problems, [(checked.barcode, ["barcode"])])
            problems.raise_if_any()
            assert checked is not None
            (row,) = await create_skus(product_id=product_id, skus=[checked], actor_id=actor_id)
            await refresh_price_ranges([product_id])
            await audit.record(
                actor_id=actor_id,
                action="sku.create",
                entity_type="sku",
                entity_id=row.id,
                changes=audit.diff({}, {"productId": product_id, **sku_audit(checked)}),
            )
    except IntegrityError as exc:
        raise duplicate_barcode(exc) from exc
    await cache.invalidate(product_ids=[product_id])
    return SkuData.from_model(row)


SKU_FIELDS = (
    "price",
    "compare_at_price",
    "low_stock_threshold",
    "barcode",
    "weight_grams",
    "is_active",
)


async def update_sku(
    *, cache: CatalogCache, actor_id: int, sku_id: int, changes: dict[str, Any]
) -> SkuData:
    """`changes` holds any of SKU_FIELDS (compare_at_price / barcode may be None: clear)."""
    problems = v.Problems()
    sku = await Sku.get_or_none(id=sku_id)
    if sku is None:
        raise not_found("SKU", ["id"])
    try:
        async with in_transaction():
            product = (await lock_products([sku.product_id]))[sku.product_id]
            sku = await Sku.get(id=sku_id)  # again, under the product lock
            new: dict[str, Any] = {}
            if "price" in changes:
                new["price"] = v.money(problems, changes["price"], path=["price"])
            if "compare_at_price" in changes:
                value = changes["compare_at_price"]
                new["compare_at_price"] = (
                    v.money(problems, value, path=["compareAtPrice"]) if value is not None else None
                )
            if "low_stock_threshold" in changes:
                new["low_stock_threshold"] = v.count(
                    problems, changes["low_stock_threshold"], path=["lowStockThreshold"]
                )
            if "weight_grams" in changes:
                new["weight_grams"] = v.count(
                    problems, changes["weight_grams"], path=["weightGrams"]
                )
            if "barcode" in changes:
                new["barcode"] = check_barcode(problems, changes["barcode"], ["barcode"])
                await check_barcodes_free(
                    problems, [(new["barcode"], ["barcode"])], except_sku=sku_id
                )
            if "is_active" in changes:
                new["is_active"] = bool(changes["is_active"])
                if new["is_active"] and not sku.is_active:
                    v.combination(
                        problems,
                        product.spec_groups,
                        list(sku.spec_values.items()),
                        path=["isActive"],
                    )
                if (
                    not new["is_active"]
                    and sku.is_active
                    and product.status == ProductStatus.ON_SHELF
                    and not await Sku.filter(product_id=product.id, is_active=True)
                    .exclude(id=sku_id)
                    .exists()
                ):
                    problems.add(
                        CatalogErrorCode.NO_ACTIVE_SKUS,
                        "The last active SKU of a product on the shelf; unpublish it first",
                        ["isActive"],
                    )
            check_compare_at(
                problems,
                new.get("price", sku.price),
                new.get("compare_at_price", sku.compare_at_price),
                ["compareAtPrice"],
            )
            problems.raise_if_any()
            before = {audit.camel(k): getattr(sku, k) for k in new}
            for name, value in new.items():
                setattr(sku, name, value)
            if new:
                await sku.save(update_fields=[*new, "updated_at"])
                await refresh_price_ranges([product.id])
                await audit.record(
                    actor_id=actor_id,
                    action="sku.update",
                    entity_type="sku",
                    entity_id=sku_id,
                    changes=audit.diff(before, {audit.camel(k): val for k, val in new.items()}),
                )
    except IntegrityError as exc:
        raise duplicate_barcode(exc) from exc
    await cache.invalidate(product_ids=[sku.product_id])
    return SkuData.from_model(sku)


async def adjust_stock(
    *,
    actor_id: int,
    sku_id: int,
    delta: int,
    reason: StockChangeReason,
    note: str = "",
) -> SkuData:
    """A staff stock movement (restock, count correction, write-off) with its ledger row."""
    problems = v.Problems()
    if reason not in STAFF_STOCK_REASONS:
        problems.add(CatalogErrorCode.INVALID, "Not a reason staff can give", ["reason"])
    if delta == 0:
        problems.add(CatalogErrorCode.INVALID, "An adjustment changes the stock", ["delta"])
    elif abs(delta) > v.COUNT_MAX:
        problems.add(CatalogErrorCode.INVALID, f"At most {v.COUNT_MAX} at once", ["delta"])
    note = v.text(problems, note, path=["note"], max_length=v.NOTE_MAX)
    problems.raise_if_any()
    async with in_transaction():
        try:
            balance = await stock.adjust_stock(
                sku_id=sku_id, delta=delta, reason=reason, note=note, actor_id=actor_id
            )
        except LookupError as exc:
            raise not_found("SKU", ["skuId"]) from exc
        except stock.InsufficientStock as exc:
            available = exc.shortages[0].available
            raise DomainError(
                CatalogErrorCode.INSUFFICIENT_STOCK,
                f"Only {available} in stock; cannot take {-delta}",
                field=["delta"],
            ) from exc
        await audit.record(
            actor_id=actor_id,
            action="sku.stock_adjust",
            entity_type="sku",
            entity_id=sku_id,
            changes={"stock": [balance - delta, balance], "reason": reason, "note": note},
        )
    sku = await Sku.get(id=sku_id)
    # Nothing to invalidate: neither stock nor anything that depends on it is cached.
    return SkuData.from_model(sku)


@dataclass(slots=True)
class PriceChange:
    sku_id: int
    price: Decimal
    compare_at_price: Decimal | _Keep | None = KEEP


async def update_prices(
    *, cache: CatalogCache, actor_id: int, items: list[PriceChange]
) -> list[SkuData]:
    """Change many SKUs' prices at once: all of them or, on any error, none."""
    problems = v.Problems()
    if not items:
        problems.add(CatalogErrorCode.REQUIRED, "Give at least one price", ["items"])
    if len(items) > BULK_PRICE_MAX_ITEMS:
        problems.add(
            CatalogErrorCode.TOO_MANY, f"At most {BULK_PRICE_MAX_ITEMS} prices at once", ["items"]
        )
    problems.raise_if_any()
    seen: set[int] = set()
    for i, item in enumerate(items):
        path = ["items", str(i)]
        if item.sku_id in seen:
            problems.add(CatalogErrorCode.INVALID, "SKU given twice", [*path, "skuId"])
        seen.add(item.sku_id)
        v.money(problems, item.price, path=[*path, "price"])
        if isinstance(item.compare_at_price, Decimal):
            v.money(problems, item.compare_at_price, path=[*path, "compareAtPrice"])
    problems.raise_if_any()

    product_of = dict(await Sku.filter(id__in=list(seen)).values_list("id", "product_id"))
    for i, item in enumerate(items):
        if item.sku_id not in product_of:
            problems.errors.append(not_found("SKU", ["items", str(i), "skuId"]))
    problems.raise_if_any()

    async with in_transaction():
        await lock_products(list(product_of.values()))
        skus = {s.id: s for s in await Sku.filter(id__in=list(seen))}
        for i, item in enumerate(items):
            sku = skus[item.sku_id]
            compare_at = (
                sku.compare_at_price
                if isinstance(item.compare_at_price, _Keep)
                else item.compare_at_price
            )
            check_compare_at(problems, item.price, compare_at, ["items", str(i), "compareAtPrice"])
        problems.raise_if_any()
        for item in items:
            sku = skus[item.sku_id]
            before = {"price": sku.price, "compareAtPrice": sku.compare_at_price}
            sku.price = item.price
            if not isinstance(item.compare_at_price, _Keep):
                sku.compare_at_price = item.compare_at_price
            changes = audit.diff(
                before, {"price": sku.price, "compareAtPrice": sku.compare_at_price}
            )
            if changes:
                await sku.save(update_fields=["price", "compare_at_price", "updated_at"])
                await audit.record(
                    actor_id=actor_id,
                    action="sku.price_bulk_update",
                    entity_type="sku",
                    entity_id=sku.id,
                    changes=changes,
                )
        await refresh_price_ranges(list(product_of.values()))
    await cache.invalidate(product_ids=product_of.values())
    return [SkuData.from_model(skus[item.sku_id]) for item in items]
