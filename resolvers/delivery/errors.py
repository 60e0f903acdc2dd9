from __future__ import annotations

from enum import StrEnum


class DeliveryErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"  # no such order (or not the caller's): one answer for both
    NOT_COURIER_ORDER = "NOT_COURIER_ORDER"  # EXPRESS / PICKUP orders have no courier
    ILLEGAL_STATE = "ILLEGAL_STATE"  # e.g. assigning an unpaid order, completing before pickup
    ALREADY_ASSIGNED = "ALREADY_ASSIGNED"
    COURIER_NOT_FOUND = "COURIER_NOT_FOUND"
    COURIER_BUSY = "COURIER_BUSY"  # already carrying another order
    NO_COURIER_AVAILABLE = "NO_COURIER_AVAILABLE"  # no free courier with a known position
    INVALID_COORDINATES = "INVALID_COORDINATES"
    # the order's goods are held back (resolvers/orders/fulfilment.py)
    AFTER_SALE_OPEN = "AFTER_SALE_OPEN"  # a refund-only request waits for staff
    ORDER_REFUNDED = "ORDER_REFUNDED"  # every unit was refunded: nothing to deliver
