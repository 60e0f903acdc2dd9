"""Campaign types: flash sales and the reservations shoppers hold in them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import strawberry
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.relay import Connection, node_pks
from graph.scalars import Money
from graph.types.catalog import Sku
from graph.types.orders import Order
from resolvers.campaigns import service
from resolvers.campaigns.errors import FlashSaleErrorCode as _FlashSaleErrorCode
from resolvers.campaigns.reconcile import Report

FlashSaleErrorCode = strawberry.enum(_FlashSaleErrorCode, name="FlashSaleErrorCode")
FlashSaleStatus = strawberry.enum(
    models.FlashSaleStatus,
    name="FlashSaleStatus",
    description="Staff-side status; shoppers see PUBLISHED sales (and past ones by ID).",
)
FlashSalePhase = strawberry.enum(
    service.Phase, name="FlashSalePhase", description="Where a sale stands by the server's clock."
)
FlashSaleReservationStatus = strawberry.enum(
    models.ReservationStatus, name="FlashSaleReservationStatus"
)


NOT_LOADED = object()


def _is_staff(info: Info) -> bool:
    claims = info.context.claims
    return claims is not None and claims.is_staff


@strawberry.type(name="FlashSale")
class FlashSale(relay.Node):
    id: relay.NodeID[int]
    title: str
    price: Money = strawberry.field(description="The flash price.")
    quantity: int = strawberry.field(description="Units offered in the sale.")
    per_user_limit: int = strawberry.field(description="Most units one shopper may hold.")
    starts_at: datetime
    ends_at: datetime
    status: FlashSaleStatus
    version: int = strawberry.field(description="Bumped by every staff change.")
    _row: strawberry.Private[models.FlashSale]
    # Units left when the caller already read them with others (lists); else read on demand.
    _remaining: strawberry.Private[int | object | None] = NOT_LOADED
    _now: strawberry.Private[datetime | None] = None

    @classmethod
    def from_row(
        cls,
        row: models.FlashSale,
        *,
        remaining: int | object | None = NOT_LOADED,
        now: datetime | None = None,
    ) -> FlashSale:
        return cls(
            id=row.id,
            title=row.title,
            price=Money.of(row.price),
            quantity=row.quantity,
            per_user_limit=row.per_user_limit,
            starts_at=row.starts_at,
            ends_at=row.ends_at,
            status=row.status,
            version=row.version,
            _row=row,
            _remaining=remaining,
            _now=now,
        )

    @strawberry.field(description="The SKU on sale (a `Sku` global ID).")
    def sku_id(self) -> relay.GlobalID:
        return relay.GlobalID("Sku", str(self._row.sku_id))

    @strawberry.field(description="The SKU on sale, with its regular price.")
    async def sku(self, info: Info) -> Sku | None:
        row = await info.context.loaders.sku_by_id.load(self._row.sku_id)
        return Sku.from_row(row) if row is not None else None

    @strawberry.field(
        description="Units left to buy right now: a hint that changes every instant; "
        "null when unknown (not published yet, or being restored)."
    )
    async def remaining(self, info: Info) -> int | None:
        if self._row.settled_at is not None:
            return 0
        if self._remaining is NOT_LOADED:
            left = await service.remaining_units(state=info.context.state, sale_ids=[self._row.id])
            return left.get(self._row.id)
        return self._remaining  # type: ignore[return-value]

    @strawberry.field(description="UPCOMING, LIVE or ENDED by the server's clock.")
    def phase(self) -> FlashSalePhase:
        return service.phase_of(self._row, self._now or datetime.now(UTC))

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FlashSale | None]:
        rows = await info.context.loaders.flash_sale_by_id.load_many(node_pks(node_ids))
        # Drafts are the staff's business; to a shopper they look exactly like missing ones.
        staff = _is_staff(info)
        visible = [
            row
            if row is not None and (staff or row.status != models.FlashSaleStatus.DRAFT)
            else None
            for row in rows
        ]
        ids = [row.id for row in visible if row is not None]
        remaining = await service.remaining_units(state=info.context.state, sale_ids=ids)
        return [
            cls.from_row(row, remaining=remaining.get(row.id)) if row is not None else None
            for row in visible
        ]


@strawberry.type
class FlashSaleConnection(Connection[FlashSale]):
    server_time: datetime = strawberry.field(
        description="The server's clock now, for countdowns (the clock purchases obey)."
    )


@strawberry.type(name="FlashSaleReservation")
class FlashSaleReservation(relay.Node):
    id: relay.NodeID[int]
    token: str = strawberry.field(
        description="Identifies the reservation; also the idempotency key of its order."
    )
    quantity: int
    unit_price: Money
    status: FlashSaleReservationStatus
    expires_at: datetime = strawberry.field(description="Unpaid after this, the units go back.")
    created_at: datetime
    _row: strawberry.Private[models.FlashSaleReservation | service.Reservation]

    @classmethod
    def from_row(
        cls, row: models.FlashSaleReservation | service.Reservation
    ) -> FlashSaleReservation:
        return cls(
            id=row.id,
            token=row.token,
            quantity=row.quantity,
            unit_price=Money.of(row.unit_price),
            status=row.status,
            expires_at=row.expires_at,
            created_at=row.created_at,
            _row=row,
        )

    @strawberry.field
    def total(self) -> Money:
        return Money.of(self._row.unit_price * self._row.quantity)

    @strawberry.field
    async def sale(self, info: Info) -> FlashSale:
        row = await info.context.loaders.flash_sale_by_id.load(self._row.sale_id)
        return FlashSale.from_row(row)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FlashSaleReservation | None]:
        claims = info.context.claims
        ids = node_pks(node_ids)
        if claims is None:
            return [None] * len(ids)
        rows = await info.context.loaders.flash_sale_reservation_by_id.load_many(ids)
        # Another shopper's reservation looks exactly like a missing one.
        return [
            cls.from_row(row)
            if row is not None and (claims.is_staff or row.user_id == claims.user_id)
            else None
            for row in rows
        ]


@strawberry.type
class FlashSaleError(UserError):
    code: FlashSaleErrorCode
    retry_after: float | None = strawberry.field(
        default=None,
        description="Seconds to wait before trying again (RATE_LIMITED, NOT_STARTED, PAUSED).",
    )


@strawberry.type
class FlashSalePayload:
    flash_sale: FlashSale | None = None
    errors: list[FlashSaleError] = strawberry.field(default_factory=list)

    @classmethod
    def success(cls, row: models.FlashSale) -> FlashSalePayload:
        return cls(flash_sale=FlashSale.from_row(row))


@strawberry.type
class FlashSaleCreatePayload(FlashSalePayload):
    pass


@strawberry.type
class FlashSaleUpdatePayload(FlashSalePayload):
    pass


@strawberry.type
class FlashSalePublishPayload(FlashSalePayload):
    pass


@strawberry.type
class FlashSaleCancelPayload(FlashSalePayload):
    pass


@strawberry.type
class FlashSalePurchasePayload:
    reservation: FlashSaleReservation | None = None
    order: Order | None = strawberry.field(
        default=None, description="The order to pay, at the flash price, due by `expiresAt`."
    )
    errors: list[FlashSaleError] = strawberry.field(default_factory=list)


# --- the invariant report (staff) -------------------------------------------------------------


@strawberry.type(description="PostgreSQL's side of a sale: the truth.")
class FlashSaleLedger:
    epoch: int
    free: int
    reserved: int
    sold: int
    returned: int


@strawberry.type(description="Redis's side of a sale: the gate.")
class FlashSaleRedisState:
    present: bool
    epoch: int | None
    stock: int
    reserved: int
    sold: int
    returned: int


@strawberry.type(
    description="stock + reserved + sold + returned == offered in both stores, and they agree."
)
class FlashSaleInvariant:
    offered: int
    checked_at: datetime
    holds: bool
    problems: list[str]
    repairs: list[str] = strawberry.field(description="What the reconciler just did.")
    in_flight: int = strawberry.field(
        description="Units Redis granted that PostgreSQL has not recorded yet (normal "
        "during purchases; older ones are given back by the reconciler)."
    )
    postgres: FlashSaleLedger
    redis: FlashSaleRedisState
    _sale_id: strawberry.Private[int]

    @strawberry.field
    async def flash_sale(self, info: Info) -> FlashSale | None:
        row = await info.context.loaders.flash_sale_by_id.load(self._sale_id)
        return FlashSale.from_row(row) if row is not None else None

    @classmethod
    def from_report(cls, report: Report) -> FlashSaleInvariant:
        return cls(
            offered=report.offered,
            checked_at=report.checked_at,
            holds=report.holds,
            problems=report.problems,
            repairs=report.repairs,
            in_flight=report.in_flight,
            postgres=FlashSaleLedger(
                epoch=report.pg_epoch,
                free=report.pg_free,
                reserved=report.pg_reserved,
                sold=report.pg_sold,
                returned=report.pg_returned,
            ),
            redis=FlashSaleRedisState(
                present=report.redis_present,
                epoch=report.redis_epoch,
                stock=report.redis_stock,
                reserved=report.redis_reserved,
                sold=report.redis_sold,
                returned=report.redis_returned,
            ),
            _sale_id=report.sale_id,
        )


@strawberry.type
class FlashSaleReconcilePayload:
    invariant: FlashSaleInvariant | None = None
    errors: list[FlashSaleError] = strawberry.field(default_factory=list)
