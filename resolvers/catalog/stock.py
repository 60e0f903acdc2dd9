"""Stock movements: the only code that changes `Sku.stock`.

Every movement is a conditional UPDATE (never read-modify-write) plus a StockLedger row, in
the caller's transaction. Taking stock is all or nothing: if any line is short, the caller's
transaction rolls back and the error lists every short line.

Placing an order on PostgreSQL takes its stock inside the statement that writes the order
(resolvers/orders/placing.py), by the same rules: rows locked in `merged` order, a
conditional decrement, a ledger row per SKU.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from models import Sku, StockChangeReason, StockLedger
from resolvers.core.sql import dialect_sql


@dataclass(frozen=True, slots=True)
class StockLine:
    sku_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class Shortage:
    sku_id: int
    requested: int
    available: int


class InsufficientStock(Exception):
    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__(f"{len(shortages)} line(s) short of stock")
        self.shortages = shortages


def merged(lines: Iterable[StockLine]) -> list[tuple[int, int]]:
    """One entry per SKU, in id order: every transaction locks rows in the same order,
    so two orders for the same SKUs can never deadlock each other."""
    totals: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.quantity <= 0:
            raise ValueError("stock quantities are positive")
        totals[line.sku_id] += line.quantity
    return sorted(totals.items())


async def _apply(conn: BaseDBAsyncClient, sku_id: int, delta: int) -> int | None:
    """Add `delta` unless the result would be negative; the new stock, or None if refused."""
    # Numbered placeholders: on SQLite `$1`, used twice here, is still bound once.
    sql = dialect_sql(
        conn,
        "UPDATE sku SET stock = stock + $1, updated_at = CURRENT_TIMESTAMP "
        "WHERE id = $2 AND stock + $1 >= 0 RETURNING stock",
    )
    # execute_query_dict, not execute_query: Tortoise's asyncpg client drops the rows of
    # an UPDATE ... RETURNING in the latter.
    rows = await conn.execute_query_dict(sql, [delta, sku_id])
    return rows[0]["stock"] if rows else None


async def _ledger(conn: BaseDBAsyncClient, entries: list[StockLedger]) -> None:
    if entries:
        await StockLedger.bulk_create(entries, using_db=conn)


async def take_stock(
    lines: Iterable[StockLine],
    *,
    reason: StockChangeReason,
    reference: str,
    actor_id: int | None = None,
) -> None:
    """Take every line or none. Call inside a transaction; raises InsufficientStock."""
    conn = connections.get("default")
    shortages: list[Shortage] = []
    entries: list[StockLedger] = []
    for sku_id, quantity in merged(lines):
        balance = await _apply(conn, sku_id, -quantity)
        if balance is None:
            available = await Sku.filter(id=sku_id).using_db(conn).values_list("stock", flat=True)
            shortages.append(Shortage(sku_id, quantity, available[0] if available else 0))
            continue
        entries.append(
            StockLedger(
                sku_id=sku_id,
                delta=-quantity,
                balance_after=balance,
                reason=reason,
                reference=reference,
                actor_id=actor_id,
            )
        )
    if shortages:
        # Nothing is half-taken: the caller's transaction rolls the updates above back.
        raise InsufficientStock(shortages)
    await _ledger(conn, entries)


async def return_stock(
    lines: Iterable[StockLine],
    *,
    reason: StockChangeReason,
    reference: str,
    actor_id: int | None = None,
) -> None:
    """Put stock back (cancelled order, closed order, returned goods)."""
    conn = connections.get("default")
    entries: list[StockLedger] = []
    for sku_id, quantity in merged(lines):
        balance = await _apply(conn, sku_id, quantity)
        if balance is None:
            raise LookupError(f"SKU {sku_id} does not exist")
        entries.append(
            StockLedger(
                sku_id=sku_id,
                delta=quantity,
                balance_after=balance,
                reason=reason,
                reference=reference,
                actor_id=actor_id,
            )
        )
    await _ledger(conn, entries)


async def adjust_stock(
    *,
    sku_id: int,
    delta: int,
    reason: StockChangeReason,
    note: str = "",
    actor_id: int | None,
) -> int:
    """A staff adjustment (restock, count correction, write-off); the new stock level.

    Raises InsufficientStock when a negative adjustment would take stock below zero.
    """
    if delta == 0:
        raise ValueError("an adjustment changes the stock")
    conn = connections.get("default")
    balance = await _apply(conn, sku_id, delta)
    if balance is None:
        available = await Sku.filter(id=sku_id).using_db(conn).values_list("stock", flat=True)
        if not available:
            raise LookupError(f"SKU {sku_id} does not exist")
        raise InsufficientStock([Shortage(sku_id, -delta, available[0])])
    await _ledger(
        conn,
        [
            StockLedger(
                sku_id=sku_id,
                delta=delta,
                balance_after=balance,
                reason=reason,
                note=note,
                actor_id=actor_id,
            )
        ],
    )
    return balance
