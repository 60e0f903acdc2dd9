"""Login, token refresh and logout."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from models import RefreshToken, Role, User
from resolvers.accounts import passwords, tokens, wechat
from resolvers.accounts.errors import AccountErrorCode
from resolvers.core.errors import DomainError, Unauthenticated
from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)

# A username gets a few wrong passwords per quarter hour *from one address*, so a stranger
# guessing from elsewhere cannot lock the real admin out; across all addresses it gets ten
# times that, which still stops a distributed guesser. An address gets a few dozen attempts
# a minute whatever the usernames.
LOGIN_FAILURES_PER_USERNAME_AND_IP = "login-failures-user-ip"
LOGIN_FAILURES_PER_USERNAME = "login-failures-user"
LOGIN_ATTEMPTS_PER_IP = Limit("login-ip", burst=30, period_seconds=60)
WECHAT_LOGINS_PER_IP = Limit("wechat-login-ip", burst=60, period_seconds=60)

MAX_USERNAME_LENGTH = 64
MAX_PASSWORD_LENGTH = 256


def _failure_limits(state: AppState, username: str, client_ip: str) -> list[tuple[Limit, str]]:
    """(limit, subject) pairs a failed login spends."""
    settings = state.settings
    window = settings.login_failure_window_seconds
    name = username.lower()
    return [
        (
            Limit(LOGIN_FAILURES_PER_USERNAME_AND_IP, settings.login_max_failures, window),
            f"{name}|{client_ip}",
        ),
        (Limit(LOGIN_FAILURES_PER_USERNAME, settings.login_max_failures * 10, window), name),
    ]


# Roles that log in with a username and password (staffLogin): the shop's staff, and its
# couriers (their app reports positions and hand-overs; shoppers come through WeChat).
PASSWORD_ROLES = frozenset({Role.STAFF, Role.ADMIN, Role.COURIER})


async def wechat_login(
    *, state: AppState, code: str, client_ip: str
) -> tuple[User, tokens.TokenPair]:
    code = code.strip()
    if not code or len(code) > 128:
        raise DomainError(
            AccountErrorCode.INVALID_WECHAT_CODE, "A login code is required", field=["code"]
        )
    await state.limiter.hit(WECHAT_LOGINS_PER_IP, client_ip)
    identity = await wechat.code_to_session(settings=state.settings, http=state.http, code=code)
    user, created = await User.get_or_create(
        wechat_openid=identity.openid,
        defaults={"role": Role.CUSTOMER, "wechat_unionid": identity.unionid},
    )
    if not user.is_active:
        raise DomainError(AccountErrorCode.ACCOUNT_DISABLED, "This account is disabled")
    user.last_login_at = datetime.now(UTC)
    update_fields = ["last_login_at", "updated_at"]
    if identity.unionid and user.wechat_unionid != identity.unionid:
        user.wechat_unionid = identity.unionid
        update_fields.append("wechat_unionid")
    await user.save(update_fields=update_fields)
    if created:
        logger.info("new shopper registered through WeChat: user=%s", user.id)
    return user, await tokens.issue_token_pair(settings=state.settings, user=user)


async def staff_login(
    *, state: AppState, username: str, password: str, client_ip: str
) -> tuple[User, tokens.TokenPair]:
    username = username.strip()
    failure_limits = _failure_limits(state, username, client_ip)
    await state.limiter.hit(LOGIN_ATTEMPTS_PER_IP, client_ip)
    for limit, subject in failure_limits:
        # Look, don't take: only failures spend these budgets.
        await state.limiter.hit(limit, subject, cost=0)

    user = None
    if 0 < len(username) <= MAX_USERNAME_LENGTH and len(password) <= MAX_PASSWORD_LENGTH:
        user = await User.get_or_none(username=username)
    valid = await passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not valid or user.role not in PASSWORD_ROLES:
        for limit, subject in failure_limits:
            await state.limiter.check(limit, subject, cost=1)  # count it
        logger.info("staff login failed for a username from %s", client_ip)
        raise DomainError(
            AccountErrorCode.INVALID_CREDENTIALS, "Wrong username or password", field=["password"]
        )
    if not user.is_active:
        raise DomainError(AccountErrorCode.ACCOUNT_DISABLED, "This account is disabled")

    limit, subject = failure_limits[0]
    await state.limiter.reset(limit, subject)  # this address's budget; the global one refills
    user.last_login_at = datetime.now(UTC)
    update_fields = ["last_login_at", "updated_at"]
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
        update_fields.append("password_hash")
    await user.save(update_fields=update_fields)
    return user, await tokens.issue_token_pair(settings=state.settings, user=user)


async def refresh_tokens(*, state: AppState, refresh_token: str) -> tuple[User, tokens.TokenPair]:
    """Rotate a refresh token. Presenting a rotated one revokes its whole family."""
    token_hash = tokens.hash_refresh_token(refresh_token)
    now = datetime.now(UTC)
    async with in_transaction():
        # Guarded update: of two concurrent uses of one token, exactly one wins.
        rotated = await RefreshToken.filter(
            token_hash=token_hash, rotated_at=None, revoked_at=None, expires_at__gt=now
        ).update(rotated_at=now)
        if rotated == 1:
            current = await RefreshToken.get(token_hash=token_hash).prefetch_related("user")
            if current.user.is_active:
                pair = await tokens.issue_token_pair(
                    settings=state.settings, user=current.user, family=current.family
                )
                return current.user, pair

    existing = await RefreshToken.get_or_none(token_hash=token_hash).prefetch_related("user")
    if existing is None:
        raise DomainError(
            AccountErrorCode.INVALID_REFRESH_TOKEN, "Unknown refresh token", field=["refreshToken"]
        )
    if not existing.user.is_active:
        await revoke_family(family=existing.family)
        raise DomainError(AccountErrorCode.ACCOUNT_DISABLED, "This account is disabled")
    if existing.rotated_at is not None or existing.revoked_at is not None:
        if await revoke_family(family=existing.family):
            logger.warning("refresh token reuse: family revoked, user=%s", existing.user.id)
        raise DomainError(
            AccountErrorCode.REFRESH_TOKEN_REUSED,
            "This refresh token was already used; log in again",
            field=["refreshToken"],
        )
    raise DomainError(
        AccountErrorCode.REFRESH_TOKEN_EXPIRED, "Refresh token expired", field=["refreshToken"]
    )


async def revoke_family(*, family: object) -> int:
    return await RefreshToken.filter(family=family, revoked_at=None).update(
        revoked_at=datetime.now(UTC)
    )


async def logout(
    *, state: AppState, claims: tokens.AccessClaims, refresh_token: str | None
) -> None:
    """Revoke the session the refresh token belongs to, or every session of the user.

    The access token used to log out is revoked too; `check_session` enforces that for
    staff and couriers. A shopper's access token simply expires (15 minutes at most).
    """
    if refresh_token:
        token = await RefreshToken.get_or_none(
            token_hash=tokens.hash_refresh_token(refresh_token), user_id=claims.user_id
        )
        if token is None:
            raise DomainError(
                AccountErrorCode.INVALID_REFRESH_TOKEN,
                "Unknown refresh token",
                field=["refreshToken"],
            )
        await revoke_family(family=token.family)
    else:
        await RefreshToken.filter(user_id=claims.user_id, revoked_at=None).update(
            revoked_at=datetime.now(UTC)
        )
    await state.redis.set(state.keys.revoked_access_token(claims.jti), "1", exat=claims.expires_at)


async def check_session(*, state: AppState, claims: tokens.AccessClaims) -> None:
    """Staff and couriers act with the account as it is now, not as it was at login.

    A disabled or demoted staff member, or one who logged out, loses their powers at once
    instead of when the access token expires. Shoppers' tokens are trusted until expiry:
    their power is over their own data, and a lookup on every shopper request would cost
    every page of the shop.
    """
    if claims.role not in PASSWORD_ROLES:
        return
    if await state.redis.exists(state.keys.revoked_access_token(claims.jti)):
        raise Unauthenticated("This session has ended; log in again")
    rows = await User.filter(id=claims.user_id).values_list("role", "is_active")
    if not rows or not rows[0][1] or rows[0][0] != claims.role:
        raise Unauthenticated("This account changed since login; log in again")


async def get_user(*, user_id: int) -> User | None:
    return await User.get_or_none(id=user_id, is_active=True)


async def create_staff(
    *,
    username: str,
    password: str,
    min_password_length: int,
    role: Role = Role.ADMIN,
    nickname: str = "",
) -> User:
    """Create (or reset the password of) a password account (staff, admin or courier);
    used by `main.py createadmin`."""
    if role not in PASSWORD_ROLES:
        raise DomainError(
            AccountErrorCode.INVALID,
            "Password accounts are STAFF, ADMIN or COURIER",
            field=["role"],
        )
    username = username.strip()
    if not username or len(username) > MAX_USERNAME_LENGTH:
        raise DomainError(
            AccountErrorCode.INVALID, "Username must be 1-64 characters", field=["username"]
        )
    if len(password) < min_password_length or len(password) > MAX_PASSWORD_LENGTH:
        raise DomainError(
            AccountErrorCode.INVALID,
            f"Password must be {min_password_length}-{MAX_PASSWORD_LENGTH} characters",
            field=["password"],
        )
    password_hash = await passwords.hash_password(password)
    user, created = await User.get_or_create(
        username=username,
        defaults={"role": role, "password_hash": password_hash, "nickname": nickname or username},
    )
    if not created:
        user.role = role
        user.password_hash = password_hash
        user.is_active = True
        await user.save(update_fields=["role", "password_hash", "is_active", "updated_at"])
        await RefreshToken.filter(user=user, revoked_at=None).update(revoked_at=datetime.now(UTC))
    return user


# Revoked and expired tokens are kept a while so reuse is still recognised, then dropped.
DEAD_TOKEN_RETENTION = timedelta(days=7)


async def purge_dead_refresh_tokens() -> int:
    cutoff = datetime.now(UTC) - DEAD_TOKEN_RETENTION
    return await RefreshToken.filter(expires_at__lt=cutoff).delete()
