"""Schemas that differ only in their executor, to compare the single-root-field short path
(graph/root_field.py) with graphql-core's executor on the same documents."""

from __future__ import annotations

from typing import Any

from strawberry.types.graphql import OperationType

from graph.execution import plan_fields
from graph.root_field import install_replay
from graph.scalars import SCALAR_OVERRIDES
from graph.schema import Edge, MicrostoreSchema
from settings import Settings


def schema_with(query: type, mutation: type, executor: type) -> MicrostoreSchema:
    """`query` and `mutation` served as the app serves its own, with `executor`."""
    schema = MicrostoreSchema(
        query=query,
        mutation=mutation,
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=executor,
    )
    plan_fields(schema._schema)
    install_replay(schema._schema)
    schema.edge = Edge.from_settings(Settings(env="test"))
    return schema


async def run(
    schema: MicrostoreSchema, document: str, variables: dict | None, context: Any
) -> tuple[Any, list[tuple[str, tuple, Any]]]:
    """The data and the errors (message, path, code; sorted) of one HTTP-style execution."""
    result = await schema.execute_http(
        document,
        variable_values=variables,
        context_value=context,
        operation_name=None,
        allowed_operation_types={OperationType.QUERY, OperationType.MUTATION},
    )
    errors = sorted(
        (e.message, tuple(e.path or ()), (e.extensions or {}).get("code"))
        for e in result.errors or []
    )
    return result.data, errors
