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


def decode_access_token(token: str, *, settings: Settings) -> AccessClaims:
    """Verify signature, expiry and required claims; anything wrong is Unauthenticated."""
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
