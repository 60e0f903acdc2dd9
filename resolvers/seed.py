"""Demo data for `make run`: idempotent, so running it twice changes nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import (
    Address,
    Category,
    FlashSale,
    FlashSaleStatus,
    Product,
    ProductStatus,
    Role,
    Sku,
    StockChangeReason,
    Store,
    StoreStock,
    User,
)
from resolvers.accounts.service import create_staff
from resolvers.addresses.service import AddressData, create_address
from resolvers.catalog import service as catalog
from resolvers.catalog import stock
from resolvers.core.crypto import FieldCipher
from settings import Settings

logger = logging.getLogger(__name__)

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "microstore-admin"  # printed for the developer; dev only
DEMO_COURIER_USERNAME = "rider"
DEMO_COURIER_PASSWORD = "microstore-rider"  # printed for the developer; dev only
# graph/devtools.py maps the login code "demo-customer" to this openid.
DEMO_CUSTOMER_OPENID = "demo-customer-openid"


async def seed_accounts(settings: Settings) -> None:
    if not await User.exists(username=DEMO_ADMIN_USERNAME):
        await create_staff(
            username=DEMO_ADMIN_USERNAME,
            password=DEMO_ADMIN_PASSWORD,
            min_password_length=settings.password_min_length,
            role=Role.ADMIN,
            nickname="Demo admin",
        )
    await User.get_or_create(
        wechat_openid=DEMO_CUSTOMER_OPENID,
        defaults={"role": Role.CUSTOMER, "nickname": "Demo shopper"},
    )
    if not await User.exists(username=DEMO_COURIER_USERNAME):
        await create_staff(
            username=DEMO_COURIER_USERNAME,
            password=DEMO_COURIER_PASSWORD,
            min_password_length=settings.password_min_length,
            role=Role.COURIER,
            nickname="Demo rider",
        )


# (top category, subcategory, title, subtitle, colours, sizes, price, compare-at)
DEMO_PRODUCTS = [
    ("服装 Clothing", "外套 Coats", "羊毛大衣", "双面羊毛 · 经典驼色", ["驼色", "黑色"], ["S", "M", "L"], "899.00", "1299.00"),
    ("服装 Clothing", "外套 Coats", "Merino Wool Coat", "Double-faced merino", ["Camel", "Navy"], ["S", "M", "L"], "1099.00", None),
    ("服装 Clothing", "毛衣 Knitwear", "羊绒毛衣 Cashmere Sweater", "100% cashmere", ["Grey", "Cream"], ["M", "L"], "599.00", None),
    ("家居 Home", "床品 Bedding", "亚麻被套 Linen Duvet Cover", "Stone-washed linen", ["White", "Sage"], ["Single", "Double"], "459.00", "529.00"),
]  # fmt: skip
DEMO_STORE = "Microstore 人民广场店"
DEMO_FLASH_UNITS = 10


async def _category(name: str, parent: Category | None = None) -> Category:
    category, _ = await Category.get_or_create(name=name, parent=parent)
    return category


async def seed_catalog() -> None:
    """Two-level categories, colour x size products, one store holding some of each."""
    admin = await User.get_or_none(username=DEMO_ADMIN_USERNAME)
    for top, sub, title, subtitle, colours, sizes, price, compare_at in DEMO_PRODUCTS:
        if await Product.exists(title=title):
            continue
        category = await _category(sub, await _category(top))
        skus = [
            catalog.SkuInput(
                spec_values=[("颜色 Colour", colour), ("尺码 Size", size)],
                price=Decimal(price),
                compare_at_price=Decimal(compare_at) if compare_at else None,
                stock=20 if size != sizes[-1] else 3,
            )
            for colour in colours
            for size in sizes
        ]
        product = await catalog.create_product(
            cache=None,
            actor_id=admin.id if admin else None,
            data=catalog.ProductInput(
                category_id=category.id,
                title=title,
                subtitle=subtitle,
                description_html=f"<p><strong>{title}</strong>: {subtitle}</p>",
                images=[f"https://picsum.photos/seed/microstore-{i}/800/800" for i in range(2)],
                spec_groups=[
                    catalog.SpecGroupInput("颜色 Colour", colours),
                    catalog.SpecGroupInput("尺码 Size", sizes),
                ],
                skus=skus,
            ),
        )
        now = datetime.now(UTC)
        await Product.filter(id=product.id).update(
            status=ProductStatus.ON_SHELF, published_at=now, updated_at=now
        )
    store, _ = await Store.get_or_create(
        name=DEMO_STORE,
        defaults={
            "address": "上海市黄浦区人民大道 120 号",
            "latitude": 31.2304,
            "longitude": 121.4737,
            "opening_hours": {
                day: ["10:00", "22:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
            "delivery_radius_m": 5000,
        },
    )
    for sku in await Sku.filter(is_active=True):
        await StoreStock.get_or_create(store=store, sku=sku, defaults={"quantity": 5})


async def seed_orders(settings: Settings) -> None:
    """The demo shopper gets a default address near the demo store, so checkout works for
    every delivery method at once."""
    shopper = await User.get_or_none(wechat_openid=DEMO_CUSTOMER_OPENID)
    if shopper is None or await Address.exists(user_id=shopper.id):
        return
    await create_address(
        crypto=FieldCipher.from_settings(settings),
        user_id=shopper.id,
        data=AddressData(
            recipient_name="韩梅梅",
            phone="13800138000",
            province="上海",
            city="上海市",
            district="黄浦区",
            detail="南京东路 300 号 5 楼",
            latitude=31.2380,
            longitude=121.4800,
            label="home",
        ),
        make_default=True,
        max_addresses=settings.address_book_max,
    )


async def seed_flash_sale() -> None:
    """A live flash sale on a demo SKU: 10 units at half price, 2 per shopper, for a week. Written straight to PostgreSQL as PUBLISHED; Redis gets it from there (the
    worker's reconciler, or the first purchase, rebuilds a sale Redis does not hold), so
    this works with the in-process Redis of `make run` too."""
    if await FlashSale.exists():
        return
    # The last demo SKU, with stock to spare: the rest of the demo buys the first ones.
    sku = await Sku.filter(is_active=True, stock__gte=2 * DEMO_FLASH_UNITS).order_by("-id").first()
    if sku is None:
        return
    now = datetime.now(UTC)
    async with in_transaction():
        sale = await FlashSale.create(
            sku_id=sku.id,
            title="秒杀 Flash sale: " + (await Product.get(id=sku.product_id)).title,
            price=(sku.price / 2).quantize(Decimal("0.01")),
            quantity=DEMO_FLASH_UNITS,
            per_user_limit=2,
            starts_at=now,
            ends_at=now + timedelta(days=7),
            status=FlashSaleStatus.PUBLISHED,
            published_at=now,
        )
        await stock.take_stock(
            [stock.StockLine(sku.id, DEMO_FLASH_UNITS)],
            reason=StockChangeReason.FLASH_SALE_ALLOCATED,
            reference=f"flash_sale:{sale.id}",
        )


async def load_demo_data(*, settings: Settings) -> None:
    if settings.is_production:
        raise RuntimeError("demo data is for development only")
    await seed_accounts(settings)
    await seed_catalog()
    await seed_orders(settings)
    await seed_flash_sale()
    logger.info("demo data ready")
