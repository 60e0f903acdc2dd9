"""The catalog's business rules, one module per concern, gathered under one name.

The GraphQL layer (queries.py, mutations.py, graph/loaders.py) and other domains call
`service.<function>`; the rules themselves live in:

    categories.py  the category tree and staff changes to it
    reads.py       a product for its page (cached snapshot) and the DataLoaders' batch reads
    listing.py     browsing, filters, sorts and keyword search; the low-stock list
    products.py    staff: create / update / publish / unpublish products
    skus.py        staff: SKUs, stock adjustments, bulk prices; checks shared with products
    favorites.py   a shopper's saved products
    reviews.py     reviews of bought order lines and the products' rating summaries
    sales.py       products' sales counts, moved by the order life

Reads for shoppers go through the Redis cache (resolvers/catalog/cache.py); staff reads go
to the database. Every staff change runs in one transaction with its audit row, then
invalidates what it touched once committed. Stock only moves through resolvers/catalog/stock.py.
"""

from __future__ import annotations

from resolvers.catalog.categories import category_tree, create_category, update_category
from resolvers.catalog.favorites import (
    add_favorite,
    favorite_flags,
    list_favorites,
    remove_favorite,
)
from resolvers.catalog.listing import (
    SORT_KEYS,
    ProductQuery,
    ProductSort,
    list_low_stock,
    list_products,
)
from resolvers.catalog.products import (
    PRODUCT_FIELDS,
    ProductInput,
    SpecGroupInput,
    create_product,
    publish_product,
    unpublish_product,
    update_product,
)
from resolvers.catalog.reads import (
    get_product,
    load_product,
    product_descriptions,
    skus_of_products,
    stock_of_products,
)
from resolvers.catalog.reviews import (
    create_review,
    review_pages,
    reviews_by_ids,
    reviews_by_order_lines,
    set_review_hidden,
)
from resolvers.catalog.skus import (
    BULK_PRICE_MAX_ITEMS,
    KEEP,
    SKU_FIELDS,
    STAFF_STOCK_REASONS,
    PriceChange,
    SkuInput,
    adjust_stock,
    create_sku,
    update_prices,
    update_sku,
)

__all__ = [
    "BULK_PRICE_MAX_ITEMS",
    "KEEP",
    "PRODUCT_FIELDS",
    "SKU_FIELDS",
    "SORT_KEYS",
    "STAFF_STOCK_REASONS",
    "PriceChange",
    "ProductInput",
    "ProductQuery",
    "ProductSort",
    "SkuInput",
    "SpecGroupInput",
    "add_favorite",
    "adjust_stock",
    "category_tree",
    "create_category",
    "create_product",
    "create_review",
    "create_sku",
    "favorite_flags",
    "get_product",
    "list_favorites",
    "list_low_stock",
    "list_products",
    "load_product",
    "product_descriptions",
    "publish_product",
    "remove_favorite",
    "review_pages",
    "reviews_by_ids",
    "reviews_by_order_lines",
    "set_review_hidden",
    "skus_of_products",
    "stock_of_products",
    "unpublish_product",
    "update_category",
    "update_prices",
    "update_product",
    "update_sku",
]
