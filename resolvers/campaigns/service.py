"""Flash sales (秒杀): staff set them up, shoppers storm them, PostgreSQL keeps the truth.

Life of a sale

    create (DRAFT)      the offered quantity leaves the SKU's stock (FLASH_SALE_ALLOCATED)
    edit                while DRAFT, or PUBLISHED before it starts
    publish             DRAFT -> PUBLISHED; Redis is warmed from PostgreSQL
    purchases           between starts_at and ends_at (Redis server time)
    end / cancel        -> ENDED / CANCELLED, once: unsold units go back to the SKU
                        (FLASH_SALE_RETURNED); open reservations may still be paid

A purchase is one Lua call (resolvers/campaigns/gate.py), then, only for the few that
got units, one PostgreSQL transaction: the order (through the orders service, the
reservation token as its idempotency key, at the flash price, due when the reservation
expires) and, in it, one statement recording the reservation and its units:

* the sale row is read `FOR KEY SHARE` with the Redis epoch the grant came from: a grant
  from an older Redis (lost and rebuilt since) is refused, and a rebuild, which locks the
  row `FOR UPDATE`, waits for the recordings in flight;
* every unit is a row with a unique (sale, unit number): two reservations can never hold
  one unit, so the sale cannot be oversold whatever Redis says;
* the shopper's count (FlashSaleBuyer) rises by a conditional upsert that locks its row:
  the per-user limit holds in PostgreSQL too.

A grant PostgreSQL refused is given back in Redis at once. A grant whose process died
before recording it is found by the reconciler (resolvers/campaigns/reconcile.py).

The order then decides (resolvers/campaigns/orders.py): paid -> the reservation is
CONFIRMED; cancelled or closed unpaid -> RELEASED, its units back on sale (or back to
the SKU once the sale is over). Both are guarded UPDATEs in the order's transaction, so
each happens exactly once; Redis follows through the reconciler.

The rules live in modules of their own, imported one way (service -> modules -> common):
admin (staff set-up), purchase (the storm's path), settlement (units going back),
images (Redis rebuilt from PostgreSQL), listing (reads), common (shared). This module is
the domain's one entry point for the API, the worker and the orders' hooks.
"""

from __future__ import annotations

from resolvers.campaigns.admin import (
    SaleTerms,
    cancel_flash_sale,
    create_flash_sale,
    publish_flash_sale,
    update_flash_sale,
)
from resolvers.campaigns.common import (
    FLASH_SALE_CODE,
    MAX_PER_USER_LIMIT,
    Phase,
    PurchaseRefused,
    phase_of,
    sale_reference,
)
from resolvers.campaigns.images import rebuild_redis, request_rebuild, sale_image
from resolvers.campaigns.listing import SaleListing, list_flash_sales, remaining_units
from resolvers.campaigns.purchase import (
    Delivery,
    Purchase,
    Reservation,
    purchase,
    unknown_sale_limits,
)
from resolvers.campaigns.settlement import (
    confirm_in_database,
    release_in_database,
    settle_ended_sales,
)

__all__ = [
    "FLASH_SALE_CODE",
    "MAX_PER_USER_LIMIT",
    "Delivery",
    "Phase",
    "Purchase",
    "PurchaseRefused",
    "Reservation",
    "SaleListing",
    "SaleTerms",
    "cancel_flash_sale",
    "confirm_in_database",
    "create_flash_sale",
    "list_flash_sales",
    "phase_of",
    "publish_flash_sale",
    "purchase",
    "rebuild_redis",
    "release_in_database",
    "remaining_units",
    "request_rebuild",
    "sale_image",
    "sale_reference",
    "settle_ended_sales",
    "unknown_sale_limits",
    "update_flash_sale",
]
