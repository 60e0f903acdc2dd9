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
import sys
import tempfile
import uuid
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aerich import Command
from tortoise import Tortoise

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


async def _make(database_url: str, dialect: str, name: str, *, empty: bool) -> None:
    settings = Settings(database_url=database_url, redis_url="memory://")
    location = str(MIGRATIONS_DIR / dialect)
    app_dir = Path(location) / "models"
    config = tortoise_config(settings)
    command = Command(tortoise_config=config, app="models", location=location)
    try:
        if not any(app_dir.glob("*.py")):
            await command.init_db(safe=True)
            print(f"{dialect}: initial migration written")
            return
        await command.init()
        await command.upgrade(run_in_transaction=True)
        written = await command.migrate(name=name, empty=empty, no_input=True)
        print(f"{dialect}: {written or 'no changes'}")
    finally:
        await Tortoise.close_connections()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--empty", action="store_true", help="PostgreSQL only, for custom SQL")
    args = parser.parse_args()

    scratch = f"ms_makemigrations_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{scratch}"')
    try:
        pg_url = PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{scratch}"
        await _make(pg_url, "postgres", args.name, empty=args.empty)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.close()
    if args.empty:
        return
    with tempfile.TemporaryDirectory() as tmp:
        await _make(f"sqlite://{tmp}/scratch.sqlite3", "sqlite", args.name, empty=False)


if __name__ == "__main__":
    asyncio.run(main())
