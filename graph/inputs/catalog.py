"""Catalog inputs. In update inputs an omitted field is left unchanged; null clears the
fields that may be empty (compareAtPrice, barcode)."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry

from graph.types.catalog import ProductStatus


@strawberry.input
class CategoryCreateInput:
    name: str
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="A top-level category; omit to create one at the top."
    )
    icon_url: str = ""
    sort_order: int = 0


@strawberry.input
class CategoryUpdateInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    parent_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET, description="null moves it to the top level."
    )
    icon_url: str | None = strawberry.UNSET
    sort_order: int | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET


@strawberry.input
class SpecGroupInput:
    name: str = strawberry.field(description='e.g. "Colour"')
    values: list[str] = strawberry.field(description='e.g. ["red", "blue"]')


@strawberry.input
class SpecValueInput:
    name: str
    value: str


@strawberry.input
class SkuFieldsInput:
    spec_values: list[SpecValueInput] = strawberry.field(
        default_factory=list,
        description="One value of every spec group; empty for a product without specs.",
    )
    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int = strawberry.field(default=0, description="Opening stock (a ledger row).")
    low_stock_threshold: int = 5
    barcode: str | None = None
    weight_grams: int = 0


@strawberry.input
class ProductCreateInput:
    category_id: strawberry.ID
    title: str
    subtitle: str = ""
    description_html: str = strawberry.field(
        default="", description="HTML; sanitised (scripts, styles, handlers removed)."
    )
    images: list[str] = strawberry.field(default_factory=list)
    spec_groups: list[SpecGroupInput] = strawberry.field(default_factory=list)
    skus: list[SkuFieldsInput] = strawberry.field(
        default_factory=list, description="At most one per combination of the spec groups."
    )


@strawberry.input
class ProductUpdateInput:
    id: strawberry.ID
    category_id: strawberry.ID | None = strawberry.UNSET
    title: str | None = strawberry.UNSET
    subtitle: str | None = strawberry.UNSET
    description_html: str | None = strawberry.UNSET
    images: list[str] | None = strawberry.UNSET
    spec_groups: list[SpecGroupInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Replaces the groups; every active SKU must still fit them.",
    )


@strawberry.input
class ProductStatusInput:
    id: strawberry.ID


@strawberry.input
class SkuCreateInput:
    product_id: strawberry.ID
    spec_values: list[SpecValueInput] = strawberry.field(default_factory=list)
    price: Decimal
    compare_at_price: Decimal | None = None
    stock: int = 0
    low_stock_threshold: int = 5
    barcode: str | None = None
    weight_grams: int = 0


@strawberry.input
class SkuUpdateInput:
    id: strawberry.ID
    price: Decimal | None = strawberry.UNSET
    compare_at_price: Decimal | None = strawberry.UNSET
    low_stock_threshold: int | None = strawberry.UNSET
    barcode: str | None = strawberry.UNSET
    weight_grams: int | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET


@strawberry.enum(description="Why staff change a SKU's stock.")
class StockAdjustReason(Enum):
    RESTOCK = "RESTOCK"
    CORRECTION = "CORRECTION"
    DAMAGE = "DAMAGE"


@strawberry.input
class SkuStockAdjustInput:
    sku_id: strawberry.ID
    delta: int = strawberry.field(description="Positive adds, negative takes away.")
    reason: StockAdjustReason
    note: str = ""


@strawberry.input
class SkuPriceInput:
    sku_id: strawberry.ID
    price: Decimal
    compare_at_price: Decimal | None = strawberry.UNSET


@strawberry.input
class SkuPricesUpdateInput:
    items: list[SkuPriceInput] = strawberry.field(description="At most 100; all or none change.")


@strawberry.input
class FavoriteInput:
    product_id: strawberry.ID


@strawberry.input
class ReviewCreateInput:
    order_line_id: strawberry.ID = strawberry.field(
        description="A line of one of your completed orders; each line is reviewed once."
    )
    rating: int = strawberry.field(description="1 to 5 stars.")
    body: str = strawberry.field(default="", description="Plain text, at most 1,000 characters.")
    images: list[str] = strawberry.field(default_factory=list, description="At most 9 URLs.")


@strawberry.input
class ReviewHideInput:
    id: strawberry.ID
    reason: str = ""


@strawberry.input
class ReviewUnhideInput:
    id: strawberry.ID


@strawberry.input
class ProductFilter:
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="This category and its subcategories."
    )
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = strawberry.field(
        default=None, description="Only products with an active SKU in stock."
    )
    keyword: str | None = strawberry.field(
        default=None,
        description="Words that must all appear in the title or subtitle (any language).",
    )
    status: ProductStatus | None = strawberry.field(
        default=None, description="Staff only; shoppers always see ON_SHELF products."
    )
