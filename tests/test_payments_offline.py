"""The whole offline purchase on `make run`'s embedded default (SQLite, in-process Redis,
sandbox payments, the seeded demo catalog): cart -> order -> paymentCreate (sandbox) ->
sandboxPay -> PAID, with its order event, over real HTTP to a server started the way
`make run` starts it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid

import httpx
import pytest

from settings import BASE_DIR

LOGIN = 'mutation { wechatLogin(input: {code: "demo-offline-buyer"}) { tokens { accessToken } errors { code } } }'
ADDRESS_CREATE = """
mutation($input: AddressCreateInput!) { addressCreate(input: $input) { errors { code field } } }
"""
CART_ADD = """
mutation($input: CartLinesAddInput!) { cartLinesAdd(input: $input) { errors { code field } } }
"""
ORDER_CREATE = """
mutation($input: OrderCreateInput!) {
  orderCreate(input: $input) { order { id status total { amount } } errors { code field } }
}
"""
PAYMENT_CREATE = """
mutation($input: PaymentCreateInput!) {
  paymentCreate(input: $input) { payment { provider status } launch { provider } errors { code } }
}
"""
SANDBOX_PAY = """
mutation($input: SandboxPayInput!) {
  sandboxPay(input: $input) {
    order { status paidAmount { amount } events { kind fromStatus toStatus } }
    errors { code }
  }
}
"""

FIRST_SKU = "{ products(first: 1) { edges { node { title skus { id } } } } }"


async def _run(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
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
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def offline_shop(tmp_path):
    port = _free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "PAYMENT", "WECHATPAY_", "STRIPE_"))
        },
        "ENV": "development",
        "DATABASE_URL": f"sqlite://{tmp_path / 'microstore.sqlite3'}",
        "REDIS_URL": "memory://",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WECHAT_API_BASE": f"http://127.0.0.1:{port}/dev/wechat",
    }
    await _run(env, "main.py", "migrate")
    await _run(env, "main.py", "seed")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "main.py",
        "serve",
        cwd=BASE_DIR,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for _ in range(100):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
            else:
                pytest.fail("embedded server did not start")
            yield client
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


async def _gql(client: httpx.AsyncClient, token: str | None, query: str, variables=None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]


async def test_an_order_is_paid_offline_through_the_sandbox(offline_shop):
    client = offline_shop
    token = (await _gql(client, None, LOGIN))["wechatLogin"]["tokens"]["accessToken"]
    address = {
        "recipientName": "韩梅梅",
        "phone": "13900001111",
        "province": "浙江省",
        "city": "杭州市",
        "detail": "西湖区龙井路 1 号",
    }
    assert (
        await _gql(
            client, token, ADDRESS_CREATE, {"input": {"address": address, "makeDefault": True}}
        )
    )["addressCreate"]["errors"] == []
    products = (await _gql(client, None, FIRST_SKU))["products"]["edges"]
    sku = products[0]["node"]["skus"][0]["id"]  # from the demo catalog `make run` seeds
    assert (
        await _gql(client, token, CART_ADD, {"input": {"lines": [{"skuId": sku, "quantity": 1}]}})
    )["cartLinesAdd"]["errors"] == []

    placed = (
        await _gql(client, token, ORDER_CREATE, {"input": {"idempotencyKey": str(uuid.uuid4())}})
    )["orderCreate"]
    assert placed["errors"] == [] and placed["order"]["status"] == "PENDING_PAYMENT"
    order_id = placed["order"]["id"]

    started = (
        await _gql(
            client,
            token,
            PAYMENT_CREATE,
            {"input": {"orderId": order_id, "channel": "MINI_PROGRAM"}},
        )
    )["paymentCreate"]
    assert started["errors"] == []
    assert started["launch"]["provider"] == "SANDBOX"
    assert started["payment"] == {"provider": "sandbox", "status": "PENDING"}

    paid = (await _gql(client, token, SANDBOX_PAY, {"input": {"orderId": order_id}}))["sandboxPay"]
    again = (await _gql(client, token, SANDBOX_PAY, {"input": {"orderId": order_id}}))["sandboxPay"]

    assert paid["errors"] == []
    order = paid["order"]
    assert order["status"] == "PAID"
    assert order["paidAmount"]["amount"] == placed["order"]["total"]["amount"]
    assert [e["toStatus"] for e in order["events"] if e["toStatus"] == "PAID"] == ["PAID"]
    # Paying again is refused: the order no longer awaits payment.
    assert [e["code"] for e in again["errors"]] == ["ORDER_NOT_PAYABLE"]
