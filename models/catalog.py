"""What the shop sells: categories, products (SPU) and their SKUs, and the stock ledger."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

MONEY = {"max_digits": 12, "decimal_places": 2}


class ProductStatus(StrEnum):
    DRAFT = "DRAFT"
    ON_SHELF = "ON_SHELF"
    OFF_SHELF = "OFF_SHELF"


class StockChangeReason(StrEnum):
    """Why a SKU's stock moved; every movement is one StockLedger row."""

    RESTOCK = "RESTOCK"  # goods received
    CORRECTION = "CORRECTION"  # stock count found a difference
    DAMAGE = "DAMAGE"  # written off
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_RELEASED = "ORDER_RELEASED"  # cancelled / closed before shipping
    RETURNED = "RETURNED"  # after-sale return back on the shelf
    FLASH_SALE_ALLOCATED = "FLASH_SALE_ALLOCATED"
    FLASH_SALE_RETURNED = "FLASH_SALE_RETURNED"


class Category(Model):
    """Two levels: a top category (parent null) and its children."""

    id = fields.BigIntField(primary_key=True)
    parent: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=32)
    icon_url = fields.CharField(max_length=512, default="")
    sort_order = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    children: fields.ReverseRelation[Category]
    products: fields.ReverseRelation[Product]

    class Meta:
        table = "category"
        ordering = ("sort_order", "id")

    def __str__(self) -> str:
        return self.name


class Product(Model):
    """A product as the shopper sees it (SPU); what is bought is one of its SKUs.

    Price range, sales and rating figures are kept on the row so listings sort and filter
    on indexed columns instead of aggregating SKUs and reviews per request.
    """

    id = fields.BigIntField(primary_key=True)
    category: fields.ForeignKeyRelation[Category] = fields.ForeignKeyField(
        "models.Category", related_name="products", on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=60)
    subtitle = fields.CharField(max_length=120, default="")
    # Sanitised on write; never rendered from unsanitised input.
    description_html = fields.TextField(default="")
    # Ordered list of image URLs; the first is the cover.
    images = fields.JSONField(default=list)
    # [{"name": "Colour", "values": ["red", "blue"]}, {"name": "Size", "values": [...]}]
    spec_groups = fields.JSONField(default=list)
    status = fields.CharEnumField(ProductStatus, max_length=16, default=ProductStatus.DRAFT)
    min_price = fields.DecimalField(**MONEY, default=0)
    max_price = fields.DecimalField(**MONEY, default=0)
    sales_count = fields.IntField(default=0)
    rating_count = fields.IntField(default=0)
    rating_sum = fields.IntField(default=0)
    rating_avg = fields.DecimalField(max_digits=3, decimal_places=2, default=0)
    published_at = fields.DatetimeField(null=True)
    # Title and subtitle, NFKC-normalised and case-folded, for keyword search. On PostgreSQL
    # a GIN index over its character unigrams and bigrams (migration `search_grams`) finds
    # Chinese and English substrings in any database locale; SQLite falls back to LIKE.
    search_text = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    skus: fields.ReverseRelation[Sku]

    class Meta:
        table = "product"
        indexes = (
            ("status", "category_id"),
            ("status", "min_price"),
            ("status", "sales_count"),
            ("status", "created_at"),
            ("status", "rating_avg"),
        )

    def __str__(self) -> str:
        return self.title


class Sku(Model):
    """One spec combination of a product (e.g. red / M) with its own price and stock."""

    id = fields.BigIntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="skus", on_delete=fields.RESTRICT
    )
    # {"Colour": "red", "Size": "M"}; `spec_key` is its canonical text, unique per product.
    spec_values = fields.JSONField(default=dict)
    spec_key = fields.CharField(max_length=255)
    price = fields.DecimalField(**MONEY)
    compare_at_price = fields.DecimalField(**MONEY, null=True)
    # Only ever changed with conditional UPDATEs (stock = stock - n WHERE stock >= n).
    stock = fields.IntField(default=0)
    low_stock_threshold = fields.IntField(default=5)
    barcode = fields.CharField(max_length=64, null=True, unique=True)
    weight_grams = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sku"
        unique_together = (("product", "spec_key"),)

    def __str__(self) -> str:
        return f"Sku#{self.id} {self.spec_key}"


class StockLedger(Model):
    """Every change of a SKU's stock: who, why, how much, and what was left."""

    id = fields.BigIntField(primary_key=True)
    sku: fields.ForeignKeyRelation[Sku] = fields.ForeignKeyField(
        "models.Sku", related_name="stock_changes", on_delete=fields.RESTRICT
    )
    delta = fields.IntField()
    balance_after = fields.IntField()
    reason = fields.CharEnumField(StockChangeReason, max_length=32)
    note = fields.CharField(max_length=255, default="")
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # What caused it when not a person: an order number, a flash sale id, ...
    reference = fields.CharField(max_length=64, default="", db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "stock_ledger"
        indexes = (("sku_id", "created_at"),)

    def __str__(self) -> str:
        return f"StockLedger#{self.id} sku={self.sku_id} {self.delta:+d} {self.reason}"


class Favorite(Model):
    """A shopper's saved product."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="favorites", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "favorite"
        unique_together = (("user", "product"),)
        # A shopper's list, newest first.
        indexes = (("user_id", "id"),)

    def __str__(self) -> str:
        return f"Favorite user={self.user_id} product={self.product_id}"


class Review(Model):
    """A buyer's review of one completed order line: one per line, ever.

    Hidden reviews stay (staff moderation can be undone) but leave the product's rating
    summary; `is_hidden` only changes with guarded UPDATEs, so the summary moves once.
    """

    id = fields.BigIntField(primary_key=True)
    # The unique constraint is what makes "once" true when two requests race.
    order_line: fields.OneToOneRelation = fields.OneToOneField(
        "models.OrderLine", related_name="review", on_delete=fields.RESTRICT
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "models.Product", related_name="reviews", on_delete=fields.RESTRICT
    )
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name=False, on_delete=fields.RESTRICT
    )
    rating = fields.SmallIntField()  # 1-5
    # Plain text: clients render it as text, never as HTML.
    body = fields.CharField(max_length=1000, default="")
    images = fields.JSONField(default=list)
    # What was bought, from the order line's snapshot (e.g. "red / M").
    spec_text = fields.CharField(max_length=255, default="")
    is_hidden = fields.BooleanField(default=False)
    hidden_at = fields.DatetimeField(null=True)
    hidden_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    hidden_reason = fields.CharField(max_length=255, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "review"
        # A product's visible reviews, newest first.
        indexes = (("product_id", "is_hidden", "id"),)

    def __str__(self) -> str:
        return f"Review#{self.id} product={self.product_id} rating={self.rating}"
