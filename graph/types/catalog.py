"""Catalog types: categories, products, SKUs and their spec matrix.

Products and SKUs wrap snapshots (resolvers/catalog/data.py) that come from the database
or the Redis cache alike; related data comes through per-request DataLoaders, so a page of
products costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from enum import Enum
from operator import attrgetter
from typing import ClassVar

import strawberry
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionSetNode,
)
from strawberry import relay

import models
from graph.context import Info
from graph.errors import UserError
from graph.permissions import IsStaff
from graph.relay import Connection, node_pks
from graph.scalars import DEFAULT_CURRENCY, Money
from resolvers.catalog.data import CategoryData, ProductData, ReviewData, SkuData
from resolvers.catalog.errors import CatalogErrorCode as _CatalogErrorCode
from resolvers.catalog.listing import COVER_IMAGE, ListedProduct
from resolvers.catalog.listing import ProductSort as _ProductSort
from resolvers.catalog.reviews import FIRST_PAGE as REVIEWS_FIRST_PAGE
from resolvers.catalog.reviews import author_name, check_review_page
from resolvers.catalog.validation import all_combinations, spec_key
from resolvers.core.times import utc_text

CatalogErrorCode = strawberry.enum(_CatalogErrorCode, name="CatalogErrorCode")
ProductStatus = strawberry.enum(
    models.ProductStatus,
    name="ProductStatus",
    description="Only ON_SHELF products are shown to shoppers.",
)
ProductSort = strawberry.enum(_ProductSort, name="ProductSort")


@strawberry.enum(description="How much is left, without the exact count.")
class StockLevel(Enum):
    IN_STOCK = "IN_STOCK"
    LOW = "LOW"
    OUT_OF_STOCK = "OUT_OF_STOCK"


def stock_level(stock: int, threshold: int) -> StockLevel:
    if stock <= 0:
        return StockLevel.OUT_OF_STOCK
    if stock <= threshold:
        return StockLevel.LOW
    return StockLevel.IN_STOCK


def _is_staff(info: Info) -> bool:
    claims = info.context.claims
    return claims is not None and claims.is_staff


@strawberry.type
class CatalogError(UserError):
    code: CatalogErrorCode


@strawberry.type(name="Category")
class Category(relay.Node):
    id: relay.NodeID[int]
    name: str
    icon_url: str
    sort_order: int
    is_active: bool
    _data: strawberry.Private[CategoryData]

    @classmethod
    def from_data(cls, data: CategoryData) -> Category:
        return cls(
            id=data.id,
            name=data.name,
            icon_url=data.icon_url,
            sort_order=data.sort_order,
            is_active=data.is_active,
            _data=data,
        )

    @classmethod
    def from_row(cls, row: models.Category) -> Category:
        return cls.from_data(CategoryData.from_model(row))

    @strawberry.field
    async def parent(self, info: Info) -> Category | None:
        if self._data.parent_id is None:
            return None
        row = await info.context.loaders.category_by_id.load(self._data.parent_id)
        return Category.from_row(row) if row is not None else None

    @strawberry.field(description="Subcategories in display order (none below the second level).")
    async def children(self, info: Info) -> list[Category]:
        if self._data.children is not None:
            return [Category.from_data(c) for c in self._data.children]
        rows = await info.context.loaders.category_children.load(self._data.id)
        staff = _is_staff(info)
        return [Category.from_row(r) for r in rows if staff or r.is_active]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Category | None]:
        rows = await info.context.loaders.category_by_id.load_many(node_pks(node_ids))
        staff = _is_staff(info)
        return [
            cls.from_row(row) if row is not None and (staff or row.is_active) else None
            for row in rows
        ]


@strawberry.type
class SpecGroup:
    name: str
    values: list[str]


@strawberry.type(description='One spec of a combination, e.g. {name: "Colour", value: "red"}.')
class SpecValue:
    name: str
    value: str


@strawberry.type
class PriceRange:
    min: Money
    max: Money


@strawberry.type
class RatingSummary:
    average: float = strawberry.field(description="0 when there are no reviews.")
    count: int


@strawberry.type(name="Sku")
class Sku(relay.Node):
    id: relay.NodeID[int]
    price: Money
    compare_at_price: Money | None = strawberry.field(
        description="The original price shown struck through; null when not on sale."
    )
    barcode: str | None
    weight_grams: int
    is_active: bool
    _data: strawberry.Private[SkuData]
    # The product's spec-group names, when known; JSONB does not keep key order.
    _order: strawberry.Private[list[str] | None] = None

    @classmethod
    def from_data(cls, data: SkuData, *, spec_order: list[str] | None = None) -> Sku:
        return cls(
            _order=spec_order,
            id=data.id,
            price=Money.of(data.price),
            compare_at_price=Money.of(data.compare_at_price)
            if data.compare_at_price is not None
            else None,
            barcode=data.barcode,
            weight_grams=data.weight_grams,
            is_active=data.is_active,
            _data=data,
        )

    @classmethod
    def from_row(cls, row: models.Sku) -> Sku:
        return cls.from_data(SkuData.from_model(row))

    async def _ordered(self, info: Info) -> list[tuple[str, str]]:
        order = self._order
        if order is None:
            product = await info.context.loaders.product_by_id.load(self._data.product_id)
            order = [str(g["name"]) for g in (product.spec_groups if product else [])]
        values = self._data.spec_values
        rank = {name: i for i, name in enumerate(order)}
        return sorted(values.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))

    @strawberry.field(description="The combination, in the product's spec-group order.")
    async def spec_values(self, info: Info) -> list[SpecValue]:
        return [SpecValue(name=n, value=val) for n, val in await self._ordered(info)]

    @strawberry.field(description='The combination as one label, e.g. "red / M".')
    async def title(self, info: Info) -> str:
        return " / ".join(val for _, val in await self._ordered(info))

    async def _stock(self, info: Info) -> int:
        if self._data.stock is not None:
            return self._data.stock
        levels = await info.context.loaders.sku_stock_by_product.load(self._data.product_id)
        return levels.get(self._data.id, 0)

    @strawberry.field
    async def in_stock(self, info: Info) -> bool:
        return self._data.is_active and await self._stock(info) > 0

    @strawberry.field
    async def stock_level(self, info: Info) -> StockLevel:
        if not self._data.is_active:
            return StockLevel.OUT_OF_STOCK
        return stock_level(await self._stock(info), self._data.low_stock_threshold)

    @strawberry.field(
        description="Exact count; staff only (shoppers get stockLevel).",
        permission_classes=[IsStaff],
    )
    async def stock(self, info: Info) -> int | None:
        return await self._stock(info)

    @strawberry.field(permission_classes=[IsStaff])
    def low_stock_threshold(self) -> int | None:
        return self._data.low_stock_threshold

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        row = await info.context.loaders.product_by_id.load(self._data.product_id)
        if row is None or not (_is_staff(info) or row.status == models.ProductStatus.ON_SHELF):
            return None
        return Product.from_row(row)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Sku | None]:
        loaders = info.context.loaders
        rows = await loaders.sku_by_id.load_many(node_pks(node_ids))
        products = await loaders.product_by_id.load_many([r.product_id if r else 0 for r in rows])
        staff = _is_staff(info)
        return [
            cls.from_row(row)
            if row is not None
            and product is not None
            and (staff or (row.is_active and product.status == models.ProductStatus.ON_SHELF))
            else None
            for row, product in zip(rows, products, strict=True)
        ]


@strawberry.type(description="One cell of the spec matrix: a combination and its SKU, if any.")
class SpecCombination:
    values: list[SpecValue]
    sku: Sku | None
    available: bool = strawberry.field(description="A SKU exists, is active and is in stock.")


@strawberry.type(name="Review", description="A buyer's review of what they bought.")
class Review(relay.Node):
    id: relay.NodeID[int]
    rating: int = strawberry.field(description="1 to 5 stars.")
    body: str = strawberry.field(description="Plain text: render it as text, never as HTML.")
    images: list[str]
    spec_text: str = strawberry.field(description='What was bought, e.g. "red / M".')
    author_name: str = strawberry.field(description="The reviewer's nickname, masked.")
    author_avatar_url: str
    is_hidden: bool = strawberry.field(
        description="Hidden by staff (only staff and the author see it)."
    )
    created_at: datetime
    _data: strawberry.Private[ReviewData]

    @classmethod
    def from_data(cls, data: ReviewData) -> Review:
        return cls(
            id=data.id,
            rating=data.rating,
            body=data.body,
            images=data.images,
            spec_text=data.spec_text,
            author_name=author_name(data.author_nickname),
            author_avatar_url=data.author_avatar_url,
            is_hidden=data.is_hidden,
            created_at=data.created_at,
            _data=data,
        )

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        (product,) = await Product.resolve_nodes(info=info, node_ids=[str(self._data.product_id)])
        return product

    @staticmethod
    def visible_to(info: Info, data: ReviewData) -> bool:
        claims = info.context.claims
        return not data.is_hidden or (
            claims is not None and (claims.is_staff or claims.user_id == data.user_id)
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Review | None]:
        rows = await info.context.loaders.review_by_id.load_many(node_pks(node_ids))
        return [
            cls.from_data(row) if row is not None and cls.visible_to(info, row) else None
            for row in rows
        ]


@strawberry.type(name="Product")
class Product(relay.Node):
    id: relay.NodeID[int]
    title: str
    subtitle: str
    images: list[str] = strawberry.field(description="Image URLs in display order.")
    cover_image: str | None = strawberry.field(description="The first image.")
    status: ProductStatus
    price: Money = strawberry.field(description="The lowest price of its active SKUs.")
    price_range: PriceRange
    rating: RatingSummary
    sales_count: int
    published_at: datetime | None
    created_at: datetime
    _data: strawberry.Private[ProductData | ListedProduct]

    # A listing writes a creation time per product: the snapshot keeps its API text ready
    # (from the database, for a listing row), which the short path takes as it is
    # (graph/execution.py OUTPUT_TEXTS). `created_at_text` is always `utc_text(created_at)`.
    __graphql_output_texts__: ClassVar[dict[str, str]] = {"created_at": "created_at_text"}

    @property
    def created_at_text(self) -> str:
        return utc_text(self.created_at)

    @classmethod
    def from_data(cls, data: ProductData | ListedProduct) -> Product:
        return _ProductView(data)

    @classmethod
    def from_data_many(cls, rows: Iterable[ProductData | ListedProduct]) -> list[Product]:
        """`from_data` of each row, without a Python call per row (a listing page)."""
        views: list[Product] = []
        for data in rows:
            view = _new(_ProductView)
            view._data = data
            views.append(view)
        return views

    @classmethod
    def from_row(cls, row: models.Product) -> Product:
        return cls.from_data(ProductData.from_model(row))

    @strawberry.field(description="Sanitised HTML: no script, style or event handler survives.")
    async def description_html(self, info: Info) -> str:
        if self._data.description_html is not None:
            return self._data.description_html
        return await info.context.loaders.product_description.load(self._data.id) or ""

    @strawberry.field
    def spec_groups(self) -> list[SpecGroup]:
        return [
            SpecGroup(name=str(g["name"]), values=list(g["values"]))  # type: ignore[call-overload]
            for g in self._data.spec_groups
        ]

    def _spec_order(self) -> list[str]:
        return [str(g["name"]) for g in self._data.spec_groups]

    async def _skus(self, info: Info) -> list[SkuData]:
        if self._data.skus is not None:
            return self._data.skus
        return await info.context.loaders.skus_by_product.load(self._data.id)

    @strawberry.field(description="Its SKUs; inactive ones only for staff who ask.")
    async def skus(self, info: Info, include_inactive: bool = False) -> list[Sku]:
        show_all = include_inactive and _is_staff(info)
        order = self._spec_order()
        return [
            Sku.from_data(s, spec_order=order)
            for s in await self._skus(info)
            if show_all or s.is_active
        ]

    @strawberry.field(
        description="Every combination of the spec groups with its SKU, so a client can grey "
        "out what cannot be bought."
    )
    async def spec_matrix(self, info: Info) -> list[SpecCombination]:
        order = self._spec_order()
        active = {
            spec_key(s.spec_values): Sku.from_data(s, spec_order=order)
            for s in await self._skus(info)
            if s.is_active
        }
        cells: list[SpecCombination] = []
        for combo in all_combinations(self._data.spec_groups):
            sku = active.get(spec_key(combo))
            cells.append(
                SpecCombination(
                    values=[SpecValue(name=n, value=val) for n, val in combo.items()],
                    sku=sku,
                    available=sku is not None and await sku.in_stock(info),
                )
            )
        return cells

    @strawberry.field(description="Whether any active SKU is in stock.")
    async def in_stock(self, info: Info) -> bool:
        for sku in await self._skus(info):
            if sku.is_active and await Sku.from_data(sku).in_stock(info):
                return True
        return False

    @strawberry.field
    async def category(self, info: Info) -> Category | None:
        row = await info.context.loaders.category_by_id.load(self._data.category_id)
        return Category.from_row(row) if row is not None else None

    @strawberry.field(description="Whether the logged-in shopper saved it; false for visitors.")
    async def is_favorite(self, info: Info) -> bool:
        claims = info.context.claims
        if claims is None:
            return False
        return await info.context.loaders.favorite_flag.load((claims.user_id, self._data.id))

    @strawberry.field(description="Its reviews, newest first; hidden ones only for staff who ask.")
    async def reviews(
        self,
        info: Info,
        first: int | None = REVIEWS_FIRST_PAGE,
        after: str | None = None,
        include_hidden: bool = False,
    ) -> Connection[Review]:
        check_review_page(first, after)  # a bad page request fails this field alone
        size = REVIEWS_FIRST_PAGE if first is None else first
        hidden_too = include_hidden and _is_staff(info)
        page = await info.context.loaders.review_pages.load(
            (self._data.id, size, after or None, hidden_too)
        )
        return Connection.from_page(page, Review.from_data)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Product | None]:
        rows = await info.context.loaders.product_by_id.load_many(node_pks(node_ids))
        staff = _is_staff(info)
        return [
            cls.from_row(row)
            if row is not None and (staff or row.status == models.ProductStatus.ON_SHELF)
            else None
            for row in rows
        ]


class _ProductView(Product):
    """What every `Product` is: its attribute fields computed from the snapshot when they
    are read. A listing resolves these fields for every product of a page, and as plain
    attributes (not resolver methods) they take the executor's short path
    (graph/execution.py); as properties, a page pays only for the fields its query selects,
    not for all of them on every product, and a listing row converts only those columns
    (resolvers/catalog/listing.py `ListedProduct`). Fields that are a snapshot attribute as
    it is are read through `attrgetter`, in C. Slotted: no attribute dict per product."""

    __slots__ = ("_data",)

    def __init__(self, data: ProductData | ListedProduct) -> None:
        self._data = data

    id = property(attrgetter("_data.id"))
    title = property(attrgetter("_data.title"))
    subtitle = property(attrgetter("_data.subtitle"))
    images = property(attrgetter("_data.images"))
    status = property(attrgetter("_data.status"))
    sales_count = property(attrgetter("_data.sales_count"))
    published_at = property(attrgetter("_data.published_at"))
    created_at = property(attrgetter("_data.created_at"))

    cover_image = property(attrgetter("_data.cover_image"))
    created_at_text = property(attrgetter("_data.created_at_text"))  # type: ignore[assignment]

    # A listing builds these for every product it shows: as `Money.of_decimal_text` and
    # the dataclasses' own __init__ would, but without their Python calls (`_new`, then
    # the fields), which cost more than anything else a product's fields do.

    @property
    def price(self) -> Money:  # type: ignore[override]
        return _money(self._data.min_price_text)

    @property
    def price_range(self) -> PriceRange:  # type: ignore[override]
        data = self._data
        prices = _new(PriceRange)
        prices.min = _money(data.min_price_text)
        prices.max = _money(data.max_price_text)
        return prices

    @property
    def rating(self) -> RatingSummary:  # type: ignore[override]
        data = self._data
        rating = _new(RatingSummary)
        # float(text) is float(Decimal(text)): the same nearest double.
        rating.average = float(data.rating_avg_text)
        rating.count = data.rating_count
        return rating


_new = object.__new__


def _money(text: str) -> Money:
    """`Money.of_decimal_text(text)` (of the default currency)."""
    if text[-3:-2] != ".":
        return Money.of_decimal_text(text)
    money = _new(Money)
    money.amount = text
    money.currency = DEFAULT_CURRENCY
    return money


# The snapshot attributes (product columns) each Product field reads: a listing loads only
# those of the fields its query selects. A field missing here (a new one) makes a listing
# that selects it load every column; name what it reads to spare them.
PRODUCT_FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "__typename": (),
    "id": ("id",),
    "title": ("title",),
    "subtitle": ("subtitle",),
    "images": ("images",),
    "coverImage": (COVER_IMAGE,),
    "status": ("status",),
    "price": ("min_price",),
    "priceRange": ("min_price", "max_price"),
    "rating": ("rating_avg", "rating_count"),
    "salesCount": ("sales_count",),
    "publishedAt": ("published_at",),
    "createdAt": ("created_at",),
    "descriptionHtml": ("id",),
    "specGroups": ("spec_groups",),
    "skus": ("id", "spec_groups"),
    "specMatrix": ("id", "spec_groups"),
    "inStock": ("id",),
    "category": ("category_id",),
    "isFavorite": ("id",),
    "reviews": ("id",),
}
# Connection and edge fields that read no product column.
_CONNECTION_ONLY = frozenset({"__typename", "pageInfo", "cursor"})


def _fields(
    selection_set: SelectionSetNode | None, info: GraphQLResolveInfo
) -> Iterator[FieldNode]:
    """The fields of a selection, fragments included (whatever their directives: reading
    more columns than needed is harmless)."""
    for selection in selection_set.selections if selection_set is not None else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, info)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            yield from _fields(fragment.selection_set if fragment else None, info)


def _connection_columns(info: GraphQLResolveInfo) -> frozenset[str] | None:
    products: list[FieldNode] = []  # `edges { node }` and `nodes`
    for connection in info.field_nodes:
        for field in _fields(connection.selection_set, info):
            name = field.name.value
            if name == "nodes":
                products.append(field)
            elif name == "edges":
                for edge_field in _fields(field.selection_set, info):
                    if edge_field.name.value == "node":
                        products.append(edge_field)
                    elif edge_field.name.value not in _CONNECTION_ONLY:
                        return None
            elif name not in _CONNECTION_ONLY:
                return None
    columns: set[str] = set()
    for product in products:
        for field in _fields(product.selection_set, info):
            read = PRODUCT_FIELD_COLUMNS.get(field.name.value)
            if read is None:
                return None
            columns.update(read)
    return frozenset(columns)


# Documents are parsed once per text (graph/schema.py), so a connection field's nodes recur:
# its answer is kept by node identity (the nodes kept too, so an id is never reused).
_COLUMNS_BY_NODES: dict[tuple[int, ...], tuple[list[FieldNode], frozenset[str] | None]] = {}
_COLUMNS_KEPT = 1024


def listing_columns(info: Info) -> frozenset[str] | None:
    """The product columns a products connection's selection reads, None when unknown."""
    raw = info._raw_info  # Strawberry's Info keeps graphql-core's, with the field nodes
    nodes = raw.field_nodes
    key = tuple(id(n) for n in nodes)
    kept = _COLUMNS_BY_NODES.get(key)
    if kept is not None and all(a is b for a, b in zip(kept[0], nodes, strict=True)):
        return kept[1]
    columns = _connection_columns(raw)
    if len(_COLUMNS_BY_NODES) >= _COLUMNS_KEPT:
        _COLUMNS_BY_NODES.clear()
    _COLUMNS_BY_NODES[key] = (list(nodes), columns)
    return columns


ProductConnection = Connection[Product]
SkuConnection = Connection[Sku]
ReviewConnection = Connection[Review]


@strawberry.type
class CategoryPayload:
    category: Category | None = None
    errors: list[CatalogError] = strawberry.field(default_factory=list)


@strawberry.type
class ProductPayload:
    product: Product | None = None
    errors: list[CatalogError] = strawberry.field(default_factory=list)


@strawberry.type
class SkuPayload:
    sku: Sku | None = None
    errors: list[CatalogError] = strawberry.field(default_factory=list)


@strawberry.type
class SkuPricesUpdatePayload:
    skus: list[Sku] = strawberry.field(default_factory=list)
    errors: list[CatalogError] = strawberry.field(default_factory=list)


@strawberry.type
class FavoritePayload:
    product: Product | None = None
    is_favorite: bool = False
    errors: list[CatalogError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewPayload:
    review: Review | None = None
    errors: list[CatalogError] = strawberry.field(default_factory=list)
