"""The schema: each domain contributes Query / Mutation / Subscription classes, merged here.

Protection runs before any resolver: a token limit while parsing, depth and alias limits
(and introspection, when off) as validation rules. Parse and validation results are cached
per query text, which is most of what a small query costs.

Two execution paths share those rules, caches and error codes (`Edge`):

* HTTP calls `MicrostoreSchema.execute_http`: parse, check, validate and execute with
  graphql-core directly. Strawberry's `execute` runs its extension machinery around every
  request, which costs several times what `{ __typename }` itself does.
* WebSocket operations go through Strawberry (`subscribe`/`stream`), with the `GraphQLEdge`
  extension applying the same `Edge`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
)
from strawberry import relay
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import MaxAliasesLimiter, QueryDepthLimiter, SchemaExtension
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import validate_document
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType
from strawberry.utils.await_maybe import await_maybe

from graph.errors import log_unexpected_errors, stamp_result_errors
from graph.execution import LeafShortcutExecutor, plan_fields
from graph.response_cache import execute_cached
from graph.root_field import RootFieldPlans, execute_root_field, install_replay
from graph.scalars import SCALAR_OVERRIDES
from resolvers.accounts.mutations import AccountMutations
from resolvers.accounts.queries import AccountQueries
from resolvers.addresses.mutations import AddressMutations
from resolvers.addresses.queries import AddressQueries
from resolvers.campaigns.mutations import CampaignMutations
from resolvers.campaigns.queries import CampaignQueries
from resolvers.cart.mutations import CartMutations
from resolvers.cart.queries import CartQueries
from resolvers.catalog.mutations import CatalogMutations
from resolvers.catalog.queries import CatalogQueries
from resolvers.delivery.mutations import DeliveryMutations
from resolvers.delivery.queries import DeliveryQueries
from resolvers.delivery.subscriptions import DeliverySubscriptions
from resolvers.orders.mutations import OrderMutations
from resolvers.orders.queries import OrderQueries
from resolvers.orders.subscriptions import OrderSubscriptions
from resolvers.payments.mutations import PaymentMutations
from resolvers.stores.mutations import StoreMutations
from resolvers.stores.queries import StoreQueries
from settings import Settings


def _core_queries() -> type:
    # A new class per schema: Strawberry's relay `node` field is rewired in place when a
    # schema is built, so one field object cannot serve two schemas (tests build several).
    @strawberry.type
    class CoreQueries:
        node: relay.Node | None = relay.node(
            description="Any object by its global ID; null when missing or not yours."
        )

    return CoreQueries


QUERIES: tuple[type, ...] = (
    AccountQueries,
    CatalogQueries,
    StoreQueries,
    AddressQueries,
    CartQueries,
    OrderQueries,
    DeliveryQueries,
    CampaignQueries,
)
MUTATIONS: tuple[type, ...] = (
    AccountMutations,
    CatalogMutations,
    StoreMutations,
    AddressMutations,
    CartMutations,
    OrderMutations,
    PaymentMutations,
    DeliveryMutations,
    CampaignMutations,
)
SUBSCRIPTIONS: tuple[type, ...] = (OrderSubscriptions, DeliverySubscriptions)


class _ValidationCache:
    """`validate_document` results by document *object*, not value: the parse cache hands
    every request with the same text the same object, while hashing an AST by value (its
    nodes are frozen dataclasses, hashed field by field) costs more than executing a small
    operation. An entry keeps its document and schema alive, so an id is never reused
    while it is cached."""

    def __init__(self, maxsize: int) -> None:
        self._items: OrderedDict[tuple[int, int, tuple], tuple[Any, Any, list]] = OrderedDict()
        self._maxsize = maxsize

    def __call__(
        self, schema: GraphQLSchema, document: DocumentNode, rules: tuple
    ) -> list[GraphQLError]:
        key = (id(schema), id(document), rules)
        hit = self._items.get(key)
        if hit is not None and hit[0] is schema and hit[1] is document:
            self._items.move_to_end(key)
            return hit[2]
        errors = validate_document(schema, document, rules)
        self._items[key] = (schema, document, errors)
        if len(self._items) > self._maxsize:
            self._items.popitem(last=False)
        return errors


@dataclass(frozen=True)
class Edge:
    """Limits, caches and error policy shared by both execution paths, built once."""

    max_tokens: int
    # Our rules only; the HTTP path adds graphql-core's `specified_rules` (`all_rules`),
    # Strawberry's context starts from them itself.
    rules: tuple[type[ASTValidationRule], ...]
    show_error_details: bool
    parse: Callable[..., DocumentNode]
    validate: Callable[[GraphQLSchema, DocumentNode, tuple], list[GraphQLError]]
    # Single-root-field operations skip the executor (graph/root_field.py). Plans are kept
    # by document object, so only with the parse cache; None without it.
    root_plans: RootFieldPlans | None

    @property
    def all_rules(self) -> tuple[type[ASTValidationRule], ...]:
        return (*specified_rules, *self.rules)

    @classmethod
    def from_settings(cls, settings: Settings) -> Edge:
        rules = [
            *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
            *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
        ]
        if not settings.introspection:
            rules.append(NoSchemaIntrospectionCustomRule)
        parse_fn: Callable[..., DocumentNode] = parse
        validate_fn: Callable[..., list[GraphQLError]] = validate_document
        root_plans = None
        if settings.graphql_caches:
            # Keyed by query text (parse) and by document object + rule classes (validate);
            # both are fixed for a schema, so equal texts hit.
            parse_fn = lru_cache(maxsize=settings.parse_cache_size)(parse)
            validate_fn = _ValidationCache(settings.parse_cache_size)
            root_plans = RootFieldPlans(settings.parse_cache_size)
        return cls(
            max_tokens=settings.max_tokens,
            rules=tuple(rules),
            show_error_details=settings.show_error_details,
            parse=parse_fn,
            validate=validate_fn,
            root_plans=root_plans,
        )


class GraphQLEdge(SchemaExtension):
    """The `Edge` for operations Strawberry executes itself (WebSocket)."""

    def __init__(self, edge: Edge) -> None:
        self.edge = edge

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.edge.max_tokens
        context.validation_rules = (*context.validation_rules, *self.edge.rules)
        yield
        stamp_result_errors(context.result, show_details=self.edge.show_error_details)

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None:
            context.graphql_document = self.edge.parse(context.query, **context.parse_options)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            context.pre_execution_errors = self.edge.validate(
                context.schema._schema, context.graphql_document, context.validation_rules
            )
        yield

    def on_stream_result(self, result: Any) -> Iterator[None]:
        stamp_result_errors(result, show_details=self.edge.show_error_details)
        yield


class MicrostoreSchema(strawberry.Schema):
    edge: Edge

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected_errors(errors)

    async def execute_http(
        self,
        query: str,
        *,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType],
    ) -> ExecutionResult:
        """Parse (token limit), pick the operation, validate (depth, aliases, ...), execute.

        Raises CannotGetOperationTypeError / InvalidOperationTypeError like Strawberry, so
        the view answers those at the HTTP level.
        """
        edge = self.edge
        try:
            document = edge.parse(query, max_tokens=edge.max_tokens)
        except GraphQLError as error:
            return self._finish(None, [error])
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            raise CannotGetOperationTypeError(operation_name)
        operation_type = OperationType(operation.operation.value)
        if operation_type not in allowed_operation_types:
            raise InvalidOperationTypeError(operation_type)
        errors = edge.validate(self._schema, document, edge.all_rules)
        if errors:
            return self._finish(None, errors)

        async def standard() -> Any:
            return await await_maybe(
                execute(
                    self._schema,
                    document,
                    variable_values=variable_values,
                    operation_name=operation_name,
                    context_value=context_value,
                    is_awaitable=optimized_is_awaitable,
                    **execution_context_class_kwargs(self.execution_context_class),
                )
            )

        # Both short paths go together: the plan reads answers with the executor's readers.
        executor_class = self.execution_context_class
        plan = (
            edge.root_plans.get(self, document, operation)
            if edge.root_plans is not None
            and executor_class is not None
            and issubclass(executor_class, LeafShortcutExecutor)
            else None
        )

        async def run() -> Any:
            if plan is None:
                return await standard()
            return await execute_root_field(
                plan,
                schema=self._schema,
                variable_values=variable_values,
                context_value=context_value,
                executor_class=executor_class,
                is_awaitable=optimized_is_awaitable,
                standard=standard,
            )

        # Public catalog reads may be answered whole from Redis (graph/response_cache.py).
        result = await execute_cached(
            schema=self._schema,
            document=document,
            query=query,
            variables=variable_values,
            operation_name=operation_name,
            context=context_value,
            run=run,
        )
        if result.errors:
            log_unexpected_errors(result.errors)
        return self._finish(result.data, result.errors)

    def _finish(self, data: Any, errors: list[GraphQLError] | None) -> ExecutionResult:
        if errors and self.config.disable_field_suggestions:
            for error in errors:
                self.remove_field_suggestion(error)
        result = ExecutionResult(data=data, errors=list(errors) if errors else None)
        stamp_result_errors(result, show_details=self.edge.show_error_details)
        return result


def build_schema(settings: Settings) -> MicrostoreSchema:
    edge = Edge.from_settings(settings)
    schema = MicrostoreSchema(
        query=merge_types("Query", (_core_queries(), *QUERIES)),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None,
        extensions=[lambda: GraphQLEdge(edge)],
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(
            batching_config={"max_operations": settings.max_batch_operations},
            relay_max_results=100,
            # Suggestions ("did you mean ...?") would describe hidden parts of the schema.
            disable_field_suggestions=settings.is_production,
        ),
        # Plain attribute fields skip most of graphql-core's per-field work (graph/execution.py).
        execution_context_class=LeafShortcutExecutor,
    )
    plan_fields(schema._schema)
    install_replay(schema._schema)
    schema.edge = edge
    return schema


def export_sdl(settings: Settings | None = None) -> str:
    """The SDL committed as schema.graphql (development settings: introspection on)."""
    return build_schema(settings or Settings(env="development")).as_str() + "\n"
