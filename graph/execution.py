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
attributes: `LeafShortcutExecutor` compiles the selection once per document into one
Python function (its source written below, `_Source`) and computes the field's whole value
in one pass:

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

import keyword
from binascii import b2a_base64
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class LeafCode:
    """What a leaf field's reader does, for the compiler to write it inline (below):
    read `attribute`; a value of type `native` (within the Int range for int, finite for
    float) is the answer as it is; None is the answer, or giving up when `non_null`; any
    other value goes through `coerce`, and a None from it is giving up."""

    attribute: str
    non_null: bool
    coerce: Callable[[Any], Any]
    native: type | None = None


@dataclass(frozen=True, slots=True)
class GlobalIdCode:
    """What a relay `id` reader does (`_global_id_reader`), for the compiler."""

    prefix: str
    id_attribute: str
    same_id: dict[type, bool]
    keeps_id: Callable[[type], bool]


# The compiler's description of a reader, kept as the reader's attribute.
CODE = "microstore_code"

# A Strawberry class may keep, for some of its leaf fields, the very output the field's
# scalar gives for its value, ready: `__graphql_output_texts__ = {"created_at":
# "created_at_text"}` (Python names), each text a str (None for a None value). The
# compiled readers of its selections take that text instead of the value and its
# coercion; a text of any other type gives up (the standard path coerces the value). The
# class vouches that the two always agree, and its tests prove it.
OUTPUT_TEXTS = "__graphql_output_texts__"


def _describe(reader: Reader, code: LeafCode | GlobalIdCode) -> Reader:
    setattr(reader, CODE, code)
    return reader


def _leaf_reader(name: str, leaf: GraphQLLeafType, non_null: bool) -> Reader:
    coerce = leaf.coerce_output_value
    reader = _plain_leaf_reader(name, leaf, non_null)
    native: type | None = None
    if leaf is GraphQLString or leaf is GraphQLID:
        native = str
    elif leaf is GraphQLBoolean:
        native = bool
    elif leaf is GraphQLInt:
        native = int
    elif leaf is GraphQLFloat:
        native = float
    return _describe(reader, LeafCode(name, non_null, coerce, native))


def _plain_leaf_reader(name: str, leaf: GraphQLLeafType, non_null: bool) -> Reader:
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

    def keeps_id(cls: type) -> bool:
        keeps = same_id[cls] = (
            issubclass(cls, origin)
            and _keeps_default_node_id(cls)
            and cls.resolve_id_attr() == id_attr
        )
        return keeps

    def read(source: Any) -> Any:
        cls = type(source)
        keeps = same_id.get(cls)
        if keeps is None:
            keeps = keeps_id(cls)
        node_id = getattr(source, id_attr) if keeps else None
        if node_id is None:
            return Undefined
        # Strawberry's `to_base64(type_name, node_id)`, without its type dispatch.
        return b2a_base64(f"{prefix}{node_id}".encode(), newline=False).decode()

    return _describe(read, GlobalIdCode(prefix, id_attr, same_id, keeps_id))


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
#
# A selection is compiled into the source of one Python function, which reads the whole
# value in one pass: each field's read, type check and coercion written inline, lists as
# loops, and the result dicts built at once with constant keys. Nested closures (one per
# field and object, as this was first written) cost a Python call per field and per
# object: on a page of 20 products, ~360 calls and most of what reading the page cost.
#
# The generated function gives up exactly where the closures did: whenever any part of
# the value would, the whole function returns Undefined, having read the same attributes
# in the same order up to that point (attribute reads have no side effects to repeat).


class _NotPlain(Exception):
    """A selection the compiler leaves to the standard path."""


# Beyond these, an object is compiled into a function of its own, called per value:
# Python limits statically nested blocks (loops) to 20 and indentation to 100 levels.
_INLINE_LOOPS = 8
_INLINE_INDENT = 40


class _Source:
    """The source of the functions of one compiled selection and the objects it names."""

    def __init__(self) -> None:
        self.functions: list[list[str]] = []
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "Undefined": Undefined,
            "_SEQUENCE": (list, tuple),
            "_isfinite": isfinite,
            "_b2a_base64": b2a_base64,
            "_MIN_INT": GRAPHQL_MIN_INT,
            "_MAX_INT": GRAPHQL_MAX_INT,
        }
        self._count = 0

    def fresh(self, hint: str) -> str:
        self._count += 1
        return f"{hint}{self._count}"

    def const(self, value: Any, hint: str) -> str:
        name = self.fresh(f"_{hint}")
        self.names[name] = value
        return name

    def emit(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def give_up_if(self, indent: int, condition: str) -> None:
        self.emit(indent, f"if {condition}:")
        self.emit(indent + 1, "return Undefined")

    def attribute(self, owner: str, name: str) -> str:
        if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("__"):
            return f"{owner}.{name}"
        return f"getattr({owner}, {self.const(name, 'name')})"

    def function(self, name: str, emit_body: Callable[[int], str]) -> str:
        """Write `def name(value)` returning what `emit_body(indent)` computes."""
        outer = self.lines
        self.lines = [f"def {name}(value):"]
        result = emit_body(1)
        self.emit(1, f"return {result}")
        self.functions.append(self.lines)
        self.lines = outer
        return name

    def build(self, name: str) -> Reader:
        text = "\n\n".join("\n".join(f) for f in self.functions)
        exec(compile(text, f"<microstore reader {name}>", "exec"), self.names)  # noqa: S102
        reader = self.names[name]
        reader.source = text  # for whoever debugs a reader
        return reader


def _emit_leaf(
    source: _Source, reader: Reader, owner: str, indent: int, origin: type | None = None
) -> str:
    """Inline a leaf field's reader; the variable holding its value. `origin`: the class
    `owner` is an instance of."""
    code = getattr(reader, CODE, None)
    value = source.fresh("v")
    texts = getattr(origin, OUTPUT_TEXTS, None) or {}
    if isinstance(code, LeafCode) and code.attribute in texts:
        source.emit(indent, f"{value} = {source.attribute(owner, texts[code.attribute])}")
        other = f"type({value}) is not str"
        source.give_up_if(indent, other if code.non_null else f"{value} is not None and {other}")
        return value
    if isinstance(code, LeafCode):
        source.emit(indent, f"{value} = {source.attribute(owner, code.attribute)}")
        coerce = source.const(code.coerce, "coerce")
        # `other`: the value is not one taken as it is.
        if code.native is int:
            other = f"not (type({value}) is int and _MIN_INT <= {value} <= _MAX_INT)"
        elif code.native is float:
            other = f"not (type({value}) is float and _isfinite({value}))"
        elif code.native is not None:
            other = f"type({value}) is not {code.native.__name__}"
        else:
            other = None
        if code.non_null:
            if other is not None:
                source.emit(indent, f"if {other}:")
                indent += 1
            source.give_up_if(indent, f"{value} is None")
        else:
            source.emit(indent, f"if {value} is not None{f' and {other}' if other else ''}:")
            indent += 1
        source.emit(indent, f"{value} = {coerce}({value})")
        source.give_up_if(indent, f"{value} is None")
        return value
    if isinstance(code, GlobalIdCode):
        cls, keeps, node_id = source.fresh("cls"), source.fresh("keeps"), source.fresh("pk")
        source.emit(indent, f"{cls} = type({owner})")
        source.emit(indent, f"{keeps} = {source.const(code.same_id, 'same_id')}.get({cls})")
        source.emit(indent, f"if {keeps} is None:")
        source.emit(indent + 1, f"{keeps} = {source.const(code.keeps_id, 'keeps_id')}({cls})")
        source.give_up_if(indent, f"not {keeps}")
        source.emit(indent, f"{node_id} = {source.attribute(owner, code.id_attribute)}")
        source.give_up_if(indent, f"{node_id} is None")
        prefix = source.const(code.prefix, "prefix")
        source.emit(
            indent,
            f'{value} = _b2a_base64(f"{{{prefix}}}{{{node_id}}}".encode(), newline=False).decode()',
        )
        return value
    source.emit(indent, f"{value} = {source.const(reader, 'read')}({owner})")
    source.give_up_if(indent, f"{value} is Undefined")
    return value


def _emit_field(
    source: _Source, parent: GraphQLObjectType, node: FieldNode, owner: str, indent: int, loops: int
) -> str:
    """The variable holding one field's complete value, read from `owner`."""
    name = node.name.value
    if node.arguments or node.directives:
        raise _NotPlain
    if name == "__typename":
        return source.const(parent.name, "typename")
    field_def = parent.fields.get(name)
    if field_def is None:
        raise _NotPlain
    if node.selection_set is None:
        reader = field_def.extensions.get(READER)
        if reader is None:
            raise _NotPlain
        return _emit_leaf(source, reader, owner, indent, _origin(parent))
    if not _is_plain_attribute(field_def):
        raise _NotPlain
    attribute = field_def.extensions[GraphQLCoreConverter.DEFINITION_BACKREF].python_name
    value = source.fresh("a")
    source.emit(indent, f"{value} = {source.attribute(owner, attribute)}")
    return _emit_complete(source, field_def.type, node.selection_set, value, indent, loops)


def _emit_object(
    source: _Source,
    graphql_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    owner: str,
    indent: int,
    loops: int,
) -> str:
    """The variable holding the dict of an object's selected fields."""
    origin = _origin(graphql_type)
    if origin is None:
        raise _NotPlain
    if loops >= _INLINE_LOOPS or indent >= _INLINE_INDENT:
        function = source.function(
            source.fresh("read_object"),
            lambda body: _emit_object(source, graphql_type, selection_set, "value", body, 0),
        )
        result = source.fresh("o")
        source.emit(indent, f"{result} = {function}({owner})")
        source.give_up_if(indent, f"{result} is Undefined")
        return result
    # A stricter check than any `is_type_of`: an instance of the type's Strawberry class.
    source.give_up_if(indent, f"not isinstance({owner}, {source.const(origin, 'type')})")
    entries: list[tuple[str, str]] = []
    keys: set[str] = set()
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            raise _NotPlain
        key = selection.alias.value if selection.alias else selection.name.value
        if key in keys:
            raise _NotPlain
        keys.add(key)
        entries.append((key, _emit_field(source, graphql_type, selection, owner, indent, loops)))
    result = source.fresh("o")
    source.emit(indent, f"{result} = {{{', '.join(f'{k!r}: {v}' for k, v in entries)}}}")
    return result


def _emit_complete(
    source: _Source,
    field_type: Any,
    selection_set: SelectionSetNode,
    value: str,
    indent: int,
    loops: int,
) -> str:
    """The variable holding the completed value of `field_type` (an object, [object] or
    their non-null forms; one list level at most) held in `value`."""
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
        raise _NotPlain
    result = source.fresh("c")
    if outer_non_null:
        source.give_up_if(indent, f"{value} is None")
    else:
        source.emit(indent, f"{result} = None")
        source.emit(indent, f"if {value} is not None:")
        indent += 1
    if not is_list:
        item = _emit_object(source, graphql_type, selection_set, value, indent, loops)
        source.emit(indent, f"{result} = {item}")
        return result
    source.give_up_if(indent, f"not isinstance({value}, _SEQUENCE)")
    element = source.fresh("e")
    source.emit(indent, f"{result} = []")
    source.emit(indent, f"for {element} in {value}:")
    source.emit(indent + 1, f"if {element} is None:")
    if item_non_null:
        source.emit(indent + 2, "return Undefined")
    else:
        source.emit(indent + 2, f"{result}.append(None)")
        source.emit(indent + 2, "continue")
    item = _emit_object(source, graphql_type, selection_set, element, indent + 1, loops + 1)
    source.emit(indent + 1, f"{result}.append({item})")
    return result


def _compile(name: str, emit_body: Callable[[_Source, int], str]) -> Reader | None:
    source = _Source()
    try:
        source.function(name, lambda indent: emit_body(source, indent))
    except _NotPlain:
        return None
    return source.build(name)


def _compile_field(parent: GraphQLObjectType, node: FieldNode) -> Reader | None:
    """A reader of one field's complete value, or None when the field needs the standard path."""
    if node.selection_set is None and not node.arguments and not node.directives:
        field_def = parent.fields.get(node.name.value)
        reader = field_def.extensions.get(READER) if field_def is not None else None
        code = getattr(reader, CODE, None)
        origin = _origin(parent)
        if isinstance(code, LeafCode) and code.attribute in getattr(origin, OUTPUT_TEXTS, {}):

            def emit_text(source: _Source, indent: int) -> str:
                # The class vouches for its instances' texts only.
                source.give_up_if(indent, f"not isinstance(value, {source.const(origin, 'type')})")
                return _emit_leaf(source, reader, "value", indent, origin)

            return _compile(f"read_{node.name.value}", emit_text)
        if node.name.value != "__typename":
            return reader
    return _compile(
        f"read_{node.name.value}",
        lambda source, indent: _emit_field(source, parent, node, "value", indent, 0),
    )


def value_reader(field_type: Any, selection_set: SelectionSetNode) -> Reader | None:
    """A function that completes a value of `field_type` (an object, [object] or their
    non-null forms; one list level at most) for `selection_set`, or returns Undefined to
    give up; None when the selection is not plain enough to compile."""
    return _compile(
        "complete",
        lambda source, indent: _emit_complete(
            source, field_type, selection_set, "value", indent, 0
        ),
    )


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
