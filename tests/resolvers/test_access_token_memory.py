"""Verified access tokens are remembered, never beyond their expiry or their secret."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets

import pytest

from models import Role, User
from resolvers.accounts import tokens
from resolvers.accounts.tokens import decode_access_token, issue_access_token
from resolvers.core.errors import Unauthenticated
from settings import Settings


def _settings(**overrides) -> Settings:
    return Settings(jwt_secret=secrets.token_urlsafe(48), **overrides)


def test_a_verified_token_is_accepted_again_with_the_same_claims():
    settings = _settings()
    token, _ = issue_access_token(settings=settings, user=User(id=7, role=Role.CUSTOMER))

    first = decode_access_token(token, settings=settings)
    again = decode_access_token(token, settings=settings)

    assert first == again and again.user_id == 7


async def test_a_remembered_token_is_refused_once_it_expires():
    settings = _settings(access_token_ttl_seconds=1)
    token, _ = issue_access_token(settings=settings, user=User(id=8, role=Role.CUSTOMER))
    decode_access_token(token, settings=settings)

    await asyncio.sleep(1.1)

    with pytest.raises(Unauthenticated):
        decode_access_token(token, settings=settings)


def test_a_token_remembered_under_one_secret_is_refused_under_another():
    settings = _settings()
    token, _ = issue_access_token(settings=settings, user=User(id=9, role=Role.STAFF))
    decode_access_token(token, settings=settings)

    with pytest.raises(Unauthenticated):
        decode_access_token(token, settings=_settings())


def _with_role(token: str, role: str) -> str:
    """The token with its payload's role changed and the original signature kept."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = role
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_a_tampered_copy_of_a_remembered_token_is_refused():
    settings = _settings()
    token, _ = issue_access_token(settings=settings, user=User(id=10, role=Role.CUSTOMER))
    assert decode_access_token(token, settings=settings).role == Role.CUSTOMER

    with pytest.raises(Unauthenticated):
        decode_access_token(_with_role(token, "ADMIN"), settings=settings)
    with pytest.raises(Unauthenticated):
        decode_access_token(token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), settings=settings)
    # and the genuine one still reads as it was issued
    assert decode_access_token(token, settings=settings).role == Role.CUSTOMER


def test_a_refused_token_is_not_remembered():
    settings = _settings()
    token, _ = issue_access_token(settings=settings, user=User(id=11, role=Role.CUSTOMER))
    forged = _with_role(token, "STAFF")

    for _ in range(2):
        with pytest.raises(Unauthenticated):
            decode_access_token(forged, settings=settings)

    assert not any(key[0] == forged for key in tokens._verified)
