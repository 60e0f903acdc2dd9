"""Catalog fixtures built through the real service, as staff would build them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from models import Category, ProductStatus
from resolvers.catalog import service
from resolvers.catalog.cache import CatalogCache, catalog_cache
from resolvers.catalog.data import ProductData


def cache_of(state: Any) -> CatalogCache:
    return catalog_cache(state)


async def make_category(name: str = "Clothing", parent: Category | None = None) -> Category:
    return await Category.create(name=name, parent=parent)


def sku(
    price: str = "10.00",
    *,
    stock: int = 10,
    threshold: int = 5,
    barcode: str | None = None,
    compare_at: str | None = None,
    **specs: str,
) -> service.SkuInput:
    return service.SkuInput(
        spec_values=list(specs.items()),
        price=Decimal(price),
        compare_at_price=Decimal(compare_at) if compare_at else None,
        stock=stock,
        low_stock_threshold=threshold,
        barcode=barcode,
    )


async def make_product(
    cache: CatalogCache | None,
    *,
    category: Category,
    title: str = "Merino Wool Coat",
    subtitle: str = "",
    colours: list[str] | None = None,
    sizes: list[str] | None = None,
    price: str = "10.00",
    stock: int = 10,
    publish: bool = True,
    actor_id: int | None = None,
) -> ProductData:
    """A product with one SKU per colour x size (or a single SKU without specs)."""
    colours = colours or []
    sizes = sizes or []
    groups = []
    if colours:
        groups.append(service.SpecGroupInput("Colour", colours))
    if sizes:
        groups.append(service.SpecGroupInput("Size", sizes))
    skus = []
    for c in colours or [None]:
        for s in sizes or [None]:
            specs = {k: val for k, val in (("Colour", c), ("Size", s)) if val is not None}
            skus.append(sku(price, stock=stock, **specs))
    data = await service.create_product(
        cache=cache,
        actor_id=actor_id,
        data=service.ProductInput(
            category_id=category.id,
            title=title,
            subtitle=subtitle,
            images=["https://img.example/cover.jpg", "https://img.example/2.jpg"],
            spec_groups=groups,
            skus=skus,
        ),
    )
    if publish:
        from models import Product

        await Product.filter(id=data.id).update(status=ProductStatus.ON_SHELF)
        data.status = ProductStatus.ON_SHELF
        if cache is not None:
            await cache.invalidate(product_ids=[data.id])
    return data


async def completed_order_lines(user: Any, sku_id: int, count: int) -> list[Any]:
    """`count` lines of one COMPLETED order of `user` for a SKU, written directly (reads of
    reviews need reviewable lines, not the whole order life)."""
    import secrets

    from models import DeliveryMethod, Order, OrderLine, OrderStatus, Sku

    sku = await Sku.get(id=sku_id)
    order = await Order.create(
        number=secrets.token_hex(8),
        user_id=user.id,
        status=OrderStatus.COMPLETED,
        delivery_method=DeliveryMethod.EXPRESS,
        idempotency_key=secrets.token_hex(8),
        request_hash="-",
        subtotal=sku.price * count,
        total=sku.price * count,
        paid_amount=sku.price * count,
    )
    return [
        await OrderLine.create(
            order=order,
            sku_id=sku.id,
            product_id=sku.product_id,
            title="Merino Wool Coat",
            spec_text=" / ".join(sku.spec_values.values()),
            unit_price=sku.price,
            quantity=1,
            line_total=sku.price,
        )
        for _ in range(count)
    ]


async def make_reviews(
    cache: CatalogCache, user: Any, sku_id: int, ratings: list[int]
) -> list[Any]:
    """Reviews by `user` through the real service, oldest first."""
    from resolvers.catalog import reviews

    lines = await completed_order_lines(user, sku_id, len(ratings))
    return [
        await reviews.create_review(
            cache=cache, user_id=user.id, order_line_id=line.id, rating=rating, body=f"#{i}"
        )
        for i, (line, rating) in enumerate(zip(lines, ratings, strict=True))
    ]
