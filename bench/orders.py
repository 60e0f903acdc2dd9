"""Order placement figures (issue 4), measured in one run on one server (2 web workers).

1. Sustained `orderCreate` throughput: 3 buy-now lines per order (3 distinct SKUs drawn from
   300), EXPRESS to the shopper's default address, a fresh idempotency key per request, 200
   shoppers. As orders/s relative to `{ __typename }` req/s on the same server
   (goal >= 30%). Every response is checked: a refused or failed order counts as a failure.
2. p99 latency of `orderCreate` at half that rate (paced connections; goal <= 200 ms).

    python -m bench.orders [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import subprocess
import tempfile
from dataclasses import dataclass
from types import SimpleNamespace

from bench.harness import (
    bench_env,
    ensure_wrk,
    load,
    postgres_database,
    ratio_line,
    run_cli,
    server,
)

TYPENAME = "{ __typename }"
ORDER_CREATE = (
    "mutation($input: OrderCreateInput!) { orderCreate(input: $input) "
    "{ order { id number status total { amount } } errors { code field } } }"
)
SHOPPERS = 200
PRODUCTS = 100  # x 3 SKUs each
WORKERS = 2


async def _seed(database_url: str) -> tuple[list[str], list[str]]:
    """Shoppers with a default address and tokens; on-shelf SKUs with deep stock."""
    from strawberry import relay
    from tortoise import Tortoise

    from models import Address, Category, Product, ProductStatus, Role, Sku, User
    from resolvers.accounts.tokens import issue_access_token
    from resolvers.addresses.service import DETAIL_CONTEXT, PHONE_CONTEXT, phone_index
    from resolvers.core.crypto import FieldCipher
    from resolvers.core.db import tortoise_config
    from settings import Settings

    settings = Settings(_env_file=None, database_url=database_url)
    crypto = FieldCipher.from_settings(settings)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        category = await Category.create(name="Bench")
        sku_ids: list[int] = []
        for i in range(PRODUCTS):
            product = await Product.create(
                category=category,
                title=f"Bench tee {i}",
                status=ProductStatus.ON_SHELF,
                images=["https://img.example.com/tee.jpg"],
                spec_groups=[{"name": "Size", "values": ["S", "M", "L"]}],
            )
            for size in ("S", "M", "L"):
                sku = await Sku.create(
                    product=product,
                    spec_values={"Size": size},
                    spec_key=f"Size:{size}",
                    price="19.90",
                    stock=10_000_000,
                )
                sku_ids.append(sku.id)
        await User.bulk_create(
            [
                User(role=Role.CUSTOMER, wechat_openid=f"bench-{i}", nickname=f"b{i}")
                for i in range(SHOPPERS)
            ]
        )
        users = await User.filter(wechat_openid__startswith="bench-").order_by("id")
        phone = "13812345678"
        await Address.bulk_create(
            [
                Address(
                    user_id=user.id,
                    recipient_name="Li Lei",
                    phone_encrypted=crypto.encrypt(phone, context=PHONE_CONTEXT),
                    phone_index=phone_index(crypto, phone),
                    province="上海",
                    city="上海市",
                    district="黄浦区",
                    detail_encrypted=crypto.encrypt("人民大道 200 号", context=DETAIL_CONTEXT),
                    is_default=True,
                )
                for user in users
            ]
        )
        tokens = [
            issue_access_token(settings=settings, user=SimpleNamespace(id=user.id, role=user.role))[
                0
            ]
            for user in users
        ]
        return tokens, [str(relay.GlobalID("Sku", str(pk))) for pk in sku_ids]
    finally:
        await Tortoise.close_connections()


async def _analyze(database_url: str) -> None:
    """Give the planner statistics, as autovacuum gives a shop's tables in service. The
    bench's tables are seconds old and autovacuum wakes once a minute: without this, the
    planner costed the young order table as nearly empty and counted a shopper's unpaid
    orders by walking every unpaid order of every shopper, a cost that grew with the run."""
    import asyncpg

    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


# wrk script: each request a fresh idempotency key, a shopper in turn, three distinct SKUs.
_ORDER_SCRIPT = """
local tokens = {tokens}
local skus = {skus}
local query = {query}
local run = "{run}"
local pause_ms = {pause_ms}
local threads = {{}}

setup = function(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

init = function(args)
  counter = 0
  failed = 0
  math.randomseed(os.time() + tid * 7919)
end

request = function()
  counter = counter + 1
  local token = tokens[(counter * 7 + tid) % #tokens + 1]
  local a = math.random(#skus)
  local b = a % #skus + 1
  local c = b % #skus + 1
  local items = ""
  for i, s in ipairs({{a, b, c}}) do
    if i > 1 then items = items .. "," end
    items = items .. '{{"skuId":"' .. skus[s] .. '","quantity":1}}'
  end
  local body = '{{"query":' .. query .. ',"variables":{{"input":{{"idempotencyKey":"' .. run
    .. "-" .. tid .. "-" .. counter .. '","items":[' .. items .. ']}}}}}}'
  return wrk.format("POST", "/graphql",
    {{["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}}, body)
end

response = function(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"PENDING_PAYMENT"', 1, true) then
    failed = failed + 1
  end
end

delay = function()
  return pause_ms
end

done = function(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
  end
  io.write(string.format("RESULT %d %d %f %f\\n", summary.requests, failures,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


@dataclass
class OrderLoad:
    orders_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int

    def line(self) -> str:
        return (
            f"{self.orders_per_second:9.0f} orders/s  p50 {self.p50_ms:7.2f} ms  "
            f"p99 {self.p99_ms:7.2f} ms  ({self.requests} requests, {self.failed} failed)"
        )


def _lua_list(values: list[str]) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def place_orders(
    url: str,
    tokens: list[str],
    skus: list[str],
    *,
    seconds: float,
    connections: int,
    pause_ms: int = 0,
) -> OrderLoad:
    script = _ORDER_SCRIPT.format(
        tokens=_lua_list(tokens),
        skus=_lua_list(skus),
        query="[==[" + json.dumps(ORDER_CREATE) + "]==]",
        run=secrets.token_hex(4),
        pause_ms=pause_ms,
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [
                ensure_wrk(),
                "-t",
                "1",
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(seconds))}s",
                "-s",
                handle.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    result = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+)", output)
    return OrderLoad(
        orders_per_second=rps,
        p50_ms=float(result.group(3)),
        p99_ms=float(result.group(4)),
        requests=int(result.group(1)),
        failed=int(result.group(2)),
    )


def main(seconds: float = 10) -> None:
    with postgres_database("orders") as database_url:
        # Each shopper here places hundreds of orders a minute and pays none: lift the
        # per-shopper rate limit and unpaid cap (their cost is still paid on every order).
        env = bench_env(
            database_url,
            RATE_ORDER_CREATES_PER_MINUTE="1000000",
            ORDER_MAX_UNPAID_PER_USER="1000000",
        )
        run_cli(env, "migrate")
        tokens, skus = asyncio.run(_seed(database_url))
        with server(env, workers=WORKERS) as srv:
            probe = srv.graphql(
                ORDER_CREATE,
                {
                    "input": {
                        "idempotencyKey": secrets.token_hex(8),
                        "items": [{"skuId": s, "quantity": 1} for s in skus[:3]],
                    }
                },
                token=tokens[0],
            )
            assert probe["data"]["orderCreate"]["errors"] == [], probe
            url = f"{srv.url}/graphql"
            place_orders(url, tokens, skus, seconds=2, connections=16)  # warm up
            asyncio.run(_analyze(database_url))
            typename = load(url, method="POST", body={"query": TYPENAME}, seconds=seconds)
            full = place_orders(url, tokens, skus, seconds=seconds, connections=32)
            # Half the rate: 16 connections, each pausing so that together they offer
            # about half of what saturated the server.
            connections = 16
            per_connection_ms = 1000 * connections / (full.orders_per_second / 2)
            pause = max(0, round(per_connection_ms - full.p50_ms / 2))
            half = place_orders(
                url, tokens, skus, seconds=seconds, connections=connections, pause_ms=pause
            )
        print(f"  {{ __typename }}           {typename.line()}")
        print(f"  orderCreate, saturated   {full.line()}")
        print(f"  orderCreate, half rate   {half.line()}")
    print()
    print(
        ratio_line(
            "orderCreate (3 lines) orders/s / {__typename} req/s",
            full.orders_per_second,
            typename.requests_per_second,
            0.30,
        )
    )
    verdict = "met" if half.p99_ms <= 200 else "NOT met"
    print(
        f"{'orderCreate p99 at half rate':<48} {half.p99_ms:6.1f} ms  goal <= 200 ms: {verdict}"
        f"  (at {half.orders_per_second:.0f} orders/s)"
    )
    if full.failed or half.failed:
        print(f"WARNING: {full.failed + half.failed} orders failed; see the server log")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    main(parser.parse_args().seconds)
