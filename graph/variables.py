"""graphql-core's coercion of an operation's variables, compiled once per operation.

`get_variable_values` works each variable's type out of the document again on every
request, checks the value's nesting depth in a separate walk, then coerces it with
`coerce_input_value`, which asks for every value whether its type is non-null, a list,
an input object or a leaf. For `orderCreate`'s one input variable that was more CPU than
the order's SQL parameters.

`variables_coercer(schema, definitions)` walks the variables' types once and returns a
function giving exactly the `VariableValues` graphql-core would, or None, the answer to
"ask graphql-core": when a value does not coerce (graphql-core then reports why), when a
variable is left to its default, or for an operation it does not compile (a variable
whose type is not an input type, a oneOf or recursive input type). Values coerce as in
`graphql.utilities.coerce_input_value`: non-null refuses null, a list takes a single value
as a list of one, an input object refuses unknown fields and missing required ones and
fills in the fields' (memoized) defaults, a leaf is its type's `coerce_input_value` and
an exception there refuses the value.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    Undefined,
    VariableDefinitionNode,
    is_leaf_type,
)
from graphql.execution.get_variable_signature import get_variable_signature
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.language.parser import MAX_NESTING_DEPTH
from graphql.pyutils import is_iterable
from graphql.type import is_required_input_field
from graphql.utilities.coerce_input_value import coerce_default_value

Coerce = Callable[[Any], Any]  # a value -> its coerced value, or Undefined when refused
VariablesCoercer = Callable[[dict[str, Any]], VariableValues | None]


class _Unsupported(Exception):
    """A type left to graphql-core."""


def _compile(type_: GraphQLInputType, visiting: tuple[GraphQLInputObjectType, ...]) -> Coerce:
    if len(visiting) > MAX_NESTING_DEPTH:
        raise _Unsupported  # graphql-core would refuse values this deep
    if isinstance(type_, GraphQLNonNull):
        coerce_inner = _compile(type_.of_type, visiting)

        def coerce_non_null(value: Any) -> Any:
            if value is None or value is Undefined:
                return Undefined
            return coerce_inner(value)

        return coerce_non_null
    if isinstance(type_, GraphQLList):
        coerce_item = _compile(type_.of_type, (*visiting, None))  # type: ignore[arg-type]

        def coerce_list(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if not is_iterable(value):
                item = coerce_item(value)
                return Undefined if item is Undefined else [item]
            coerced = []
            for item_value in value:
                item = coerce_item(item_value)
                if item is Undefined:
                    return Undefined
                coerced.append(item)
            return coerced

        return coerce_list
    if isinstance(type_, GraphQLInputObjectType):
        if type_.is_one_of or type_ in visiting:
            raise _Unsupported
        inner = (*visiting, type_)
        fields = [
            (
                name,
                field.out_name or name,
                field,
                is_required_input_field(field),
                _compile(field.type, inner),
            )
            for name, field in type_.fields.items()
        ]
        names = frozenset(type_.fields)
        out_type = type_.out_type

        def coerce_input_object(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            if not isinstance(value, dict):
                return Undefined
            for name, field_value in value.items():
                if field_value is not Undefined and name not in names:
                    return Undefined
            coerced: dict[str, Any] = {}
            for name, out_name, field, required, coerce_field in fields:
                field_value = value.get(name, Undefined)
                if field_value is Undefined:
                    if required:
                        return Undefined
                    default = coerce_default_value(field)
                    if default is not Undefined:
                        coerced[out_name] = default
                else:
                    field_coerced = coerce_field(field_value)
                    if field_coerced is Undefined:
                        return Undefined
                    coerced[out_name] = field_coerced
            return out_type(coerced)

        return coerce_input_object
    if is_leaf_type(type_):
        coerce_leaf = type_.coerce_input_value

        def coerce_leaf_value(value: Any) -> Any:
            if value is None or value is Undefined:
                return None
            try:
                return coerce_leaf(value)
            except Exception:
                return Undefined

        return coerce_leaf_value
    raise _Unsupported


def variables_coercer(
    schema: GraphQLSchema, definitions: Collection[VariableDefinitionNode]
) -> VariablesCoercer | None:
    """What `get_variable_values(schema, definitions, inputs)` answers when it succeeds,
    or None (see the module doc); None for an operation it does not compile."""
    variables = []
    for definition in definitions:
        signature = get_variable_signature(schema, definition)
        if isinstance(signature, GraphQLError):
            return None
        try:
            coerce = _compile(signature.type, ())
        except _Unsupported:
            return None
        variables.append(
            (
                signature.name,
                signature,
                definition.default_value is not None,
                isinstance(signature.type, GraphQLNonNull),
                coerce,
            )
        )

    def coerce_variables(inputs: dict[str, Any]) -> VariableValues | None:
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for name, signature, has_default, non_null, coerce in variables:
            value = inputs.get(name, Undefined)
            if value is Undefined:
                if has_default or non_null:
                    return None  # a default to apply, or a missing value to report
                sources[name] = VariableValueSource(signature)
                continue
            sources[name] = VariableValueSource(signature, value)
            coerced_value = coerce(value)
            if coerced_value is Undefined:
                return None
            coerced[name] = coerced_value
        return VariableValues(sources, coerced)

    return coerce_variables
