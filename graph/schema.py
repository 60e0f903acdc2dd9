"""The schema: each domain contributes Query / Mutation / Subscription classes, merged here.

Protection runs before any resolver: token limit while parsing, depth and alias limits
(and introspection, when off) as validation rules. Parse and validation results are cached
per query text, which is most of what a small query costs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry import relay
from strawberry.extensions import (
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionContext

from graph.errors import ErrorCodes, log_unexpected_errors
from graph.scalars import SCALAR_OVERRIDES
from resolvers.accounts.mutations import AccountMutations
from resolvers.accounts.queries import AccountQueries
from settings import Settings


@strawberry.type
class CoreQueries:
    node: relay.Node | None = relay.node(
        description="Any object by its global ID; null when missing or not yours."
    )


QUERIES: tuple[type, ...] = (CoreQueries, AccountQueries)
MUTATIONS: tuple[type, ...] = (AccountMutations,)
SUBSCRIPTIONS: tuple[type, ...] = ()

Query = merge_types("Query", QUERIES)
Mutation = merge_types("Mutation", MUTATIONS)
Subscription = merge_types("Subscription", SUBSCRIPTIONS) if SUBSCRIPTIONS else None


class MicrostoreSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_unexpected_errors(errors)


class EdgeLimits(SchemaExtension):
    """Token limit for the parser, depth / alias / introspection rules for validation.

    The rule classes are built once per schema: the validation cache keys on them, so a
    fresh class per request (what the stock limiter extensions do) would never hit.
    """

    def __init__(self, *, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]) -> None:
        self.max_tokens = max_tokens
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield


def validation_rules(settings: Settings) -> tuple[type[ASTValidationRule], ...]:
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if not settings.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return tuple(rules)


def schema_extensions(
    settings: Settings, *, caches: bool = True
) -> list[Callable[[], SchemaExtension]]:
    rules = validation_rules(settings)
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: ErrorCodes(show_details=settings.show_error_details),
        lambda: EdgeLimits(max_tokens=settings.max_tokens, rules=rules),
    ]
    if caches:
        extensions += [
            lambda: ParserCache(maxsize=settings.parse_cache_size),
            lambda: ValidationCache(maxsize=settings.parse_cache_size),
        ]
    return extensions


def build_schema(settings: Settings, *, caches: bool = True) -> MicrostoreSchema:
    return MicrostoreSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=schema_extensions(settings, caches=caches),
        scalar_overrides=SCALAR_OVERRIDES,
        config=StrawberryConfig(
            batching_config={"max_operations": settings.max_batch_operations},
            relay_max_results=100,
            # Suggestions ("did you mean ...?") would describe hidden parts of the schema.
            disable_field_suggestions=settings.is_production,
        ),
    )


def export_sdl(settings: Settings | None = None) -> str:
    """The SDL committed as schema.graphql (development settings: introspection on)."""
    return build_schema(settings or Settings(env="development")).as_str() + "\n"
