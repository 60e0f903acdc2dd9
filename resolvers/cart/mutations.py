from __future__ import annotations

from collections.abc import Sized

import strawberry

from graph.context import Info
from graph.errors import BadUserInput, run_mutation
from graph.inputs.cart import (
    CartLinesAddInput,
    CartLinesRemoveInput,
    CartLinesSelectInput,
    CartLinesUpdateInput,
)
from graph.permissions import IsAuthenticated
from graph.relay import decode_id
from graph.types.cart import (
    Cart,
    CartError,
    CartLinesAddPayload,
    CartLinesRemovePayload,
    CartLinesSelectPayload,
    CartLinesUpdatePayload,
)
from resolvers.cart import service
from resolvers.core import shopper_limits
from resolvers.core.shopper_limits import ShopperAction


def _limits(info: Info) -> service.CartLimits:
    settings = info.context.state.settings
    return service.CartLimits(
        max_quantity=settings.cart_max_quantity_per_line, max_lines=settings.cart_max_lines
    )


def _bounded(items: Sized, info: Info, field: str) -> None:
    if not 0 < len(items) <= info.context.state.settings.cart_max_lines:
        raise BadUserInput("Between 1 and 100 entries", field=[field])


@strawberry.type
class CartMutations:
    @strawberry.mutation(
        description="Add SKUs to the cart; a SKU already there gets its quantity raised.",
        permission_classes=[IsAuthenticated],
    )
    async def cart_lines_add(self, info: Info, input: CartLinesAddInput) -> CartLinesAddPayload:
        user_id = info.context.require_user().user_id
        await shopper_limits.hit(info.context.state, ShopperAction.CART_ADD, user_id)
        _bounded(input.lines, info, "lines")
        items = [
            service.CartItem(
                sku_id=decode_id(line.sku_id, expected="Sku", field=["lines", str(i), "skuId"]),
                quantity=line.quantity,
            )
            for i, line in enumerate(input.lines)
        ]
        return await run_mutation(
            service.add_lines(user_id=user_id, items=items, limits=_limits(info)),
            payload=CartLinesAddPayload,
            error=CartError,
            build=lambda cart: CartLinesAddPayload(cart=Cart.from_view(cart)),
        )

    @strawberry.mutation(
        description="Change quantities, switch SKUs of the same product, select or unselect.",
        permission_classes=[IsAuthenticated],
    )
    async def cart_lines_update(
        self, info: Info, input: CartLinesUpdateInput
    ) -> CartLinesUpdatePayload:
        _bounded(input.lines, info, "lines")
        changes = [
            service.LineChange(
                line_id=decode_id(
                    line.line_id, expected="CartLine", field=["lines", str(i), "lineId"]
                ),
                quantity=line.quantity,
                sku_id=decode_id(line.sku_id, expected="Sku", field=["lines", str(i), "skuId"])
                if line.sku_id is not None
                else None,
                selected=line.selected,
            )
            for i, line in enumerate(input.lines)
        ]
        return await run_mutation(
            service.update_lines(
                user_id=info.context.require_user().user_id, changes=changes, limits=_limits(info)
            ),
            payload=CartLinesUpdatePayload,
            error=CartError,
            build=lambda cart: CartLinesUpdatePayload(cart=Cart.from_view(cart)),
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def cart_lines_remove(
        self, info: Info, input: CartLinesRemoveInput
    ) -> CartLinesRemovePayload:
        _bounded(input.line_ids, info, "lineIds")
        line_ids = [
            decode_id(gid, expected="CartLine", field=["lineIds", str(i)])
            for i, gid in enumerate(input.line_ids)
        ]
        return await run_mutation(
            service.remove_lines(user_id=info.context.require_user().user_id, line_ids=line_ids),
            payload=CartLinesRemovePayload,
            error=CartError,
            build=lambda cart: CartLinesRemovePayload(cart=Cart.from_view(cart)),
        )

    @strawberry.mutation(
        description="Select or unselect some lines, or all of them when `lineIds` is omitted.",
        permission_classes=[IsAuthenticated],
    )
    async def cart_lines_select(
        self, info: Info, input: CartLinesSelectInput
    ) -> CartLinesSelectPayload:
        line_ids = None
        if input.line_ids is not None:
            _bounded(input.line_ids, info, "lineIds")
            line_ids = [
                decode_id(gid, expected="CartLine", field=["lineIds", str(i)])
                for i, gid in enumerate(input.line_ids)
            ]
        return await run_mutation(
            service.select_lines(
                user_id=info.context.require_user().user_id,
                line_ids=line_ids,
                selected=input.selected,
            ),
            payload=CartLinesSelectPayload,
            error=CartError,
            build=lambda cart: CartLinesSelectPayload(cart=Cart.from_view(cart)),
        )
