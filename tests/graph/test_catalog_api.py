"""Catalog through the real HTTP API: browsing, search, the product page, staff changes."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type, is_required_argument
from strawberry.relay import to_base64

from graph.schema import build_schema
from models import AuditLog, Favorite, Product, ProductStatus, Sku, StockLedger
from resolvers.catalog import listing
from tests.support.catalog import cache_of, make_category, make_product, make_reviews
from tests.support.graphql import codes
from tests.support.queries import capture_queries

PRODUCTS = """
query ($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort! = RELEVANCE) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    edges { node { id title price { amount currency } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PRODUCT_PAGE = """
query ($id: ID!) {
  product(id: $id) {
    id title subtitle images coverImage status salesCount descriptionHtml isFavorite inStock
    price { amount } priceRange { min { amount } max { amount } } rating { average count }
    specGroups { name values }
    skus { id title price { amount } inStock stockLevel specValues { name value } }
    specMatrix { values { name value } available sku { id } }
    reviews(first: 10) {
      edges { node { id rating body images specText authorName createdAt } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
SKU_STOCK = "query ($id: ID!) { product(id: $id) { skus { id stock stockLevel } } }"
CATEGORIES = "{ categories { id name children { id name } } }"
PRODUCT_CREATE = """
mutation ($input: ProductCreateInput!) {
  productCreate(input: $input) {
    product { id title status descriptionHtml price { amount } skus { id title stock } }
    errors { field message code }
  }
}
"""
PRODUCT_UPDATE = """
mutation ($input: ProductUpdateInput!) {
  productUpdate(input: $input) { product { id title specGroups { name values } } errors { field code message } }
}
"""
PUBLISH = "mutation ($id: ID!) { productPublish(input: {id: $id}) { product { status } errors { field code } } }"
UNPUBLISH = "mutation ($id: ID!) { productUnpublish(input: {id: $id}) { product { status } errors { field code } } }"
SKU_CREATE = """
mutation ($input: SkuCreateInput!) { skuCreate(input: $input) { sku { id title } errors { field code message } } }
"""
SKU_UPDATE = """
mutation ($input: SkuUpdateInput!) { skuUpdate(input: $input) { sku { id price { amount } isActive } errors { field code message } } }
"""
STOCK_ADJUST = """
mutation ($input: SkuStockAdjustInput!) { skuStockAdjust(input: $input) { sku { id stock } errors { field code message } } }
"""
PRICES_UPDATE = """
mutation ($input: SkuPricesUpdateInput!) { skuPricesUpdate(input: $input) { skus { id price { amount } } errors { field code message } } }
"""
CATEGORY_CREATE = """
mutation ($input: CategoryCreateInput!) { categoryCreate(input: $input) { category { id name } errors { field code } } }
"""
FAVORITE_ADD = "mutation ($id: ID!) { favoriteAdd(input: {productId: $id}) { isFavorite errors { field code } } }"
FAVORITE_REMOVE = "mutation ($id: ID!) { favoriteRemove(input: {productId: $id}) { isFavorite errors { field code } } }"
FAVORITES = "{ favorites(first: 10) { edges { node { id title isFavorite } } } }"
LOW_STOCK = "{ lowStockSkus(first: 10) { edges { node { id title stock product { title } } } } }"
NODE = "query ($id: ID!) { node(id: $id) { id ... on Product { title } } }"


def gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


@pytest.fixture
def cache(state):
    return cache_of(state)


@pytest.fixture
async def coats():
    clothing = await make_category("Clothing")
    return await make_category("Coats", parent=clothing)


def product_input(category_id: int, **overrides) -> dict:
    data = {
        "categoryId": gid("Category", category_id),
        "title": "Merino Wool Coat",
        "descriptionHtml": '<p onclick="steal()">Warm<script>alert(1)</script></p>',
        "images": ["https://img.example/a.jpg"],
        "specGroups": [
            {"name": "Colour", "values": ["red", "blue"]},
            {"name": "Size", "values": ["S", "M"]},
        ],
        "skus": [
            {
                "specValues": [{"name": "Colour", "value": "red"}, {"name": "Size", "value": "S"}],
                "price": "199.00",
                "stock": 3,
            },
            {
                "specValues": [{"name": "Colour", "value": "blue"}, {"name": "Size", "value": "M"}],
                "price": "249.50",
                "compareAtPrice": "299.00",
            },
        ],
    }
    data.update(overrides)
    return data


def errors_of(payload: dict) -> list[tuple[str, list[str] | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


# --- browsing -------------------------------------------------------------------------------------


async def test_categories_come_as_a_two_level_tree(api, coats):
    await make_category("Knitwear", parent=await coats.parent)

    data = await api.execute(CATEGORIES)

    assert [c["name"] for c in data["categories"]] == ["Clothing"]
    assert [c["name"] for c in data["categories"][0]["children"]] == ["Coats", "Knitwear"]


async def test_shoppers_see_only_products_on_the_shelf(api, staff_api, cache, coats):
    shown = await make_product(cache, category=coats, title="On the shelf")
    draft = await make_product(cache, category=coats, title="Draft", publish=False)

    listing = await api.execute(PRODUCTS, {"first": 10})
    page = await api.execute(PRODUCT_PAGE, {"id": gid("Product", draft.id)})
    node = await api.execute(NODE, {"id": gid("Product", draft.id)})
    staff_page = await staff_api.execute(PRODUCT_PAGE, {"id": gid("Product", draft.id)})

    assert [e["node"]["title"] for e in listing["products"]["edges"]] == ["On the shelf"]
    assert page["product"] is None and node["node"] is None
    assert staff_page["product"]["status"] == "DRAFT"
    assert shown.id != draft.id


async def test_product_page_shows_skus_matrix_and_a_stock_hint_but_no_count(
    customer_api, staff_api, cache, coats
):
    product = await make_product(
        cache, category=coats, colours=["red", "blue"], sizes=["S"], stock=3
    )
    red = await Sku.get(product_id=product.id, spec_key__contains="red")
    await Sku.filter(id=red.id).update(stock=0)

    data = (await customer_api.execute(PRODUCT_PAGE, {"id": gid("Product", product.id)}))["product"]
    response = await customer_api.post(SKU_STOCK, {"id": gid("Product", product.id)})
    staff = await staff_api.execute(SKU_STOCK, {"id": gid("Product", product.id)})

    by_title = {s["title"]: s for s in data["skus"]}
    assert (
        by_title["red / S"]["inStock"] is False
        and by_title["red / S"]["stockLevel"] == "OUT_OF_STOCK"
    )
    assert by_title["blue / S"]["stockLevel"] == "LOW"  # 3 <= threshold 5
    assert by_title["blue / S"]["specValues"] == [
        {"name": "Colour", "value": "blue"},
        {"name": "Size", "value": "S"},
    ]
    assert [c["available"] for c in data["specMatrix"]] == [False, True]
    assert data["inStock"] is True and data["coverImage"] == "https://img.example/cover.jpg"
    assert "FORBIDDEN" in codes(response.json()["errors"])
    assert sorted(s["stock"] for s in staff["product"]["skus"]) == [0, 3]


async def test_product_page_takes_four_queries_with_twenty_skus_and_fifty_reviews(
    customer_api, cache, coats, customer, make_user
):
    colours = [f"c{i}" for i in range(5)]
    product = await make_product(
        cache, category=coats, colours=colours, sizes=["S", "M", "L", "XL"]
    )
    await Favorite.create(user=customer, product_id=product.id)
    sku = await Sku.filter(product_id=product.id).first()
    for _ in range(10):  # ten reviewers with five reviews each
        await make_reviews(cache, await make_user(), sku.id, [5, 4, 3, 4, 5])
    variables = {"id": gid("Product", product.id)}

    with capture_queries() as cold:
        data = await customer_api.execute(PRODUCT_PAGE, variables)
    with capture_queries() as warm:
        again = await customer_api.execute(PRODUCT_PAGE, variables)

    page = data["product"]
    assert len(page["skus"]) == 20 and page["isFavorite"] is True
    assert page["rating"] == {"average": 4.2, "count": 50}
    assert len(page["reviews"]["edges"]) == 10 and page["reviews"]["pageInfo"]["hasNextPage"]
    assert again == data
    # product, its SKUs, the favourite flag, the reviews with their authors: never one per
    # SKU or per review
    assert cold.count <= 4, cold.statements
    # warm: product and SKUs come from Redis; live stock, the flag and reviews from the database
    assert warm.count <= 3, warm.statements


async def test_listing_filters_by_category_with_children_price_and_stock(api, cache, coats):
    clothing = await coats.parent
    home = await make_category("Home")
    await make_product(cache, category=coats, title="Cheap coat", price="50.00")
    await make_product(cache, category=clothing, title="Top-level coat", price="150.00")
    await make_product(cache, category=home, title="Blanket", price="80.00")
    await make_product(cache, category=coats, title="Sold out", price="60.00", stock=0)

    def titles(data: dict) -> set[str]:
        return {e["node"]["title"] for e in data["products"]["edges"]}

    in_clothing = await api.execute(
        PRODUCTS, {"filter": {"categoryId": gid("Category", clothing.id)}}
    )
    priced = await api.execute(PRODUCTS, {"filter": {"minPrice": "55", "maxPrice": "100.00"}})
    in_stock = await api.execute(
        PRODUCTS, {"filter": {"inStock": True, "categoryId": gid("Category", coats.id)}}
    )

    assert titles(in_clothing) == {"Cheap coat", "Top-level coat", "Sold out"}
    assert titles(priced) == {"Blanket", "Sold out"}
    assert titles(in_stock) == {"Cheap coat"}


IN_STOCK_LITERAL = "{ products(first: 10, filter: {inStock: true}) { edges { node { title } } } }"
IN_STOCK_VARIABLES = (
    "query ($f: ProductFilter) { products(first: 10, filter: $f) { edges { node { title } } } }"
)
ALL_TITLES = "{ products(first: 10, sort: NEWEST) { edges { node { title } } } }"


def titles(data: dict) -> list[str]:
    return sorted(e["node"]["title"] for e in data["products"]["edges"])


async def test_in_stock_listings_follow_stock_that_orders_move(api, shop, customer, cache, coats):
    last = await make_product(cache, category=coats, title="Last one", stock=1)
    await make_product(cache, category=coats, title="Plenty", stock=50)
    in_stock = {"f": {"inStock": True}}
    assert titles(await api.execute(IN_STOCK_LITERAL)) == ["Last one", "Plenty"]
    assert titles(await api.execute(IN_STOCK_VARIABLES, in_stock)) == ["Last one", "Plenty"]
    assert titles(await api.execute(ALL_TITLES)) == ["Last one", "Plenty"]

    # An order takes the last unit: stock moves, the catalog itself does not change.
    await shop.order(customer, (await Sku.get(product_id=last.id), 1))

    assert titles(await api.execute(IN_STOCK_LITERAL)) == ["Plenty"]
    assert titles(await api.execute(IN_STOCK_VARIABLES, in_stock)) == ["Plenty"]
    # Listings that do not depend on stock stay cached and still list it (sold out).
    assert titles(await api.execute(ALL_TITLES)) == ["Last one", "Plenty"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("PRICE_ASC", ["B", "C", "A"]),
        ("PRICE_DESC", ["A", "C", "B"]),
        ("SALES", ["C", "A", "B"]),
        ("NEWEST", ["C", "B", "A"]),
        ("RATING", ["B", "A", "C"]),
    ],
)
async def test_listing_sorts(api, cache, coats, sort, expected):
    a = await make_product(cache, category=coats, title="A", price="30.00")
    b = await make_product(cache, category=coats, title="B", price="10.00")
    c = await make_product(cache, category=coats, title="C", price="20.00")
    await Product.filter(id=a.id).update(sales_count=5, rating_avg=Decimal("4.00"), rating_count=3)
    await Product.filter(id=b.id).update(sales_count=1, rating_avg=Decimal("4.50"), rating_count=2)
    await Product.filter(id=c.id).update(sales_count=9, rating_avg=Decimal("3.00"), rating_count=9)

    data = await api.execute(PRODUCTS, {"sort": sort})

    assert [e["node"]["title"] for e in data["products"]["edges"]] == expected


@pytest.mark.parametrize("sort", ["RELEVANCE", "PRICE_ASC", "PRICE_DESC", "NEWEST", "RATING"])
async def test_keyset_pages_cover_every_product_once_in_order(api, cache, coats, sort):
    for i in range(7):
        product = await make_product(cache, category=coats, title=f"P{i}", price=f"{10 + i % 3}.00")
        # ties on every sort column but the id, so the id must break them
        await Product.filter(id=product.id).update(
            sales_count=i % 2, rating_avg=Decimal(f"{4 + i % 2}.50"), rating_count=i % 2
        )
    await cache.invalidate(listings=True)
    whole = await api.execute(PRODUCTS, {"first": 100, "sort": sort})
    seen: list[str] = []
    after = None
    while True:
        data = await api.execute(PRODUCTS, {"first": 3, "after": after, "sort": sort})
        seen += [e["node"]["title"] for e in data["products"]["edges"]]
        if not data["products"]["pageInfo"]["hasNextPage"]:
            break
        after = data["products"]["pageInfo"]["endCursor"]

    assert seen == [e["node"]["title"] for e in whole["products"]["edges"]]
    assert sorted(seen) == [f"P{i}" for i in range(7)]


EDGE_CURSORS = """
query ($after: String) {
  products(first: 3, after: $after, sort: PRICE_ASC) {
    edges { cursor node { title } }
    again: edges { ... on ProductEdge { cursor } }
    pageInfo { startCursor endCursor }
  }
}
"""


async def test_each_edge_cursor_continues_after_its_own_product(api, cache, coats):
    for i in range(5):
        await make_product(cache, category=coats, title=f"P{i}", price=f"{10 + i}.00")

    page = (await api.execute(EDGE_CURSORS))["products"]

    cursors = [e["cursor"] for e in page["edges"]]
    # the fragment takes graphql-core's standard path: the same cursors either way
    assert [e["cursor"] for e in page["again"]] == cursors
    assert (page["pageInfo"]["startCursor"], page["pageInfo"]["endCursor"]) == (
        cursors[0],
        cursors[-1],
    )
    after_second = (await api.execute(EDGE_CURSORS, {"after": cursors[1]}))["products"]
    assert [e["node"]["title"] for e in after_second["edges"]] == ["P2", "P3", "P4"]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        # well-formed, but a text where the sort wants a number: [["v","x"],["v",1]]
        "W1sidiIsIngiXSxbInYiLDFdXQ",
    ],
)
async def test_a_forged_cursor_is_bad_user_input(api, cache, coats, cursor):
    await make_product(cache, category=coats)

    errors = await api.errors(PRODUCTS, {"first": 3, "after": cursor, "sort": "PRICE_ASC"})

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == ["after"]


async def test_keyword_wildcards_match_themselves(api, cache, coats):
    for title in ("100% Wool", "1000 Wool", "Wool_Scarf", "Wool Scarf"):
        await make_product(cache, category=coats, title=title)

    percent = await api.execute(PRODUCTS, {"filter": {"keyword": "100%"}})
    underscore = await api.execute(PRODUCTS, {"filter": {"keyword": "l_s"}})

    assert [e["node"]["title"] for e in percent["products"]["edges"]] == ["100% Wool"]
    assert [e["node"]["title"] for e in underscore["products"]["edges"]] == ["Wool_Scarf"]


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("羊毛", {"羊毛大衣", "羊毛围巾"}),
        ("大衣", {"羊毛大衣"}),
        ("wool", {"Merino Wool Coat", "Wool Scarf"}),
        ("ＷＯＯＬ coat", {"Merino Wool Coat"}),
        ("衣", {"羊毛大衣"}),
        ("silk", set()),
    ],
)
async def test_keyword_search_finds_chinese_and_english_substrings(
    api, cache, coats, keyword, expected
):
    for title in ("羊毛大衣", "羊毛围巾", "Merino Wool Coat", "Wool Scarf", "Cotton Shirt"):
        await make_product(cache, category=coats, title=title)

    data = await api.execute(PRODUCTS, {"filter": {"keyword": keyword}})

    assert {e["node"]["title"] for e in data["products"]["edges"]} == expected


async def test_keyword_pages_are_the_same_whichever_plan_answers(api, cache, coats, monkeypatch):
    # ten coats, best sellers first; every third one is wool
    for i in range(10):
        title = f"Wool Coat {i}" if i % 3 == 0 else f"Cotton Coat {i}"
        product = await make_product(cache, category=coats, title=title)
        await Product.filter(id=product.id).update(sales_count=100 - i)
    await cache.invalidate(listings=True)
    # the head of the ordering is four products: some pages are found there, some not
    monkeypatch.setattr(listing, "HEAD_ROWS", 4)
    wool = {"keyword": "wool"}

    whole = await api.execute(PRODUCTS, {"first": 100, "filter": wool})
    paged, cursors, after = [], [], None
    while True:
        data = await api.execute(PRODUCTS, {"first": 1, "after": after, "filter": wool})
        paged += [e["node"]["title"] for e in data["products"]["edges"]]
        after = data["products"]["pageInfo"]["endCursor"]
        cursors.append(after)
        if not data["products"]["pageInfo"]["hasNextPage"]:
            break
    with capture_queries() as in_the_head:  # Wool Coat 0 and 3 are among the first four
        await api.execute(PRODUCTS, {"first": 1, "after": None, "filter": wool, "sort": "SALES"})
    with capture_queries() as past_the_head:  # after 3, the next four hold only Wool Coat 6
        await api.execute(
            PRODUCTS, {"first": 1, "after": cursors[1], "filter": wool, "sort": "SALES"}
        )

    expected = ["Wool Coat 0", "Wool Coat 3", "Wool Coat 6", "Wool Coat 9"]
    assert [e["node"]["title"] for e in whole["products"]["edges"]] == expected
    assert paged == expected
    # one statement when the head holds a page and one more; the search index otherwise
    assert (in_the_head.count, past_the_head.count) == (1, 2)


async def test_relevance_ranks_matches_by_sales(api, cache, coats):
    coat = await make_product(cache, category=coats, title="Merino Wool Coat")
    await make_product(cache, category=coats, title="Wool Scarf")
    await Product.filter(id=coat.id).update(sales_count=10)

    data = await api.execute(PRODUCTS, {"filter": {"keyword": "wool"}, "sort": "RELEVANCE"})

    assert [e["node"]["title"] for e in data["products"]["edges"]] == [
        "Merino Wool Coat",
        "Wool Scarf",
    ]


async def test_keyword_search_uses_the_gin_index(cache, coats):
    from tortoise.transactions import in_transaction

    await make_product(cache, category=coats, title="羊毛大衣")
    query = listing.ProductQuery(first=20, keyword="羊毛")
    statement, values = listing._statement(
        query, listing.SORT_KEYS[query.sort], ["羊毛"], 20, staff=False
    )
    async with in_transaction() as conn:
        # A tiny table is read whole whatever its indexes; forbid that (for this transaction
        # only) to see that the statement the listing sends can use the index.
        await conn.execute_script("SET LOCAL enable_seqscan = off")
        rows = await conn.execute_query_dict("EXPLAIN " + statement, values)
    plan = "\n".join(r["QUERY PLAN"] for r in rows)
    assert "product_search_grams_gin" in plan, plan


def _every_field(graphql_type, depth: int) -> str:
    """A selection of every field of an object type that needs no argument, `depth`
    levels down."""
    picked = []
    for name, field in graphql_type.fields.items():
        if any(is_required_argument(arg) for arg in field.args.values()):
            continue
        named = get_named_type(field.type)
        if is_leaf_type(named):
            picked.append(name)
        elif isinstance(named, GraphQLObjectType) and depth > 0:
            picked.append(f"{name} {{ {_every_field(named, depth - 1)} }}")
    return " ".join(picked) or "__typename"


async def test_each_product_field_of_a_listing_answers_as_the_product_page(
    staff_api, settings, customer, cache, coats
):
    """A listing loads only the columns its fields read (graph/types/catalog.py
    PRODUCT_FIELD_COLUMNS): each field, selected alone, must answer exactly what the
    product page (whole rows) answers."""
    made = [
        await make_product(cache, category=coats, title="Coat", colours=["red", "blue"]),
        await make_product(cache, category=coats, title="Scarf", subtitle="Silk", publish=False),
    ]
    await Favorite.create(user=customer, product_id=made[0].id)
    product_type = build_schema(settings)._schema.type_map["Product"]

    for name, field in product_type.fields.items():
        named = get_named_type(field.type)
        selection = name if is_leaf_type(named) else f"{name} {{ {_every_field(named, 3)} }}"
        listing_page = await staff_api.execute(
            f"{{ products(first: 10, sort: NEWEST) {{ edges {{ node {{ {selection} }} }} }} }}"
        )
        for product, edge in zip(reversed(made), listing_page["products"]["edges"], strict=True):
            page = await staff_api.execute(
                f"query ($id: ID!) {{ product(id: $id) {{ {selection} }} }}",
                {"id": gid("Product", product.id)},
            )
            assert edge["node"] == page["product"], name


async def test_a_listing_reads_only_the_columns_of_its_fields(staff_api, cache, coats):
    await make_product(cache, category=coats)

    with capture_queries() as log:
        await staff_api.execute("{ products(first: 5) { edges { node { title } } } }")
    with capture_queries() as fragments:
        await staff_api.execute(
            "{ products(first: 5) { nodes { ...card } } } fragment card on Product { coverImage }"
        )

    [columns, card] = [
        s.split(" FROM product", 1)[0]
        for s in [*log.statements, *fragments.statements]
        if "FROM product" in s
    ]
    assert columns == "SELECT id, title, sales_count"  # id and sales: the cursor
    assert card == "SELECT id, sales_count, images->>0 AS cover_image"  # not every image


async def test_first_over_100_is_refused_with_its_field(api):
    errors = await api.errors(PRODUCTS, {"first": 101})

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == ["first"]


async def test_a_negative_price_filter_is_refused_with_its_field(api):
    errors = await api.errors(PRODUCTS, {"filter": {"minPrice": "-1"}})

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == ["filter", "minPrice"]


# --- cache -------------------------------------------------------------------------------------------


async def test_no_stale_price_is_served_after_a_staff_update(api, staff_api, cache, coats):
    product = await make_product(cache, category=coats, price="100.00")
    sku = await Sku.get(product_id=product.id)
    page_vars = {"id": gid("Product", product.id)}
    assert (await api.execute(PRODUCT_PAGE, page_vars))["product"]["price"]["amount"] == "100.00"
    listing = await api.execute(PRODUCTS, {"first": 5})
    assert listing["products"]["edges"][0]["node"]["price"]["amount"] == "100.00"

    updated = await staff_api.execute(
        SKU_UPDATE, {"input": {"id": gid("Sku", sku.id), "price": "80.00"}}
    )

    assert updated["skuUpdate"]["errors"] == []
    page = (await api.execute(PRODUCT_PAGE, page_vars))["product"]
    listing = await api.execute(PRODUCTS, {"first": 5})
    assert page["price"]["amount"] == "80.00" and page["skus"][0]["price"]["amount"] == "80.00"
    assert listing["products"]["edges"][0]["node"]["price"]["amount"] == "80.00"


async def test_unpublishing_hides_a_cached_product_at_once(api, staff_api, cache, coats):
    product = await make_product(cache, category=coats)
    variables = {"id": gid("Product", product.id)}
    assert (await api.execute(PRODUCT_PAGE, variables))["product"] is not None

    await staff_api.execute(UNPUBLISH, variables)

    assert (await api.execute(PRODUCT_PAGE, variables))["product"] is None
    assert (await api.execute(PRODUCTS, {}))["products"]["edges"] == []


# --- staff changes ---------------------------------------------------------------------------------


async def test_staff_create_a_product_with_skus_sanitised_and_audited(staff_api, staff_user, coats):
    data = (await staff_api.execute(PRODUCT_CREATE, {"input": product_input(coats.id)}))[
        "productCreate"
    ]

    assert data["errors"] == []
    product = data["product"]
    assert product["status"] == "DRAFT"
    assert product["descriptionHtml"] == "<p>Warm</p>"
    assert product["price"]["amount"] == "199.00"
    assert {(s["title"], s["stock"]) for s in product["skus"]} == {("red / S", 3), ("blue / M", 0)}
    row = await Product.get(title="Merino Wool Coat")
    assert (row.min_price, row.max_price) == (Decimal("199.00"), Decimal("249.50"))
    ledger = await StockLedger.all()
    assert [(entry.delta, entry.reason, entry.actor_id) for entry in ledger] == [
        (3, "RESTOCK", staff_user.id)
    ]
    audit = await AuditLog.get(action="product.create")
    assert audit.actor_id == staff_user.id and audit.entity_id == row.id
    assert audit.changes["title"] == [None, "Merino Wool Coat"]


async def test_publish_and_unpublish_are_guarded_and_idempotent(staff_api, cache, coats):
    product = await make_product(cache, category=coats, publish=False)
    variables = {"id": gid("Product", product.id)}

    first = (await staff_api.execute(PUBLISH, variables))["productPublish"]
    second = (await staff_api.execute(PUBLISH, variables))["productPublish"]
    off = (await staff_api.execute(UNPUBLISH, variables))["productUnpublish"]

    assert first["product"]["status"] == second["product"]["status"] == "ON_SHELF"
    assert off["product"]["status"] == "OFF_SHELF"
    assert await AuditLog.filter(action="product.publish").count() == 1
    assert await AuditLog.filter(action="product.unpublish").count() == 1


async def test_stock_adjustment_writes_a_ledger_row_and_an_audit_row(
    staff_api, staff_user, cache, coats
):
    product = await make_product(cache, category=coats, stock=2)
    sku = await Sku.get(product_id=product.id)

    data = await staff_api.execute(
        STOCK_ADJUST,
        {
            "input": {
                "skuId": gid("Sku", sku.id),
                "delta": 5,
                "reason": "RESTOCK",
                "note": "delivery 42",
            }
        },
    )

    assert data["skuStockAdjust"]["sku"]["stock"] == 7
    entry = await StockLedger.filter(sku_id=sku.id).order_by("-id").first()
    assert (entry.delta, entry.balance_after, entry.note, entry.actor_id) == (
        5,
        7,
        "delivery 42",
        staff_user.id,
    )
    assert (await AuditLog.get(action="sku.stock_adjust")).changes["stock"] == [2, 7]


async def test_bulk_price_change_is_all_or_nothing(staff_api, cache, coats):
    a = await make_product(cache, category=coats, title="A", price="10.00")
    b = await make_product(cache, category=coats, title="B", price="20.00")
    sku_a = await Sku.get(product_id=a.id)
    sku_b = await Sku.get(product_id=b.id)

    refused = await staff_api.execute(
        PRICES_UPDATE,
        {
            "input": {
                "items": [
                    {"skuId": gid("Sku", sku_a.id), "price": "12.00"},
                    {"skuId": gid("Sku", sku_b.id), "price": "-1"},
                ]
            }
        },
    )
    assert errors_of(refused["skuPricesUpdate"]) == [("NEGATIVE_VALUE", ["items", "1", "price"])]
    assert (await Sku.get(id=sku_a.id)).price == Decimal("10.00")

    done = await staff_api.execute(
        PRICES_UPDATE,
        {
            "input": {
                "items": [
                    {"skuId": gid("Sku", sku_a.id), "price": "12.00"},
                    {"skuId": gid("Sku", sku_b.id), "price": "18.00", "compareAtPrice": "20.00"},
                ]
            }
        },
    )
    assert done["skuPricesUpdate"]["errors"] == []
    assert (await Product.get(id=b.id)).min_price == Decimal("18.00")
    assert await AuditLog.filter(action="sku.price_bulk_update").count() == 2


async def test_concurrent_price_changes_keep_the_price_range_true(staff_api, cache, coats):
    product = await make_product(cache, category=coats, colours=["a", "b", "c", "d"], price="50.00")
    skus = await Sku.filter(product_id=product.id).order_by("id")
    prices = ["10.00", "20.00", "90.00", "95.00"]

    await asyncio.gather(
        *(
            staff_api.execute(SKU_UPDATE, {"input": {"id": gid("Sku", s.id), "price": p}})
            for s, p in zip(skus, prices, strict=True)
        )
    )

    row = await Product.get(id=product.id)
    assert (row.min_price, row.max_price) == (Decimal("10.00"), Decimal("95.00"))


async def test_low_stock_list_shows_skus_at_or_below_their_threshold(staff_api, cache, coats):
    await make_product(cache, category=coats, title="Plenty", stock=50)
    await make_product(cache, category=coats, title="Few", stock=2)

    data = await staff_api.execute(LOW_STOCK)

    assert [
        (e["node"]["product"]["title"], e["node"]["stock"]) for e in data["lowStockSkus"]["edges"]
    ] == [("Few", 2)]


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (PRODUCT_CREATE, lambda ids: {"input": product_input(ids["category"])}),
        (PUBLISH, lambda ids: {"id": gid("Product", ids["product"])}),
        (
            STOCK_ADJUST,
            lambda ids: {
                "input": {"skuId": gid("Sku", ids["sku"]), "delta": 5, "reason": "RESTOCK"}
            },
        ),
        (SKU_UPDATE, lambda ids: {"input": {"id": gid("Sku", ids["sku"]), "price": "1.00"}}),
        (CATEGORY_CREATE, lambda ids: {"input": {"name": "Hacked"}}),
        (LOW_STOCK, lambda ids: None),
    ],
)
async def test_a_customer_calling_staff_operations_is_forbidden_and_nothing_changes(
    customer_api, cache, coats, document, variables
):
    product = await make_product(cache, category=coats, publish=False, stock=1)
    sku = await Sku.get(product_id=product.id)
    ids = {"category": coats.id, "product": product.id, "sku": sku.id}

    errors = await customer_api.errors(document, variables(ids))

    assert codes(errors) == ["FORBIDDEN"]
    assert await Product.all().count() == 1
    assert (await Product.get(id=product.id)).status == ProductStatus.DRAFT
    assert (await Sku.get(id=sku.id)).stock == 1 and (await Sku.get(id=sku.id)).price == Decimal(
        "10.00"
    )
    assert await AuditLog.exclude(action="product.create").count() == 0


# --- one test per error code -------------------------------------------------------------------------


async def test_not_found(staff_api):
    data = await staff_api.execute(PUBLISH, {"id": gid("Product", 999)})

    assert errors_of(data["productPublish"]) == [("NOT_FOUND", ["id"])]


async def test_required(staff_api, coats):
    data = await staff_api.execute(PRODUCT_CREATE, {"input": product_input(coats.id, title="  ")})

    assert errors_of(data["productCreate"]) == [("REQUIRED", ["title"])]
    assert await Product.all().count() == 0


async def test_too_long(staff_api, coats):
    data = await staff_api.execute(
        PRODUCT_CREATE, {"input": product_input(coats.id, title="x" * 61)}
    )

    assert errors_of(data["productCreate"]) == [("TOO_LONG", ["title"])]
    assert await Product.all().count() == 0


async def test_too_many(staff_api, coats):
    images = [f"https://img.example/{i}.jpg" for i in range(21)]
    data = await staff_api.execute(
        PRODUCT_CREATE, {"input": product_input(coats.id, images=images)}
    )

    assert errors_of(data["productCreate"]) == [("TOO_MANY", ["images"])]
    assert await Product.all().count() == 0


async def test_invalid(staff_api, coats):
    bad = product_input(coats.id, images=["javascript:alert(1)"])
    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [("INVALID", ["images", "0"])]
    assert await Product.all().count() == 0


async def test_negative_value(staff_api, coats):
    bad = product_input(coats.id)
    bad["skus"][0]["price"] = "-5.00"
    bad["skus"][1]["stock"] = -1

    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [
        ("NEGATIVE_VALUE", ["skus", "0", "price"]),
        ("NEGATIVE_VALUE", ["skus", "1", "stock"]),
    ]
    assert await Product.all().count() == 0 and await Sku.all().count() == 0


async def test_invalid_spec_groups(staff_api, coats):
    bad = product_input(
        coats.id, specGroups=[{"name": "Colour", "values": ["red", "RED"]}], skus=[]
    )

    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [
        ("INVALID_SPEC_GROUPS", ["specGroups", "0", "values", "1"])
    ]


async def test_unknown_combination(staff_api, coats):
    bad = product_input(coats.id)
    bad["skus"][1]["specValues"] = [
        {"name": "Colour", "value": "green"},
        {"name": "Size", "value": "M"},
    ]

    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [
        ("UNKNOWN_COMBINATION", ["skus", "1", "specValues"])
    ]
    assert await Product.all().count() == 0


async def test_duplicate_combination(staff_api, coats):
    bad = product_input(coats.id)
    bad["skus"][1]["specValues"] = list(reversed(bad["skus"][0]["specValues"]))

    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [
        ("DUPLICATE_COMBINATION", ["skus", "1", "specValues"])
    ]
    assert await Product.all().count() == 0


async def test_duplicate_combination_of_an_existing_sku(staff_api, cache, coats):
    product = await make_product(cache, category=coats, colours=["red"])

    data = await staff_api.execute(
        SKU_CREATE,
        {
            "input": {
                "productId": gid("Product", product.id),
                "price": "1.00",
                "specValues": [{"name": "Colour", "value": "red"}],
            }
        },
    )

    assert errors_of(data["skuCreate"]) == [("DUPLICATE_COMBINATION", ["specValues"])]
    assert await Sku.filter(product_id=product.id).count() == 1


async def test_duplicate_barcode(staff_api, coats):
    bad = product_input(coats.id)
    bad["skus"][0]["barcode"] = bad["skus"][1]["barcode"] = "6901234567890"

    data = await staff_api.execute(PRODUCT_CREATE, {"input": bad})

    assert errors_of(data["productCreate"]) == [("DUPLICATE_BARCODE", ["skus", "1", "barcode"])]


async def test_category_too_deep(staff_api, coats):
    data = await staff_api.execute(
        CATEGORY_CREATE, {"input": {"name": "Third level", "parentId": gid("Category", coats.id)}}
    )

    assert errors_of(data["categoryCreate"]) == [("CATEGORY_TOO_DEEP", ["parentId"])]


async def test_no_active_skus(staff_api, coats):
    created = await staff_api.execute(PRODUCT_CREATE, {"input": product_input(coats.id, skus=[])})

    data = await staff_api.execute(PUBLISH, {"id": created["productCreate"]["product"]["id"]})

    assert errors_of(data["productPublish"]) == [("NO_ACTIVE_SKUS", ["id"])]
    assert (await Product.get(title="Merino Wool Coat")).status == ProductStatus.DRAFT


async def test_invalid_status(staff_api, cache, coats):
    product = await make_product(cache, category=coats, publish=False)

    data = await staff_api.execute(UNPUBLISH, {"id": gid("Product", product.id)})

    assert errors_of(data["productUnpublish"]) == [("INVALID_STATUS", ["id"])]


async def test_insufficient_stock(staff_api, cache, coats):
    product = await make_product(cache, category=coats, stock=2)
    sku = await Sku.get(product_id=product.id)

    data = await staff_api.execute(
        STOCK_ADJUST, {"input": {"skuId": gid("Sku", sku.id), "delta": -3, "reason": "DAMAGE"}}
    )

    assert errors_of(data["skuStockAdjust"]) == [("INSUFFICIENT_STOCK", ["delta"])]
    assert (await Sku.get(id=sku.id)).stock == 2
    assert await StockLedger.filter(sku_id=sku.id).count() == 1  # the opening stock only


async def test_spec_groups_cannot_drop_a_value_an_active_sku_uses(staff_api, cache, coats):
    product = await make_product(cache, category=coats, colours=["red", "blue"])

    data = await staff_api.execute(
        PRODUCT_UPDATE,
        {
            "input": {
                "id": gid("Product", product.id),
                "specGroups": [{"name": "Colour", "values": ["red"]}],
            }
        },
    )

    assert [e["code"] for e in data["productUpdate"]["errors"]] == ["UNKNOWN_COMBINATION"]
    assert (await Product.get(id=product.id)).spec_groups[0]["values"] == ["red", "blue"]


async def test_malformed_id_is_bad_user_input(staff_api):
    errors = await staff_api.errors(PUBLISH, {"id": "not-an-id"})

    assert codes(errors) == ["BAD_USER_INPUT"]


# --- favorites -------------------------------------------------------------------------------------------


async def test_favorites_add_list_and_remove(customer_api, customer, cache, coats):
    product = await make_product(cache, category=coats)
    variables = {"id": gid("Product", product.id)}

    added = await customer_api.execute(FAVORITE_ADD, variables)
    again = await customer_api.execute(FAVORITE_ADD, variables)
    listed = await customer_api.execute(FAVORITES)
    removed = await customer_api.execute(FAVORITE_REMOVE, variables)

    assert added["favoriteAdd"]["isFavorite"] and again["favoriteAdd"]["errors"] == []
    assert [e["node"]["isFavorite"] for e in listed["favorites"]["edges"]] == [True]
    assert removed["favoriteRemove"]["isFavorite"] is False
    assert await Favorite.filter(user=customer).count() == 0


async def test_favoriting_a_hidden_product_is_not_found(customer_api, cache, coats):
    draft = await make_product(cache, category=coats, publish=False)

    data = await customer_api.execute(FAVORITE_ADD, {"id": gid("Product", draft.id)})

    assert errors_of(data["favoriteAdd"]) == [("NOT_FOUND", ["productId"])]
    assert await Favorite.all().count() == 0


async def test_favorites_need_a_login(api):
    assert codes(await api.errors(FAVORITES)) == ["UNAUTHENTICATED"]
