"""Strawberry's argument conversion, compiled once per argument type.

Strawberry turns the arguments graphql-core coerced (plain dicts, lists and scalars) into
input objects with `convert_argument`, which works out every type again on each call: it
resolves each field's annotation, converts its name to camel case and asks a dozen
`isinstance` questions per value. For `orderCreate` (an input of nine fields with three
items) that was ~23 recursive calls and more CPU than pricing the order.

`converter(type_)` walks a type once and returns a function doing exactly what
`convert_argument` does for values of that type, or None for a type it does not compile
(a `Maybe`, an input with its own `from_input`, a generic input, anything unknown), which
the caller then leaves to Strawberry. What the compiled functions do, case by case as in
`strawberry.types.arguments.convert_argument`:

- optional: None stays None (so does UNSET, for every type);
- list: a copy of the list when its items are leaves other than GlobalID (optional or
  not), else each item converted;
- GlobalID: `GlobalID.from_id`, a malformed one InvalidGlobalIDError; any other scalar or
  enum: the value as it is;
- input object: every field without a default first None, then each field the value has
  (by its GraphQL name) converted, and the class called with them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING
from typing import Any

from strawberry.relay.types import GlobalID, GlobalIDValueError, InvalidGlobalIDError
from strawberry.scalars import is_scalar
from strawberry.schema.config import StrawberryConfig
from strawberry.types.base import (
    StrawberryList,
    StrawberryMaybe,
    StrawberryOptional,
    has_object_definition,
)
from strawberry.types.enum import StrawberryEnumDefinition, has_enum_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.unset import UNSET

Converter = Callable[[Any], Any]


class _Unsupported(Exception):
    """A type this module leaves to Strawberry."""


def _keep(value: Any) -> Any:
    return value


def _global_id(value: Any) -> Any:
    if value is None or value is UNSET:
        return value
    try:
        return GlobalID.from_id(value)
    except GlobalIDValueError as error:
        # Strawberry's own message and exception
        raise InvalidGlobalIDError(f'Value cannot represent a GlobalID: "{value}".') from error


def _copy_list(value: Any) -> Any:
    if value is None or value is UNSET:
        return value
    return list(value)


class _Compiler:
    def __init__(self, registry: Mapping[object, Any], config: StrawberryConfig) -> None:
        self.registry = registry
        self.config = config
        # Input classes compiled or being compiled; a cell each, so recursive inputs work.
        self.inputs: dict[type, list[Converter]] = {}

    def is_leaf(self, type_: Any) -> bool:
        if isinstance(type_, LazyType):
            return self.is_leaf(type_.resolve_type())
        return is_scalar(type_, self.registry) or isinstance(type_, StrawberryEnumDefinition)

    def compile(self, type_: Any) -> Converter:
        if isinstance(type_, StrawberryMaybe):
            raise _Unsupported  # wrapped in Some(), with its own null rules
        if isinstance(type_, StrawberryOptional):
            # None and UNSET are handled by every converter
            return self.compile(type_.of_type)
        if isinstance(type_, StrawberryList):
            item = type_.of_type
            plain = item.of_type if isinstance(item, StrawberryOptional) else item
            if plain is not GlobalID and self.is_leaf(plain):
                return _copy_list
            convert_item = self.compile(item)

            def convert_list(value: Any) -> Any:
                if value is None or value is UNSET:
                    return value
                return [convert_item(x) for x in value]

            return convert_list
        if self.is_leaf(type_):
            # (a lazy reference to GlobalID is kept as it is too, as Strawberry does)
            return _global_id if type_ is GlobalID else _keep
        if isinstance(type_, LazyType):
            return self.compile(type_.resolve_type())
        if has_enum_definition(type_):
            return _keep
        if has_object_definition(type_):
            return self.input_object(type_)
        raise _Unsupported

    def input_object(self, cls: type) -> Converter:
        cell = self.inputs.get(cls)
        if cell is None:
            cell = self.inputs[cls] = []
            cell.append(self._input_object(cls))

        def convert(value: Any) -> Any:
            return cell[0](value)

        return cell[0] if cell else convert

    def _input_object(self, cls: type) -> Converter:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        if definition.from_input is not None or definition.is_graphql_generic:
            raise _Unsupported
        required: dict[str, Any] = {}
        if definition.is_input:
            required = {
                f.python_name: None
                for f in definition.fields
                if f.default_value is MISSING and f.default_factory is MISSING
            }
        fields = [
            (
                self.config.name_converter.from_field(f),
                f.python_name,
                self.compile(f.resolve_type(type_definition=definition)),
            )
            for f in definition.fields
        ]

        def convert_input(value: Any) -> Any:
            if value is None or value is UNSET:
                return value
            kwargs = dict(required)
            for graphql_name, python_name, convert_field in fields:
                if graphql_name in value:
                    kwargs[python_name] = convert_field(value[graphql_name])
            return cls(**kwargs)

        return convert_input


def converter(
    type_: Any, registry: Mapping[object, Any], config: StrawberryConfig
) -> Converter | None:
    """A function converting values of `type_` as Strawberry's `convert_argument` does, or
    None when this module leaves the type to Strawberry."""
    try:
        return _Compiler(registry, config).compile(type_)
    except _Unsupported:
        return None
