"""Reviews and sales counts on SQLite (the embedded default), reported as JSON.

Run in its own process because Tortoise keeps global state (the suite's is PostgreSQL):

    python -m tests.support.sqlite_catalog <sqlite file>
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import orjson


class _NoCache:
    async def invalidate(self, **_: Any) -> None:
        return None


async def run(path: str) -> dict[str, Any]:
    from tortoise import Tortoise

    import main
    from models import Product, Role, Sku, User
    from resolvers.catalog import reviews, sales
    from resolvers.core.db import tortoise_config
    from settings import Settings
    from tests.support.catalog import completed_order_lines, make_category, make_product

    settings = Settings(database_url=f"sqlite://{path}", redis_url="memory://")
    await main.migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        product = await make_product(
            None, category=await make_category(), colours=["red"], sizes=["M"]
        )
        sku = await Sku.get(product_id=product.id)
        buyer = await User.create(role=Role.CUSTOMER, wechat_openid="buyer", nickname="王小明")
        lines = await completed_order_lines(buyer, sku.id, 3)
        made = [
            await reviews.create_review(
                cache=_NoCache(), user_id=buyer.id, order_line_id=line.id, rating=rating
            )
            for line, rating in zip(lines, [5, 4, 2], strict=True)
        ]
        summary = [await Product.filter(id=product.id).first().values("rating_count", "rating_sum")]
        await reviews.set_review_hidden(
            cache=_NoCache(), actor_id=buyer.id, review_id=made[0].id, hidden=True
        )
        summary.append(
            await Product.filter(id=product.id).first().values("rating_count", "rating_sum")
        )
        first, everything = await reviews.review_pages(
            [(product.id, 1, None, False), (product.id, 10, None, True)]
        )
        (second,) = await reviews.review_pages([(product.id, 1, first.cursors[0], False)])
        await sales.order_paid(lines[0].order_id)
        paid = (await Product.get(id=product.id)).sales_count
        return {
            "summary": summary,
            "average": str((await Product.get(id=product.id)).rating_avg),
            "pages": [[r.rating for r in p.rows] for p in (first, second, everything)],
            "has_next": [first.has_next_page, second.has_next_page],
            "sales": paid,
        }
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(run(sys.argv[1]))).decode())
