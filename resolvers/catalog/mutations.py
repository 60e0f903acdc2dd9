from __future__ import annotations

from typing import Any

import strawberry

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.catalog import (
    CategoryCreateInput,
    CategoryUpdateInput,
    FavoriteInput,
    ProductCreateInput,
    ProductStatusInput,
    ProductUpdateInput,
    ReviewCreateInput,
    ReviewHideInput,
    ReviewUnhideInput,
    SkuCreateInput,
    SkuFieldsInput,
    SkuPricesUpdateInput,
    SkuStockAdjustInput,
    SkuUpdateInput,
    SpecGroupInput,
)
from graph.permissions import IsAuthenticated, IsStaff
from graph.relay import decode_id
from graph.types.catalog import (
    CatalogError,
    Category,
    CategoryPayload,
    FavoritePayload,
    Product,
    ProductPayload,
    Review,
    ReviewPayload,
    Sku,
    SkuPayload,
    SkuPricesUpdatePayload,
)
from models import StockChangeReason
from resolvers.catalog import service
from resolvers.catalog.cache import catalog_cache
from resolvers.catalog.data import ReviewData
from resolvers.core import shopper_limits
from resolvers.core.shopper_limits import ShopperAction


def _given(input: object, *names: str) -> dict[str, Any]:
    """The fields the client sent (UNSET ones are left unchanged)."""
    return {n: getattr(input, n) for n in names if getattr(input, n) is not strawberry.UNSET}


def _spec_groups(groups: list[SpecGroupInput]) -> list[service.SpecGroupInput]:
    return [service.SpecGroupInput(name=g.name, values=list(g.values)) for g in groups]


def _sku_input(sku: SkuFieldsInput | SkuCreateInput) -> service.SkuInput:
    return service.SkuInput(
        spec_values=[(s.name, s.value) for s in sku.spec_values],
        price=sku.price,
        compare_at_price=sku.compare_at_price,
        stock=sku.stock,
        low_stock_threshold=sku.low_stock_threshold,
        barcode=sku.barcode,
        weight_grams=sku.weight_grams,
    )


def _product_payload(data: service.ProductData) -> ProductPayload:
    return ProductPayload(product=Product.from_data(data))


def _sku_payload(data: service.SkuData) -> SkuPayload:
    return SkuPayload(sku=Sku.from_data(data))


@strawberry.type
class CatalogMutations:
    # --- staff -------------------------------------------------------------------------------

    @strawberry.mutation(
        description="Create a category (two levels).", permission_classes=[IsStaff]
    )
    async def category_create(self, info: Info, input: CategoryCreateInput) -> CategoryPayload:
        claims = info.context.require_staff()
        parent_id = (
            decode_id(input.parent_id, expected="Category", field="parentId")
            if input.parent_id is not None
            else None
        )
        return await run_mutation(
            service.create_category(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                name=input.name,
                parent_id=parent_id,
                icon_url=input.icon_url,
                sort_order=input.sort_order,
            ),
            payload=CategoryPayload,
            error=CatalogError,
            build=lambda row: CategoryPayload(category=Category.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def category_update(self, info: Info, input: CategoryUpdateInput) -> CategoryPayload:
        claims = info.context.require_staff()
        changes = _given(input, "name", "icon_url", "sort_order", "is_active", "parent_id")
        if changes.get("parent_id") is not None:
            changes["parent_id"] = decode_id(
                changes["parent_id"], expected="Category", field="parentId"
            )
        for name in ("name", "icon_url", "sort_order", "is_active"):
            if name in changes and changes[name] is None:
                del changes[name]  # null means "leave it" where a value is required
        return await run_mutation(
            service.update_category(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                category_id=decode_id(input.id, expected="Category", field="id"),
                changes=changes,
            ),
            payload=CategoryPayload,
            error=CatalogError,
            build=lambda row: CategoryPayload(category=Category.from_row(row)),
        )

    @strawberry.mutation(
        description="Create a product with its spec groups and SKUs (as a DRAFT).",
        permission_classes=[IsStaff],
    )
    async def product_create(self, info: Info, input: ProductCreateInput) -> ProductPayload:
        claims = info.context.require_staff()
        data = service.ProductInput(
            category_id=decode_id(input.category_id, expected="Category", field="categoryId"),
            title=input.title,
            subtitle=input.subtitle,
            description_html=input.description_html,
            images=list(input.images),
            spec_groups=_spec_groups(input.spec_groups),
            skus=[_sku_input(s) for s in input.skus],
        )
        return await run_mutation(
            service.create_product(
                cache=catalog_cache(info.context.state), actor_id=claims.user_id, data=data
            ),
            payload=ProductPayload,
            error=CatalogError,
            build=_product_payload,
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def product_update(self, info: Info, input: ProductUpdateInput) -> ProductPayload:
        claims = info.context.require_staff()
        changes = {
            k: val
            for k, val in _given(
                input,
                "category_id",
                "title",
                "subtitle",
                "description_html",
                "images",
                "spec_groups",
            ).items()
            if val is not None  # every product field has a value; null leaves it
        }
        if "category_id" in changes:
            changes["category_id"] = decode_id(
                changes["category_id"], expected="Category", field="categoryId"
            )
        if "spec_groups" in changes:
            changes["spec_groups"] = _spec_groups(changes["spec_groups"])
        return await run_mutation(
            service.update_product(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                product_id=decode_id(input.id, expected="Product", field="id"),
                changes=changes,
            ),
            payload=ProductPayload,
            error=CatalogError,
            build=_product_payload,
        )

    @strawberry.mutation(
        description="Put a product on the shelf (needs an active SKU).",
        permission_classes=[IsStaff],
    )
    async def product_publish(self, info: Info, input: ProductStatusInput) -> ProductPayload:
        claims = info.context.require_staff()
        return await run_mutation(
            service.publish_product(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                product_id=decode_id(input.id, expected="Product", field="id"),
            ),
            payload=ProductPayload,
            error=CatalogError,
            build=_product_payload,
        )

    @strawberry.mutation(description="Take a product off the shelf.", permission_classes=[IsStaff])
    async def product_unpublish(self, info: Info, input: ProductStatusInput) -> ProductPayload:
        claims = info.context.require_staff()
        return await run_mutation(
            service.unpublish_product(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                product_id=decode_id(input.id, expected="Product", field="id"),
            ),
            payload=ProductPayload,
            error=CatalogError,
            build=_product_payload,
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def sku_create(self, info: Info, input: SkuCreateInput) -> SkuPayload:
        claims = info.context.require_staff()
        return await run_mutation(
            service.create_sku(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                product_id=decode_id(input.product_id, expected="Product", field="productId"),
                data=_sku_input(input),
            ),
            payload=SkuPayload,
            error=CatalogError,
            build=_sku_payload,
        )

    @strawberry.mutation(permission_classes=[IsStaff])
    async def sku_update(self, info: Info, input: SkuUpdateInput) -> SkuPayload:
        claims = info.context.require_staff()
        changes = _given(
            input,
            "price",
            "compare_at_price",
            "low_stock_threshold",
            "barcode",
            "weight_grams",
            "is_active",
        )
        for name in ("price", "low_stock_threshold", "weight_grams", "is_active"):
            if name in changes and changes[name] is None:
                del changes[name]  # only compareAtPrice and barcode can be cleared
        return await run_mutation(
            service.update_sku(
                cache=catalog_cache(info.context.state),
                actor_id=claims.user_id,
                sku_id=decode_id(input.id, expected="Sku", field="id"),
                changes=changes,
            ),
            payload=SkuPayload,
            error=CatalogError,
            build=_sku_payload,
        )

    @strawberry.mutation(
        description="Change a SKU's stock with a reason; each change is a ledger row.",
        permission_classes=[IsStaff],
    )
    async def sku_stock_adjust(self, info: Info, input: SkuStockAdjustInput) -> SkuPayload:
        claims = info.context.require_staff()
        return await run_mutation(
            service.adjust_stock(
                actor_id=claims.user_id,
                sku_id=decode_id(input.sku_id, expected="Sku", field="skuId"),
                delta=input.delta,
                reason=StockChangeReason(input.reason.value),
                note=input.note,
            ),
            payload=SkuPayload,
            error=CatalogError,
            build=_sku_payload,
        )

    @strawberry.mutation(
        description="Change many SKUs' prices at once: all of them or none.",
        permission_classes=[IsStaff],
    )
    async def sku_prices_update(
        self, info: Info, input: SkuPricesUpdateInput
    ) -> SkuPricesUpdatePayload:
        claims = info.context.require_staff()
        items = [
            service.PriceChange(
                sku_id=decode_id(item.sku_id, expected="Sku", field=f"items.{i}.skuId"),
                price=item.price,
                compare_at_price=service.KEEP
                if item.compare_at_price is strawberry.UNSET
                else item.compare_at_price,
            )
            for i, item in enumerate(input.items)
        ]
        return await run_mutation(
            service.update_prices(
                cache=catalog_cache(info.context.state), actor_id=claims.user_id, items=items
            ),
            payload=SkuPricesUpdatePayload,
            error=CatalogError,
            build=lambda skus: SkuPricesUpdatePayload(skus=[Sku.from_data(s) for s in skus]),
        )

    # --- shoppers ----------------------------------------------------------------------------

    @strawberry.mutation(description="Save a product.", permission_classes=[IsAuthenticated])
    async def favorite_add(self, info: Info, input: FavoriteInput) -> FavoritePayload:
        claims = info.context.require_user()
        return await run_mutation(
            service.add_favorite(
                user_id=claims.user_id,
                product_id=decode_id(input.product_id, expected="Product", field="productId"),
            ),
            payload=FavoritePayload,
            error=CatalogError,
            build=lambda data: FavoritePayload(product=Product.from_data(data), is_favorite=True),
        )

    @strawberry.mutation(
        description="Forget a saved product.", permission_classes=[IsAuthenticated]
    )
    async def favorite_remove(self, info: Info, input: FavoriteInput) -> FavoritePayload:
        claims = info.context.require_user()
        return await run_mutation(
            service.remove_favorite(
                user_id=claims.user_id,
                product_id=decode_id(input.product_id, expected="Product", field="productId"),
            ),
            payload=FavoritePayload,
            error=CatalogError,
            build=lambda data: FavoritePayload(product=Product.from_data(data), is_favorite=False),
        )

    @strawberry.mutation(
        description="Review a line of one of your completed orders (once per line).",
        permission_classes=[IsAuthenticated],
    )
    async def review_create(self, info: Info, input: ReviewCreateInput) -> ReviewPayload:
        claims = info.context.require_user()
        await shopper_limits.hit(info.context.state, ShopperAction.REVIEW_CREATE, claims.user_id)
        return await run_mutation(
            service.create_review(
                cache=catalog_cache(info.context.state),
                user_id=claims.user_id,
                order_line_id=decode_id(
                    input.order_line_id, expected="OrderLine", field="orderLineId"
                ),
                rating=input.rating,
                body=input.body,
                images=input.images,
            ),
            payload=ReviewPayload,
            error=CatalogError,
            build=_review_payload,
        )

    @strawberry.mutation(
        description="Hide a review from shoppers; it leaves the product's rating.",
        permission_classes=[IsStaff],
    )
    async def review_hide(self, info: Info, input: ReviewHideInput) -> ReviewPayload:
        return await _set_hidden(info, input.id, hidden=True, reason=input.reason)

    @strawberry.mutation(
        description="Show a hidden review again; it counts in the rating again.",
        permission_classes=[IsStaff],
    )
    async def review_unhide(self, info: Info, input: ReviewUnhideInput) -> ReviewPayload:
        return await _set_hidden(info, input.id, hidden=False, reason="")


def _review_payload(data: ReviewData) -> ReviewPayload:
    return ReviewPayload(review=Review.from_data(data))


async def _set_hidden(
    info: Info, review_id: strawberry.ID, *, hidden: bool, reason: str
) -> ReviewPayload:
    claims = info.context.require_staff()
    return await run_mutation(
        service.set_review_hidden(
            cache=catalog_cache(info.context.state),
            actor_id=claims.user_id,
            review_id=decode_id(review_id, expected="Review", field="id"),
            hidden=hidden,
            reason=reason,
        ),
        payload=ReviewPayload,
        error=CatalogError,
        build=_review_payload,
    )
