"""Tortoise models, one module per domain, all re-exported here for Tortoise discovery."""

from models.accounts import STAFF_ROLES, RefreshToken, Role, User
from models.audit import AuditLog
from models.catalog import (
    Category,
    Favorite,
    Product,
    ProductStatus,
    Sku,
    StockChangeReason,
    StockLedger,
)
from models.events import OutboxEvent
from models.stores import Store, StoreStock

__all__ = [
    "STAFF_ROLES",
    "AuditLog",
    "Category",
    "Favorite",
    "OutboxEvent",
    "Product",
    "ProductStatus",
    "RefreshToken",
    "Role",
    "Sku",
    "StockChangeReason",
    "StockLedger",
    "Store",
    "StoreStock",
    "User",
]
