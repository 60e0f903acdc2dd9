"""Compiled input handling gives exactly what Strawberry and graphql-core give.

graph/arguments.py converts arguments the way Strawberry's `convert_argument` does, and
graph/variables.py coerces variables the way graphql-core's `get_variable_values` does;
the single-root-field path (graph/root_field.py) uses both, and a permission class still
runs through Strawberry's own extension."""

from __future__ import annotations

from enum import Enum

import pytest
import strawberry
from graphql import get_variable_values, parse
from strawberry import relay
from strawberry.relay.types import InvalidGlobalIDError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.arguments import convert_argument
from strawberry.types.maybe import Maybe

from graph.arguments import converter
from graph.execution import LeafShortcutExecutor
from graph.permissions import IsAuthenticated, IsStaff
from graph.root_field import RootFieldPlans
from graph.schema import MicrostoreSchema
from graph.variables import variables_coercer
from models import Role
from resolvers.core.errors import Unauthenticated
from tests.support.short_path import run, schema_with

CALLS: list[str] = []


@strawberry.enum
class Speed(Enum):
    SLOW = "slow"
    FAST = "fast"


@strawberry.input
class Item:
    sku_id: strawberry.ID
    quantity: int = 1


@strawberry.input
class Order:
    key: str
    speed: Speed = Speed.SLOW
    items: list[Item] | None = None
    line_ids: list[strawberry.ID] | None = None
    owner: relay.GlobalID | None = None
    owners: list[relay.GlobalID] | None = None
    note: str = ""
    tags: list[str] = strawberry.field(default_factory=list)
    maybe_count: int | None = None


@strawberry.input
class Other(Order):
    extra: float | None = None


@strawberry.input
class WithMaybe:
    value: Maybe[int | None]


@strawberry.type
class Answer:
    text: str


def _describe(order: Order | None) -> str:
    return repr(order)


@strawberry.type
class Query:
    @strawberry.field
    async def ping(self) -> Answer:
        return Answer(text="pong")


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def place(
        self, info: strawberry.Info, order: Order, other: Other | None = None
    ) -> Answer:
        CALLS.append("place")
        return Answer(text=f"{_describe(order)} {_describe(other)} {info.field_name}")

    @strawberry.mutation(permission_classes=[IsStaff])
    async def staff_only(self, order: Order) -> Answer:
        CALLS.append("staff_only")
        return Answer(text=_describe(order))

    @strawberry.mutation
    async def open_place(self, order: Order) -> Answer:
        CALLS.append("open_place")
        return Answer(text=_describe(order))

    @strawberry.mutation
    async def maybe(self, input: WithMaybe) -> Answer:
        CALLS.append("maybe")
        return Answer(text=repr(input))


class _Claims:
    def __init__(self, role: Role) -> None:
        self.role = role
        self.user_id = 1


class _Context:
    state = None

    def __init__(self, role: Role | None) -> None:
        self.role = role

    def require_user(self) -> _Claims:
        if self.role is None:
            raise Unauthenticated("Log in first")
        return _Claims(self.role)


def _schema(executor: type) -> MicrostoreSchema:
    return schema_with(Query, Mutation, executor)


async def _run(schema: MicrostoreSchema, document: str, variables: dict | None, role) -> tuple:
    return await run(schema, document, variables, _Context(role))


SKU = str(relay.GlobalID("Sku", "7"))
PLACE = "mutation ($o: Order!, $x: Other) { place(order: $o, other: $x) { text } }"
CASES = [
    # everything given, nested lists of inputs, global IDs, enums
    (
        PLACE,
        {
            "o": {
                "key": "k1",
                "speed": "FAST",
                "items": [{"skuId": SKU, "quantity": 3}, {"skuId": "x"}],
                "lineIds": ["a", "b"],
                "owner": SKU,
                "owners": [SKU, SKU],
                "note": "hi",
                "tags": ["t"],
                "maybeCount": None,
            },
            "x": {"key": "k2", "extra": 1.5},
        },
        Role.CUSTOMER,
    ),
    # defaults filled in, optional variable left out
    (PLACE, {"o": {"key": "k"}}, Role.CUSTOMER),
    (PLACE, {"o": {"key": "k", "items": None, "owner": None}, "x": None}, Role.CUSTOMER),
    # a single value where a list goes is a list of one
    (PLACE, {"o": {"key": "k", "items": {"skuId": SKU}, "tags": "one"}}, Role.CUSTOMER),
    # literals instead of variables
    (
        'mutation { place(order: {key: "k", items: [{skuId: "s", quantity: 2}]}) { text } }',
        None,
        Role.CUSTOMER,
    ),
    # variables graphql-core refuses: each reported as it reports them
    (PLACE, {"o": {"key": "k", "unknown": 1}}, Role.CUSTOMER),
    (PLACE, {"o": {"speed": "FAST"}}, Role.CUSTOMER),
    (PLACE, {"o": {"key": "k", "speed": "SIDEWAYS"}}, Role.CUSTOMER),
    (PLACE, {"o": {"key": "k", "items": [{"quantity": 1}]}}, Role.CUSTOMER),
    (PLACE, {"o": {"key": "k", "maybeCount": "many"}}, Role.CUSTOMER),
    (PLACE, {"o": None}, Role.CUSTOMER),
    (PLACE, {}, Role.CUSTOMER),
    (PLACE, {"o": "not an object"}, Role.CUSTOMER),
    # a global ID Strawberry cannot decode
    (PLACE, {"o": {"key": "k", "owner": "not base64"}}, Role.CUSTOMER),
    # permission classes: refused before the resolver runs
    (PLACE, {"o": {"key": "k"}}, None),
    ("mutation ($o: Order!) { staffOnly(order: $o) { text } }", {"o": {"key": "k"}}, Role.CUSTOMER),
    ("mutation ($o: Order!) { staffOnly(order: $o) { text } }", {"o": {"key": "k"}}, Role.STAFF),
    # no extension at all
    ("mutation ($o: Order!) { openPlace(order: $o) { text } }", {"o": {"key": "k"}}, None),
    # a variable with a default in the document
    (
        'mutation ($o: Order! = {key: "d"}) { openPlace(order: $o) { text } }',
        None,
        None,
    ),
    # Maybe: left to Strawberry
    ("mutation { maybe(input: {value: null}) { text } }", None, None),
    ("mutation { maybe(input: {value: 2}) { text } }", None, None),
]


@pytest.mark.parametrize(("document", "variables", "role"), CASES)
async def test_compiled_inputs_answer_like_strawberry_and_graphql_core(document, variables, role):
    fast, standard = _schema(LeafShortcutExecutor), _schema(StrawberryGraphQLCoreExecutionContext)

    CALLS.clear()
    fast_outcome = await _run(fast, document, variables, role)
    fast_calls = list(CALLS)
    CALLS.clear()
    standard_outcome = await _run(standard, document, variables, role)

    assert fast_outcome == standard_outcome
    assert fast_calls == CALLS


def test_input_arguments_and_permission_classes_take_the_compiled_call():
    schema = _schema(LeafShortcutExecutor)
    plans = RootFieldPlans()

    def plan(document: str):
        parsed = schema.edge.parse(document)
        return plans.get(schema, parsed, parsed.definitions[0])

    placed = plan(PLACE)
    assert placed.direct is None and placed.converting is not None
    assert placed.converting.permission is not None
    assert placed.coerce_variables is not None
    opened = plan("mutation ($o: Order!) { openPlace(order: $o) { text } }")
    assert opened.converting is not None and opened.converting.permission is None
    # Maybe wraps values in Some() with its own null rules: Strawberry converts it
    assert plan("mutation { maybe(input: {value: 2}) { text } }").converting is None


def _strawberry_schema() -> MicrostoreSchema:
    return _schema(LeafShortcutExecutor)


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        (Order, {"key": "k"}),
        (
            Order,
            {
                "key": "k",
                "speed": Speed.FAST,
                "items": [{"skuId": "s", "quantity": 2}],
                "lineIds": ["1"],
                "owner": SKU,
                "owners": [SKU],
                "tags": ["a", "b"],
                "maybeCount": 3,
            },
        ),
        (Other, {"key": "k", "extra": 2.0}),
        (list[Item], [{"skuId": "s"}, {"skuId": "t", "quantity": 0}]),
        (list[relay.GlobalID] | None, [SKU]),
        (list[relay.GlobalID] | None, None),
        (relay.GlobalID, SKU),
        (list[str], ["x"]),
        (list[str | None], ["x", None]),
        (Speed, Speed.SLOW),
        (int | None, None),
    ],
)
def test_a_compiled_converter_converts_like_convert_argument(type_, value):
    schema = _strawberry_schema()
    registry = schema.schema_converter.scalar_registry
    annotation = strawberry.annotation.StrawberryAnnotation(type_).resolve()

    expected = convert_argument(value, annotation, registry, schema.config)
    got = converter(annotation, registry, schema.config)(value)

    assert got == expected
    assert type(got) is type(expected)
    if isinstance(value, list):
        assert got is not value  # a copy: graphql-core shares default lists


def test_a_malformed_global_id_fails_as_in_strawberry():
    schema = _strawberry_schema()
    registry = schema.schema_converter.scalar_registry
    convert = converter(relay.GlobalID, registry, schema.config)

    with pytest.raises(InvalidGlobalIDError) as compiled:
        convert("not base64")
    with pytest.raises(InvalidGlobalIDError) as strawberrys:
        convert_argument("not base64", relay.GlobalID, registry, schema.config)

    assert str(compiled.value) == str(strawberrys.value) != ""


@pytest.mark.parametrize(
    "inputs",
    [
        {"o": {"key": "k"}},
        {"o": {"key": "k", "items": [{"skuId": SKU}], "speed": "FAST"}, "x": None},
        {"o": {"key": "k", "tags": "one", "items": {"skuId": "s"}}},
        {"o": {"key": "k", "owners": None, "note": "n"}, "x": {"key": "y", "extra": 2}},
    ],
)
def test_compiled_variables_coerce_like_graphql_core(inputs):
    schema = _strawberry_schema()._schema
    definitions = parse(PLACE).definitions[0].variable_definitions

    expected = get_variable_values(schema, definitions, inputs)
    got = variables_coercer(schema, definitions)(inputs)

    assert got is not None
    assert got.coerced == expected.coerced
    # (type_from_ast wraps types in new non-null objects each time: compare them printed)
    assert _sources(got) == _sources(expected)


def _sources(values) -> dict:
    return {
        name: (s.signature.name, str(s.signature.type), s.signature.default, s.value)
        for name, s in values.sources.items()
    }


@pytest.mark.parametrize(
    "inputs",
    [
        {},
        {"o": None},
        {"o": {"key": "k", "unknown": 1}},
        {"o": {"key": None}},
        {"o": {"key": "k", "speed": "SIDEWAYS"}},
        {"o": {"key": "k", "items": [{"skuId": "s"}, {"quantity": 2}]}},
        {"o": {"key": "k", "maybeCount": 2**40}},
    ],
)
def test_compiled_variables_leave_refused_values_to_graphql_core(inputs):
    schema = _strawberry_schema()._schema
    definitions = parse(PLACE).definitions[0].variable_definitions

    assert isinstance(get_variable_values(schema, definitions, inputs), list)
    assert variables_coercer(schema, definitions)(inputs) is None


def test_a_variable_left_to_its_default_is_left_to_graphql_core():
    schema = _strawberry_schema()._schema
    document = 'mutation ($o: Order! = {key: "d"}) { openPlace(order: $o) { text } }'
    definitions = parse(document).definitions[0].variable_definitions

    assert variables_coercer(schema, definitions)({}) is None
    assert variables_coercer(schema, definitions)({"o": {"key": "k"}}) is not None
