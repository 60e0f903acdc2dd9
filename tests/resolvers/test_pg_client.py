"""Microstore's PostgreSQL client (resolvers/core/pg.py): one round trip per statement."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from models import Category


async def _log_every_pooled_statement() -> list[str]:
    client = connections.get("default")
    assert client.capabilities.dialect == "postgres"
    await client.execute_query("SELECT 1")  # the pool opens on first use
    seen: list[str] = []
    for holder in client._pool._holders:
        if holder._con is not None:
            holder._con.add_query_logger(lambda record: seen.append(record.query))
    return seen


async def test_releasing_a_connection_sends_no_reset_query(app_server):
    seen = await _log_every_pooled_statement()

    for _ in range(5):
        await Category.filter(id=-1).first()
    async with in_transaction():
        await Category.filter(id=-1).first()

    assert seen, "the logger saw no statement at all"
    assert not [q for q in seen if "RESET ALL" in q or "pg_advisory_unlock_all" in q]


async def test_a_transaction_cut_off_by_cancellation_does_not_reach_the_next_user(app_server):
    written = asyncio.Event()

    async def cut_off() -> None:
        async with in_transaction() as connection:
            await connection.execute_query(
                "INSERT INTO category (name, icon_url, sort_order, is_active, created_at, "
                "updated_at) VALUES ('cut off', '', 0, true, now(), now())"
            )
            written.set()
            await asyncio.sleep(3600)

    task = asyncio.create_task(cut_off())
    await written.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    # Every pooled connection is back outside any transaction, and the write is gone.
    client = connections.get("default")
    rows = await asyncio.gather(
        *(
            client.execute_query_dict("SELECT count(*) AS n FROM category WHERE name = 'cut off'")
            for _ in range(10)
        )
    )
    assert {r[0]["n"] for r in rows} == {0}
