from __future__ import annotations

import strawberry


@strawberry.input
class CartLineAddInput:
    sku_id: strawberry.ID
    quantity: int = 1


@strawberry.input
class CartLinesAddInput:
    lines: list[CartLineAddInput]


@strawberry.input(description="Change what is given; leave the rest out.")
class CartLineUpdateInput:
    line_id: strawberry.ID
    quantity: int | None = None
    sku_id: strawberry.ID | None = strawberry.field(
        default=None, description="Another SKU of the same product (switch colour or size)."
    )
    selected: bool | None = None


@strawberry.input
class CartLinesUpdateInput:
    lines: list[CartLineUpdateInput]


@strawberry.input
class CartLinesRemoveInput:
    line_ids: list[strawberry.ID]


@strawberry.input
class CartLinesSelectInput:
    line_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Omit to select (or unselect) every line."
    )
    selected: bool
