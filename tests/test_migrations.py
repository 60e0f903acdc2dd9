"""The committed migrations build exactly the schema the models describe."""

from __future__ import annotations

import asyncio
import os
import sys

from settings import BASE_DIR
from tests.support.schema_snapshot import postgres_snapshot, sqlite_snapshot

# Objects only a hand-written (aerich --empty) migration creates, which the models
# cannot express. Each entry names the table and a fragment of the index definition.
MIGRATION_ONLY_INDEXES: list[tuple[str, str]] = [
    # Keyword search: GIN over the unigrams and bigrams of product.search_text.
    ("product", "ms_search_grams"),
]


async def _run(*args: str, env: dict[str, str] | None = None) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        cwd=BASE_DIR,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()


def _without_migration_only(snapshot: dict) -> dict:
    for table, fragment in MIGRATION_ONLY_INDEXES:
        snapshot[table]["indexes"] = {i for i in snapshot[table]["indexes"] if fragment not in i}
    return snapshot


async def test_postgres_migrations_match_the_models(settings, app_server, create_database):
    from_models = await create_database("from_models")
    await _run("-m", "tests.support.schema_snapshot", from_models)

    migrated = _without_migration_only(await postgres_snapshot(settings.database_url))
    expected = await postgres_snapshot(from_models)

    assert sorted(migrated) == sorted(expected)
    for table in expected:
        assert migrated[table] == expected[table], table


async def test_sqlite_migrations_match_the_models(tmp_path):
    migrated_file = tmp_path / "migrated.sqlite3"
    models_file = tmp_path / "models.sqlite3"
    await _run(
        "main.py",
        "migrate",
        env={
            "DATABASE_URL": f"sqlite://{migrated_file}",
            "REDIS_URL": "memory://",
            "ENV": "development",
        },
    )
    await _run("-m", "tests.support.schema_snapshot", f"sqlite://{models_file}")

    migrated = sqlite_snapshot(str(migrated_file))
    expected = sqlite_snapshot(str(models_file))

    assert sorted(migrated) == sorted(expected)
    for table in expected:
        assert migrated[table] == expected[table], table
