"""Variables and arguments of a planned root field, coerced by a few type checks.

graphql-core coerces an operation's variables and then the field's arguments by walking
their types for every request: ~25 us for `flashSalePurchase($saleId: ID!, $quantity:
Int!, $storeId: ID)`, a sixth of a gate attempt (bench/flash_sale.py). When every variable
is a built-in scalar (ID, String, Int, Boolean, nullable or not) without a default, and
every argument is such a variable, a leaf literal or left out, the work depends on the
document alone except for the variables' values: `RootInputs` does it once per plan and
keeps, per request, only what the values decide.

It answers exactly what `get_variable_values` and `get_argument_values` answer (the same
`VariableValues`, sources included, and the same arguments), or None whenever the values
are anything else: a missing or null non-null variable, an ID sent as a number, an Int out
of range, variables that are not an object... The caller then takes graphql-core's path,
which coerces or reports the error in its own words. tests/graph/test_root_inputs.py
compares both on many inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

from graphql import (
    BooleanValueNode,
    EnumValueNode,
    FieldNode,
    FloatValueNode,
    GraphQLBoolean,
    GraphQLError,
    GraphQLField,
    GraphQLID,
    GraphQLInt,
    GraphQLSchema,
    GraphQLString,
    IntValueNode,
    NullValueNode,
    StringValueNode,
    Undefined,
    VariableDefinitionNode,
    VariableNode,
    is_leaf_type,
    is_non_null_type,
)
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.type import is_required_argument
from graphql.type.scalars import GRAPHQL_MAX_INT, GRAPHQL_MIN_INT
from graphql.utilities.coerce_input_value import coerce_default_value, coerce_input_literal

# What a variable of each built-in scalar accepts here without graphql-core. Anything
# else returns Undefined and goes the standard way (an ID given as a number is valid
# there, for instance: it becomes the number's text).


def _string(value: Any) -> Any:
    return value if type(value) is str else Undefined


def _int(value: Any) -> Any:
    if type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
        return value
    return Undefined


def _boolean(value: Any) -> Any:
    return value if type(value) is bool else Undefined


_ACCEPT: dict[Any, Callable[[Any], Any]] = {
    GraphQLID: _string,
    GraphQLString: _string,
    GraphQLInt: _int,
    GraphQLBoolean: _boolean,
}
_LEAF_LITERALS = (
    BooleanValueNode,
    EnumValueNode,
    FloatValueNode,
    IntValueNode,
    NullValueNode,
    StringValueNode,
)
_OMITTED = object()


class _Variable:
    __slots__ = ("accept", "name", "non_null", "signature")

    def __init__(
        self, signature: GraphQLVariableSignature, non_null: bool, accept: Callable[[Any], Any]
    ) -> None:
        self.name = signature.name
        self.signature = signature
        self.non_null = non_null
        self.accept = accept


def _variable(schema: GraphQLSchema, node: VariableDefinitionNode) -> _Variable | None:
    if node.default_value is not None:
        return None
    signature = get_variable_signature(schema, node)
    if isinstance(signature, GraphQLError):
        return None
    type_ = signature.type
    non_null = is_non_null_type(type_)
    accept = _ACCEPT.get(type_.of_type if non_null else type_)
    return _Variable(signature, non_null, accept) if accept is not None else None


def _default(arg_def: Any) -> Any:
    """What graphql-core puts in for a left-out optional argument (_OMITTED: nothing)."""
    try:
        value = coerce_default_value(arg_def)
    except Exception:
        return Undefined  # an invalid default: graphql-core reports it
    return _OMITTED if value is Undefined else value


class _Argument:
    """One argument: a constant (a literal, or the default when left out), or a variable
    that falls back to the default when it has no value."""

    __slots__ = ("constant", "default", "name", "non_null", "required", "variable")

    def __init__(
        self,
        name: str,
        *,
        constant: Any = _OMITTED,
        variable: str | None = None,
        default: Any = _OMITTED,
        non_null: bool = False,
        required: bool = False,
    ) -> None:
        self.name = name
        self.constant = constant
        self.variable = variable
        self.default = default
        self.non_null = non_null
        self.required = required


def _argument(
    name: str, arg_def: Any, node: Any, variables: dict[str, _Variable]
) -> _Argument | None:
    out_name = arg_def.out_name or name
    required = is_required_argument(arg_def)
    if node is None:
        if required:
            return None
        default = _default(arg_def)
        return None if default is Undefined else _Argument(out_name, constant=default)
    value_node = node.value
    if isinstance(value_node, VariableNode):
        variable = value_node.name.value
        if variable not in variables:
            return None
        default = _OMITTED if required else _default(arg_def)
        if default is Undefined:
            return None
        return _Argument(
            out_name,
            variable=variable,
            default=default,
            non_null=is_non_null_type(arg_def.type),
            required=required,
        )
    leaf_type = arg_def.type.of_type if is_non_null_type(arg_def.type) else arg_def.type
    if not isinstance(value_node, _LEAF_LITERALS) or not is_leaf_type(leaf_type):
        return None
    value = coerce_input_literal(value_node, arg_def.type)
    if value is Undefined or not isinstance(value, str | int | float | bool | Enum | None):
        return None
    return _Argument(out_name, constant=value)


class RootInputs:
    """The compiled coercion of one planned operation's variables and root arguments."""

    __slots__ = ("_arguments", "_variables")

    def __init__(self, variables: Sequence[_Variable], arguments: Sequence[_Argument]) -> None:
        self._variables = tuple(variables)
        self._arguments = tuple(arguments)

    @classmethod
    def compile(
        cls,
        schema: GraphQLSchema,
        definitions: Sequence[VariableDefinitionNode],
        field_def: GraphQLField,
        node: FieldNode,
    ) -> RootInputs | None:
        variables: dict[str, _Variable] = {}
        for definition in definitions:
            variable = _variable(schema, definition)
            if variable is None or variable.name in variables:
                return None
            variables[variable.name] = variable
        nodes = {a.name.value: a for a in node.arguments or ()}
        if len(nodes) != len(node.arguments or ()) or not set(nodes) <= set(field_def.args):
            return None
        arguments = []
        for name, arg_def in field_def.args.items():
            argument = _argument(name, arg_def, nodes.get(name), variables)
            if argument is None:
                return None
            arguments.append(argument)
        return cls(list(variables.values()), arguments)

    def coerce(self, inputs: Any) -> tuple[VariableValues, dict[str, Any]] | None:
        """(variable values, arguments) as graphql-core would make them, or None."""
        if inputs is None:
            inputs = {}
        elif type(inputs) is not dict:
            return None
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for variable in self._variables:
            name = variable.name
            value = inputs.get(name, Undefined)
            if value is Undefined:
                if variable.non_null:
                    return None
                sources[name] = VariableValueSource(variable.signature)
                continue
            sources[name] = VariableValueSource(variable.signature, value)
            if value is not None:
                value = variable.accept(value)
                if value is Undefined:
                    return None
            elif variable.non_null:
                return None
            coerced[name] = value
        args: dict[str, Any] = {}
        for argument in self._arguments:
            name = argument.variable
            if name is None:
                if argument.constant is not _OMITTED:
                    args[argument.name] = argument.constant
                continue
            if name not in coerced and not argument.required:
                if argument.default is not _OMITTED:
                    args[argument.name] = argument.default
                continue
            value = coerced.get(name, Undefined)
            if value is Undefined or (value is None and argument.non_null):
                return None  # graphql-core raises: it says why
            args[argument.name] = value
        return VariableValues(sources, coerced), args
