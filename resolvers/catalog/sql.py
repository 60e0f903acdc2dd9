"""Plain SQL for the catalog's hot or arithmetic paths, written once for both dialects.

Statements use PostgreSQL's numbered placeholders (`$1`); on SQLite they become `?1`, which
also binds a parameter used twice only once. Only constant SQL and placeholders are ever
interpolated into a statement: values are always bound.
"""

from __future__ import annotations

import re
from typing import Any

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


async def execute(sql: str, values: list[Any]) -> int:
    """Run a statement; the number of rows it changed."""
    conn = connection()
    count, _ = await conn.execute_query(dialect_sql(conn, sql), values)
    return count
