"""Tortoise models, one module per domain, all re-exported here for Tortoise discovery."""

from models.accounts import STAFF_ROLES, RefreshToken, Role, User
from models.addresses import Address
from models.audit import AuditLog
from models.campaigns import (
    FlashSale,
    FlashSaleBuyer,
    FlashSaleReservation,
    FlashSaleStatus,
    FlashSaleUnit,
    ReleaseReason,
    ReservationStatus,
)
from models.cart import CartLine
from models.catalog import (
    Category,
    Favorite,
    Product,
    ProductStatus,
    Review,
    Sku,
    StockChangeReason,
    StockLedger,
)
from models.delivery import (
    ACTIVE_TASK_STATUSES,
    CourierLocation,
    CourierState,
    DeliveryTask,
    DeliveryTaskStatus,
)
from models.events import OutboxEvent
from models.orders import (
    ActorRole,
    AfterSale,
    AfterSaleKind,
    AfterSaleLine,
    AfterSaleStatus,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderNote,
    OrderStatus,
    Shipment,
)
from models.payments import (
    Payment,
    PaymentStatus,
    ProcessedEvent,
    Refund,
    RefundReason,
    RefundStatus,
)
from models.stores import Store, StoreStock

__all__ = [
    "ACTIVE_TASK_STATUSES",
    "STAFF_ROLES",
    "ActorRole",
    "Address",
    "AfterSale",
    "AfterSaleKind",
    "AfterSaleLine",
    "AfterSaleStatus",
    "AuditLog",
    "CartLine",
    "Category",
    "CourierLocation",
    "CourierState",
    "DeliveryMethod",
    "DeliveryTask",
    "DeliveryTaskStatus",
    "Favorite",
    "FlashSale",
    "FlashSaleBuyer",
    "FlashSaleReservation",
    "FlashSaleStatus",
    "FlashSaleUnit",
    "Order",
    "OrderEvent",
    "OrderEventKind",
    "OrderLine",
    "OrderNote",
    "OrderStatus",
    "OutboxEvent",
    "Payment",
    "PaymentStatus",
    "ProcessedEvent",
    "Product",
    "ProductStatus",
    "RefreshToken",
    "Refund",
    "RefundReason",
    "RefundStatus",
    "ReleaseReason",
    "ReservationStatus",
    "Review",
    "Role",
    "Shipment",
    "Sku",
    "StockChangeReason",
    "StockLedger",
    "Store",
    "StoreStock",
    "User",
]
