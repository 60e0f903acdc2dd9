"""`make run`'s path end to end: migrate, seed (twice), serve on SQLite + in-process Redis,
then log in over HTTP and query over WebSocket, as a developer on a fresh clone would."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import httpx
import orjson
import pytest

from settings import BASE_DIR
from tests.support.ws import init, receive, send, ws_connect

LOGIN_STAFF = 'mutation { staffLogin(input: {username: "admin", password: "microstore-admin"}) { tokens { accessToken } user { role } errors { code } } }'
LOGIN_SHOPPER = 'mutation { wechatLogin(input: {code: "demo-customer"}) { tokens { accessToken } user { nickname } errors { code } } }'


async def _cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        *args,
        cwd=BASE_DIR,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return out.decode()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def embedded_server(tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
        "ENV": "development",
        "DATABASE_URL": f"sqlite://{tmp_path / 'microstore.sqlite3'}",
        "REDIS_URL": "memory://",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WECHAT_API_BASE": f"http://127.0.0.1:{port}/dev/wechat",
    }
    await _cli(env, "migrate")
    first_seed = await _cli(env, "seed")
    await _cli(env, "seed")  # idempotent: a second run changes nothing
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "serve",
        cwd=BASE_DIR,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            for _ in range(100):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                pytest.fail("embedded server did not start")
            yield client, base, first_seed, tmp_path / "microstore.sqlite3"
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


async def test_make_run_path_serves_logins_over_http_and_websocket(embedded_server):
    client, base, seed_output, database = embedded_server

    staff = (await client.post("/graphql", json={"query": LOGIN_STAFF})).json()["data"][
        "staffLogin"
    ]
    shopper = (await client.post("/graphql", json={"query": LOGIN_SHOPPER})).json()["data"][
        "wechatLogin"
    ]
    graphiql = await client.get("/graphql", headers={"accept": "text/html"})
    async with ws_connect(base) as socket:
        await init(socket, {"authorization": f"Bearer {shopper['tokens']['accessToken']}"})
        await send(
            socket, {"id": "1", "type": "subscribe", "payload": {"query": "{ me { nickname } }"}}
        )
        over_ws = await receive(socket)

    assert "staffLogin" in seed_output and "demo-customer" in seed_output
    assert staff["errors"] == [] and staff["user"]["role"] == "ADMIN"
    assert shopper["errors"] == [] and shopper["user"]["nickname"] == "Demo shopper"
    assert graphiql.status_code == 200 and "graphiql" in graphiql.text.lower()
    assert over_ws["payload"]["data"]["me"]["nickname"] == "Demo shopper"
    assert database.exists()


async def test_seeding_twice_creates_nothing_new(embedded_server):
    _, _, _, database = embedded_server
    import sqlite3

    with sqlite3.connect(database) as conn:
        users = conn.execute("SELECT COUNT(*) FROM user").fetchone()[0]

    assert users == 3  # the admin, the demo shopper and the demo rider, once each


PLACE_ORDER = """
mutation($input: OrderCreateInput!) {
  orderCreate(input: $input) {
    order { status deliveryMethod total { amount } recipient { phone } store { name } }
    errors { code field }
  }
}"""


async def test_the_demo_shopper_can_place_a_courier_order_on_sqlite(embedded_server):
    import sqlite3

    from strawberry import relay

    client, _, _, database = embedded_server
    with sqlite3.connect(database) as conn:
        sku_id = conn.execute("SELECT id FROM sku WHERE is_active ORDER BY id LIMIT 1").fetchone()[
            0
        ]
        assert conn.execute("SELECT COUNT(*) FROM address").fetchone()[0] == 1  # seeded once
    shopper = (await client.post("/graphql", json={"query": LOGIN_SHOPPER})).json()["data"]
    token = shopper["wechatLogin"]["tokens"]["accessToken"]

    response = await client.post(
        "/graphql",
        json={
            "query": PLACE_ORDER,
            "variables": {
                "input": {
                    "idempotencyKey": "demo-order-0001",
                    "deliveryMethod": "COURIER",
                    "items": [{"skuId": str(relay.GlobalID("Sku", str(sku_id))), "quantity": 1}],
                }
            },
        },
        headers={"Authorization": f"Bearer {token}"},
    )

    placed = response.json()["data"]["orderCreate"]
    assert placed["errors"] == []
    assert placed["order"]["status"] == "PENDING_PAYMENT"
    assert placed["order"]["recipient"]["phone"] == "13800138000"
    assert placed["order"]["store"]["name"] == "Microstore 人民广场店"


BROWSE = """
query ($after: String, $keyword: String, $min: Decimal) {
  products(first: 2, after: $after, sort: PRICE_ASC, filter: {keyword: $keyword, minPrice: $min}) {
    edges { node { title price { amount } coverImage createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_browsing_sorts_prices_as_numbers_and_searches_on_sqlite(embedded_server):
    client, _, _, _ = embedded_server

    async def browse(**variables) -> dict:
        response = await client.post("/graphql", json={"query": BROWSE, "variables": variables})
        body = response.json()
        assert "errors" not in body, body
        return body["data"]["products"]

    prices, after = [], None
    while True:
        page = await browse(after=after)
        prices += [e["node"]["price"]["amount"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    wool = await browse(keyword="WOOL")
    chinese = await browse(keyword="羊毛")
    over_600 = await browse(min="600")

    # SQLite keeps decimals as text: "1099.00" must still sort after "459.00"
    assert prices == ["459.00", "599.00", "899.00", "1099.00"]
    assert [e["node"]["title"] for e in wool["edges"]] == ["Merino Wool Coat"]
    # SQLite rows give the cover from `images` and datetimes from text (listing.py)
    [coat] = [e["node"] for e in wool["edges"]]
    assert coat["coverImage"] == "https://picsum.photos/seed/microstore-0/800/800"
    assert coat["createdAt"].endswith("Z") and "T" in coat["createdAt"]
    assert [e["node"]["title"] for e in chinese["edges"]] == ["羊毛大衣"]
    assert [e["node"]["price"]["amount"] for e in over_600["edges"]] == ["899.00", "1099.00"]


async def test_reviews_and_sales_counts_work_on_sqlite(tmp_path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.support.sqlite_catalog",
        str(tmp_path / "catalog.sqlite3"),
        cwd=BASE_DIR,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]

    report = orjson.loads(out.decode().strip().splitlines()[-1])

    assert report["summary"] == [
        {"rating_count": 3, "rating_sum": 11},
        {"rating_count": 2, "rating_sum": 6},  # the five-star review hidden
    ]
    assert report["average"] == "3.00"
    assert report["pages"] == [[2], [4], [2, 4, 5]]  # newest first; staff see the hidden one
    assert report["has_next"] == [True, False]
    assert report["sales"] == 3
