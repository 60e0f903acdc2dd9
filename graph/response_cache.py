"""Whole responses of public catalog reads, cached in Redis.

Executing `products(first: 20)` with a handful of fields per product means resolving a few
hundred fields, which costs far more than the Redis read the data came from. A query whose
every field is public catalog data that no viewer changes (no favourite flag, no live stock,
no staff-only field) gets its whole response cached, keyed by query text, variables and
operation name, under the catalog generation: any staff change makes every such response
dead at once (resolvers/catalog/cache.py explains the generation and the fill race).

Only error-free responses to non-staff callers are stored; staff always execute. Fields
alone do not tell everything: `products(filter: {inStock: true})` selects cacheable fields but
its rows depend on live stock, which orders move without touching the catalog generation. A
resolver in that position sets `context.uncacheable` and the response is not stored.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLSchema,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    visit,
)
from redis.exceptions import RedisError

from resolvers.catalog.cache import GENERATION_TTL_SECONDS, catalog_cache, new_generation

logger = logging.getLogger(__name__)

# Fields whose value is the same for every non-staff viewer until the catalog changes.
CACHEABLE_FIELDS: dict[str, frozenset[str]] = {
    "Query": frozenset({"products", "product", "categories"}),
    "ProductConnection": frozenset({"edges", "pageInfo", "nodes"}),
    "ProductEdge": frozenset({"cursor", "node"}),
    "PageInfo": frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}),
    "Product": frozenset(
        {
            "id", "title", "subtitle", "images", "coverImage", "status", "price", "priceRange",
            "rating", "descriptionHtml", "specGroups", "salesCount", "publishedAt", "createdAt",
            "category", "skus",
        }
    ),
    "Sku": frozenset(
        {"id", "price", "compareAtPrice", "barcode", "weightGrams", "isActive", "specValues", "title"}
    ),
    "Money": frozenset({"amount", "currency"}),
    "PriceRange": frozenset({"min", "max"}),
    "RatingSummary": frozenset({"average", "count"}),
    "SpecGroup": frozenset({"name", "values"}),
    "SpecValue": frozenset({"name", "value"}),
    "Category": frozenset({"id", "name", "iconUrl", "sortOrder", "isActive", "parent", "children"}),
}  # fmt: skip


class _Checker(Visitor):
    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.cacheable = True
        # Only worth a Redis round trip when the query reads catalog data at all:
        # `{ __typename }` alone would otherwise be "cacheable" and pay a lookup.
        self.reads_catalog = False

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> Any:
        if node.operation.value != "query":
            self.cacheable = False
            return self.BREAK
        return None

    def enter_field(self, node: FieldNode, *_: Any) -> Any:
        name = node.name.value
        if name == "__typename":
            return None
        parent = self.type_info.get_parent_type()
        parent_name = get_named_type(parent).name if parent is not None else ""
        if name not in CACHEABLE_FIELDS.get(parent_name, ()):
            self.cacheable = False
            return self.BREAK
        if parent_name == "Query":
            self.reads_catalog = True
        return None


# Verdicts by document *object*: the parse cache hands every request with the same text the
# same document, while hashing a document by value (frozen dataclasses, field by field)
# costs ~25 us for a small mutation, more than the check saves. An entry keeps its schema
# and document alive, so their ids are not reused while it is cached.
_VERDICTS_MAX = 1024
_verdicts: dict[tuple[int, int], tuple[GraphQLSchema, DocumentNode, bool]] = {}


def _is_cacheable(schema: GraphQLSchema, document: DocumentNode) -> bool:
    key = (id(schema), id(document))
    hit = _verdicts.get(key)
    if hit is not None and hit[0] is schema and hit[1] is document:
        return hit[2]
    type_info = TypeInfo(schema)
    checker = _Checker(type_info)
    visit(document, TypeInfoVisitor(type_info, checker))
    verdict = checker.cacheable and checker.reads_catalog
    if len(_verdicts) >= _VERDICTS_MAX:
        _verdicts.clear()
    _verdicts[key] = (schema, document, verdict)
    return verdict


def _digest(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> str:
    raw = orjson.dumps([query, variables or {}, operation_name], option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(raw).hexdigest()


async def execute_cached(
    *,
    schema: GraphQLSchema,
    document: DocumentNode,
    query: str,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    context: Any,
    run: Callable[[], Awaitable[ExecutionResult]],
) -> ExecutionResult:
    """`run()`'s result, from the cache when this is a cacheable public catalog read."""
    state = getattr(context, "state", None)
    claims = getattr(context, "claims", None)
    if (
        state is None
        or not state.settings.catalog_cache_enabled
        or (claims is not None and claims.is_staff)
        or not _is_cacheable(schema, document)
    ):
        return await run()
    cache = catalog_cache(state)
    generation_key = state.keys.catalog_listing_generation()
    value_key = state.keys.catalog_response(_digest(query, variables, operation_name))
    try:
        generation, cached = await state.redis.mget(generation_key, value_key)
    except RedisError:
        logger.warning("response cache unavailable; executing")
        return await run()
    if generation and cached:
        tag, _, body = cached.partition("|")
        if tag == generation:
            return ExecutionResult(data=orjson.loads(body))
    result = await run()
    if getattr(context, "uncacheable", False):
        return result
    if not result.errors and result.data is not None:
        try:
            await cache.scripts["cache_fill"](
                keys=[generation_key, value_key],
                args=[
                    generation or "",
                    new_generation(),
                    orjson.dumps(result.data).decode(),
                    cache.listing_ttl_seconds,
                    GENERATION_TTL_SECONDS,
                ],
            )
        except RedisError:
            logger.warning("response cache fill failed")
    return result
