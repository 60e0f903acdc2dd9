"""Access tokens (short JWTs) and refresh tokens (opaque, hashed, rotated)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from models import RefreshToken, Role, User
from resolvers.core.errors import Unauthenticated
from settings import Settings

JWT_ALGORITHM = "HS256"  # pinned: the algorithm in a token's header is never trusted
JWT_AUDIENCE = "microstore-api"
_REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "iss", "aud"]


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: int
    role: Role
    jti: str
    expires_at: datetime

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def issue_access_token(*, settings: Settings, user: User) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=settings.access_token_ttl_seconds)
    claims = {
        "sub": str(user.id),
        "role": str(user.role),
        "iat": now,
        "exp": expires_at,
        "jti": uuid.uuid4().hex,
        "iss": settings.jwt_issuer,
        "aud": JWT_AUDIENCE,
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=JWT_ALGORITHM), expires_at


# A shopper's app sends the same access token with every request for up to 15 minutes,
# and verifying it (signature, claims, pyjwt's key checks) costs more than the rest of a
# small request. A token that passed verification is remembered by its exact text and the
# secret and issuer that verified it; its expiry is still checked on every use. Only
# verified tokens are remembered, so a client cannot fill the memory with junk.
_VERIFIED_MAX = 10_000
_verified: dict[tuple[str, str, str], AccessClaims] = {}


def decode_access_token(token: str, *, settings: Settings) -> AccessClaims:
    """Verify signature, expiry and required claims; anything wrong is Unauthenticated."""
    key = (token, settings.jwt_secret, settings.jwt_issuer)
    claims = _verified.get(key)
    if claims is not None:
        if claims.expires_at > datetime.now(UTC):
            return claims
        del _verified[key]
        raise Unauthenticated("Invalid or expired access token")
    claims = _verify_access_token(token, settings=settings)
    if len(_verified) >= _VERIFIED_MAX:
        del _verified[next(iter(_verified))]  # the oldest
    _verified[key] = claims
    return claims


def _verify_access_token(token: str, *, settings: Settings) -> AccessClaims:
    try:
        claims = jwt.decode(
            token,
            settings.jwt_secret,
            algorithms=[JWT_ALGORITHM],
            audience=JWT_AUDIENCE,
            issuer=settings.jwt_issuer,
            options={"require": _REQUIRED_CLAIMS},
        )
        return AccessClaims(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            jti=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(claims["exp"], UTC),
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        raise Unauthenticated("Invalid or expired access token") from exc


def hash_refresh_token(token: str) -> str:
    # The token is 256 random bits, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_refresh_token(
    *, settings: Settings, user: User, family: uuid.UUID | None = None
) -> tuple[str, datetime]:
    token = secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + timedelta(seconds=settings.refresh_token_ttl_seconds)
    await RefreshToken.create(
        user=user,
        family=family or uuid.uuid4(),
        token_hash=hash_refresh_token(token),
        expires_at=expires_at,
    )
    return token, expires_at


async def issue_token_pair(
    *, settings: Settings, user: User, family: uuid.UUID | None = None
) -> TokenPair:
    access, access_expires_at = issue_access_token(settings=settings, user=user)
    refresh, refresh_expires_at = await issue_refresh_token(
        settings=settings, user=user, family=family
    )
    return TokenPair(access, access_expires_at, refresh, refresh_expires_at)
