"""What production changes at the edge: no GraphiQL, no introspection, masked errors."""

from __future__ import annotations

import secrets

import httpx
import pytest

import main
from tests.support.graphql import codes

BROKEN_REDIS = "redis://127.0.0.1:1/0"  # nothing listens there: every Redis call fails


def _settings(settings, **override):
    return settings.model_copy(
        update={
            "env": "production",
            "jwt_secret": secrets.token_urlsafe(48),
            "wechat_app_secret": secrets.token_hex(16),
            "field_encryption_keys": {"p1": secrets.token_hex(16)},
            "field_encryption_key_id": "p1",
            "blind_index_key": secrets.token_urlsafe(48),
            "graphiql": False,
            "introspection": False,
            **override,
        }
    )


@pytest.fixture
async def prod_client(settings, app_server):
    """A production app sharing the test database (no lifespan: the ORM is already up)."""
    app = main.create_app(_settings(settings))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


@pytest.fixture
async def broken_redis_client(settings, app_server, request):
    env = request.param
    app = main.create_app(
        _settings(settings, redis_url=BROKEN_REDIS)
        if env == "production"
        else settings.model_copy(update={"redis_url": BROKEN_REDIS})
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        yield c


LOGIN = 'mutation { staffLogin(input: {username: "a", password: "b"}) { errors { code } } }'


@pytest.mark.parametrize("broken_redis_client", ["production"], indirect=True)
async def test_unexpected_errors_are_masked_in_production(broken_redis_client):
    response = await broken_redis_client.post("/graphql", json={"query": LOGIN})

    body = response.json()
    assert response.status_code == 200
    assert codes(body["errors"]) == ["INTERNAL_SERVER_ERROR"]
    assert body["errors"][0]["message"] == "Internal server error"
    assert "exception" not in body["errors"][0]["extensions"]
    assert "Traceback" not in response.text and "redis" not in response.text.lower()


@pytest.mark.parametrize("broken_redis_client", ["development"], indirect=True)
async def test_unexpected_errors_are_shown_in_development(broken_redis_client):
    response = await broken_redis_client.post("/graphql", json={"query": LOGIN})

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert error["extensions"]["exception"]["type"]
    assert error["message"] != "Internal server error"


async def test_readyz_reports_a_dead_redis(settings, app_server):
    app = main.create_app(settings.model_copy(update={"redis_url": BROKEN_REDIS}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        response = await c.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["redis"].startswith("error")


async def test_introspection_is_off_in_production(prod_client):
    response = await prod_client.post("/graphql", json={"query": "{ __schema { types { name } } }"})

    errors = response.json()["errors"]
    assert set(codes(errors)) == {"BAD_USER_INPUT"}
    assert "introspection" in errors[0]["message"].lower()
    assert "data" not in response.json()


async def test_graphiql_is_off_in_production(prod_client):
    page = await prod_client.get("/graphql", headers={"accept": "text/html"})
    asset = await prod_client.get("/graphiql/static/graphiql.min.js")

    assert page.status_code == 404
    assert asset.status_code == 404


async def test_no_field_suggestions_in_production(prod_client):
    response = await prod_client.post("/graphql", json={"query": "{ mee { id } }"})

    assert "Did you mean" not in response.text


async def test_dev_wechat_stand_in_is_not_mounted_in_production(prod_client):
    response = await prod_client.get("/dev/wechat/sns/jscode2session", params={"js_code": "demo-x"})

    assert response.status_code == 404
