"""The cart: lines of SKUs a shopper means to buy, re-priced on every read.

Writes of one shopper's cart lock the shopper's user row first, so two tabs adding the same
SKU at once add up instead of one overwriting the other. Every write validates everything
first and writes nothing when anything is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tortoise.transactions import in_transaction

from models import CartLine, Product, ProductStatus, Sku, User
from resolvers.cart.errors import CartErrorCode
from resolvers.core.errors import DomainError, DomainErrors

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class CartItem:
    sku_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class LineChange:
    line_id: int
    quantity: int | None = None
    sku_id: int | None = None
    selected: bool | None = None


@dataclass(frozen=True, slots=True)
class CartLimits:
    max_quantity: int
    max_lines: int


@dataclass(frozen=True, slots=True)
class CartLineView:
    line: CartLine
    sku: Sku
    product: Product
    spec_text: str
    image_url: str

    @property
    def unit_price(self) -> Decimal:
        return self.sku.price

    @property
    def price_change(self) -> Decimal:
        """Current price minus the price when added: negative means it got cheaper."""
        return self.sku.price - self.line.added_unit_price

    @property
    def on_sale(self) -> bool:
        return self.product.status == ProductStatus.ON_SHELF and self.sku.is_active

    @property
    def in_stock(self) -> bool:
        return self.sku.stock >= self.line.quantity

    @property
    def purchasable(self) -> bool:
        return self.on_sale and self.in_stock

    @property
    def line_total(self) -> Decimal:
        return self.sku.price * self.line.quantity


@dataclass(frozen=True, slots=True)
class CartView:
    lines: list[CartLineView]

    @property
    def checkout_lines(self) -> list[CartLineView]:
        """Selected lines that can be bought now; what the totals count."""
        return [line for line in self.lines if line.line.selected and line.purchasable]

    @property
    def selected_quantity(self) -> int:
        return sum(line.line.quantity for line in self.checkout_lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.checkout_lines), ZERO)


def spec_text(product: Product, sku: Sku) -> str:
    """ "red / M", in the order of the product's spec groups (JSONB forgets key order)."""
    values = sku.spec_values or {}
    names = [group.get("name") for group in product.spec_groups or [] if isinstance(group, dict)]
    ordered = [str(values[name]) for name in names if name in values]
    ordered += [str(value) for name, value in values.items() if name not in names]
    return " / ".join(ordered) or sku.spec_key


def cover_image(product: Product) -> str:
    images = product.images or []
    return str(images[0]) if images else ""


def sku_on_sale(sku: Sku) -> bool:
    return sku.is_active and sku.product.status == ProductStatus.ON_SHELF


def _view(line: CartLine) -> CartLineView:
    sku = line.sku
    return CartLineView(
        line=line,
        sku=sku,
        product=sku.product,
        spec_text=spec_text(sku.product, sku),
        image_url=cover_image(sku.product),
    )


async def get_cart(*, user_id: int) -> CartView:
    """The whole cart in one query, priced now (capped at `cart_max_lines` lines)."""
    lines = await CartLine.filter(user_id=user_id).select_related("sku__product").order_by("-id")
    return CartView(lines=[_view(line) for line in lines])


async def _lock_cart(user_id: int) -> None:
    await User.filter(id=user_id).select_for_update().only("id").first()


async def _skus(ids: Iterable[int]) -> dict[int, Sku]:
    return {
        sku.id: sku for sku in await Sku.filter(id__in=list(set(ids))).select_related("product")
    }


def _check_quantity(
    quantity: int, limits: CartLimits, field: list[str], errors: list[DomainError]
) -> bool:
    if quantity <= 0:
        errors.append(
            DomainError(CartErrorCode.INVALID_QUANTITY, "Quantity must be at least 1", field=field)
        )
        return False
    if quantity > limits.max_quantity:
        errors.append(
            DomainError(
                CartErrorCode.QUANTITY_LIMIT_EXCEEDED,
                f"At most {limits.max_quantity} of one item per order",
                field=field,
            )
        )
        return False
    return True


def _check_sku(sku: Sku | None, field: list[str], errors: list[DomainError]) -> bool:
    if sku is None:
        errors.append(DomainError(CartErrorCode.SKU_NOT_FOUND, "No such SKU", field=field))
        return False
    if not sku_on_sale(sku):
        errors.append(
            DomainError(
                CartErrorCode.PRODUCT_NOT_AVAILABLE, "This product is not on sale", field=field
            )
        )
        return False
    return True


def _check_stock(sku: Sku, quantity: int, field: list[str], errors: list[DomainError]) -> None:
    if sku.stock < quantity:
        errors.append(
            DomainError(
                CartErrorCode.INSUFFICIENT_STOCK,
                f"Only {max(sku.stock, 0)} left",
                field=field,
            )
        )


def _raise(errors: Sequence[DomainError]) -> None:
    if errors:
        raise DomainErrors(errors)


async def add_lines(*, user_id: int, items: Sequence[CartItem], limits: CartLimits) -> CartView:
    """Add SKUs; a SKU already in the cart gets its quantity raised."""
    errors: list[DomainError] = []
    valid: list[tuple[int, CartItem]] = []
    for i, item in enumerate(items):
        if _check_quantity(item.quantity, limits, ["lines", str(i), "quantity"], errors):
            valid.append((i, item))
    skus = await _skus(item.sku_id for _, item in valid)
    async with in_transaction():
        await _lock_cart(user_id)
        existing = {
            line.sku_id: line
            for line in await CartLine.filter(
                user_id=user_id, sku_id__in=[item.sku_id for _, item in valid]
            )
        }
        line_count = await CartLine.filter(user_id=user_id).count()
        wanted: dict[int, int] = {}
        for i, item in valid:
            sku = skus.get(item.sku_id)
            if not _check_sku(sku, ["lines", str(i), "skuId"], errors):
                continue
            assert sku is not None
            field = ["lines", str(i), "quantity"]
            current = existing[sku.id].quantity if sku.id in existing else 0
            total = current + wanted.get(sku.id, 0) + item.quantity
            if total > limits.max_quantity:
                errors.append(
                    DomainError(
                        CartErrorCode.QUANTITY_LIMIT_EXCEEDED,
                        f"At most {limits.max_quantity} of one item per order",
                        field=field,
                    )
                )
                continue
            _check_stock(sku, total, field, errors)
            wanted[sku.id] = wanted.get(sku.id, 0) + item.quantity
        new_skus = [sku_id for sku_id in wanted if sku_id not in existing]
        if not errors and line_count + len(new_skus) > limits.max_lines:
            errors.append(
                DomainError(
                    CartErrorCode.CART_FULL, f"A cart holds at most {limits.max_lines} lines"
                )
            )
        _raise(errors)
        for sku_id, quantity in wanted.items():
            line = existing.get(sku_id)
            if line is None:
                await CartLine.create(
                    user_id=user_id,
                    sku_id=sku_id,
                    quantity=quantity,
                    added_unit_price=skus[sku_id].price,
                )
            else:
                line.quantity += quantity
                line.selected = True
                await line.save(update_fields=["quantity", "selected", "updated_at"])
    return await get_cart(user_id=user_id)


async def _check_owned(user_id: int, line_ids: Sequence[int]) -> None:
    owned = set(
        await CartLine.filter(user_id=user_id, id__in=list(line_ids)).values_list("id", flat=True)
    )
    # Someone else's line looks exactly like a missing one.
    _raise(
        [
            DomainError(
                CartErrorCode.LINE_NOT_FOUND, "No such cart line", field=["lineIds", str(i)]
            )
            for i, line_id in enumerate(line_ids)
            if line_id not in owned
        ]
    )


@dataclass(slots=True)
class _Planned:
    """A line as it will be after the update."""

    line: CartLine
    sku: Sku
    quantity: int
    selected: bool
    index: int | None  # position of its change in the request; None when untouched

    @property
    def switched(self) -> bool:
        return self.sku.id != self.line.sku_id


def _plan_change(
    i: int,
    change: LineChange,
    line: CartLine,
    skus: dict[int, Sku],
    limits: CartLimits,
    errors: list[DomainError],
) -> _Planned | None:
    quantity = line.quantity if change.quantity is None else change.quantity
    if not _check_quantity(quantity, limits, ["lines", str(i), "quantity"], errors):
        return None
    sku = skus[line.sku_id]
    if change.sku_id is not None and change.sku_id != line.sku_id:
        target = skus.get(change.sku_id)
        field = ["lines", str(i), "skuId"]
        if target is not None and target.product_id != sku.product_id:
            errors.append(
                DomainError(
                    CartErrorCode.SKU_OF_ANOTHER_PRODUCT,
                    "Switch only between SKUs of the same product",
                    field=field,
                )
            )
            return None
        if not _check_sku(target, field, errors):
            return None
        assert target is not None
        sku = target
    selected = line.selected if change.selected is None else change.selected
    return _Planned(line=line, sku=sku, quantity=quantity, selected=selected, index=i)


async def update_lines(
    *, user_id: int, changes: Sequence[LineChange], limits: CartLimits
) -> CartView:
    """Change quantity, switch to another SKU of the same product, select or unselect.

    The request is applied as a whole: the cart it describes is computed first, then lines
    that end up on one SKU merge (quantities add up) into the first line of the request
    that moved there. Lines may swap SKUs. Nothing is written if any line is refused.
    """
    errors: list[DomainError] = []
    async with in_transaction():
        await _lock_cart(user_id)
        cart = await CartLine.filter(user_id=user_id).order_by("id")
        by_id = {line.id: line for line in cart}
        skus = await _skus([line.sku_id for line in cart] + [c.sku_id for c in changes if c.sku_id])
        planned: dict[int, _Planned] = {}
        seen: set[int] = set()
        for i, change in enumerate(changes):
            line = by_id.get(change.line_id)
            if line is None:
                # Someone else's line looks exactly like a missing one.
                errors.append(
                    DomainError(
                        CartErrorCode.LINE_NOT_FOUND,
                        "No such cart line",
                        field=["lines", str(i), "lineId"],
                    )
                )
            elif line.id in seen:
                errors.append(
                    DomainError(
                        CartErrorCode.DUPLICATE_LINE,
                        "Each line may be changed once per request",
                        field=["lines", str(i), "lineId"],
                    )
                )
            elif (plan := _plan_change(i, change, line, skus, limits, errors)) is not None:
                planned[line.id] = plan
            seen.add(change.line_id)
        _raise(errors)
        final = [
            planned.get(line.id)
            or _Planned(line, skus[line.sku_id], line.quantity, line.selected, None)
            for line in cart
        ]
        groups: dict[int, list[_Planned]] = {}
        for plan in final:
            groups.setdefault(plan.sku.id, []).append(plan)
        keep: list[_Planned] = []
        drop: list[CartLine] = []
        for group in groups.values():
            # The line the shopper moved onto this SKU survives (its id is what they hold).
            group.sort(key=lambda p: (not p.switched, p.index is None, p.index or 0))
            survivor, merged = group[0], group[1:]
            survivor.quantity += sum(p.quantity for p in merged)
            drop += [p.line for p in merged]
            if survivor.index is None:
                continue  # untouched, and nothing merged into it
            field = ["lines", str(survivor.index), "quantity"]
            if merged and not _check_quantity(survivor.quantity, limits, field, errors):
                continue
            change = changes[survivor.index]
            if merged or change.quantity is not None or change.sku_id is not None:
                _check_stock(survivor.sku, survivor.quantity, field, errors)
            keep.append(survivor)
        _raise(errors)
        await _write(user_id, keep, drop)
    return await get_cart(user_id=user_id)


async def _write(user_id: int, keep: list[_Planned], drop: list[CartLine]) -> None:
    """Lines that switch SKU are deleted and inserted again under their own id: two lines
    swapping SKUs would otherwise meet the unique (user, sku) constraint on the way."""
    switched = [p for p in keep if p.switched]
    gone = [line.id for line in drop] + [p.line.id for p in switched]
    if gone:
        await CartLine.filter(user_id=user_id, id__in=gone).delete()
    if switched:
        await CartLine.bulk_create(
            [
                CartLine(
                    id=p.line.id,
                    user_id=user_id,
                    sku_id=p.sku.id,
                    quantity=p.quantity,
                    selected=p.selected,
                    added_unit_price=p.sku.price,
                    created_at=p.line.created_at,
                )
                for p in switched
            ]
        )
    for plan in keep:
        if plan.switched:
            continue
        line = plan.line
        line.quantity, line.selected = plan.quantity, plan.selected
        await line.save(update_fields=["quantity", "selected", "updated_at"])


async def remove_lines(*, user_id: int, line_ids: Sequence[int]) -> CartView:
    await _check_owned(user_id, line_ids)
    await CartLine.filter(user_id=user_id, id__in=list(line_ids)).delete()
    return await get_cart(user_id=user_id)


async def select_lines(*, user_id: int, line_ids: Sequence[int] | None, selected: bool) -> CartView:
    """Select or unselect some lines, or every line when `line_ids` is None."""
    query = CartLine.filter(user_id=user_id)
    if line_ids is not None:
        await _check_owned(user_id, line_ids)
        query = query.filter(id__in=list(line_ids))
    await query.update(selected=selected)
    return await get_cart(user_id=user_id)
