from __future__ import annotations

import strawberry

from graph.context import Info
from graph.errors import BadUserInput
from graph.inputs.catalog import ProductFilter
from graph.permissions import IsAuthenticated, IsStaff
from graph.relay import Connection, decode_id
from graph.types.catalog import (
    Category,
    Product,
    ProductConnection,
    ProductSort,
    Sku,
    SkuConnection,
    listing_columns,
)
from resolvers.catalog import service
from resolvers.catalog.cache import catalog_cache
from resolvers.core.errors import DomainError, DomainErrors
from resolvers.core.pagination import Page


def bad_input(exc: DomainError | DomainErrors) -> BadUserInput:
    """A query argument a rule refused: queries have no payload, so it is a top-level error."""
    first = exc.errors[0] if isinstance(exc, DomainErrors) else exc
    return BadUserInput(first.message, field=first.field)


@strawberry.type
class CatalogQueries:
    @strawberry.field(description="The category tree: top-level categories with children.")
    async def categories(self, info: Info, include_inactive: bool = False) -> list[Category]:
        if include_inactive:
            info.context.require_staff()
        tree = await service.category_tree(
            cache=catalog_cache(info.context.state), include_inactive=include_inactive
        )
        return [Category.from_data(c) for c in tree]

    @strawberry.field(description="A product by ID; null when missing or not on the shelf.")
    async def product(self, info: Info, id: strawberry.ID) -> Product | None:
        product_id = decode_id(id, expected="Product", field="id")
        claims = info.context.claims
        data = await service.get_product(
            cache=catalog_cache(info.context.state),
            product_id=product_id,
            staff=claims is not None and claims.is_staff,
        )
        return Product.from_data(data) if data is not None else None

    @strawberry.field(description="Browse and search products (shoppers: ON_SHELF only).")
    async def products(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: ProductFilter | None = None,
        sort: ProductSort = ProductSort.RELEVANCE,
    ) -> ProductConnection:
        claims = info.context.claims
        staff = claims is not None and claims.is_staff
        query = service.ProductQuery(first=first, after=after, sort=service.ProductSort(sort.value))
        if filter is not None:
            if filter.category_id is not None:
                query.category_id = decode_id(
                    filter.category_id, expected="Category", field="filter.categoryId"
                )
            query.min_price = filter.min_price
            query.max_price = filter.max_price
            query.in_stock = filter.in_stock
            if filter.in_stock:
                # Which products are in stock changes with every order: never a whole
                # cached response (graph/response_cache.py).
                info.context.uncacheable = True
            query.keyword = filter.keyword
            query.status = filter.status if staff else None
        try:
            page = await service.list_products(
                cache=catalog_cache(info.context.state),
                query=query,
                staff=staff,
                columns=listing_columns(info),
            )
        except (DomainError, DomainErrors) as exc:
            raise bad_input(exc) from exc
        return Connection.from_page_nodes(page, Product.from_data_many(page.rows))

    @strawberry.field(
        description="The logged-in shopper's saved products, most recent first.",
        permission_classes=[IsAuthenticated],
    )
    async def favorites(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> ProductConnection:
        claims = info.context.require_user()
        page = await service.list_favorites(user_id=claims.user_id, first=first, after=after)
        products = await info.context.loaders.product_by_id.load_many(
            [f.product_id for f in page.rows]
        )
        return Connection.from_page(
            Page(
                rows=products,
                cursors=page.cursors,
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
            ),
            Product.from_row,
        )

    @strawberry.field(
        description="Active SKUs at or below their low-stock threshold, emptiest first.",
        permission_classes=[IsStaff],
    )
    async def low_stock_skus(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> SkuConnection:
        page = await service.list_low_stock(first=first, after=after)
        return Connection.from_page(page, Sku.from_row)
