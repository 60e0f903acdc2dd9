"""`make run`'s demo flash sale on SQLite + the in-process Redis (fakeredis with Lua)."""

from __future__ import annotations

import asyncio

from tests.test_embedded_default import LOGIN_SHOPPER, embedded_server  # noqa: F401

FLASH_SALES = "{ flashSales { nodes { id phase remaining price { amount } } } }"
PURCHASE = """
mutation($saleId: ID!) {
  flashSalePurchase(saleId: $saleId, quantity: 2) {
    reservation { quantity }
    order { status total { amount } }
    errors { code }
  }
}"""


async def test_the_demo_shopper_can_buy_in_the_demo_flash_sale(embedded_server):  # noqa: F811
    client, _, _, _ = embedded_server
    shopper = (await client.post("/graphql", json={"query": LOGIN_SHOPPER})).json()["data"]
    headers = {"Authorization": f"Bearer {shopper['wechatLogin']['tokens']['accessToken']}"}
    [sale] = (await client.post("/graphql", json={"query": FLASH_SALES})).json()["data"][
        "flashSales"
    ]["nodes"]

    # The seed wrote the sale to the database only: the first answer may be PAUSED while
    # the in-process Redis is rebuilt from it.
    for _ in range(20):
        answer = (
            await client.post(
                "/graphql",
                json={"query": PURCHASE, "variables": {"saleId": sale["id"]}},
                headers=headers,
            )
        ).json()["data"]["flashSalePurchase"]
        if answer["errors"] != [{"code": "PAUSED"}]:
            break
        await asyncio.sleep(0.2)

    assert sale["phase"] == "LIVE"
    assert answer["errors"] == []
    assert answer["reservation"]["quantity"] == 2
    assert answer["order"]["status"] == "PENDING_PAYMENT"
    assert answer["order"]["total"]["amount"] == f"{2 * float(sale['price']['amount']):.2f}"
