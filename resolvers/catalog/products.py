"""Staff changes to products: create (with its SKUs), update, publish, unpublish.

Each runs in one transaction with its audit row, then invalidates what it touched once
committed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import Category, Product, ProductStatus, Sku
from resolvers.catalog import audit, text
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import ProductData
from resolvers.catalog.errors import CatalogErrorCode, not_found
from resolvers.catalog.reads import load_product
from resolvers.catalog.skus import (
    CheckedSku,
    SkuInput,
    check_barcodes_free,
    check_sku,
    create_skus,
    duplicate_barcode,
    lock_products,
    refresh_price_ranges,
    sku_audit,
)
from resolvers.core.errors import DomainError


@dataclass(slots=True)
class SpecGroupInput:
    name: str
    values: list[str]


@dataclass(slots=True)
class ProductInput:
    category_id: int
    title: str
    subtitle: str = ""
    description_html: str = ""
    images: list[str] = field(default_factory=list)
    spec_groups: list[SpecGroupInput] = field(default_factory=list)
    skus: list[SkuInput] = field(default_factory=list)


def _description(problems: v.Problems, html: str) -> str:
    if len(html) > v.DESCRIPTION_MAX:
        problems.add(
            CatalogErrorCode.TOO_LONG,
            f"At most {v.DESCRIPTION_MAX} characters",
            ["descriptionHtml"],
        )
        return ""
    return text.sanitize_description(html)


async def create_product(
    *, cache: CatalogCache | None, actor_id: int | None, data: ProductInput
) -> ProductData:
    problems = v.Problems()
    title = v.text(problems, data.title, path=["title"], max_length=v.TITLE_MAX, required=True)
    subtitle = v.text(problems, data.subtitle, path=["subtitle"], max_length=v.SUBTITLE_MAX)
    description = _description(problems, data.description_html)
    images = v.images(problems, data.images, path=["images"])
    groups = v.spec_groups(
        problems, [(g.name, g.values) for g in data.spec_groups], path=["specGroups"]
    )
    checked: list[CheckedSku] = []
    if len(data.skus) > v.SKUS_MAX:
        problems.add(CatalogErrorCode.TOO_MANY, f"At most {v.SKUS_MAX} SKUs", ["skus"])
    else:
        seen: dict[str, int] = {}
        for i, sku in enumerate(data.skus):
            path = ["skus", str(i)]
            result = check_sku(problems, groups, sku, path)
            if result is None:
                continue
            if result.key in seen:
                problems.add(
                    CatalogErrorCode.DUPLICATE_COMBINATION,
                    f"Same combination as skus[{seen[result.key]}]",
                    [*path, "specValues"],
                )
                continue
            seen[result.key] = i
            checked.append(result)
        await check_barcodes_free(
            problems,
            [(s.barcode, ["skus", str(i), "barcode"]) for i, s in enumerate(checked)],
        )
    if not await Category.exists(id=data.category_id):
        problems.errors.append(not_found("Category", ["categoryId"]))
    problems.raise_if_any()

    try:
        async with in_transaction():
            product = await Product.create(
                category_id=data.category_id,
                title=title,
                subtitle=subtitle,
                description_html=description,
                images=images,
                spec_groups=groups,
                search_text=text.search_text(title=title, subtitle=subtitle),
            )
            await create_skus(product_id=product.id, skus=checked, actor_id=actor_id)
            await refresh_price_ranges([product.id])
            await audit.record(
                actor_id=actor_id,
                action="product.create",
                entity_type="product",
                entity_id=product.id,
                changes=audit.diff(
                    {},
                    {
                        "categoryId": data.category_id,
                        "title": title,
                        "subtitle": subtitle,
                        "images": images,
                        "specGroups": groups,
                        "skus": [sku_audit(s) for s in checked],
                    },
                ),
            )
    except IntegrityError as exc:
        raise duplicate_barcode(exc) from exc
    if cache is not None:
        await cache.invalidate(product_ids=[product.id])
    loaded = await load_product(product.id)
    assert loaded is not None
    return loaded


PRODUCT_FIELDS = ("category_id", "title", "subtitle", "description_html", "images", "spec_groups")


async def update_product(
    *, cache: CatalogCache, actor_id: int, product_id: int, changes: dict[str, Any]
) -> ProductData:
    """`changes` holds any of PRODUCT_FIELDS; spec_groups as a list of SpecGroupInput."""
    problems = v.Problems()
    async with in_transaction():
        locked = await lock_products([product_id])
        product = locked.get(product_id)
        if product is None:
            raise not_found("Product", ["id"])
        new: dict[str, Any] = {}
        if "title" in changes:
            new["title"] = v.text(
                problems, changes["title"], path=["title"], max_length=v.TITLE_MAX, required=True
            )
        if "subtitle" in changes:
            new["subtitle"] = v.text(
                problems, changes["subtitle"], path=["subtitle"], max_length=v.SUBTITLE_MAX
            )
        if "description_html" in changes:
            new["description_html"] = _description(problems, changes["description_html"])
        if "images" in changes:
            new["images"] = v.images(problems, changes["images"], path=["images"])
        if "category_id" in changes:
            if not await Category.exists(id=changes["category_id"]):
                problems.errors.append(not_found("Category", ["categoryId"]))
            new["category_id"] = changes["category_id"]
        if "spec_groups" in changes:
            groups = v.spec_groups(
                problems,
                [(g.name, g.values) for g in changes["spec_groups"]],
                path=["specGroups"],
            )
            new["spec_groups"] = groups
            # Every active SKU must still be a combination of the new groups; retire
            # (deactivate) a SKU before removing its value.
            for sku in await Sku.filter(product_id=product_id, is_active=True).order_by("id"):
                pairs = list(sku.spec_values.items())
                inner = v.Problems()
                if v.combination(inner, groups, pairs, path=["specGroups"]) is None:
                    label = " / ".join(sku.spec_values.values()) or "the default SKU"
                    problems.add(
                        CatalogErrorCode.UNKNOWN_COMBINATION,
                        f"Active SKU {label} would not fit these spec groups; deactivate it first",
                        ["specGroups"],
                    )
        problems.raise_if_any()
        before = {audit.camel(k): getattr(product, k) for k in new}
        for name, value in new.items():
            setattr(product, name, value)
        update_fields = [*new]
        if "title" in new or "subtitle" in new:
            product.search_text = text.search_text(title=product.title, subtitle=product.subtitle)
            update_fields.append("search_text")
        if update_fields:
            await product.save(update_fields=[*update_fields, "updated_at"])
            await audit.record(
                actor_id=actor_id,
                action="product.update",
                entity_type="product",
                entity_id=product.id,
                changes=audit.diff(before, {audit.camel(k): val for k, val in new.items()}),
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded


async def publish_product(*, cache: CatalogCache, actor_id: int, product_id: int) -> ProductData:
    """DRAFT / OFF_SHELF -> ON_SHELF. Publishing an ON_SHELF product changes nothing."""
    async with in_transaction():
        product = (await lock_products([product_id])).get(product_id)
        if product is None:
            raise not_found("Product", ["id"])
        if product.status != ProductStatus.ON_SHELF:
            if not await Sku.exists(product_id=product_id, is_active=True):
                raise DomainError(
                    CatalogErrorCode.NO_ACTIVE_SKUS, "Add a SKU before publishing", field=["id"]
                )
            now = datetime.now(UTC)
            await Product.filter(id=product_id, status=product.status).update(
                status=ProductStatus.ON_SHELF,
                published_at=product.published_at or now,
                updated_at=now,
            )
            await audit.record(
                actor_id=actor_id,
                action="product.publish",
                entity_type="product",
                entity_id=product_id,
                changes={"status": [product.status, ProductStatus.ON_SHELF]},
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded


async def unpublish_product(*, cache: CatalogCache, actor_id: int, product_id: int) -> ProductData:
    """ON_SHELF -> OFF_SHELF. An OFF_SHELF product stays; a DRAFT was never on the shelf."""
    async with in_transaction():
        product = (await lock_products([product_id])).get(product_id)
        if product is None:
            raise not_found("Product", ["id"])
        if product.status == ProductStatus.DRAFT:
            raise DomainError(
                CatalogErrorCode.INVALID_STATUS,
                "A draft is not on the shelf; publish it first",
                field=["id"],
            )
        if product.status == ProductStatus.ON_SHELF:
            await Product.filter(id=product_id, status=ProductStatus.ON_SHELF).update(
                status=ProductStatus.OFF_SHELF, updated_at=datetime.now(UTC)
            )
            await audit.record(
                actor_id=actor_id,
                action="product.unpublish",
                entity_type="product",
                entity_id=product_id,
                changes={"status": [ProductStatus.ON_SHELF, ProductStatus.OFF_SHELF]},
            )
    await cache.invalidate(product_ids=[product_id])
    loaded = await load_product(product_id)
    assert loaded is not None
    return loaded
