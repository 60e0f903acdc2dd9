"""Plain SQL for hot or arithmetic paths, written once for PostgreSQL and SQLite.

Statements use PostgreSQL's numbered placeholders (`$1`); on SQLite they become `?1`, which
also binds a parameter used twice only once. Only constant SQL and placeholders are ever
interpolated into a statement: values are always bound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

_PLACEHOLDER = re.compile(r"\$(\d+)")


def connection() -> BaseDBAsyncClient:
    # Inside `in_transaction()` this is the transaction's connection (Tortoise routes it).
    return connections.get("default")


def is_postgres(conn: BaseDBAsyncClient | None = None) -> bool:
    return (conn or connection()).capabilities.dialect == "postgres"


def dialect_sql(conn: BaseDBAsyncClient, sql: str) -> str:
    if conn.capabilities.dialect == "sqlite":
        return _PLACEHOLDER.sub(r"?\1", sql)
    return sql


def placeholders(first: int, count: int) -> str:
    """`$first, $first+1, ...`: `count` numbered placeholders."""
    return ", ".join(f"${n}" for n in range(first, first + count))


async def fetch(sql: str, values: list[Any]) -> list[dict[str, Any]]:
    conn = connection()
    return await conn.execute_query_dict(dialect_sql(conn, sql), values)


async def fetch_records(
    sql: str,
    values: list[Any],
    *,
    record_class: type[asyncpg.Record] | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> Sequence[Mapping[str, Any]]:
    """`fetch` for the hottest reads: on PostgreSQL the driver's own rows (asyncpg Records,
    read by column name, or of `record_class`, a subclass) rather than a dict copied from
    each, and no Tortoise wrapper around the call; elsewhere dicts. Driver errors are
    asyncpg's, not Tortoise's: for reads that only fail on a bug or a lost database, which
    are a 500 either way. `conn`: `connection()`, when the caller has it already."""
    conn = conn or connection()
    if conn.capabilities.dialect != "postgres":
        return await fetch(sql, values)
    async with conn.acquire_connection() as raw:
        conn.log.debug("%s: %s", sql, values)  # as Tortoise logs each statement
        return await raw.fetch(sql, *values, record_class=record_class)


async def execute(sql: str, values: list[Any]) -> int:
    """Run a statement; the number of rows it changed."""
    conn = connection()
    count, _ = await conn.execute_query(dialect_sql(conn, sql), values)
    return count
