"""Let aerich write the next migration for both dialects.

aerich writes SQL for the dialect of the database it talks to, so Microstore keeps one tree
per dialect (migrations/postgres, migrations/sqlite). For each, this script brings a scratch
database to the newest migration and asks aerich for the difference to the models.

    python scripts/makemigrations.py add_order_notes
    python scripts/makemigrations.py --empty enable_pg_trgm   # hand-written SQL, PG only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aerich import Command
from aerich.migrate import Migrate

from resolvers.core.db import MIGRATIONS_DIR, tortoise_config
from settings import Settings

PG_ADMIN_DSN = os.environ.get(
    "MIGRATIONS_PG_ADMIN_DSN",
    "postgres://{user}@{host}:{port}/postgres".format(
        user=os.environ.get("TEST_PG_USER", "postgres"),
        host=os.environ.get("TEST_PG_HOST", "127.0.0.1"),
        port=os.environ.get("TEST_PG_PORT", "5432"),
    ),
)


def _allow_self_references() -> None:
    """aerich 0.10 orders new tables by their foreign keys and takes a table that points
    at itself (Category.parent) for a cycle. A self reference needs no ordering, so hide
    it from that sort; the CREATE TABLE it writes still has the foreign key.
    """
    original = Migrate._handle_add_models.__func__

    def handle(cls, upgrade, new_models, new_table_items, other_table_items=None):
        items = []
        for name, describe, model in new_table_items:
            fks = [fk for fk in describe["fk_fields"] if fk.get("python_type") != name]
            items.append((name, {**describe, "fk_fields": fks}, model))
        return original(cls, upgrade, new_models, items, other_table_items)

    Migrate._handle_add_models = classmethod(handle)


async def _make(database_url: str, dialect: str, name: str, *, empty: bool) -> None:
    settings = Settings(database_url=database_url, redis_url="memory://")
    location = str(MIGRATIONS_DIR / dialect)
    app_dir = Path(location) / "models"
    config = tortoise_config(settings)
    async with Command(tortoise_config=config, app="models", location=location) as command:
        if not any(app_dir.glob("*.py")):
            await command.init_db(safe=True)
            print(f"{dialect}: initial migration written")
            return
        await command.init()
        await command.upgrade(run_in_transaction=True)
        await command.init()  # again: aerich diffs against the newest *applied* version
        written = await command.migrate(name=name, empty=empty, no_input=True)
        print(f"{dialect}: {written or 'no changes'}")


async def make_postgres(name: str, *, empty: bool) -> None:
    scratch = f"ms_makemigrations_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        pg_url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{scratch}"
        await _make(pg_url, "postgres", name, empty=empty)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.close()


async def make_sqlite(name: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await _make(f"sqlite://{tmp}/scratch.sqlite3", "sqlite", name, empty=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--empty", action="store_true", help="PostgreSQL only, for custom SQL")
    parser.add_argument("--dialect", choices=["postgres", "sqlite"])
    args = parser.parse_args()
    _allow_self_references()

    if args.dialect == "postgres":
        asyncio.run(make_postgres(args.name, empty=args.empty))
    elif args.dialect == "sqlite":
        asyncio.run(make_sqlite(args.name))
    else:
        # One process per dialect: Tortoise keeps global state that one process cannot
        # cleanly re-initialise for a second database.
        dialects = ["postgres"] if args.empty else ["postgres", "sqlite"]
        for dialect in dialects:
            extra = ["--empty"] if args.empty else []
            cmd = [sys.executable, __file__, args.name, "--dialect", dialect, *extra]
            subprocess.run(cmd, check=True)  # noqa: S603


if __name__ == "__main__":
    main()
