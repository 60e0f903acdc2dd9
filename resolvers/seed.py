"""Demo data for `make run`: idempotent, so running it twice changes nothing."""

from __future__ import annotations

import logging

from models import Role, User
from resolvers.accounts.service import create_staff
from settings import Settings

logger = logging.getLogger(__name__)

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_PASSWORD = "microstore-admin"  # printed for the developer; dev only
# graph/devtools.py maps the login code "demo-customer" to this openid.
DEMO_CUSTOMER_OPENID = "demo-customer-openid"


async def seed_accounts(settings: Settings) -> None:
    if not await User.exists(username=DEMO_ADMIN_USERNAME):
        await create_staff(
            username=DEMO_ADMIN_USERNAME,
            password=DEMO_ADMIN_PASSWORD,
            min_password_length=settings.password_min_length,
            role=Role.ADMIN,
            nickname="Demo admin",
        )
    await User.get_or_create(
        wechat_openid=DEMO_CUSTOMER_OPENID,
        defaults={"role": Role.CUSTOMER, "nickname": "Demo shopper"},
    )


async def load_demo_data(*, settings: Settings) -> None:
    if settings.is_production:
        raise RuntimeError("demo data is for development only")
    await seed_accounts(settings)
    logger.info("demo data ready")
