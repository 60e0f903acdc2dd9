"""The compiled coercion of a planned root field's inputs answers what graphql-core
answers, or hands over to it."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, get_operation_ast, parse, validate
from graphql.execution.values import get_argument_values, get_variable_values

from graph.root_inputs import RootInputs

SDL = """
enum Colour { RED BLUE }
input Range { low: Int }
type Query {
  f(id: ID!, name: String, count: Int! = 3, flag: Boolean, colour: Colour! = RED,
    opt: ID, tags: [String], range: Range, ratio: Float): String
}
"""
SCHEMA = build_schema(SDL)
FIELD = SCHEMA.query_type.fields["f"]

PLAIN = (
    "query ($id: ID!, $name: String, $count: Int!, $flag: Boolean) "
    "{ f(id: $id, name: $name, count: $count, flag: $flag) }"
)
LITERALS = 'query ($id: ID!) { f(id: $id, name: "x", count: 5, colour: BLUE, opt: null) }'
DEFAULTED = "query ($count: Int, $opt: ID) { f(id: 7, count: $count, opt: $opt) }"

VALUES: list[Any] = [
    None,
    {},
    [],
    {"id": "a", "name": "n", "count": 1, "flag": True},
    {"id": "a", "count": 1},
    {"id": "a", "count": 1, "name": None, "flag": None},
    {"id": "a", "count": 1, "extra": {"deep": [1]}},
    {"id": 12, "count": 1},
    {"id": True, "count": 1},
    {"id": None, "count": 1},
    {"count": 1},
    {"id": "a"},
    {"id": "a", "count": None},
    {"id": "a", "count": "5"},
    {"id": "a", "count": 1.0},
    {"id": "a", "count": 1.5},
    {"id": "a", "count": True},
    {"id": "a", "count": 2**31},
    {"id": "a", "count": -(2**31)},
    {"id": "a", "count": 2**31 - 1},
    {"id": "a", "count": 1, "flag": 1},
    {"id": "a", "count": 1, "name": 5},
    {"opt": "o"},
    {"opt": None},
]


def _graphql_core(document: str, values: Any) -> tuple[Any, Any] | None:
    """graphql-core's answer: (variable values, arguments), or None when it refuses."""
    doc = parse(document)
    operation = get_operation_ast(doc)
    variables = get_variable_values(SCHEMA, operation.variable_definitions, values)
    if isinstance(variables, list):
        return None
    try:
        args = get_argument_values(FIELD, operation.selection_set.selections[0], variables)
    except Exception:
        return None
    return variables, args


def _compile(document: str) -> RootInputs | None:
    doc = parse(document)
    assert validate(SCHEMA, doc) == []
    operation = get_operation_ast(doc)
    return RootInputs.compile(
        SCHEMA, operation.variable_definitions or (), FIELD, operation.selection_set.selections[0]
    )


def _sources(variables: Any) -> dict[str, tuple[Any, str, Any]]:
    return {
        name: (source.value, str(source.signature.type), source.signature.default)
        for name, source in variables.sources.items()
    }


@pytest.mark.parametrize("document", [PLAIN, LITERALS, DEFAULTED])
@pytest.mark.parametrize("values", VALUES)
def test_same_answer_as_graphql_core_or_none(document: str, values: Any) -> None:
    inputs = _compile(document)
    assert inputs is not None

    fast = inputs.coerce(values)
    if fast is None:
        return  # graphql-core's own path takes over
    expected = _graphql_core(document, values if values is not None else {})
    assert expected is not None, "accepted what graphql-core refuses"
    variables, args = fast
    assert variables.coerced == expected[0].coerced
    assert _sources(variables) == _sources(expected[0])
    assert args == expected[1]
    assert list(args) == list(expected[1])


@pytest.mark.parametrize(
    ("document", "values"),
    [
        (PLAIN, {"id": "a", "name": "n", "count": 1, "flag": False}),
        (PLAIN, {"id": "a", "count": 0}),
        (LITERALS, {"id": "a"}),
        (DEFAULTED, {}),
        (DEFAULTED, {"count": 9, "opt": "o"}),
    ],
)
def test_plain_values_take_the_short_way(document: str, values: dict[str, Any]) -> None:
    inputs = _compile(document)
    assert inputs is not None
    fast = inputs.coerce(values)
    assert fast is not None
    assert fast[1] == _graphql_core(document, values)[1]


@pytest.mark.parametrize(
    "document",
    [
        'query ($id: ID! = "d") { f(id: $id) }',  # a variable default
        "query ($tags: [String]) { f(id: 1, tags: $tags) }",  # a list variable
        'query { f(id: 1, tags: ["a"]) }',  # a list literal
        "query ($r: Range) { f(id: 1, range: $r) }",  # an input object
        "query { f(id: 1, range: {low: 1}) }",
        "query ($x: Float) { f(id: 1, ratio: $x) }",  # a scalar it does not check itself
    ],
)
def test_other_inputs_are_left_to_graphql_core(document: str) -> None:
    assert _compile(document) is None
