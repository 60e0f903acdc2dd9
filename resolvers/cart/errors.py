from __future__ import annotations

from enum import StrEnum


class CartErrorCode(StrEnum):
    INVALID_QUANTITY = "INVALID_QUANTITY"  # zero or negative
    QUANTITY_LIMIT_EXCEEDED = "QUANTITY_LIMIT_EXCEEDED"  # above the per-line cap
    SKU_NOT_FOUND = "SKU_NOT_FOUND"
    PRODUCT_NOT_AVAILABLE = "PRODUCT_NOT_AVAILABLE"  # not on the shelf, or the SKU retired
    SKU_OF_ANOTHER_PRODUCT = "SKU_OF_ANOTHER_PRODUCT"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    LINE_NOT_FOUND = "LINE_NOT_FOUND"
    CART_FULL = "CART_FULL"
    DUPLICATE_LINE = "DUPLICATE_LINE"  # one line changed twice in one request
