"""Describe a database's schema as plain data, to compare migrations with the models.

Run as a script it builds a schema straight from the models (what `generate_schemas`
makes), in its own process because Tortoise keeps global state:

    python -m tests.support.schema_snapshot <database url>
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import sys
from typing import Any

import asyncpg

IGNORED_TABLES = {"aerich"}


async def postgres_snapshot(url: str) -> dict[str, Any]:
    conn = await asyncpg.connect(url)
    try:
        columns = await conn.fetch(
            """
            SELECT table_name, column_name, data_type, is_nullable, character_maximum_length,
                   numeric_precision, numeric_scale, column_default
            FROM information_schema.columns WHERE table_schema = 'public'
            """
        )
        indexes = await conn.fetch(
            "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'"
        )
        constraints = await conn.fetch(
            """
            SELECT conrelid::regclass::text AS table_name, contype,
                   pg_get_constraintdef(oid) AS definition
            FROM pg_constraint WHERE connamespace = 'public'::regnamespace
            """
        )
    finally:
        await conn.close()
    snapshot: dict[str, Any] = {}
    for row in columns:
        if row["table_name"] in IGNORED_TABLES:
            continue
        default = row["column_default"] or ""
        # Sequence names follow the table name either way; keep only "has a sequence".
        default = "nextval" if default.startswith("nextval(") else default
        snapshot.setdefault(
            row["table_name"], {"columns": {}, "indexes": set(), "constraints": set()}
        )
        snapshot[row["table_name"]]["columns"][row["column_name"]] = (
            row["data_type"],
            row["is_nullable"],
            row["character_maximum_length"],
            row["numeric_precision"],
            row["numeric_scale"],
            default,
        )
    for row in indexes:
        if row["tablename"] in snapshot:
            # Compare what is indexed, not what the index is called.
            definition = re.sub(r"INDEX \S+ ON", "INDEX ON", row["indexdef"])
            snapshot[row["tablename"]]["indexes"].add(definition)
    for row in constraints:
        table = row["table_name"].strip('"')
        if table in snapshot:
            snapshot[table]["constraints"].add((row["contype"], row["definition"]))
    return snapshot


def sqlite_snapshot(path: str) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not r[0].startswith("sqlite_") and r[0] not in IGNORED_TABLES
        ]
        snapshot: dict[str, Any] = {}
        for table in tables:
            columns = {
                r[1]: (r[2].upper(), r[3], r[5])
                for r in conn.execute(f'PRAGMA table_info("{table}")')
            }
            indexes = set()
            for r in conn.execute(f'PRAGMA index_list("{table}")'):
                cols = tuple(c[2] for c in conn.execute(f'PRAGMA index_info("{r[1]}")'))
                indexes.add((cols, r[2]))  # (columns, unique)
            fks = {
                (r[3], r[2], r[4], r[6])
                for r in conn.execute(f'PRAGMA foreign_key_list("{table}")')
            }
            snapshot[table] = {"columns": columns, "indexes": indexes, "fks": fks}
        return snapshot
    finally:
        conn.close()


async def _generate_from_models(url: str) -> None:
    from tortoise import Tortoise

    await Tortoise.init(db_url=url, modules={"models": ["models"]})
    try:
        await Tortoise.generate_schemas(safe=False)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(_generate_from_models(sys.argv[1]))
