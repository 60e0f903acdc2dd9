"""Flash sale fixtures built through the real service, as staff would build them."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models import (
    Category,
    DeliveryMethod,
    FlashSale,
    Product,
    ProductStatus,
    Role,
    Sku,
    Store,
    User,
)
from resolvers.campaigns import service
from resolvers.core.state import AppState


async def make_sku(*, stock: int = 1000, price: str = "199.00") -> Sku:
    category = await Category.create(name="Phones")
    product = await Product.create(
        category=category, title="Mi Phone 15", status=ProductStatus.ON_SHELF
    )
    return await Sku.create(
        product=product,
        spec_key=f"Colour:{secrets.token_hex(3)}",
        price=Decimal(price),
        stock=stock,
    )


async def make_sale(
    state: AppState,
    *,
    sku: Sku,
    staff: User,
    quantity: int = 100,
    limit: int = 2,
    price: str = "99.00",
    starts_in: timedelta = timedelta(seconds=-1),
    lasts: timedelta = timedelta(hours=1),
    publish: bool = True,
) -> FlashSale:
    """A sale (live by default: it started a second ago) created and published by staff."""
    starts_at = datetime.now(UTC) + starts_in
    sale = await service.create_flash_sale(
        state=state,
        actor_id=staff.id,
        sku_id=sku.id,
        terms=service.SaleTerms(
            price=Decimal(price),
            quantity=quantity,
            per_user_limit=limit,
            starts_at=starts_at,
            ends_at=starts_at + lasts,
        ),
    )
    if publish:
        sale = await service.publish_flash_sale(state=state, actor_id=staff.id, sale_id=sale.id)
    return sale


async def make_shoppers(count: int) -> list[User]:
    """Many shoppers at once (one INSERT), for storms."""
    tag = secrets.token_hex(4)
    await User.bulk_create(
        [
            User(role=Role.CUSTOMER, nickname=f"s{i}", wechat_openid=f"storm-{tag}-{i}")
            for i in range(count)
        ]
    )
    return list(await User.filter(wechat_openid__startswith=f"storm-{tag}-").order_by("id"))


async def pickup() -> service.Delivery:
    """Collect at the store: an order that needs no address (storms of thousands)."""
    store = await Store.first()
    if store is None:
        store = await Store.create(
            name="People's Square", address="1 People's Sq", latitude=31.23, longitude=121.47
        )
    return service.Delivery(method=DeliveryMethod.PICKUP, store_id=store.id)


async def buy(state: AppState, sale: FlashSale, user: User, quantity: int = 1, **kw):
    """A purchase collected at the store; the whole Purchase (reservation and order)."""
    return await service.purchase(
        state=state,
        user_id=user.id,
        sale_id=sale.id,
        quantity=quantity,
        client_ip=kw.pop("ip", "10.0.0.1"),
        delivery=kw.pop("delivery", None) or await pickup(),
    )
