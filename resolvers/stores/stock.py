"""Store stock movements: the only code that changes `StoreStock.quantity` besides a count.

A PICKUP or COURIER order is served from one store's shelf, so it takes its units there.
Like `resolvers.catalog.stock` for the central stock, every movement is a conditional
UPDATE in the caller's transaction (never read-modify-write), rows are touched in SKU id
order so two orders can never deadlock, and taking is all or nothing (the caller rolls
back on InsufficientStock). A row that does not exist yet is written with an upsert, so two
first writes of one (store, SKU) both succeed instead of one meeting the unique key.
Placing an order on PostgreSQL takes from the shelf inside the statement that writes the
order (resolvers/orders/placing.py), by the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from resolvers.catalog.stock import InsufficientStock, Shortage, StockLine, merged
from resolvers.core import sql


async def ensure_row(*, store_id: int, sku_id: int) -> None:
    """Make sure the (store, SKU) row exists (holding 0 if new), racing writers included."""
    await sql.execute(
        "INSERT INTO store_stock (store_id, sku_id, quantity, updated_at) "
        "VALUES ($1, $2, 0, CURRENT_TIMESTAMP) ON CONFLICT (store_id, sku_id) DO NOTHING",
        [store_id, sku_id],
    )


async def take_store_stock(*, store_id: int, lines: Iterable[StockLine]) -> None:
    """Take every line from the store's shelf or none. Call inside a transaction."""
    shortages: list[Shortage] = []
    for sku_id, quantity in merged(lines):
        taken = await sql.fetch(
            "UPDATE store_stock SET quantity = quantity - $1, updated_at = CURRENT_TIMESTAMP "
            "WHERE store_id = $2 AND sku_id = $3 AND quantity >= $1 RETURNING quantity",
            [quantity, store_id, sku_id],
        )
        if not taken:
            held = await sql.fetch(
                "SELECT quantity FROM store_stock WHERE store_id = $1 AND sku_id = $2",
                [store_id, sku_id],
            )
            shortages.append(Shortage(sku_id, quantity, held[0]["quantity"] if held else 0))
    if shortages:
        # Nothing is half-taken: the caller's transaction rolls the updates above back.
        raise InsufficientStock(shortages)


async def return_store_stock(*, store_id: int, lines: Iterable[StockLine]) -> None:
    """Put units back on the store's shelf (a cancelled or closed order)."""
    for sku_id, quantity in merged(lines):
        await sql.execute(
            "INSERT INTO store_stock (store_id, sku_id, quantity, updated_at) "
            "VALUES ($1, $2, $3, CURRENT_TIMESTAMP) ON CONFLICT (store_id, sku_id) DO UPDATE "
            "SET quantity = store_stock.quantity + EXCLUDED.quantity, "
            "updated_at = CURRENT_TIMESTAMP",
            [store_id, sku_id, quantity],
        )


async def store_quantities(*, store_ids: Iterable[int], sku_ids: Iterable[int]) -> dict:
    """(store id, SKU id) -> units held, for the rows that exist."""
    stores, skus = sorted(set(store_ids)), sorted(set(sku_ids))
    if not stores or not skus:
        return {}
    rows = await sql.fetch(
        "SELECT store_id, sku_id, quantity FROM store_stock "  # noqa: S608 - placeholders only
        f"WHERE store_id IN ({sql.placeholders(1, len(stores))}) "
        f"AND sku_id IN ({sql.placeholders(1 + len(stores), len(skus))})",
        [*stores, *skus],
    )
    return {(row["store_id"], row["sku_id"]): row["quantity"] for row in rows}
