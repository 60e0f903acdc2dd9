from __future__ import annotations

from tests.support.catalog import cache_of, make_category, make_product

PRODUCTS = """
query ($first: Int, $filter: ProductFilter, $sort: ProductSort!) {
  products(first: $first, filter: $filter, sort: $sort) {
    edges { cursor node { id title price { amount currency } coverImage salesCount rating { average count } inStock
      skus { id title price { amount } inStock stockLevel specValues { name value } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PRODUCT = """
query ($id: ID!) { product(id: $id) { id title descriptionHtml specGroups { name values } isFavorite
  specMatrix { values { name value } available sku { id } } skus { id stockLevel } category { name } } }
"""


async def test_smoke(api, customer_api, staff_api, state):
    cache = cache_of(state)
    cat = await make_category()
    await make_product(cache, category=cat, colours=["red", "blue"], sizes=["S", "M"])
    await make_product(cache, category=cat, title="羊毛大衣", colours=["黑"], sizes=["M"])
    data = await api.execute(PRODUCTS, {"first": 10, "sort": "RELEVANCE"})
    print(data)
    data = await api.execute(
        PRODUCTS, {"first": 10, "sort": "PRICE_ASC", "filter": {"keyword": "羊毛"}}
    )
    print(data)
    data = await api.execute(
        PRODUCTS,
        {
            "first": 10,
            "sort": "RELEVANCE",
            "filter": {"keyword": "wool", "inStock": True, "categoryId": None},
        },
    )
    print(data)
    gid = data["products"]["edges"][0]["node"]["id"]
    print(await customer_api.execute(PRODUCT, {"id": gid}))
    print(await customer_api.execute(PRODUCT, {"id": gid}))
