"""Per-shopper budgets of the mutations a script with one token would spam: each one
writes rows (orders also hold stock), so a flood costs the shop, not just a request."""

from __future__ import annotations

from enum import StrEnum

from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState
from settings import Settings


class ShopperAction(StrEnum):
    ORDER_CREATE = "order-create"
    CART_ADD = "cart-add"
    AFTER_SALE_REQUEST = "after-sale-request"
    REVIEW_CREATE = "review-create"
    ADDRESS_CREATE = "address-create"


# The setting holding each action's burst, and the period it refills over (seconds).
_BUDGETS = {
    ShopperAction.ORDER_CREATE: ("rate_order_creates_per_minute", 60),
    ShopperAction.CART_ADD: ("rate_cart_adds_per_minute", 60),
    ShopperAction.AFTER_SALE_REQUEST: ("rate_after_sale_requests_per_hour", 3600),
    ShopperAction.REVIEW_CREATE: ("rate_reviews_per_hour", 3600),
    ShopperAction.ADDRESS_CREATE: ("rate_address_creates_per_hour", 3600),
}


def limit(settings: Settings, action: ShopperAction) -> Limit:
    setting, period = _BUDGETS[action]
    return Limit(action.value, getattr(settings, setting), period)


async def hit(state: AppState, action: ShopperAction, user_id: int) -> None:
    """Spend one of the shopper's attempts at `action`, or raise RateLimited."""
    await state.limiter.hit(limit(state.settings, action), str(user_id))
