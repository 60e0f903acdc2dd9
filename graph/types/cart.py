from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from graph.context import Info
from graph.errors import UserError
from graph.relay import node_pks
from graph.scalars import Money
from graph.types.catalog import Product, Sku
from resolvers.cart.errors import CartErrorCode as _CartErrorCode
from resolvers.cart.service import CartLineView, CartView, get_cart

CartErrorCode = strawberry.enum(_CartErrorCode, name="CartErrorCode")


@strawberry.type(name="CartLine")
class CartLine(relay.Node):
    id: relay.NodeID[int]
    sku_id: relay.GlobalID = strawberry.field(description="The SKU (a `Sku` global ID).")
    product_id: relay.GlobalID = strawberry.field(description="Its product (a `Product` ID).")
    title: str
    spec_text: str = strawberry.field(description='The chosen spec, e.g. "red / M".')
    image_url: str
    quantity: int
    selected: bool
    unit_price: Money = strawberry.field(description="The price now.")
    price_when_added: Money
    price_change: Money = strawberry.field(
        description="Price now minus price when added: negative means it got cheaper."
    )
    line_total: Money
    on_sale: bool = strawberry.field(description="The product is on the shelf and the SKU active.")
    in_stock: bool = strawberry.field(description="Enough stock for this quantity right now.")
    added_at: datetime

    @strawberry.field(description="The SKU as the catalog shows it (null once off the shelf).")
    async def sku(self, info: Info) -> Sku | None:
        (sku,) = await Sku.resolve_nodes(info=info, node_ids=[self.sku_id.node_id])
        return sku

    @strawberry.field(description="The product as the catalog shows it (null once off the shelf).")
    async def product(self, info: Info) -> Product | None:
        (product,) = await Product.resolve_nodes(info=info, node_ids=[self.product_id.node_id])
        return product

    @classmethod
    def from_view(cls, item: CartLineView) -> CartLine:
        line = item.line
        return cls(
            id=line.id,
            sku_id=relay.GlobalID("Sku", str(item.sku.id)),
            product_id=relay.GlobalID("Product", str(item.product.id)),
            title=item.product.title,
            spec_text=item.spec_text,
            image_url=item.image_url,
            quantity=line.quantity,
            selected=line.selected,
            unit_price=Money.of(item.unit_price),
            price_when_added=Money.of(line.added_unit_price),
            price_change=Money.of(item.price_change),
            line_total=Money.of(item.line_total),
            on_sale=item.on_sale,
            in_stock=item.in_stock,
            added_at=line.created_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CartLine | None]:
        claims = info.context.claims
        ids = node_pks(node_ids)
        if claims is None:
            return [None] * len(ids)
        lines = {item.line.id: item for item in (await get_cart(user_id=claims.user_id)).lines}
        return [cls.from_view(lines[i]) if i in lines else None for i in ids]


@strawberry.type(description="The shopper's cart, priced now.")
class Cart:
    lines: list[CartLine] = strawberry.field(
        description="Newest first. A cart holds at most 100 lines, so this is never paged."
    )
    selected_quantity: int = strawberry.field(
        description="Items in selected lines that can be bought now."
    )
    subtotal: Money = strawberry.field(
        description="Selected lines that can be bought now, at today's prices, before discounts."
    )

    @classmethod
    def from_view(cls, cart: CartView) -> Cart:
        return cls(
            lines=[CartLine.from_view(item) for item in cart.lines],
            selected_quantity=cart.selected_quantity,
            subtotal=Money.of(cart.subtotal),
        )


@strawberry.type
class CartError(UserError):
    code: CartErrorCode


@strawberry.type
class CartLinesAddPayload:
    cart: Cart | None = None
    errors: list[CartError] = strawberry.field(default_factory=list)


@strawberry.type
class CartLinesUpdatePayload:
    cart: Cart | None = None
    errors: list[CartError] = strawberry.field(default_factory=list)


@strawberry.type
class CartLinesRemovePayload:
    cart: Cart | None = None
    errors: list[CartError] = strawberry.field(default_factory=list)


@strawberry.type
class CartLinesSelectPayload:
    cart: Cart | None = None
    errors: list[CartError] = strawberry.field(default_factory=list)
