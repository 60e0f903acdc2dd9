"""A single root field without the executor answers exactly what the executor answers,
and its resolver runs once whichever path completes the answer."""

from __future__ import annotations

from enum import Enum

import pytest
import strawberry
from strawberry import relay
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph.execution import LeafShortcutExecutor
from graph.permissions import IsStaff
from graph.root_field import RootFieldPlans
from graph.schema import MicrostoreSchema
from resolvers.core.errors import Forbidden
from tests.support.short_path import run, schema_with

CALLS: list[str] = []


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Thing:
    name: str
    count: int
    colour: Colour
    note: str | None = None

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


@strawberry.type
class Payload:
    thing: Thing | None = None
    things: list[Thing] = strawberry.field(default_factory=list)
    errors: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class Filter:
    prefix: str = ""
    tags: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class Query:
    @strawberry.field
    async def thing(self, name: str = "tee", count: int = 1) -> Thing:
        CALLS.append("thing")
        return Thing(name=name, count=count, colour=Colour.RED)

    @strawberry.field
    async def broken(self) -> Thing:
        CALLS.append("broken")
        return Thing(name=None, count=1, colour=Colour.RED)  # null in a non-null field

    @strawberry.field
    async def huge(self) -> Thing:
        CALLS.append("huge")
        return Thing(name="big", count=2**31, colour=Colour.RED)  # not an Int: refused

    @strawberry.field
    async def failing(self) -> Thing | None:
        CALLS.append("failing")
        raise Forbidden("not for you")

    @strawberry.field
    def sync_thing(self) -> Thing:
        CALLS.append("sync_thing")
        return Thing(name="sync", count=2, colour=Colour.BLUE)

    @strawberry.field
    async def about(self, info: strawberry.Info, tag: str | None = None) -> Payload:
        CALLS.append("about")
        raw = info._raw_info
        described = f"{info.field_name} {list(raw.path.as_list())} {sorted(info.variable_values)}"
        return Payload(errors=[described, str(tag), type(info.context).__name__])

    @strawberry.field
    async def filtered(self, filter: Filter, tags: list[str] | None = None) -> Payload:
        CALLS.append("filtered")
        return Payload(errors=[filter.prefix, *filter.tags, *(tags or [])])

    @strawberry.field
    async def by_global_id(self, id: relay.GlobalID) -> Payload:
        CALLS.append("by_global_id")
        return Payload(errors=[id.type_name, id.node_id])

    @strawberry.field(permission_classes=[IsStaff])
    async def secret(self) -> Thing:
        CALLS.append("secret")
        return Thing(name="secret", count=0, colour=Colour.RED)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def make(
        self, count: int, colour: Colour = Colour.RED, note: str | None = None
    ) -> Payload:
        CALLS.append("make")
        if count < 0:
            raise ValueError("a bug: negative count")
        thing = Thing(name="made", count=count, colour=colour, note=note)
        return Payload(thing=thing, things=[thing, thing])


class _Viewer:
    """A context whose `require_user` refuses (IsStaff asks it first)."""

    state = None
    claims = None

    def require_user(self) -> None:
        from resolvers.core.errors import Unauthenticated

        raise Unauthenticated("Log in first")


def _schema(executor: type) -> MicrostoreSchema:
    return schema_with(Query, Mutation, executor)


async def _run(schema: MicrostoreSchema, document: str, variables: dict | None) -> tuple:
    return await run(schema, document, variables, _Viewer())


# (document, variables, planned: does the short path take it)
CASES = [
    ("{ thing { name count colour __typename } }", None, True),
    ('{ t: thing(name: "cap", count: 3) { n: name count } }', None, True),
    (
        "query ($n: String!, $c: Int = 5) { thing(name: $n, count: $c) { name count } }",
        {"n": "x"},
        True,
    ),
    ("{ syncThing { name colour } }", None, True),
    ("{ broken { name count } }", None, True),
    ("{ huge { name count } }", None, True),
    ("{ failing { name } }", None, True),
    ("{ secret { name } }", None, True),
    ("query ($t: String) { about(tag: $t) { errors } }", {"t": "hi"}, True),
    (
        "mutation ($c: Int!, $k: Colour) { make(count: $c, colour: $k) { thing { name count colour note } things { name } errors } }",
        {"c": 2, "k": "BLUE"},
        True,
    ),
    ("mutation { make(count: -1) { thing { name } } }", None, True),
    # not planned either: a field with a resolver below (`shout`)
    ("mutation { make(count: 1) { thing { name shout } } }", None, False),
    # arguments Strawberry converts: its own wrapper calls the resolver
    ('{ filtered(filter: {prefix: "p", tags: ["a"]}, tags: ["b"]) { errors } }', None, True),
    ('{ byGlobalId(id: "VGhpbmc6Nw==") { errors } }', None, True),
    ('{ byGlobalId(id: "not base64") { errors } }', None, True),
    # variables the standard path refuses
    ("query ($c: Int!) { thing(count: $c) { name } }", {"c": "many"}, True),
    ("query ($c: Int!) { thing(count: $c) { name } }", {}, True),
    # not planned: two root fields, a root fragment, a directive, introspection
    ("{ thing { name } syncThing { name } }", None, False),
    ("{ ...F } fragment F on Query { thing { name } }", None, False),
    ("query ($x: Boolean!) { thing @include(if: $x) { name } }", {"x": True}, False),
    ("{ __schema { queryType { name } } }", None, False),
]


@pytest.mark.parametrize(("document", "variables", "planned"), CASES)
async def test_the_root_field_path_answers_like_the_executor(document, variables, planned):
    fast, standard = _schema(LeafShortcutExecutor), _schema(StrawberryGraphQLCoreExecutionContext)

    CALLS.clear()
    fast_outcome = await _run(fast, document, variables)
    fast_calls = list(CALLS)
    CALLS.clear()
    standard_outcome = await _run(standard, document, variables)

    assert fast_outcome == standard_outcome
    # each resolver ran exactly as often as on the standard path: once, or never (a
    # null in a non-null field and an exception are replayed, not resolved again)
    assert fast_calls == CALLS
    assert len(CALLS) == len(set(CALLS))


def test_plans_are_made_for_single_plain_root_fields_only():
    schema = _schema(LeafShortcutExecutor)
    plans = RootFieldPlans()
    for document, _, planned in CASES:
        parsed = schema.edge.parse(document)
        operation = parsed.definitions[0]
        plan = plans.get(schema, parsed, operation)
        assert (plan is not None) == planned, document
        if plan is not None:
            # the resolver is called directly when Strawberry would pass the arguments
            # through unchanged, and by Strawberry's wrapper otherwise
            wrapped = ("secret", "filtered", "byGlobalId")
            assert (plan.direct is None) == document.split("{")[1].strip().startswith(wrapped)


async def test_a_permission_class_still_refuses_on_the_short_path():
    data, errors = await _run(_schema(LeafShortcutExecutor), "{ secret { name } }", None)

    assert data is None
    assert errors == [("Log in first", ("secret",), "UNAUTHENTICATED")]


async def test_a_resolver_that_fails_runs_once_and_reports_like_the_executor():
    CALLS.clear()

    data, errors = await _run(_schema(LeafShortcutExecutor), "{ failing { name } }", None)

    assert CALLS == ["failing"]
    assert data == {"failing": None}
    assert errors == [("not for you", ("failing",), "FORBIDDEN")]


async def test_the_resolver_sees_the_info_the_executor_gives():
    data, _ = await _run(
        _schema(LeafShortcutExecutor),
        "query ($t: String) { about(tag: $t) { errors } }",
        {"t": "x"},
    )

    assert data == {"about": {"errors": ["about ['about'] ['t']", "x", "_Viewer"]}}
