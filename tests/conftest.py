"""Test fixtures: every run gets its own PostgreSQL database and Redis key prefix.

The app under test is the real one, served by uvicorn on a 127.0.0.1 port in the test
event loop, talking to real PostgreSQL and Redis. Between tests, tables are truncated and
the run's Redis keys deleted; at the end the database is dropped.
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise import connections

import main
from models import Role, User
from resolvers.accounts.tokens import issue_access_token
from resolvers.core.state import AppState
from settings import Settings
from tests.support.graphql import GraphQLClient
from tests.support.keys import private_pem, rsa_key
from tests.support.servers import serve_app
from tests.support.shop import Shop
from tests.support.stripe import FakeStripe
from tests.support.wechat import FakeWechat
from tests.support.wechatpay import FakeWechatPay

PG_HOST = os.environ.get("TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("TEST_PG_USER", "postgres")
PG_PASSWORD = os.environ.get("TEST_PG_PASSWORD", "")
REDIS_URL = os.environ.get(
    "TEST_REDIS_URL",
    "redis://{}:{}/0".format(
        os.environ.get("TEST_REDIS_HOST", "127.0.0.1"), os.environ.get("TEST_REDIS_PORT", "6379")
    ),
)
RUN_ID = uuid.uuid4().hex[:10]


def _pg_url(database: str) -> str:
    auth = PG_USER + (f":{PG_PASSWORD}" if PG_PASSWORD else "")
    return f"postgres://{auth}@{PG_HOST}:{PG_PORT}/{database}"


@pytest.fixture(scope="session")
async def pg_admin() -> AsyncIterator[asyncpg.Connection]:
    try:
        conn = await asyncpg.connect(_pg_url("postgres"))
    except (OSError, asyncpg.PostgresError) as exc:
        pytest.exit(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT}: {exc}", returncode=3)
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
async def create_database(
    pg_admin: asyncpg.Connection,
) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """Make a scratch database (dropped at the end of the run); returns its URL."""
    made: list[str] = []

    async def make(label: str) -> str:
        name = f"mstest_{RUN_ID}_{label}"
        await pg_admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        return _pg_url(name)

    yield make
    for name in made:
        await pg_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
async def fake_wechat() -> AsyncIterator[tuple[FakeWechat, str]]:
    wechat = FakeWechat(app_id="wx-test-app", app_secret=secrets.token_hex(16))
    async with serve_app(wechat.asgi(), lifespan="off") as url:
        yield wechat, url


@pytest.fixture(scope="session")
def merchant_key():
    """Our WeChat Pay merchant API key (WeChat would know its public half)."""
    return rsa_key()


@pytest.fixture(scope="session")
async def fake_wechatpay(merchant_key) -> AsyncIterator[tuple[FakeWechatPay, str]]:
    wechatpay = FakeWechatPay(
        mch_id="1900000109",
        app_id="wx-test-app",
        apiv3_key=secrets.token_hex(16),  # 32 characters, as WeChat's
        merchant_public_key=merchant_key.public_key(),
        merchant_serial=secrets.token_hex(20).upper(),
    )
    async with serve_app(wechatpay.asgi(), lifespan="off") as url:
        yield wechatpay, url


@pytest.fixture(scope="session")
async def fake_stripe() -> AsyncIterator[tuple[FakeStripe, str]]:
    stripe = FakeStripe(
        secret_key=f"sk_test_{secrets.token_hex(12)}",
        webhook_secret=f"whsec_{secrets.token_hex(16)}",
    )
    async with serve_app(stripe.asgi(), lifespan="off") as url:
        yield stripe, url


@pytest.fixture(scope="session")
async def settings(
    create_database, fake_wechat, fake_wechatpay, fake_stripe, merchant_key
) -> Settings:
    wechat, wechat_url = fake_wechat
    wechatpay, wechatpay_url = fake_wechatpay
    stripe, stripe_url = fake_stripe
    return Settings(
        env="test",
        database_url=await create_database("main"),
        redis_url=REDIS_URL,
        redis_prefix=f"mstest:{RUN_ID}:",
        jwt_secret=secrets.token_urlsafe(48),
        wechat_app_id=wechat.app_id,
        wechat_app_secret=wechat.app_secret,
        wechat_api_base=wechat_url,
        payments_sandbox=False,
        payments_public_url="https://shop.example.test",
        wechatpay_mch_id=wechatpay.mch_id,
        wechatpay_merchant_serial_no=wechatpay.merchant_serial,
        wechatpay_merchant_private_key=private_pem(merchant_key),
        wechatpay_apiv3_key=wechatpay.apiv3_key,
        wechatpay_api_base=wechatpay_url,
        stripe_secret_key=stripe.secret_key,
        stripe_publishable_key="pk_test_microstore",
        stripe_webhook_secret=stripe.webhook_secret,
        stripe_api_base=stripe_url,
        stripe_max_network_retries=0,
        embedded_worker=False,
        log_json=False,
    )


@pytest.fixture(scope="session")
async def app(settings: Settings) -> Starlette:
    """The app under test, on a freshly migrated database."""
    applied = await main.migrate(settings)
    assert applied, "a fresh database must get every migration"
    return main.create_app(settings)


@pytest.fixture(scope="session")
async def app_server(app: Starlette, settings: Settings) -> AsyncIterator[str]:
    """The app served on 127.0.0.1 (its lifespan runs: ORM, Redis, broadcast)."""
    async with serve_app(app) as url:
        yield url
    await _delete_prefixed_keys(settings)


async def _delete_prefixed_keys(settings: Settings) -> None:
    redis = Redis.from_url(settings.redis_url)
    try:
        batch = [key async for key in redis.scan_iter(match=f"{settings.redis_prefix}*", count=500)]
        if batch:
            await redis.delete(*batch)
    finally:
        await redis.aclose()


@pytest.fixture(autouse=True)
async def _clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Each test starts from empty tables and an empty Redis key space."""
    yield
    if "app_server" not in request.fixturenames:
        return
    settings: Settings = request.getfixturevalue("settings")
    state: AppState = request.getfixturevalue("app").state.microstore
    await state.flash_sales.drain()  # background rebuilds a test started
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'aerich'"
    )
    tables = ", ".join(f'"{row["tablename"]}"' for row in rows)
    if tables:
        await conn.execute_script(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    # Ids start again at 1, so what the app remembers per flash sale id must go too.
    state.flash_sales.forget_everything()
    await _delete_prefixed_keys(settings)


@pytest.fixture
async def http(app_server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app_server, timeout=30) as client:
        yield client


@pytest.fixture
def state(app: Starlette, app_server: str) -> AppState:
    """The running app's shared state (Redis client, keys, limiter, events)."""
    return app.state.microstore


@pytest.fixture
def redis(state: AppState) -> Redis:
    return state.redis


@pytest.fixture
def api(http: httpx.AsyncClient) -> GraphQLClient:
    """An anonymous visitor."""
    return GraphQLClient(http)


@pytest.fixture
def make_user(app_server: str) -> Callable[..., Awaitable[User]]:
    async def make(role: Role = Role.CUSTOMER, **fields: object) -> User:
        fields.setdefault("nickname", f"{role.value.lower()}-{secrets.token_hex(3)}")
        if role == Role.CUSTOMER:
            fields.setdefault("wechat_openid", f"openid-{secrets.token_hex(8)}")
        else:
            fields.setdefault("username", f"{role.value.lower()}-{secrets.token_hex(4)}")
        return await User.create(role=role, **fields)

    return make


@pytest.fixture
def token_for(settings: Settings) -> Callable[[User], str]:
    return lambda user: issue_access_token(settings=settings, user=user)[0]


@pytest.fixture
async def customer(make_user) -> User:
    return await make_user(Role.CUSTOMER)


@pytest.fixture
async def staff_user(make_user) -> User:
    return await make_user(Role.STAFF)


@pytest.fixture
def customer_api(http, customer, token_for) -> GraphQLClient:
    return GraphQLClient(http, token_for(customer))


@pytest.fixture
def staff_api(http, staff_user, token_for) -> GraphQLClient:
    return GraphQLClient(http, token_for(staff_user))


# --- cart and orders ---------------------------------------------------------------------------


@pytest.fixture
def shop(state: AppState) -> Shop:
    """Products, stores, addresses and orders for cart and order tests."""
    return Shop(state)


# --- real time ----------------------------------------------------------------------------------

_LIVE: dict[str, AppState] = {}


@pytest.fixture(scope="session")
async def live_server(app_server: str, settings: Settings) -> AsyncIterator[str]:
    """The real app serving the test-only "probe" aggregate (tests/support/live_app.py), on
    its own port, sharing the session's database and Redis. Tortoise is already set up by
    `app_server`, so this app runs without a lifespan of its own."""
    from tests.support.live_app import create_probe_app

    probe_app = create_probe_app(settings)
    probe_state: AppState = probe_app.state.microstore
    await probe_state.start()
    try:
        async with serve_app(probe_app, lifespan="off") as url:
            _LIVE["state"] = probe_state
            yield url
    finally:
        await probe_state.aclose()


@pytest.fixture
def live_state(live_server: str) -> AppState:
    """The AppState of `live_server` (its broadcast, publisher, keys)."""
    return _LIVE["state"]
