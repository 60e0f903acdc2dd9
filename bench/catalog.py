"""Catalog figures (issue 3), each a ratio measured in one run on one server.

1. `products(first: 20)` with 8 fields per product, as req/s relative to `{ __typename }`
   on the same server: warm cache (goal >= 50%) and cold, cache off (goal >= 25%).
2. Product page: SQL statements for one query returning product, 20 SKUs, spec matrix,
   images, rating, 50 reviews' first page, sales count and favourite flag (goal <= 4).
3. Keyword search on 100,000 products on PostgreSQL: the plan uses the GIN index, and the
   p99 latency of the search under load (goal < 50 ms).

    python -m bench.catalog [--seconds 5] [--products 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from bench.harness import bench_env, load, postgres_database, ratio_line, run_cli, server

TYPENAME = "{ __typename }"
LISTING = (
    "{ products(first: 20) { edges { node { id title subtitle coverImage salesCount createdAt "
    "price { amount currency } rating { average } } } } }"
)
SEARCHES = ("羊毛", "wool", "大衣", "merino coat", "衬衫")


async def _seed_listing(database_url: str, products: int) -> None:
    """Products with specs and SKUs, created through the real service."""
    from tortoise import Tortoise

    from resolvers.core.db import tortoise_config
    from settings import Settings
    from tests.support.catalog import make_category, make_product

    await Tortoise.init(config=tortoise_config(Settings(database_url=database_url)))
    try:
        coats = await make_category("Coats")
        for i in range(products):
            title = f"羊毛大衣 {i}" if i % 2 else f"Merino Wool Coat {i}"
            await make_product(
                None, category=coats, title=title, colours=["red", "navy"], sizes=["S", "M", "L"]
            )
    finally:
        await Tortoise.close_connections()


async def _seed_search(database_url: str, total: int) -> list[str]:
    """`total` on-shelf products in bulk (SQL), titles mixing Chinese and English words."""
    import asyncpg

    conn = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        category = await conn.fetchval(
            "INSERT INTO category (name, icon_url, sort_order, is_active, created_at, updated_at) "
            "VALUES ('Bulk', '', 0, true, now(), now()) RETURNING id"
        )
        await conn.execute(
            """
            INSERT INTO product (category_id, title, subtitle, description_html, images,
                spec_groups, status, min_price, max_price, sales_count, rating_count,
                rating_sum, rating_avg, published_at, search_text, created_at, updated_at)
            SELECT $1, t.title, '', '', '[]', '[]', 'ON_SHELF', (i % 500) + 9.9, (i % 500) + 19.9,
                   i % 1000, 0, 0, 0, now(), lower(t.title), now(), now()
            FROM generate_series(1, $2) AS i,
            LATERAL (SELECT (ARRAY['羊毛', '纯棉', '真丝', '亚麻', '羊绒', '牛仔'])[1 + i % 6]
                || (ARRAY['大衣', '衬衫', '毛衣', '长裤', '外套', '围巾'])[1 + (i / 6) % 6]
                || ' ' || (ARRAY['Merino Wool', 'Cotton', 'Silk', 'Linen', 'Cashmere',
                                 'Denim'])[1 + (i / 36) % 6]
                || ' ' || (ARRAY['Coat', 'Shirt', 'Sweater', 'Trousers', 'Jacket',
                                 'Scarf'])[1 + (i / 216) % 6]
                || ' #' || i AS title) AS t
            """,
            category,
            total,
        )
        await conn.execute("ANALYZE product")
        return await _search_plans(conn)
    finally:
        await conn.close()


async def _search_plans(conn) -> list[str]:
    """EXPLAIN ANALYZE of the statements the listing really sends (resolvers/catalog/
    listing.py): a rare keyword is answered through the GIN index; a broad one from the head
    of the sales ordering, walking its index and stopping after a page."""
    from resolvers.catalog import listing, text

    lines = []
    for keyword, build in (("大衣 #4242", listing._statement), ("羊毛", listing._head_statement)):
        query = listing.ProductQuery(first=20, keyword=keyword)
        terms = text.keyword_terms(keyword)
        statement, values = build(query, listing.SORT_KEYS[query.sort], terms, 20, staff=False)
        plan = await conn.fetch("EXPLAIN ANALYZE " + statement, *values)
        lines += [f"-- {keyword!r} ({build.__name__})", *(row[0] for row in plan)]
    return lines


def listing_figures(seconds: float) -> None:
    with postgres_database("catalog") as database_url:
        env = bench_env(database_url)
        run_cli(env, "migrate")
        asyncio.run(_seed_listing(database_url, 40))
        results = {}
        for label, extra in (("warm", {}), ("cold", {"CATALOG_CACHE_ENABLED": "false"})):
            with server({**env, **extra}) as srv:
                body = srv.graphql(LISTING)
                assert len(body["data"]["products"]["edges"]) == 20, body
                typename = load(
                    f"{srv.url}/graphql", method="POST", body={"query": TYPENAME}, seconds=seconds
                )
                listing = load(
                    f"{srv.url}/graphql", method="POST", body={"query": LISTING}, seconds=seconds
                )
                print(f"  {label} {{ __typename }}       {typename.line()}")
                print(f"  {label} products(first: 20) {listing.line()}")
                results[label] = (listing.requests_per_second, typename.requests_per_second)
    print(ratio_line("products(first: 20), warm cache / {__typename}", *results["warm"], 0.50))
    print(ratio_line("products(first: 20), cache off / {__typename}", *results["cold"], 0.25))


PRODUCT_PAGE = """
query ($id: ID!) {
  product(id: $id) {
    id title images salesCount isFavorite price { amount } rating { average count }
    specGroups { name values }
    skus { id title price { amount } inStock stockLevel specValues { name value } }
    specMatrix { values { name value } available sku { id } }
    reviews(first: 10) { edges { node { id rating body authorName createdAt } } }
  }
}
"""


async def _product_page_queries(database_url: str) -> tuple[int, int]:
    """SQL statements of one product page (20 SKUs, 50 reviews), cold then warm, in-process."""
    import httpx
    from asgi_lifespan import LifespanManager

    import main
    from models import Favorite, Role, Sku, User
    from resolvers.accounts.tokens import issue_access_token
    from resolvers.catalog.cache import catalog_cache
    from settings import Settings
    from tests.support.catalog import make_category, make_product, make_reviews
    from tests.support.queries import capture_queries

    settings = Settings(
        env="development",
        database_url=database_url,
        redis_url=bench_env(database_url)["REDIS_URL"],
        redis_prefix=bench_env(database_url)["REDIS_PREFIX"],
        embedded_worker=False,
    )
    app = main.create_app(settings)
    async with LifespanManager(app):
        category = await make_category("Coats")
        product = await make_product(
            None,
            category=category,
            colours=[f"c{i}" for i in range(5)],
            sizes=["S", "M", "L", "XL"],
        )
        shopper = await User.create(role=Role.CUSTOMER, wechat_openid="bench-page")
        await Favorite.create(user=shopper, product_id=product.id)
        sku = await Sku.filter(product_id=product.id).first()
        cache = catalog_cache(app.state.microstore)
        for i in range(10):  # 50 reviews by ten buyers
            buyer = await User.create(role=Role.CUSTOMER, wechat_openid=f"bench-buyer-{i}")
            await make_reviews(cache, buyer, sku.id, [5, 4, 3, 4, 5])
        token = issue_access_token(settings=settings, user=shopper)[0]
        from strawberry.relay import to_base64

        body = {"query": PRODUCT_PAGE, "variables": {"id": to_base64("Product", product.id)}}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            headers = {"Authorization": f"Bearer {token}"}
            counts = []
            for _ in range(2):
                with capture_queries() as log:
                    answer = (await client.post("/graphql", json=body, headers=headers)).json()
                assert len(answer["data"]["product"]["skus"]) == 20, answer
                assert len(answer["data"]["product"]["reviews"]["edges"]) == 10, answer
                counts.append(log.count)
    return counts[0], counts[1]


def product_page_figures() -> None:
    logging.disable(logging.NOTSET)  # the query counter reads Tortoise's DEBUG log
    logging.getLogger().setLevel(logging.WARNING)
    with postgres_database("page") as database_url:
        run_cli(bench_env(database_url), "migrate")
        cold, warm = asyncio.run(_product_page_queries(database_url))
    print(f"  product page with 20 SKUs and 50 reviews: {cold} SQL statements cold, {warm} warm")
    print(
        f"{'product page SQL statements (cold)':<48} {cold:7d}  goal <= 4: {'met' if cold <= 4 else 'NOT met'}"
    )


def search_figures(seconds: float, products: int) -> None:
    with postgres_database("search") as database_url:
        env = bench_env(database_url)
        run_cli(env, "migrate")
        plan = asyncio.run(_seed_search(database_url, products))
        print(f"  {products} products; plans of keyword searches:")
        for line in plan:
            print(f"    {line}")
        uses_index = any("product_search_grams_gin" in line for line in plan)
        # Search pages are not cached here: every request runs the SQL.
        with server({**env, "CATALOG_CACHE_ENABLED": "false"}) as srv:
            worst = 0.0
            for keyword in SEARCHES:
                query = (
                    "query ($k: String) { products(first: 20, filter: {keyword: $k}) "
                    "{ edges { node { id title } } } }"
                )
                body = {"query": query, "variables": {"k": keyword}}
                hits = srv.graphql(query, {"k": keyword})["data"]["products"]["edges"]
                result = load(
                    f"{srv.url}/graphql", method="POST", body=body, seconds=seconds, connections=4
                )
                print(f"  search {keyword!r:<14} {len(hits):2d} hits  {result.line()}")
                worst = max(worst, result.p99_ms)
    print(f"{'keyword search uses the GIN index':<48} {'yes' if uses_index else 'NO'}")
    print(
        f"{'keyword search p99 (worst keyword), ms':<48} {worst:7.1f}  goal < 50: {'met' if worst < 50 else 'NOT met'}"
    )


def main(seconds: float, products: int) -> None:
    logging.disable(logging.WARNING)
    print("listing:")
    listing_figures(seconds)
    print("product page:")
    product_page_figures()
    print("search:")
    search_figures(seconds, products)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--products", type=int, default=100_000)
    args = parser.parse_args()
    main(args.seconds, args.products)
