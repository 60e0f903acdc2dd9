"""Login, tokens and `me` through the real HTTP API."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from models import RefreshToken, Role, User
from resolvers.accounts.passwords import hash_password
from tests.support.graphql import GraphQLClient, codes

WECHAT_LOGIN = """
mutation ($code: String!) {
  wechatLogin(input: {code: $code}) {
    user { id role nickname }
    tokens { tokenType accessToken refreshToken accessTokenExpiresAt }
    errors { field message code }
  }
}
"""

STAFF_LOGIN = """
mutation ($username: String!, $password: String!) {
  staffLogin(input: {username: $username, password: $password}) {
    user { id role username }
    tokens { accessToken refreshToken }
    errors { field message code }
  }
}
"""

TOKEN_REFRESH = """
mutation ($token: String!) {
  tokenRefresh(input: {refreshToken: $token}) {
    user { id }
    tokens { accessToken refreshToken }
    errors { field message code }
  }
}
"""

LOGOUT = """
mutation ($token: String) {
  logout(input: {refreshToken: $token}) { ok errors { field code } }
}
"""

ME = "{ me { id role nickname username } }"
STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
async def staff_with_password(make_user) -> User:
    return await make_user(Role.STAFF, password_hash=await hash_password(STAFF_PASSWORD))


async def staff_login(api: GraphQLClient, username: str, password: str) -> dict:
    data = await api.execute(STAFF_LOGIN, {"username": username, "password": password})
    return data["staffLogin"]


# --- WeChat -----------------------------------------------------------------------------------


async def test_wechat_login_creates_the_shopper_once(api, fake_wechat):
    wechat, _ = fake_wechat

    first = (await api.execute(WECHAT_LOGIN, {"code": wechat.issue_code("oA1", "uX1")}))[
        "wechatLogin"
    ]
    second = (await api.execute(WECHAT_LOGIN, {"code": wechat.issue_code("oA1", "uX1")}))[
        "wechatLogin"
    ]

    assert first["errors"] == [] and second["errors"] == []
    assert first["user"]["id"] == second["user"]["id"]
    assert first["user"]["role"] == "CUSTOMER"
    assert first["tokens"]["tokenType"] == "Bearer"
    users = await User.filter(wechat_openid="oA1")
    assert len(users) == 1 and users[0].wechat_unionid == "uX1"
    me = await GraphQLClient(api.http, first["tokens"]["accessToken"]).execute(ME)
    assert me["me"]["id"] == first["user"]["id"]


async def test_wechat_login_with_a_bad_code_is_a_payload_error(api):
    data = (await api.execute(WECHAT_LOGIN, {"code": "never-issued"}))["wechatLogin"]

    assert data["user"] is None and data["tokens"] is None
    assert data["errors"] == [
        {
            "field": ["code"],
            "message": "The login code is invalid or used",
            "code": "INVALID_WECHAT_CODE",
        }
    ]
    assert await User.all().count() == 0


async def test_wechat_outage_is_reported_and_writes_nothing(api, fake_wechat):
    wechat, _ = fake_wechat
    code = wechat.issue_code("oB2")
    wechat.outage = True
    try:
        data = (await api.execute(WECHAT_LOGIN, {"code": code}))["wechatLogin"]
    finally:
        wechat.outage = False

    assert codes_of(data) == ["WECHAT_UNAVAILABLE"]
    assert await User.all().count() == 0


async def test_concurrent_first_logins_create_one_user(api, fake_wechat):
    wechat, _ = fake_wechat
    logins = [api.execute(WECHAT_LOGIN, {"code": wechat.issue_code("oC3")}) for _ in range(10)]

    results = await asyncio.gather(*logins)

    ids = {r["wechatLogin"]["user"]["id"] for r in results}
    assert len(ids) == 1
    assert await User.filter(wechat_openid="oC3").count() == 1


def codes_of(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]


# --- staff login --------------------------------------------------------------------------------


async def test_staff_login_returns_tokens_that_work(api, staff_with_password):
    data = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)

    assert data["errors"] == []
    assert data["user"]["role"] == "STAFF"
    me = await GraphQLClient(api.http, data["tokens"]["accessToken"]).execute(ME)
    assert me["me"]["username"] == staff_with_password.username
    assert await RefreshToken.filter(user_id=staff_with_password.id).count() == 1


@pytest.mark.parametrize("which", ["wrong-password", "unknown-user"])
async def test_staff_login_failure_does_not_say_which_part_was_wrong(
    api, staff_with_password, which
):
    username = staff_with_password.username if which == "wrong-password" else "nobody-here"

    data = await staff_login(api, username, "not the password")

    assert data["tokens"] is None
    assert data["errors"] == [
        {
            "field": ["password"],
            "message": "Wrong username or password",
            "code": "INVALID_CREDENTIALS",
        }
    ]
    assert await RefreshToken.all().count() == 0


async def test_customer_cannot_log_in_as_staff(api, make_user):
    shopper = await make_user(
        Role.CUSTOMER, username="shopper1", password_hash=await hash_password(STAFF_PASSWORD)
    )

    data = await staff_login(api, shopper.username, STAFF_PASSWORD)

    assert codes_of(data) == ["INVALID_CREDENTIALS"]


async def test_staff_login_is_throttled_after_failures(api, staff_with_password, settings):
    for _ in range(settings.login_max_failures):
        data = await staff_login(api, staff_with_password.username, "guess")
        assert codes_of(data) == ["INVALID_CREDENTIALS"]

    # Even the right password is refused now: the attacker learns nothing.
    errors = await api.errors(
        STAFF_LOGIN, {"username": staff_with_password.username, "password": STAFF_PASSWORD}
    )

    assert codes(errors) == ["RATE_LIMITED"]
    assert errors[0]["extensions"]["retryAfter"] > 0
    assert await RefreshToken.all().count() == 0


async def test_successful_login_resets_the_failure_budget(api, staff_with_password, settings):
    for _ in range(settings.login_max_failures - 1):
        await staff_login(api, staff_with_password.username, "guess")
    assert (await staff_login(api, staff_with_password.username, STAFF_PASSWORD))["errors"] == []

    for _ in range(settings.login_max_failures - 1):
        data = await staff_login(api, staff_with_password.username, "guess")
        assert codes_of(data) == ["INVALID_CREDENTIALS"]


# --- refresh tokens -----------------------------------------------------------------------------


async def test_refresh_rotates_the_token(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    old_refresh = login["tokens"]["refreshToken"]

    data = (await api.execute(TOKEN_REFRESH, {"token": old_refresh}))["tokenRefresh"]

    assert data["errors"] == []
    new_refresh = data["tokens"]["refreshToken"]
    assert new_refresh != old_refresh
    rows = await RefreshToken.filter(user_id=staff_with_password.id).order_by("id")
    assert len(rows) == 2
    assert rows[0].rotated_at is not None and rows[1].rotated_at is None
    assert rows[0].family == rows[1].family


async def test_reusing_a_rotated_refresh_token_revokes_the_family(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    stolen = login["tokens"]["refreshToken"]
    legit = (await api.execute(TOKEN_REFRESH, {"token": stolen}))["tokenRefresh"]["tokens"][
        "refreshToken"
    ]

    replay = (await api.execute(TOKEN_REFRESH, {"token": stolen}))["tokenRefresh"]
    after = (await api.execute(TOKEN_REFRESH, {"token": legit}))["tokenRefresh"]

    assert codes_of(replay) == ["REFRESH_TOKEN_REUSED"]
    assert replay["errors"][0]["field"] == ["refreshToken"]
    assert codes_of(after) == ["REFRESH_TOKEN_REUSED"]
    assert await RefreshToken.filter(revoked_at=None).count() == 0


async def test_concurrent_refreshes_of_one_token_rotate_it_once(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    token = login["tokens"]["refreshToken"]

    results = await asyncio.gather(
        *(api.execute(TOKEN_REFRESH, {"token": token}) for _ in range(8))
    )

    winners = [r for r in results if r["tokenRefresh"]["errors"] == []]
    assert len(winners) == 1
    # One login token + at most one issued from it.
    assert await RefreshToken.filter(user_id=staff_with_password.id).count() == 2


async def test_unknown_and_expired_refresh_tokens(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    await RefreshToken.all().update(expires_at=datetime.now(UTC) - timedelta(seconds=1))

    unknown = (await api.execute(TOKEN_REFRESH, {"token": "made-up"}))["tokenRefresh"]
    expired = (await api.execute(TOKEN_REFRESH, {"token": login["tokens"]["refreshToken"]}))[
        "tokenRefresh"
    ]

    assert codes_of(unknown) == ["INVALID_REFRESH_TOKEN"]
    assert codes_of(expired) == ["REFRESH_TOKEN_EXPIRED"]


async def test_disabled_account_cannot_refresh(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    await User.filter(id=staff_with_password.id).update(is_active=False)

    data = (await api.execute(TOKEN_REFRESH, {"token": login["tokens"]["refreshToken"]}))[
        "tokenRefresh"
    ]

    assert codes_of(data) == ["ACCOUNT_DISABLED"]
    assert await RefreshToken.filter(revoked_at=None).count() == 0


# --- logout -----------------------------------------------------------------------------------


async def test_logout_revokes_the_session(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    session = GraphQLClient(api.http, login["tokens"]["accessToken"])

    out = (await session.execute(LOGOUT, {"token": login["tokens"]["refreshToken"]}))["logout"]
    refresh = (await api.execute(TOKEN_REFRESH, {"token": login["tokens"]["refreshToken"]}))[
        "tokenRefresh"
    ]

    assert out == {"ok": True, "errors": []}
    assert codes_of(refresh) == ["REFRESH_TOKEN_REUSED"]


async def test_logout_without_a_token_ends_every_session(api, staff_with_password):
    first = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    session = GraphQLClient(api.http, first["tokens"]["accessToken"])

    assert (await session.execute(LOGOUT, {"token": None}))["logout"]["ok"] is True

    assert await RefreshToken.filter(revoked_at=None).count() == 0


async def test_logout_needs_a_login(api):
    assert codes(await api.errors(LOGOUT, {"token": None})) == ["UNAUTHENTICATED"]


# --- access tokens ------------------------------------------------------------------------------


async def test_me_is_null_for_a_visitor(api):
    assert await api.execute(ME) == {"me": None}


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _forged_tokens(settings, user_id: int) -> dict[str, str]:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "role": "ADMIN",
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": "x",
        "iss": settings.jwt_issuer,
        "aud": "microstore-api",
    }
    good = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    header, payload, signature = good.split(".")
    tampered_payload = _b64(
        {
            **claims,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            "sub": "999",
        }
    )
    return {
        "expired": jwt.encode(
            {**claims, "iat": now - timedelta(hours=1), "exp": now - timedelta(minutes=1)},
            settings.jwt_secret,
            algorithm="HS256",
        ),
        "tampered": f"{header}.{tampered_payload}.{signature}",
        "alg-none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "wrong-key": jwt.encode(
            claims, "another-secret-that-is-long-enough-for-hs256", algorithm="HS256"
        ),
        "missing-jti": jwt.encode(
            {k: v for k, v in claims.items() if k != "jti"}, settings.jwt_secret, algorithm="HS256"
        ),
        "garbage": "not-a-jwt",
    }


@pytest.mark.parametrize(
    "kind", ["expired", "tampered", "alg-none", "wrong-key", "missing-jti", "garbage"]
)
async def test_bad_access_tokens_are_unauthenticated(http, settings, customer, kind):
    token = _forged_tokens(settings, customer.id)[kind]

    response = await http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 401
    body = response.json()
    assert codes(body["errors"]) == ["UNAUTHENTICATED"]
    assert "data" not in body


async def test_non_bearer_authorization_is_unauthenticated(http):
    response = await http.post(
        "/graphql", json={"query": ME}, headers={"Authorization": "Basic abc"}
    )

    assert response.status_code == 401
    assert codes(response.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_node_hides_other_users(customer_api, make_user, staff_api, customer):
    other = await make_user(Role.CUSTOMER)
    query = "query ($id: ID!) { node(id: $id) { id ... on User { nickname } } }"
    own_id = (await customer_api.execute(ME))["me"]["id"]
    other_id = base64.b64encode(f"User:{other.id}".encode()).decode()

    assert (await customer_api.execute(query, {"id": own_id}))["node"][
        "nickname"
    ] == customer.nickname
    assert (await customer_api.execute(query, {"id": other_id}))["node"] is None
    assert (await staff_api.execute(query, {"id": other_id}))["node"]["nickname"] == other.nickname


async def test_failures_from_one_address_do_not_lock_out_another(
    http, staff_with_password, settings
):
    attacker = GraphQLClient(http)
    for _ in range(settings.login_max_failures + 2):
        response = await attacker.post(
            STAFF_LOGIN,
            {"username": staff_with_password.username, "password": "guess"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
        assert response.status_code == 200

    from_office = await http.post(
        "/graphql",
        json={
            "query": STAFF_LOGIN,
            "variables": {"username": staff_with_password.username, "password": STAFF_PASSWORD},
        },
        headers={"X-Forwarded-For": "198.51.100.7"},
    )

    assert from_office.json()["data"]["staffLogin"]["errors"] == []


@pytest.mark.parametrize("change", ["disabled", "demoted"])
async def test_staff_tokens_stop_working_when_the_account_changes(
    http, staff_with_password, token_for, change
):
    staff = GraphQLClient(http, token_for(staff_with_password))
    assert (await staff.execute(ME))["me"]["role"] == "STAFF"

    if change == "disabled":
        await User.filter(id=staff_with_password.id).update(is_active=False)
    else:
        await User.filter(id=staff_with_password.id).update(role=Role.CUSTOMER)
    response = await staff.post(ME)

    assert response.status_code == 401
    assert codes(response.json()["errors"]) == ["UNAUTHENTICATED"]


async def test_a_staff_access_token_ends_with_logout(api, staff_with_password):
    login = await staff_login(api, staff_with_password.username, STAFF_PASSWORD)
    session = GraphQLClient(api.http, login["tokens"]["accessToken"])

    await session.execute(LOGOUT, {"token": login["tokens"]["refreshToken"]})
    response = await session.post(ME)

    assert response.status_code == 401
    assert codes(response.json()["errors"]) == ["UNAUTHENTICATED"]
