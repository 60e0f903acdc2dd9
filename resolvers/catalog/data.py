"""What the catalog hands the API: plain snapshots of products and SKUs.

The same snapshot comes from the database or from the Redis cache (as JSON), so the API
layer never cares where it came from. Stock is the one thing a cached snapshot does not
carry: it moves with every order, so it is always read live (`SkuData.stock is None`
means "ask the database").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson

from models import Product, ProductStatus, Sku
from resolvers.core.times import utc_text


def _dumps_default(value: object) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: object) -> str:
    return orjson.dumps(value, default=_dumps_default).decode()


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(slots=True)
class SkuData:
    id: int
    product_id: int
    # {"Colour": "red", "Size": "M"} in the product's spec-group order.
    spec_values: dict[str, str]
    price: Decimal
    compare_at_price: Decimal | None
    low_stock_threshold: int
    barcode: str | None
    weight_grams: int
    is_active: bool
    stock: int | None = None  # None: not loaded (cached snapshot); read it live

    @classmethod
    def from_model(cls, row: Sku, *, with_stock: bool = True) -> SkuData:
        return cls(
            id=row.id,
            product_id=row.product_id,
            spec_values=dict(row.spec_values or {}),
            price=row.price,
            compare_at_price=row.compare_at_price,
            low_stock_threshold=row.low_stock_threshold,
            barcode=row.barcode,
            weight_grams=row.weight_grams,
            is_active=row.is_active,
            stock=row.stock if with_stock else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "product_id": self.product_id,
            "spec_values": self.spec_values,
            "price": self.price,
            "compare_at_price": self.compare_at_price,
            "low_stock_threshold": self.low_stock_threshold,
            "barcode": self.barcode,
            "weight_grams": self.weight_grams,
            "is_active": self.is_active,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> SkuData:
        compare_at = raw["compare_at_price"]
        return cls(
            id=raw["id"],
            product_id=raw["product_id"],
            spec_values=raw["spec_values"],
            price=Decimal(raw["price"]),
            compare_at_price=Decimal(compare_at) if compare_at is not None else None,
            low_stock_threshold=raw["low_stock_threshold"],
            barcode=raw["barcode"],
            weight_grams=raw["weight_grams"],
            is_active=raw["is_active"],
        )


# Listing queries leave the (possibly long) description out; it loads on demand.
LISTING_FIELDS = (
    "id",
    "category_id",
    "title",
    "subtitle",
    "images",
    "spec_groups",
    "status",
    "min_price",
    "max_price",
    "sales_count",
    "rating_count",
    "rating_avg",
    "published_at",
    "created_at",
    "updated_at",
)


@dataclass(slots=True)
class ProductData:
    id: int
    category_id: int
    title: str
    subtitle: str
    images: list[str]
    # [{"name": "Colour", "values": ["red", "blue"]}, ...]
    spec_groups: list[dict[str, Any]]
    status: ProductStatus
    min_price: Decimal
    max_price: Decimal
    sales_count: int
    rating_count: int
    rating_avg: Decimal
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    description_html: str | None = None  # None: not loaded (listing); loads on demand
    skus: list[SkuData] | None = field(default=None)  # None: not loaded; loads on demand

    @property
    def is_visible_to_shoppers(self) -> bool:
        return self.status == ProductStatus.ON_SHELF

    # What the API shows (listing rows have these ready from the database).
    @property
    def cover_image(self) -> str | None:
        return self.images[0] if self.images else None

    @property
    def min_price_text(self) -> str:
        return str(self.min_price)

    @property
    def max_price_text(self) -> str:
        return str(self.max_price)

    @property
    def rating_avg_text(self) -> str:
        return str(self.rating_avg)

    @property
    def created_at_text(self) -> str:
        return utc_text(self.created_at)

    @classmethod
    def from_model(
        cls, row: Product, *, skus: list[SkuData] | None = None, with_description: bool = True
    ) -> ProductData:
        return cls(
            id=row.id,
            category_id=row.category_id,
            title=row.title,
            subtitle=row.subtitle,
            images=list(row.images or []),
            spec_groups=list(row.spec_groups or []),
            status=ProductStatus(row.status),
            min_price=row.min_price,
            max_price=row.max_price,
            sales_count=row.sales_count,
            rating_count=row.rating_count,
            rating_avg=row.rating_avg,
            published_at=row.published_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            description_html=row.description_html if with_description else None,
            skus=skus,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category_id": self.category_id,
            "title": self.title,
            "subtitle": self.subtitle,
            "images": self.images,
            "spec_groups": self.spec_groups,
            "status": str(self.status),
            "min_price": self.min_price,
            "max_price": self.max_price,
            "sales_count": self.sales_count,
            "rating_count": self.rating_count,
            "rating_avg": self.rating_avg,
            "published_at": self.published_at,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "description_html": self.description_html,
            "skus": [s.to_json() for s in self.skus] if self.skus is not None else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ProductData:
        skus = raw["skus"]
        return cls(
            id=raw["id"],
            category_id=raw["category_id"],
            title=raw["title"],
            subtitle=raw["subtitle"],
            images=raw["images"],
            spec_groups=raw["spec_groups"],
            status=ProductStatus(raw["status"]),
            min_price=Decimal(raw["min_price"]),
            max_price=Decimal(raw["max_price"]),
            sales_count=raw["sales_count"],
            rating_count=raw["rating_count"],
            rating_avg=Decimal(raw["rating_avg"]),
            published_at=_dt(raw["published_at"]),
            created_at=datetime.fromisoformat(raw["created_at"]),
            updated_at=datetime.fromisoformat(raw["updated_at"]),
            description_html=raw["description_html"],
            skus=[SkuData.from_json(s) for s in skus] if skus is not None else None,
        )


@dataclass(slots=True)
class CategoryData:
    id: int
    parent_id: int | None
    name: str
    icon_url: str
    sort_order: int
    is_active: bool
    children: list[CategoryData] | None = None  # None: not loaded

    @classmethod
    def from_model(cls, row: Any) -> CategoryData:
        return cls(
            id=row.id,
            parent_id=row.parent_id,
            name=row.name,
            icon_url=row.icon_url,
            sort_order=row.sort_order,
            is_active=row.is_active,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "name": self.name,
            "icon_url": self.icon_url,
            "sort_order": self.sort_order,
            "is_active": self.is_active,
            "children": [c.to_json() for c in self.children] if self.children is not None else None,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CategoryData:
        children = raw["children"]
        return cls(
            id=raw["id"],
            parent_id=raw["parent_id"],
            name=raw["name"],
            icon_url=raw["icon_url"],
            sort_order=raw["sort_order"],
            is_active=raw["is_active"],
            children=[cls.from_json(c) for c in children] if children is not None else None,
        )


@dataclass(slots=True)
class ReviewData:
    """A review with what the page shows of its author (never cached: hiding one must
    take it off every page at once)."""

    id: int
    product_id: int
    order_line_id: int
    user_id: int
    rating: int
    body: str
    images: list[str]
    spec_text: str
    is_hidden: bool
    created_at: datetime
    author_nickname: str
    author_avatar_url: str
