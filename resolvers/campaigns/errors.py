from __future__ import annotations

from enum import StrEnum


class FlashSaleErrorCode(StrEnum):
    # Shoppers
    NOT_FOUND = "NOT_FOUND"
    NOT_STARTED = "NOT_STARTED"
    ENDED = "ENDED"
    SOLD_OUT = "SOLD_OUT"
    LIMIT_REACHED = "LIMIT_REACHED"
    RATE_LIMITED = "RATE_LIMITED"
    # Redis lost the sale (restart, failover, FLUSHALL) and it is being rebuilt from the
    # database: purchases wait a moment, nothing was sold twice.
    PAUSED = "PAUSED"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    # The order could not be placed (no delivery address, out of range, ...): the
    # message and field are the order's.
    ORDER_INVALID = "ORDER_INVALID"
    # Staff
    SKU_NOT_FOUND = "SKU_NOT_FOUND"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    INVALID = "INVALID"
    NOT_EDITABLE = "NOT_EDITABLE"
    ALREADY_STARTED = "ALREADY_STARTED"
    VERSION_CONFLICT = "VERSION_CONFLICT"
