"""Verified access tokens are remembered, never beyond their expiry or their secret."""

from __future__ import annotations

import asyncio
import secrets

import pytest

from models import Role, User
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
