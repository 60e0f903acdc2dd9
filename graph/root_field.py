"""Operations that select one root field, answered without graphql-core's executor.

Most requests a shop serves select a single root field: `flashSalePurchase(...) { ... }`,
`cartLinesAdd(...)`, `product(id: ...)`. For those the executor does far more than the
answer needs: it builds an execution context, collects the root fields, wraps the
resolver's awaitable in a chain of coroutines, completes the payload field by field and
assembles the response. For a flash sale attempt the gate refuses, that was more CPU than
everything else in the request (bench/flash_sale.py).

`RootFieldPlans` looks at an operation once per document object (the parse cache hands
every request with the same text the same document) and makes a plan when the operation
is a query or mutation selecting exactly one root field plainly (no directives, no
fragment at the root, not introspection) whose selection compiles to a reader
(graph/execution.py). A planned operation runs as:

1. variables and arguments coerced by graphql-core's own `get_variable_values` and
   `get_argument_values` (on any error, nothing has run: the standard path reports it),
   or, when the operation's inputs are plain scalars, by the plan's compiled coercion
   (graph/root_inputs.py), which answers the same or hands over to graphql-core; other
   variables (input objects, lists, enums) by the operation's compiled coercer
   (graph/variables.py), which gives what `get_variable_values` would or hands over too;
2. the field's resolve function, i.e. Strawberry's wrapper (argument conversion,
   permission classes, field extensions, exception handlers: all as usual), with the
   resolve info the executor class itself builds. When the field has no extension
   (permission classes are extensions), the schema no exception handler, and every
   argument is a scalar or an enum (optional or not), Strawberry's conversion would hand
   the coerced values over unchanged under their Python names: the resolver is then
   called directly with them (`DirectCall`), as Strawberry's `get_arguments` would.
   When the arguments are input objects, lists or global IDs that graph/arguments.py
   compiles and the field's only extension is its permission classes, the arguments are
   converted by the compiled converters and the resolver called through the permission
   extension's own `resolve_async` (`ConvertingCall`): Strawberry's conversion walks
   each input's type again on every request, which cost `orderCreate` more than pricing
   the order;
3. its answer read by the compiled reader.

When the resolver raised, or the reader gives up (a null in a non-null field, a value of
another type, a field it does not read plainly), the standard path completes the answer,
*replaying* the outcome instead of calling the resolver again: `install_replay` wraps
each root field's resolve function once to return the outcome stored for its field node
in a context variable. A resolver runs exactly once per request on either path, and an
error reads exactly as the standard path writes it. tests/graph/test_root_field.py
compares both paths.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    Undefined,
)
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.permission import PermissionExtension
from strawberry.relay import GlobalID
from strawberry.scalars import is_scalar
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import StrawberryMaybe, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField

from graph.arguments import Converter, converter
from graph.execution import Reader, value_reader
from graph.root_inputs import RootInputs
from graph.variables import VariablesCoercer, variables_coercer

# (field node, raised?, the resolver's value or exception) for the standard path to replay.
_REPLAY: ContextVar[tuple[FieldNode, bool, Any] | None] = ContextVar(
    "microstore_root_replay", default=None
)
REPLAYS = "microstore_replays"
PLANS_MAX = 1024


def install_replay(schema: GraphQLSchema) -> None:
    """Let each query and mutation field return an outcome its resolver already produced."""
    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for field_def in root.fields.values():
            resolve = field_def.resolve
            if resolve is None or getattr(resolve, REPLAYS, False):
                continue
            field_def.resolve = _replaying(resolve)


def _replaying(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolve_or_replay(source: Any, info: Any, **kwargs: Any) -> Any:
        replay = _REPLAY.get()
        if replay is not None and replay[0] is info.field_nodes[0]:
            _, raised, outcome = replay
            if raised:
                raise outcome
            return outcome
        return resolve(source, info, **kwargs)

    setattr(resolve_or_replay, REPLAYS, True)
    return resolve_or_replay


# Work a resolver hands to `info.async_helpers.track`: settled in the background, like
# the executor does, and referenced until then.
_background: set[asyncio.Future[Any]] = set()


def _track(values: Sequence[Any]) -> None:
    awaitables = [v for v in values if inspect.isawaitable(v)]
    if awaitables:
        future = asyncio.gather(*awaitables, return_exceptions=True)
        _background.add(future)
        future.add_done_callback(_background.discard)


def _gather(values: Sequence[Awaitable[Any]]) -> Awaitable[list[Any]]:
    return gather_with_cancel(*values)


_HELPERS = GraphQLResolveInfoHelpers(gather=_gather, track=_track)


class DirectCall:
    """A resolver called the way Strawberry's wrapper would call it, for a field whose
    arguments Strawberry passes through unchanged (scalars and enums)."""

    __slots__ = (
        "field",
        "info_class",
        "info_name",
        "names",
        "resolver",
        "source_names",
        "with_self",
    )

    def __init__(
        self, field: StrawberryField, names: list[tuple[str, str]], info_class: type
    ) -> None:
        resolver = field.base_resolver
        assert resolver is not None
        self.field = field
        self.resolver = resolver
        self.info_class = info_class
        self.names = names  # (GraphQL name, Python name)
        self.with_self = resolver.self_parameter is not None
        self.source_names = [
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        ]
        self.info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def __call__(self, source: Any, info: Any, args: dict[str, Any]) -> Any:
        kwargs = {python: args[graphql] for graphql, python in self.names if graphql in args}
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = self.info_class(_raw_info=info, _field=self.field)
        if self.with_self:
            return self.resolver(source, **kwargs)
        return self.resolver(**kwargs)


def _passes_through(type_: Any, scalar_registry: Any) -> bool:
    """Does Strawberry's `convert_argument` return values of this type as they are?"""
    if isinstance(type_, StrawberryMaybe):
        return False  # wrapped in Some()
    if isinstance(type_, StrawberryOptional):
        type_ = type_.of_type
    if isinstance(type_, StrawberryEnumDefinition):
        return True
    return type_ is not GlobalID and is_scalar(type_, scalar_registry)


def _resolver_field(field_def: GraphQLField, strawberry_schema: Any) -> StrawberryField | None:
    """The Strawberry field behind `field_def` when a resolver of its own answers it (no
    subscription, no schema-wide exception handlers): the fields a call may shortcut."""
    field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        not isinstance(field, StrawberryField)
        or field.base_resolver is None
        or field.is_subscription
        or strawberry_schema.exception_handlers
    ):
        return None
    return field


def direct_call(field_def: GraphQLField, strawberry_schema: Any) -> DirectCall | None:
    field = _resolver_field(field_def, strawberry_schema)
    if field is None or field.extensions:
        return None
    converter = strawberry_schema.schema_converter
    config = strawberry_schema.config
    names = []
    for argument in field.arguments:
        if not _passes_through(argument.type, converter.scalar_registry):
            return None
        names.append((config.name_converter.from_argument(argument), argument.python_name))
    return DirectCall(field, names, config.info_class)


class ConvertingCall:
    """A resolver called the way Strawberry's wrapper calls it, for a field whose arguments
    are converted by compiled converters (graph/arguments.py) and whose only extension,
    if any, is a PermissionExtension (run through its own `resolve_async`)."""

    __slots__ = (
        "arguments",
        "field",
        "info_class",
        "info_name",
        "permission",
        "resolver",
        "source_names",
        "with_self",
    )

    def __init__(
        self,
        field: StrawberryField,
        arguments: list[tuple[str, str, Converter]],
        info_class: type,
        permission: PermissionExtension | None,
    ) -> None:
        resolver = field.base_resolver
        assert resolver is not None
        self.field = field
        self.resolver = resolver
        self.info_class = info_class
        self.arguments = arguments  # (GraphQL name, Python name, converter)
        self.permission = permission
        self.with_self = resolver.self_parameter is not None
        self.source_names = [
            p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p is not None
        ]
        self.info_name = resolver.info_parameter.name if resolver.info_parameter else None

    def __call__(self, source: Any, info: Any, args: dict[str, Any]) -> Any:
        # Strawberry's get_arguments: converted arguments, then parent / root and info.
        kwargs = {
            python: convert(args[graphql])
            for graphql, python, convert in self.arguments
            if graphql in args
        }
        for name in self.source_names:
            kwargs[name] = source
        strawberry_info = self.info_class(_raw_info=info, _field=self.field)
        if self.info_name is not None:
            kwargs[self.info_name] = strawberry_info
        resolver = self.resolver
        positional = (source,) if self.with_self else ()
        if self.permission is None:
            return resolver(*positional, **kwargs)
        # Strawberry's extension_resolver: the extension sees the arguments without `info`
        # and hands it back to the resolver.
        requested_info = "info" in kwargs
        if requested_info:
            kwargs.pop("info")

        def next_(_source: Any, info: Any, **kwargs: Any) -> Any:
            if requested_info:
                kwargs["info"] = info
            return resolver(*positional, **kwargs)

        return self.permission.resolve_async(next_, source, strawberry_info, **kwargs)


def converting_call(field_def: GraphQLField, strawberry_schema: Any) -> ConvertingCall | None:
    field = _resolver_field(field_def, strawberry_schema)
    if field is None:
        return None
    permission = None
    if field.extensions:
        [extension, *others] = field.extensions
        # Exactly Strawberry's class: a subclass may reshape arguments or the chain.
        if others or type(extension) is not PermissionExtension or not field.is_async:
            return None
        permission = extension
    registry = strawberry_schema.schema_converter.scalar_registry
    config = strawberry_schema.config
    arguments = []
    for argument in field.arguments:
        convert = converter(argument.type, registry, config)
        if convert is None:
            return None
        name = config.name_converter.from_argument(argument)
        arguments.append((name, argument.python_name, convert))
    return ConvertingCall(field, arguments, config.info_class, permission)


class RootFieldPlan:
    """How to run one operation of one document on the short path."""

    __slots__ = (
        "coerce_variables",
        "converting",
        "direct",
        "field_def",
        "fragments",
        "inputs",
        "key",
        "node",
        "operation",
        "parent_type",
        "path",
        "read",
    )

    def __init__(
        self,
        *,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        node: FieldNode,
        field_def: GraphQLField,
        parent_type: GraphQLObjectType,
        read: Reader,
        direct: DirectCall | None,
        inputs: RootInputs | None = None,
        converting: ConvertingCall | None = None,
        coerce_variables: VariablesCoercer | None = None,
    ) -> None:
        self.direct = direct
        self.inputs = inputs
        self.converting = converting
        self.coerce_variables = coerce_variables
        self.operation = operation
        self.node = node
        self.field_def = field_def
        self.parent_type = parent_type
        self.read = read
        self.key = node.alias.value if node.alias else node.name.value
        self.path = Path(None, self.key, parent_type.name)
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }


def make_plan(
    strawberry_schema: Any, document: DocumentNode, operation: OperationDefinitionNode
) -> RootFieldPlan | None:
    schema: GraphQLSchema = strawberry_schema._schema
    if operation.directives:
        return None
    if operation.operation == OperationType.QUERY:
        root = schema.query_type
    elif operation.operation == OperationType.MUTATION:
        root = schema.mutation_type
    else:
        return None
    selections = operation.selection_set.selections
    if root is None or len(selections) != 1:
        return None
    node = selections[0]
    if not isinstance(node, FieldNode) or node.directives or node.selection_set is None:
        return None
    name = node.name.value
    field_def = root.fields.get(name)
    if name.startswith("__") or field_def is None or field_def.resolve is None:
        return None
    read = value_reader(field_def.type, node.selection_set)
    if read is None:
        return None
    definitions = operation.variable_definitions or ()
    direct = direct_call(field_def, strawberry_schema)
    inputs = RootInputs.compile(schema, definitions, field_def, node)
    return RootFieldPlan(
        document=document,
        operation=operation,
        node=node,
        field_def=field_def,
        parent_type=root,
        read=read,
        direct=direct,
        inputs=inputs,
        converting=converting_call(field_def, strawberry_schema) if direct is None else None,
        coerce_variables=None if inputs is not None else variables_coercer(schema, definitions),
    )


class RootFieldPlans:
    """Plans by document object and operation (None: the operation has no plan)."""

    def __init__(self, maxsize: int = PLANS_MAX) -> None:
        self._items: dict[tuple[int, int, int], tuple[Any, Any, RootFieldPlan | None]] = {}
        self._maxsize = maxsize

    def get(
        self, strawberry_schema: Any, document: DocumentNode, operation: OperationDefinitionNode
    ) -> RootFieldPlan | None:
        """The plan of `operation` in `document` for a Strawberry schema."""
        schema = strawberry_schema
        key = (id(schema), id(document), id(operation))
        hit = self._items.get(key)
        if hit is not None and hit[0] is schema and hit[1] is document:
            return hit[2]
        plan = make_plan(schema, document, operation)
        if len(self._items) >= self._maxsize:
            self._items.clear()
        # The entry keeps schema and document (hence the operation) alive: no id reuse.
        self._items[key] = (schema, document, plan)
        return plan


async def execute_root_field(
    plan: RootFieldPlan,
    *,
    schema: GraphQLSchema,
    variable_values: dict[str, Any] | None,
    context_value: Any,
    executor_class: type,
    is_awaitable: Callable[[Any], bool],
    standard: Callable[[], Awaitable[ExecutionResult]],
) -> ExecutionResult:
    """The operation's result: by the plan, or by `standard()` (graphql-core's execute)."""
    field_def = plan.field_def
    inputs = plan.inputs.coerce(variable_values) if plan.inputs is not None else None
    if inputs is not None:
        coerced, args = inputs
    else:
        given = variable_values or {}
        coerced = None
        if plan.coerce_variables is not None and type(given) is dict:
            coerced = plan.coerce_variables(given)
        if coerced is None:
            definitions = plan.operation.variable_definitions or ()
            coerced = get_variable_values(schema, definitions, given)
            if isinstance(coerced, list):
                return await standard()  # it reports the variables' errors
        try:
            args = get_argument_values(field_def, plan.node, coerced)
        except Exception:
            return await standard()  # it reports the arguments' errors
    # The resolve info exactly as the executor class builds it, from the attributes its
    # `build_resolve_info` reads.
    executor = SimpleNamespace(
        schema=schema,
        fragment_definitions=plan.fragments,
        root_value=None,
        operation=plan.operation,
        variable_values=coerced,
        context_value=context_value,
        is_awaitable=is_awaitable,
        abort_signal=None,
        async_helpers=_HELPERS,
        operation_extensions=None,
    )
    info = executor_class.build_resolve_info(
        executor, field_def, [plan.node], plan.parent_type, plan.path
    )
    try:
        if plan.direct is not None:
            value = plan.direct(None, info, args)
        else:
            value = field_def.resolve(None, info, **args)
        if is_awaitable(value):
            value = await value
    except Exception as exc:
        return await _replay(plan.node, True, exc, standard)
    try:
        data = plan.read(value)
    except Exception:  # a coercion refused a value: the standard path reports it
        data = Undefined
    if data is Undefined:
        return await _replay(plan.node, False, value, standard)
    return ExecutionResult(data={plan.key: data})


async def _replay(
    node: FieldNode,
    raised: bool,
    outcome: Any,
    standard: Callable[[], Awaitable[ExecutionResult]],
) -> ExecutionResult:
    token = _REPLAY.set((node, raised, outcome))
    try:
        return await standard()
    finally:
        _REPLAY.reset(token)
