"""The /graphql edge: malformed requests, limits, GET, batching, APQ, media types."""

from __future__ import annotations

import hashlib
import json
import time

import httpx
import pytest

import main
from models import RefreshToken, Role, User
from resolvers.accounts.passwords import hash_password
from tests.support.graphql import codes

STAFF_LOGIN_FIELD = (
    'staffLogin(input: {username: "boss", password: "correct horse battery"}) { errors { code } }'
)


@pytest.fixture
async def boss(make_user) -> User:
    return await make_user(
        Role.ADMIN, username="boss", password_hash=await hash_password("correct horse battery")
    )


async def assert_nothing_ran(redis, settings) -> None:
    """No login happened: no refresh token, no rate-limit bucket, no last-login stamp."""
    assert await RefreshToken.all().count() == 0
    assert await User.filter(last_login_at__not_isnull=True).count() == 0
    assert [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}rl:*")] == []


# --- malformed requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"variables": {}}', "application/json"),
        (b'{"query": 42}', "application/json"),
        (b'{"query": "{ me { id } }", "variables": "x"}', "application/json"),
        (b"query { me { id } }", "text/plain"),
    ],
    ids=[
        "malformed-json",
        "missing-query",
        "query-not-string",
        "variables-not-object",
        "wrong-content-type",
    ],
)
async def test_malformed_requests_are_400_with_a_code(http, body, content_type):
    response = await http.post("/graphql", content=body, headers={"content-type": content_type})

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/json")
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


async def test_unknown_operation_name_is_400(http):
    response = await http.post(
        "/graphql", json={"query": "query A { me { id } }", "operationName": "B"}
    )

    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


async def test_syntax_error_is_a_bad_user_input(api):
    errors = await api.errors("{ me { id }")

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "Syntax Error" in errors[0]["message"]


async def test_wrong_variable_type_is_a_bad_user_input(api):
    errors = await api.errors("query ($id: ID!) { node(id: $id) { id } }", {"id": {"nested": 1}})

    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_unknown_field_is_a_bad_user_input(api):
    assert codes(await api.errors("{ nope }")) == ["BAD_USER_INPUT"]


async def test_a_malformed_global_id_is_a_bad_user_input(api):
    errors = await api.errors('{ node(id: "not-base64!") { id } }')

    assert codes(errors) == ["BAD_USER_INPUT"]


async def test_body_over_the_cap_is_413(http, settings):
    big = json.dumps({"query": "{ me { id } }", "variables": {"x": "a" * settings.max_body_bytes}})

    response = await http.post(
        "/graphql", content=big, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


async def test_streamed_body_over_the_cap_is_413(app, app_server, settings):
    # No Content-Length: the cap must count the bytes as they stream in. In-process
    # transport, because over TCP the server's early answer races the client's upload.
    async def chunks():
        yield b'{"query": "{ me { id } }", "variables": {"x": "'
        for _ in range(settings.max_body_bytes // 65536 + 2):
            yield b"a" * 65536
        yield b'"}}'

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


# --- limits run before any resolver --------------------------------------------------------------


async def test_too_many_aliases_rejected_before_any_resolver(api, boss, redis, settings):
    fields = " ".join(f"a{i}: {STAFF_LOGIN_FIELD}" for i in range(settings.max_aliases + 1))

    errors = await api.errors(f"mutation {{ {fields} }}")

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "aliases" in errors[0]["message"]
    await assert_nothing_ran(redis, settings)


async def test_too_many_tokens_rejected_before_any_resolver(api, boss, redis, settings):
    padding = " ".join(["code"] * settings.max_tokens)
    query = f'mutation {{ staffLogin(input: {{username: "boss", password: "correct horse battery"}}) {{ errors {{ {padding} }} }} }}'

    errors = await api.errors(query)

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "tokens" in errors[0]["message"]
    await assert_nothing_ran(redis, settings)


async def test_too_deep_rejected_before_any_resolver(settings, boss, redis):
    # The schema is shallow so far; a server with a depth limit of 1 shows the rule.
    shallow = main.create_app(settings.model_copy(update={"max_query_depth": 1}))
    transport = httpx.ASGITransport(app=shallow)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/graphql",
            json={
                "query": 'mutation { staffLogin(input: {username: "boss", password: "correct horse battery"}) { user { id } } }'
            },
        )

    errors = response.json()["errors"]
    assert codes(errors) == ["BAD_USER_INPUT"]
    assert "depth" in errors[0]["message"]
    await assert_nothing_ran(redis, settings)


# --- GET -----------------------------------------------------------------------------------------


async def test_get_runs_queries(http):
    response = await http.get("/graphql", params={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_get_refuses_mutations_with_405(http, boss, redis, settings):
    response = await http.get("/graphql", params={"query": f"mutation {{ {STAFF_LOGIN_FIELD} }}"})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
    await assert_nothing_ran(redis, settings)


async def test_other_methods_are_405(http):
    response = await http.put("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 405


# --- batching ------------------------------------------------------------------------------------


async def test_batches_run_each_operation(http):
    response = await http.post(
        "/graphql", json=[{"query": "{ __typename }"}, {"query": "{ me { id } }"}]
    )

    assert response.status_code == 200
    assert response.json() == [{"data": {"__typename": "Query"}}, {"data": {"me": None}}]


async def test_batches_over_the_cap_are_refused(http, settings):
    batch = [{"query": "{ __typename }"}] * (settings.max_batch_operations + 1)

    response = await http.post("/graphql", json=batch)

    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


# --- automatic persisted queries -----------------------------------------------------------------

ME_QUERY = "query Me { me { id } }"
ME_HASH = hashlib.sha256(ME_QUERY.encode()).hexdigest()
APQ = {"persistedQuery": {"version": 1, "sha256Hash": ME_HASH}}


async def test_apq_round_trip(http, redis, settings):
    miss = await http.post("/graphql", json={"extensions": APQ})
    register = await http.post("/graphql", json={"query": ME_QUERY, "extensions": APQ})
    hit = await http.post("/graphql", json={"extensions": APQ})
    hit_get = await http.get("/graphql", params={"extensions": json.dumps(APQ)})

    assert miss.status_code == 200
    assert codes(miss.json()["errors"]) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert register.json() == {"data": {"me": None}}
    assert hit.json() == {"data": {"me": None}}
    assert hit_get.json() == {"data": {"me": None}}
    assert await redis.get(f"{settings.redis_prefix}apq:{ME_HASH}") == ME_QUERY


async def test_apq_rejects_a_hash_that_does_not_match(http, redis, settings):
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}

    response = await http.post("/graphql", json={"query": ME_QUERY, "extensions": wrong})

    assert response.status_code == 400
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
    assert await redis.get(f"{settings.redis_prefix}apq:{'0' * 64}") is None


async def test_apq_never_stores_what_does_not_validate(http, redis, settings):
    junk = "x" * 5000
    digest = hashlib.sha256(junk.encode()).hexdigest()

    response = await http.post(
        "/graphql",
        json={
            "query": junk,
            "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
        },
    )

    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
    assert await redis.get(f"{settings.redis_prefix}apq:{digest}") is None


async def test_apq_refuses_to_store_oversized_queries(http, redis, settings):
    big = "query Big { " + " ".join(f"a{i}: __typename" for i in range(2000)) + " }"
    digest = hashlib.sha256(big.encode()).hexdigest()

    response = await http.post(
        "/graphql",
        json={"query": big, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}},
    )

    assert response.status_code == 400
    assert "limited to" in response.json()["errors"][0]["message"]
    assert await redis.get(f"{settings.redis_prefix}apq:{digest}") is None


async def test_apq_registrations_are_rate_limited_per_address(http, redis, settings):
    statuses = []
    started = time.monotonic()
    for i in range(70):
        query = f"query Q{i} {{ __typename }}"
        digest = hashlib.sha256(query.encode()).hexdigest()
        response = await http.post(
            "/graphql",
            json={
                "query": query,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
            },
        )
        statuses.append(response.status_code)

    elapsed = time.monotonic() - started

    # A burst of 60, then one more a second (a slow run earns a few back)
    assert set(statuses[:60]) == {200} and set(statuses[60:]) <= {200, 429}
    accepted = statuses.count(200)
    assert accepted <= 60 + int(elapsed) and 429 in statuses
    stored = [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}apq:*")]
    assert len(stored) == accepted


async def test_apq_unknown_hash_over_get(http):
    unknown = {"persistedQuery": {"version": 1, "sha256Hash": "f" * 64}}

    response = await http.get("/graphql", params={"extensions": json.dumps(unknown)})

    assert codes(response.json()["errors"]) == ["PERSISTED_QUERY_NOT_FOUND"]


# --- GraphQL over HTTP media type ----------------------------------------------------------------

GQL_JSON = "application/graphql-response+json"


async def test_graphql_response_json_when_asked(http):
    response = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": GQL_JSON}
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == GQL_JSON
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_request_errors_are_400_with_graphql_response_json(http):
    response = await http.post("/graphql", json={"query": "{ nope }"}, headers={"accept": GQL_JSON})

    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]


async def test_request_errors_stay_200_with_application_json(http):
    response = await http.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"}
    )

    assert response.status_code == 200
    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]


async def test_a_global_id_of_an_unknown_type_is_null_or_bad_input(api):
    import base64

    gid = base64.b64encode(b"Nothing:1").decode()
    response = await api.post("query ($id: ID!) { node(id: $id) { id } }", {"id": gid})

    body = response.json()
    assert body.get("data", {}).get("node") is None
    assert all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in body.get("errors", []))


@pytest.mark.parametrize(
    "raw",
    [
        "Order:abc",
        "Product:1.5",
        "CartLine:x",
        "Order:-1",
        "Order:0",
        "Order:99999999999999999999",
        "User: 1",
    ],
)
async def test_ids_that_no_row_can_have_are_bad_user_input(customer_api, raw):
    import base64

    gid = base64.b64encode(raw.encode()).decode()
    response = await customer_api.post("query ($id: ID!) { node(id: $id) { id } }", {"id": gid})

    body = response.json()
    assert codes(body["errors"]) == ["BAD_USER_INPUT"]


async def test_out_of_range_ids_in_mutations_are_bad_user_input(customer_api):
    import base64

    gid = base64.b64encode(b"Order:99999999999999999999").decode()
    response = await customer_api.post(
        "mutation ($id: ID!) { orderCancel(input: {orderId: $id}) { errors { code } } }",
        {"id": gid},
    )

    assert codes(response.json()["errors"]) == ["BAD_USER_INPUT"]
