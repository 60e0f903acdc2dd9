"""Shop data for cart and order tests: products, SKUs, stores, addresses, placed orders.

Tests get a `Shop` from the `shop` fixture (tests/conftest.py).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from strawberry import relay

from models import (
    Address,
    CartLine,
    Category,
    DeliveryMethod,
    Order,
    OrderStatus,
    Product,
    ProductStatus,
    Sku,
    Store,
    StoreStock,
    User,
)
from resolvers.addresses import service as addresses
from resolvers.core.state import AppState
from resolvers.orders import payment_hook
from resolvers.orders import service as orders
from resolvers.orders.checkout import BuyItem, CheckoutRequest

# The People's Square, Shanghai, and points around it.
CENTRE = (31.2304, 121.4737)
NEAR = (31.2404, 121.4737)  # ~1.1 km north
FAR = (31.4304, 121.4737)  # ~22 km north


def gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def pk_of(global_id: str) -> int:
    return int(relay.GlobalID.from_id(global_id).node_id)


@dataclass
class Shop:
    state: AppState

    async def product(
        self,
        *,
        title: str = "Tee",
        status: ProductStatus = ProductStatus.ON_SHELF,
        skus: list[tuple[dict[str, str], str, int]] | None = None,
    ) -> tuple[Product, list[Sku]]:
        """A product with SKUs given as (spec values, price, stock)."""
        category, _ = await Category.get_or_create(name="Clothes")
        skus = skus or [({"Colour": "red", "Size": "M"}, "59.00", 100)]
        names = list(dict.fromkeys(name for values, _, _ in skus for name in values))
        product = await Product.create(
            category=category,
            title=title,
            status=status,
            images=[f"https://img.example.com/{secrets.token_hex(4)}.jpg"],
            spec_groups=[
                {"name": n, "values": sorted({v[n] for v, _, _ in skus if n in v})} for n in names
            ],
        )
        rows = []
        for values, price, stock in skus:
            rows.append(
                await Sku.create(
                    product=product,
                    spec_values=values,
                    spec_key=";".join(f"{k}:{v}" for k, v in values.items()) or "default",
                    price=Decimal(price),
                    stock=stock,
                )
            )
        return product, rows

    async def sku(self, price: str = "59.00", stock: int = 100, **kw: Any) -> Sku:
        _, (sku,) = await self.product(skus=[({"Size": "M"}, price, stock)], **kw)
        return sku

    async def store(
        self, *, at: tuple[float, float] = CENTRE, radius_m: int = 3000, name: str = "Store"
    ) -> Store:
        return await Store.create(
            name=name,
            address="1 People's Sq",
            latitude=at[0],
            longitude=at[1],
            delivery_radius_m=radius_m,
        )

    async def stock(self, store: Store, sku: Sku, quantity: int) -> None:
        """Put `quantity` more of the SKU on the store's shelf."""
        row, _ = await StoreStock.get_or_create(store=store, sku=sku)
        await StoreStock.filter(id=row.id).update(quantity=row.quantity + quantity)

    async def address(
        self,
        user: User,
        *,
        phone: str = "13812345678",
        at: tuple[float, float] | None = NEAR,
        make_default: bool = False,
    ) -> Address:
        return await addresses.create_address(
            crypto=self.state.crypto,
            user_id=user.id,
            data=addresses.AddressData(
                recipient_name="Li Lei",
                phone=phone,
                province="上海",
                city="上海市",
                district="黄浦区",
                detail="人民大道 200 号 3 楼",
                latitude=at[0] if at else None,
                longitude=at[1] if at else None,
            ),
            make_default=make_default,
            max_addresses=20,
        )

    async def cart(self, user: User, *items: tuple[Sku, int]) -> list[CartLine]:
        return [
            await CartLine.create(user=user, sku=sku, quantity=q, added_unit_price=sku.price)
            for sku, q in items
        ]

    async def order(
        self,
        user: User,
        *items: tuple[Sku, int],
        method: DeliveryMethod = DeliveryMethod.EXPRESS,
        store: Store | None = None,
        key: str | None = None,
    ) -> Order:
        """A placed order (buy-now items), awaiting payment. A PICKUP / COURIER order is
        served from a store's shelf: the store given gets the items stocked first."""
        if method != DeliveryMethod.PICKUP and not await Address.exists(user_id=user.id):
            await self.address(user)
        if store is not None and method != DeliveryMethod.EXPRESS:
            for sku, q in items:
                await self.stock(store, sku, q)
        return await orders.create_order(
            state=self.state,
            user_id=user.id,
            request=CheckoutRequest(
                delivery_method=method,
                items=tuple(BuyItem(sku.id, q) for sku, q in items),
                store_id=store.id if store else None,
            ),
            idempotency_key=key or uuid.uuid4().hex,
        )

    async def pay(self, order: Order, *, provider: str = "sandbox") -> Order:
        payment = await payment_hook.open_payment(
            user_id=order.user_id, order_id=order.id, provider=provider
        )
        await payment_hook.record_payment_success(
            state=self.state,
            out_trade_no=payment.out_trade_no,
            provider_transaction_id=f"tx-{secrets.token_hex(8)}",
            amount=payment.amount,
        )
        return await Order.get(id=order.id)

    async def order_in(self, user: User, status: OrderStatus, sku: Sku, **kw: Any) -> Order:
        """An order brought to `status` through the real transitions."""
        from resolvers.orders.lifecycle import OrderAction

        method = {
            OrderStatus.OUT_FOR_DELIVERY: DeliveryMethod.COURIER,
            OrderStatus.READY_FOR_PICKUP: DeliveryMethod.PICKUP,
        }.get(status, kw.pop("method", DeliveryMethod.EXPRESS))
        store = kw.pop("store", None)
        if method != DeliveryMethod.EXPRESS and store is None:
            store = await self.store()
        order = await self.order(user, (sku, kw.pop("quantity", 1)), method=method, store=store)
        steps: dict[OrderStatus, list[str]] = {
            OrderStatus.PENDING_PAYMENT: [],
            OrderStatus.CANCELLED: ["cancel"],
            OrderStatus.CLOSED: ["close"],
            OrderStatus.PAID: ["pay"],
            OrderStatus.SHIPPED: ["pay", "ship"],
            OrderStatus.OUT_FOR_DELIVERY: ["pay", OrderAction.SEND_OUT],
            OrderStatus.READY_FOR_PICKUP: ["pay", OrderAction.MARK_READY],
            OrderStatus.DELIVERED: ["pay", "ship", OrderAction.DELIVER],
            OrderStatus.COMPLETED: ["pay", "ship", OrderAction.DELIVER, "confirm"],
            OrderStatus.REFUNDED: ["pay", "refund"],
        }
        staff = await User.get_or_none(username="shop-staff") or await User.create(
            username="shop-staff", role="STAFF"
        )
        for step in steps[status]:
            if step == "cancel":
                await orders.cancel_order(state=self.state, user_id=user.id, order_id=order.id)
            elif step == "close":
                from resolvers.orders import timers

                await Order.filter(id=order.id).update(payment_deadline=order.created_at)
                await timers.close_expired_orders(state=self.state)
            elif step == "pay":
                await self.pay(order)
            elif step == "ship":
                await orders.ship_orders(
                    state=self.state,
                    staff_id=staff.id,
                    shipments=[orders.ShipRequest(order.id, "SF", f"SF{secrets.token_hex(5)}")],
                )
            elif step == "confirm":
                await orders.confirm_receipt(state=self.state, user_id=user.id, order_id=order.id)
            elif step == "refund":
                await _refund_everything(self.state, order, staff)
            else:
                await orders.advance_order(
                    state=self.state, staff_id=staff.id, order_id=order.id, action=step
                )
        order = await Order.get(id=order.id)
        assert order.status == status
        return order


async def _refund_everything(state: AppState, order: Order, staff: User) -> None:
    from models import AfterSaleKind, RefundStatus
    from resolvers.orders import after_sales

    after_sale = await after_sales.request_after_sale(
        settings=state.settings,
        user_id=order.user_id,
        order_id=order.id,
        kind=AfterSaleKind.REFUND_ONLY,
        lines=None,
        reason="changed my mind",
        photos=[],
    )
    await after_sales.approve(staff_id=staff.id, after_sale_id=after_sale.id, amount=None)
    for refund in await payment_hook.claim_refunds():
        assert refund.status == RefundStatus.PROCESSING
        await payment_hook.record_refund_result(
            state=state, out_refund_no=refund.out_refund_no, succeeded=True
        )
