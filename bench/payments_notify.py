"""A WeChat Pay notification storm against `{ __typename }` on the same server.

A real order is paid by one signed + encrypted notification; wrk then replays that exact
notification as fast as it can, as WeChat does (and an attacker could) when answers are
slow. Each replay is fully verified (RSA-SHA256 over the raw body, AES-256-GCM decryption,
merchant/app checks) and then found already processed. Reported: replays/s as a ratio of
`{ __typename }` POST/s, and how many replays were answered with anything but 204 (must
be 0), and that the order was paid exactly once.

    python -m bench.payments_notify [--seconds 5]

Platform public key mode is used, so the server needs no WeChat to download certificates.
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import time
import uuid

import httpx
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256

from bench.harness import bench_env, load, postgres_database, ratio_line, run_cli, server
from tests.support.keys import private_pem, public_pem, rsa_key

TYPENAME = "{ __typename }"
MCH_ID = "1900000109"
APP_ID = "wx-bench-app"
KEY_ID = "PUB_KEY_ID_0100000000000000000000000000"

FIRST_SKU = "{ products(first: 1) { edges { node { skus { id } } } } }"
ADDRESS = """mutation($a: AddressInput!) { addressCreate(input: {address: $a, makeDefault: true})
  { errors { code } } }"""
ORDER = """mutation($i: OrderCreateInput!) { orderCreate(input: $i)
  { order { id number status total { amount } } errors { code } } }"""
ORDER_STATUS = "query($id: ID!) { node(id: $id) { ... on Order { status events { toStatus } } } }"

# A shopper and their access token (no WeChat login round trip needed).
SHOPPER = """
import asyncio, sys
from tortoise import Tortoise
from models import Role, User
from resolvers.accounts.tokens import issue_access_token
from resolvers.core.db import tortoise_config
from settings import Settings

async def main():
    settings = Settings()
    await Tortoise.init(config=tortoise_config(settings))
    user = await User.create(role=Role.CUSTOMER, nickname="bench", wechat_openid="bench-openid")
    sys.stdout.write(f"{user.id} {issue_access_token(settings=settings, user=user)[0]}")
    await Tortoise.close_connections()

asyncio.run(main())
"""

# Opens the WeChat attempt the way paymentCreate does, minus the prepay call to WeChat.
OPEN_PAYMENT = """
import asyncio, sys
from tortoise import Tortoise
from resolvers.core.db import tortoise_config
from resolvers.orders import payment_hook
from settings import Settings

async def main():
    await Tortoise.init(config=tortoise_config(Settings()))
    p = await payment_hook.open_payment(user_id=int(sys.argv[1]), order_id=int(sys.argv[2]),
                                        provider="wechat")
    sys.stdout.write(p.out_trade_no)
    await Tortoise.close_connections()

asyncio.run(main())
"""


def notification(platform_key, apiv3_key: str, resource: dict) -> tuple[dict[str, str], str]:
    nonce = secrets.token_hex(6)
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(
        nonce.encode(), json.dumps(resource).encode(), b"transaction"
    )
    body = json.dumps(
        {
            "id": str(uuid.uuid4()),
            "event_type": "TRANSACTION.SUCCESS",
            "resource_type": "encrypt-resource",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "associated_data": "transaction",
                "nonce": nonce,
                "ciphertext": base64.b64encode(ciphertext).decode(),
            },
        }
    )
    timestamp, header_nonce = str(int(time.time())), secrets.token_hex(16)
    message = f"{timestamp}\n{header_nonce}\n{body}\n".encode()
    signature = platform_key.sign(message, padding.PKCS1v15(), SHA256())
    return {
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Nonce": header_nonce,
        "Wechatpay-Serial": KEY_ID,
        "Wechatpay-Signature": base64.b64encode(signature).decode(),
        "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        "Content-Type": "application/json",
    }, body


def main(seconds: float = 5) -> None:
    platform_key, merchant_key = rsa_key(), rsa_key()
    apiv3_key = secrets.token_hex(16)
    with postgres_database("notify") as database_url:
        env = bench_env(
            database_url,
            WECHAT_APP_ID=APP_ID,
            PAYMENTS_SANDBOX="false",
            PAYMENT_PROVIDERS="wechat",
            WECHATPAY_MCH_ID=MCH_ID,
            WECHATPAY_MERCHANT_SERIAL_NO=secrets.token_hex(20).upper(),
            WECHATPAY_MERCHANT_PRIVATE_KEY=private_pem(merchant_key),
            WECHATPAY_APIV3_KEY=apiv3_key,
            WECHATPAY_PLATFORM_PUBLIC_KEY=public_pem(platform_key),
            WECHATPAY_PLATFORM_PUBLIC_KEY_ID=KEY_ID,
        )
        run_cli(env, "migrate")
        run_cli(env, "seed")
        user_pk, token = _python(env, SHOPPER).split()
        with server(env) as srv:
            sku = srv.graphql(FIRST_SKU)["data"]["products"]["edges"][0]["node"]["skus"][0]["id"]
            address = {
                "recipientName": "Bench",
                "phone": "13800000000",
                "province": "上海",
                "city": "上海市",
                "detail": "人民大道 200 号",
            }
            srv.graphql(ADDRESS, {"a": address}, token)
            placed = srv.graphql(
                ORDER,
                {
                    "i": {
                        "items": [{"skuId": sku, "quantity": 1}],
                        "idempotencyKey": str(uuid.uuid4()),
                    }
                },
                token,
            )["data"]["orderCreate"]["order"]
            order_pk = base64.b64decode(placed["id"]).decode().split(":")[1]
            out_trade_no = _python(srv.env, OPEN_PAYMENT, user_pk, order_pk)
            total = round(float(placed["total"]["amount"]) * 100)
            headers, body = notification(
                platform_key,
                apiv3_key,
                {
                    "mchid": MCH_ID,
                    "appid": APP_ID,
                    "out_trade_no": out_trade_no,
                    "transaction_id": f"42000{secrets.randbelow(10**20):020d}",
                    "trade_type": "JSAPI",
                    "trade_state": "SUCCESS",
                    "amount": {"total": total, "currency": "CNY"},
                    "success_time": "2026-01-01T10:00:00+08:00",
                },
            )
            first = httpx.post(f"{srv.url}/payments/wechat/notify", headers=headers, content=body)
            assert first.status_code == 204, first.text

            baseline = load(
                f"{srv.url}/graphql", method="POST", body={"query": TYPENAME}, seconds=seconds
            )
            storm = load(
                f"{srv.url}/payments/wechat/notify",
                method="POST",
                body=body,
                headers=headers,
                seconds=seconds,
            )
            order = srv.graphql(ORDER_STATUS, {"id": placed["id"]}, token)["data"]["node"]
        print(f"  {'POST { __typename }':<28} {baseline.line()}")
        print(f"  {'replayed notification':<28} {storm.line()}")
        print()
        print(
            ratio_line(
                "notification replays / { __typename }",
                storm.requests_per_second,
                baseline.requests_per_second,
            )
        )
        paid = [e for e in order["events"] if e["toStatus"] == "PAID"]
        print(
            f"order {order['status']}, PAID transitions: {len(paid)}, non-204 replays: {storm.non_2xx}"
        )


def _python(env: dict[str, str], script: str, *args: str) -> str:
    import subprocess
    import sys

    from bench.harness import ROOT

    done = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    main(parser.parse_args().seconds)
