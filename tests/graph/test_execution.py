"""The executor's short path answers exactly what graphql-core's standard path answers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum
from typing import ClassVar

import pytest
import strawberry
from starlette.requests import Request
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.execution import READER, LeafShortcutExecutor, plan_fields
from graph.scalars import SCALAR_OVERRIDES
from graph.schema import build_schema
from models import OrderStatus
from resolvers.core.times import utc_text
from tests.support.catalog import cache_of, make_category, make_product, make_reviews

# --- a small schema with every awkward case ------------------------------------------------------


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Price:
    amount: str
    currency: str


@strawberry.type
class Lookalike:
    """Not a Price, but has its attributes: graphql-core completes it anyway."""

    amount: str
    currency: str


@strawberry.type
class Item(relay.Node):
    id: relay.NodeID[int]
    name: str
    nickname: str | None
    colour: Colour
    count: int
    score: float
    active: bool
    tags: list[str]
    maybe_tags: list[str | None]
    at: datetime
    price: Price
    prices: list[Price]
    maybe_price: Price | None

    @strawberry.field
    def computed(self) -> str:
        return self.name.upper()

    @classmethod
    def resolve_nodes(cls, *, info, node_ids: Iterable[str], required: bool = False):
        return [None for _ in node_ids]


@strawberry.type
class Branch:
    name: str
    children: list[Branch]
    parent: Branch | None


def _tree(depth: int, parent: Branch | None = None) -> Branch:
    branch = Branch(name=f"b{depth}", children=[], parent=parent)
    if depth:
        branch.children = [_tree(depth - 1, branch), _tree(depth - 1, branch)]
    return branch


TEXTS_READ: list[datetime] = []


@strawberry.type
class Stamp:
    """Keeps its time's API text ready (graph/execution.py OUTPUT_TEXTS)."""

    at: datetime
    __graphql_output_texts__: ClassVar[dict[str, str]] = {"at": "at_text"}

    @property
    def at_text(self) -> object:
        TEXTS_READ.append(self.at)
        return utc_text(self.at)


class _OddStamp(Stamp):
    @property
    def at_text(self) -> object:
        return 5  # not a text: the standard path writes the value instead


def _item(**changes) -> Item:
    values = {
        "id": 7,
        "name": "tee",
        "nickname": None,
        "colour": Colour.RED,
        "count": 3,
        "score": 4.5,
        "active": True,
        "tags": ["a", "b"],
        "maybe_tags": ["a", None],
        "at": datetime(2026, 11, 23, 8, 0, tzinfo=UTC),
        "price": Price(amount="9.90", currency="CNY"),
        "prices": [Price(amount="1.00", currency="CNY")],
        "maybe_price": None,
    }
    values.update(changes)
    return Item(**values)


@strawberry.type
class Query:
    @strawberry.field
    def good(self) -> list[Item]:
        return [_item(), _item(id=8, nickname="t", maybe_price=Price(amount="2", currency="X"))]

    @strawberry.field
    def null_name(self) -> list[Item | None]:
        return [_item(), _item(name=None)]  # a null in a non-null field

    @strawberry.field
    def bad_count(self) -> Item | None:
        return _item(count="many")  # cannot be an Int

    @strawberry.field
    def null_tag(self) -> Item | None:
        return _item(tags=["a", None])

    @strawberry.field
    def lookalike(self) -> Item:
        return _item(price=Lookalike(amount="1", currency="Y"))

    @strawberry.field
    def not_a_list(self) -> Item | None:
        return _item(tags="abc")

    @strawberry.field
    def stamps(self) -> list[Stamp]:
        return [
            Stamp(at=datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
            Stamp(at=datetime(2026, 11, 23, 16, 0, 0, 5, tzinfo=timezone(timedelta(hours=8)))),
        ]

    @strawberry.field
    def odd_stamps(self) -> list[Stamp]:
        return [
            Stamp(at=datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),
            _OddStamp(at=datetime(2026, 1, 1)),
        ]

    @strawberry.field
    def tree(self) -> Branch:
        return _tree(11)

    @strawberry.field
    def odd_leaves(self) -> list[Item | None]:
        # Values the built-in scalars convert or refuse: never to be taken as they are.
        return [
            _item(name=5, count=True, score=3, active=1),
            _item(count=2**31),
            _item(count=2.0),
            _item(score=float("inf")),
            _item(score=float("nan")),
            _item(at=datetime(2026, 11, 23, 16, 0, tzinfo=timezone(timedelta(hours=8)))),
            _item(at=datetime(2026, 11, 23, 8, 0)),
        ]


def _schemas() -> tuple[strawberry.Schema, strawberry.Schema]:
    def make(executor):
        return strawberry.Schema(
            query=Query, scalar_overrides=SCALAR_OVERRIDES, execution_context_class=executor
        )

    fast = make(LeafShortcutExecutor)
    assert plan_fields(fast._schema) == 14  # Item: 10 plain fields, Price: 2, Branch, Stamp
    return fast, make(StrawberryGraphQLCoreExecutionContext)


ALL = "id name nickname colour count score active tags maybeTags at computed __typename"
DOCUMENTS = [
    f"{{ good {{ {ALL} price {{ amount currency }} prices {{ amount }} maybePrice {{ amount }} }} }}",
    "{ good { a: name b: count price { c: amount } } }",
    "{ good { name name } }",
    "query ($x: Boolean!) { good { name count @include(if: $x) } }",
    "{ good { ...F price { ... on Price { amount } } } } fragment F on Item { name colour }",
    "{ nullName { name count } }",
    "{ badCount { name count } }",
    "{ nullTag { name tags } }",
    "{ lookalike { name price { amount currency } } }",
    "{ notAList { name tags } }",
    "{ oddLeaves { name count score active at } }",
    "{ stamps { at } }",
    "{ oddStamps { at } }",
    # deeper than the compiler writes inline (a function per object beyond that)
    "{ tree { name " + "children { name " * 11 + "}" * 11 + " } }",
    "{ tree { " + "children { " * 11 + "name " + "parent { " * 12 + "name" + " }" * 23 + " } }",
]


def _outcome(result) -> tuple:
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    return result.data, errors


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_the_short_path_answers_like_the_standard_one(document):
    fast, standard = _schemas()
    variables = {"x": False}

    fast_result = await fast.execute(document, variable_values=variables)
    standard_result = await standard.execute(document, variable_values=variables)

    assert _outcome(fast_result) == _outcome(standard_result)


async def test_only_resolvers_and_the_unusual_take_the_standard_path(monkeypatch):
    fast, _ = _schemas()
    standard_calls: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_field

    def counting(self, parent_type, source, details, path, position_context):
        standard_calls.append(f"{parent_type.name}.{details[0].node.name.value}")
        return original(self, parent_type, source, details, path, position_context)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counting)

    await fast.execute(DOCUMENTS[0])
    plain = list(standard_calls)
    standard_calls.clear()
    await fast.execute("{ nullName { name count } }")

    # `good` and `computed` have resolvers; everything else was read directly
    assert plain == ["Query.good", "Item.computed", "Item.computed"]
    # the null name gave up the short path for that field, which the standard path reported
    assert standard_calls == ["Query.nullName", "Item.name"]
    standard_calls.clear()
    for document in DOCUMENTS[-2:]:
        await fast.execute(document)
    # however deep, a plain selection is read in one go
    assert standard_calls == ["Query.tree", "Query.tree"]
    standard_calls.clear()
    TEXTS_READ.clear()
    result = await fast.execute("{ stamps { at } }")
    # the texts the class keeps were taken as they are
    assert result.data == {
        "stamps": [{"at": "2026-11-23T08:00:00Z"}, {"at": "2026-11-23T08:00:00.000005Z"}]
    }
    assert len(TEXTS_READ) == 2 and standard_calls == ["Query.stamps"]


def test_plain_fields_get_readers_and_resolvers_do_not():
    fast, _ = _schemas()
    item = fast._schema.type_map["Item"]

    with_reader = {name for name, f in item.fields.items() if READER in (f.extensions or {})}

    assert with_reader == {
        "id", "name", "nickname", "colour", "count", "score", "active", "tags", "maybeTags", "at"
    }  # fmt: skip


# --- the real schema on real data ----------------------------------------------------------------

LISTING = """
{ products(first: 10, sort: NEWEST) {
    edges { cursor node {
      __typename id title subtitle images coverImage status salesCount publishedAt createdAt
      price { amount currency } priceRange { min { amount } max { amount } }
      rating { average count } category { id name } isFavorite inStock
      skus { id title price { amount } stockLevel specValues { name value } }
    } }
    nodes { id title }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
} }
"""
PRODUCT = """
query ($id: ID!) { product(id: $id) {
  id title descriptionHtml specGroups { name values }
  specMatrix { values { name value } available sku { id } }
  reviews(first: 3) { edges { cursor node { id rating body images specText authorName createdAt } } }
} }
"""
ORDERS = """
{ myOrders(first: 5) { edges { node {
  id number status total { amount currency } createdAt
  lines { id title specText quantity unitPrice { amount } review { id rating } product { id title } }
} } } }
"""


def _context(state, claims=None) -> Context:
    request = Request({"type": "http", "headers": [], "client": ("127.0.0.1", 1)})
    return Context(request=request, response=None, state=state, claims=claims)


async def test_the_real_schema_answers_the_same_either_way(
    state, settings, shop, customer, make_user
):
    from resolvers.accounts.tokens import AccessClaims

    cache = cache_of(state)
    coats = await make_category("Coats")
    for i in range(3):
        product = await make_product(
            cache, category=coats, title=f"Coat {i}", colours=["red", "blue"], sizes=["S"]
        )
    sku_id = (await shop.sku()).id
    await shop.order_in(customer, OrderStatus.COMPLETED, await shop.sku())
    await make_reviews(cache, await make_user(), sku_id, [5, 3])
    fast = build_schema(settings)
    standard = build_schema(settings)
    standard.execution_context_class = StrawberryGraphQLCoreExecutionContext
    claims = AccessClaims(
        user_id=customer.id,
        role=customer.role,
        jti="t",
        expires_at=datetime.now(UTC) + timedelta(minutes=15),
    )
    product_id = str(relay.GlobalID("Product", str(product.id)))
    sku_product = str(relay.GlobalID("Product", str((await shop.sku()).product_id)))

    for document, variables in (
        (LISTING, None),
        (PRODUCT, {"id": product_id}),
        (PRODUCT, {"id": sku_product}),
        (ORDERS, None),
    ):
        answers = []
        for schema in (fast, standard):
            result = await schema.execute_http(
                document,
                variable_values=variables,
                context_value=_context(state, claims),
                operation_name=None,
                allowed_operation_types={OperationType.QUERY},
            )
            assert not result.errors, result.errors
            answers.append(result.data)
        assert answers[0] == answers[1]
        assert answers[0] is not None


async def test_a_listing_page_is_read_without_the_standard_path(state, settings, monkeypatch):
    cache = cache_of(state)
    coats = await make_category("Coats")
    for i in range(3):
        await make_product(cache, category=coats, title=f"Coat {i}")
    standard_calls: list[str] = []
    original = StrawberryGraphQLCoreExecutionContext.execute_field

    def counting(self, parent_type, source, details, path, position_context):
        standard_calls.append(f"{parent_type.name}.{details[0].node.name.value}")
        return original(self, parent_type, source, details, path, position_context)

    monkeypatch.setattr(StrawberryGraphQLCoreExecutionContext, "execute_field", counting)
    result = await build_schema(settings).execute_http(
        "{ products(first: 5) { edges { cursor node { id title coverImage salesCount createdAt "
        "price { amount currency } rating { average } } } pageInfo { hasNextPage } } }",
        variable_values=None,
        context_value=_context(state),
        operation_name=None,
        allowed_operation_types={OperationType.QUERY},
    )

    assert len(result.data["products"]["edges"]) == 3
    # the one root field runs without the executor (graph/root_field.py), the page is read
    assert standard_calls == []
