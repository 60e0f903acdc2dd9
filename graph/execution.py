"""graphql-core's executor with a short path for data that is only attributes.

A page of 20 products with 8 fields each is ~250 field executions. For each, graphql-core
builds a resolve-info object, calls Strawberry's resolver wrapper (which reads the
attribute), walks `complete_value` (non-null, list, leaf, object...) and, per object,
collects its sub-fields again: a few microseconds per field, most of what a cold listing
costs once its rows are read.

Most of those fields are "basic" in Strawberry's own sense: no resolver, no permission or
other field extension, no arguments; the value is `getattr(source, python_name)`. For a
field like that whose selection (recursively) holds only such fields, written plainly (no
fragments, no directives, each response key once), the result is fully determined by the
attributes: `LeafShortcutExecutor` compiles the selection once per document into nested
closures and computes the field's whole value in one pass:

- a scalar or enum: `type.coerce_output_value(value)`, as `complete_leaf_value` does (a
  str, bool or 32-bit int of the built-in scalar of that kind, or a finite float for
  Float, is what the coercion would give back, so it is taken as it is);
- an object: a dict of its compiled fields, in selection order, for an instance of the
  type's Strawberry class (a stricter check than any `is_type_of`);
- a list of either: each item the same way;
- `__typename`: the type's name;
- the relay `id` of our Node types (`<Type>:<pk>` in base64, from the `NodeID` attribute)
  when the type keeps Strawberry's default `resolve_id` / `resolve_typename`.

Anything unusual makes the short path give up for that field, and the standard path runs
it from scratch (attribute reads have no side effects), so nulls in non-null fields,
failing coercions and wrong types are reported exactly as graphql-core reports them.
Field middleware (an extension that wraps resolvers), if ever configured, disables it. tests/graph/test_execution.py
compares answers with the standard executor's.
"""

from __future__ import annotations

from binascii import b2a_base64
from collections.abc import Callable
from math import isfinite
from typing import Any, ClassVar

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    FieldNode,
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    SelectionSetNode,
    Undefined,
    is_leaf_type,
    is_non_null_type,
)
from strawberry.relay import Node
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField

# A field's reader, kept in its own `extensions` next to Strawberry's back-reference:
# `reader(source)` is the field's value, or Undefined to give up.
READER = "microstore-reader"
# How many compiled selections are kept (one per field node of the documents in use).
COMPILED_MAX = 4096

Reader = Callable[[Any], Any]


def _leaf_reader(name: str, leaf: GraphQLLeafType, non_null: bool) -> Reader:
    coerce = leaf.coerce_output_value
    # Values that graphql-core's own scalars give back unchanged, recognised without a
    # call: most of a listing's fields are strings and small integers.
    if leaf is GraphQLString or leaf is GraphQLID or leaf is GraphQLBoolean:
        native: type = bool if leaf is GraphQLBoolean else str

        def read_native(source: Any) -> Any:
            value = getattr(source, name)
            if type(value) is native:
                return value
            if value is None:
                return Undefined if non_null else None
            coerced = coerce(value)
            return Undefined if coerced is None else coerced

        return read_native
    if leaf is GraphQLInt:

        def read_int(source: Any) -> Any:
            value = getattr(source, name)
            if type(value) is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
                return value
            if value is None:
                return Undefined if non_null else None
            coerced = coerce(value)
            return Undefined if coerced is None else coerced

        return read_int
    if leaf is GraphQLFloat:

        def read_float(source: Any) -> Any:
            value = getattr(source, name)
            if type(value) is float and isfinite(value):
                return value
            if value is None:
                return Undefined if non_null else None
            coerced = coerce(value)
            return Undefined if coerced is None else coerced

        return read_float

    def read(source: Any) -> Any:
        value = getattr(source, name)
        if value is None:
            return Undefined if non_null else None
        coerced = coerce(value)
        # A value the type cannot represent is an error in the standard path: go there.
        return Undefined if coerced is None else coerced

    return read


def _leaf_list_reader(
    name: str, coerce: Callable[[Any], Any], non_null: bool, item_non_null: bool
) -> Reader:
    def read(source: Any) -> Any:
        values = getattr(source, name)
        if values is None:
            return Undefined if non_null else None
        if not isinstance(values, list | tuple):
            return Undefined
        items = []
        for value in values:
            if value is None:
                if item_non_null:
                    return Undefined
                items.append(None)
                continue
            coerced = coerce(value)
            if coerced is None:
                return Undefined
            items.append(coerced)
        return items

    return read


def _global_id_reader(origin: type, type_name: str, id_attr: str) -> Reader:
    prefix = f"{type_name}:"
    # Instances of the type's class, or of a subclass that reads its id the same way (such
    # as a view computing its attributes, graph/types/catalog.py `_ProductView`).
    same_id: dict[type, bool] = {origin: True}

    def read(source: Any) -> Any:
        cls = type(source)
        keeps = same_id.get(cls)
        if keeps is None:
            keeps = same_id[cls] = (
                issubclass(cls, origin)
                and _keeps_default_node_id(cls)
                and cls.resolve_id_attr() == id_attr
            )
        node_id = getattr(source, id_attr) if keeps else None
        if node_id is None:
            return Undefined
        # Strawberry's `to_base64(type_name, node_id)`, without its type dispatch.
        return b2a_base64(f"{prefix}{node_id}".encode(), newline=False).decode()

    return read


def _node_id_resolver() -> Any:
    """The function behind Strawberry's relay `Node.id` field."""
    definition: StrawberryObjectDefinition = Node.__strawberry_definition__  # type: ignore[attr-defined]
    (field,) = (f for f in definition.fields if f.python_name == "_id")
    assert field.base_resolver is not None
    return field.base_resolver.wrapped_func.__func__  # type: ignore[attr-defined]


def _keeps_default_node_id(origin: type) -> bool:
    return (
        issubclass(origin, Node)
        and origin.resolve_id.__func__ is Node.resolve_id.__func__  # type: ignore[attr-defined]
        and origin.resolve_typename.__func__ is Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )


def _origin(graphql_type: GraphQLObjectType) -> type | None:
    """The class whose instances the type's values are. A specialised generic such as
    ProductEdge (`Edge[Product]`) has a class of its own, but its values are `Edge`s."""
    definition = graphql_type.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    generic = definition.concrete_of
    return generic.origin if generic is not None else definition.origin


def _is_plain_attribute(field_def: Any) -> bool:
    """Strawberry's own shortcut for basic fields (no resolver, no extension, no exception
    handler) is the `_get_basic_result` resolver: exactly a getattr."""
    definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return (
        isinstance(definition, StrawberryField)
        and definition.is_basic_field
        and not field_def.args
        and getattr(field_def.resolve, "__name__", "") == "_get_basic_result"
    )


def plan_fields(schema: GraphQLSchema) -> int:
    """Attach a reader to every leaf field the short path can serve; returns how many."""
    planned = 0
    node_id = _node_id_resolver()
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        origin = _origin(graphql_type)
        for field_name, field_def in graphql_type.fields.items():
            definition = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
            nullable = (
                field_def.type.of_type if is_non_null_type(field_def.type) else field_def.type
            )
            reader: Reader | None = None
            item = nullable.of_type if isinstance(nullable, GraphQLList) else None
            item_type = item.of_type if isinstance(item, GraphQLNonNull) else item
            if _is_plain_attribute(field_def) and is_leaf_type(nullable):
                reader = _leaf_reader(
                    definition.python_name, nullable, is_non_null_type(field_def.type)
                )
            elif (
                _is_plain_attribute(field_def) and item_type is not None and is_leaf_type(item_type)
            ):
                reader = _leaf_list_reader(
                    definition.python_name,
                    item_type.coerce_output_value,
                    is_non_null_type(field_def.type),
                    isinstance(item, GraphQLNonNull),
                )
            elif (
                field_name == "id"
                and origin is not None
                and isinstance(definition, StrawberryField)
                and definition.base_resolver is not None
                and getattr(definition.base_resolver.wrapped_func, "__func__", None) is node_id
                and not definition.extensions
                and _keeps_default_node_id(origin)
            ):
                reader = _global_id_reader(origin, graphql_type.name, origin.resolve_id_attr())
            if reader is not None:
                field_def.extensions = {**(field_def.extensions or {}), READER: reader}
                planned += 1
    return planned


# --- compiling selections ----------------------------------------------------------------------


def _compile_selection(
    graphql_type: GraphQLObjectType, selection_set: SelectionSetNode
) -> Reader | None:
    """A reader of an object's selected fields as a dict, or None when not plain enough."""
    origin = _origin(graphql_type)
    if origin is None:
        return None
    entries: list[tuple[str, Reader]] = []
    keys: set[str] = set()
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return None
        key = selection.alias.value if selection.alias else selection.name.value
        if key in keys:
            return None
        keys.add(key)
        reader = _compile_field(graphql_type, selection)
        if reader is None:
            return None
        entries.append((key, reader))

    def read(source: Any) -> Any:
        if not isinstance(source, origin):
            return Undefined
        result = {}
        for key, reader in entries:
            value = reader(source)
            if value is Undefined:
                return Undefined
            result[key] = value
        return result

    return read


def _compile_field(parent: GraphQLObjectType, node: FieldNode) -> Reader | None:
    """A reader of one field's complete value, or None when the field needs the standard path."""
    name = node.name.value
    if node.arguments or node.directives:
        return None
    if name == "__typename":
        type_name = parent.name
        return lambda _source: type_name
    field_def = parent.fields.get(name)
    if field_def is None:
        return None
    if node.selection_set is None:
        return field_def.extensions.get(READER)
    if not _is_plain_attribute(field_def):
        return None
    complete = value_reader(field_def.type, node.selection_set)
    if complete is None:
        return None
    attribute = field_def.extensions[GraphQLCoreConverter.DEFINITION_BACKREF].python_name

    def read(source: Any) -> Any:
        return complete(getattr(source, attribute))

    return read


def value_reader(field_type: Any, selection_set: SelectionSetNode) -> Reader | None:
    """A function that completes a value of `field_type` (an object, [object] or their
    non-null forms; one list level at most) for `selection_set`, or returns Undefined to
    give up; None when the selection is not plain enough to compile."""
    outer_non_null = isinstance(field_type, GraphQLNonNull)
    graphql_type = field_type.of_type if outer_non_null else field_type
    is_list = isinstance(graphql_type, GraphQLList)
    item_non_null = False
    if is_list:
        graphql_type = graphql_type.of_type
        item_non_null = isinstance(graphql_type, GraphQLNonNull)
        if item_non_null:
            graphql_type = graphql_type.of_type
    if not isinstance(graphql_type, GraphQLObjectType):
        return None
    item = _compile_selection(graphql_type, selection_set)
    if item is None:
        return None

    def complete(value: Any) -> Any:
        if value is None:
            return Undefined if outer_non_null else None
        if not is_list:
            return item(value)
        if not isinstance(value, list | tuple):
            return Undefined
        items = []
        for element in value:
            if element is None:
                if item_non_null:
                    return Undefined
                items.append(None)
                continue
            completed = item(element)
            if completed is Undefined:
                return Undefined
            items.append(completed)
        return items

    return complete


class LeafShortcutExecutor(StrawberryGraphQLCoreExecutionContext):
    # id(field node) -> (field node, parent type, reader or None). Documents are parsed once
    # per text (graph/schema.py caches them), so their nodes recur; keeping the node itself
    # makes a reused id() harmless.
    _compiled: ClassVar[dict[int, tuple[FieldNode, GraphQLObjectType, Reader | None]]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Strawberry's own execute passes a manager even when no extension wraps resolvers.
        manager = self.middleware_manager
        self._short_path = manager is None or not manager.middlewares

    @classmethod
    def _reader(cls, parent_type: GraphQLObjectType, node: FieldNode) -> Reader | None:
        cached = cls._compiled.get(id(node))
        if cached is not None and cached[0] is node and cached[1] is parent_type:
            return cached[2]
        reader = _compile_field(parent_type, node)
        if len(cls._compiled) >= COMPILED_MAX:
            cls._compiled.clear()
        cls._compiled[id(node)] = (node, parent_type, reader)
        return reader

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        if self._short_path and len(field_details_list) == 1:
            details = field_details_list[0]
            if details.defer_usage is None and details.fragment_variable_values is None:
                reader = self._reader(parent_type, details.node)
                if reader is not None:
                    try:
                        value = reader(source)
                    except Exception:  # the standard path below reports it properly
                        value = Undefined
                    if value is not Undefined:
                        return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
