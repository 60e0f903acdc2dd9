"""Production refuses to start with development secrets or stores."""

from __future__ import annotations

import secrets

import pytest

import main
from settings import InsecureSettingsError, Settings

STRONG = {
    "env": "production",
    "jwt_secret": secrets.token_urlsafe(48),
    "wechat_app_secret": secrets.token_hex(16),
    "database_url": "postgres://shop@db.internal:5432/shop",
    "redis_url": "redis://cache.internal:6379/0",
    "field_encryption_keys": {"p1": secrets.token_hex(16)},
    "field_encryption_key_id": "p1",
    "blind_index_key": secrets.token_urlsafe(48),
    # payments: both real providers configured, notifications over https
    "payments_public_url": "https://shop.example",
    "wechatpay_mch_id": "1900000109",
    "wechatpay_merchant_serial_no": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    "wechatpay_merchant_private_key": "-----BEGIN PRIVATE KEY-----...",
    "wechatpay_apiv3_key": secrets.token_hex(16),
    "stripe_secret_key": "sk_live_" + secrets.token_hex(12),
    "stripe_webhook_secret": "whsec_" + secrets.token_hex(16),
}


def test_production_accepts_a_complete_configuration():
    Settings(**STRONG).check_production_ready()


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"jwt_secret": Settings().jwt_secret}, "JWT_SECRET is the development default"),
        ({"jwt_secret": "short-but-not-default"}, "JWT_SECRET is shorter than 32 characters"),
        (
            {"wechat_app_secret": "dev-wechat-secret"},
            "WECHAT_APP_SECRET is the development default",
        ),
        ({"redis_url": "memory://"}, "REDIS_URL points at the in-process Redis"),
        ({"database_url": "sqlite:///tmp/x.sqlite3"}, "DATABASE_URL points at SQLite"),
        (
            {
                "field_encryption_keys": Settings().field_encryption_keys,
                "field_encryption_key_id": "dev1",
            },
            "FIELD_ENCRYPTION_KEYS holds the development key",
        ),
        (
            {"blind_index_key": Settings().blind_index_key},
            "BLIND_INDEX_KEY is the development default",
        ),
        ({"blind_index_key": "short-but-not-default"}, "BLIND_INDEX_KEY is shorter than 32"),
        ({"payments_sandbox": True}, "PAYMENTS_SANDBOX is on"),
        ({"payments_public_url": "http://shop.example"}, "PAYMENTS_PUBLIC_URL must be https"),
        ({"wechatpay_mch_id": ""}, "WECHATPAY_MCH_ID is not set"),
        ({"wechatpay_merchant_private_key": ""}, "WECHATPAY_MERCHANT_PRIVATE_KEY"),
        (
            {"wechatpay_apiv3_key": Settings().wechatpay_apiv3_key},
            "WECHATPAY_APIV3_KEY is the development default",
        ),
        ({"wechatpay_apiv3_key": "too-short"}, "WECHATPAY_APIV3_KEY must be 32 bytes"),
        (
            {"stripe_secret_key": Settings().stripe_secret_key},
            "STRIPE_SECRET_KEY is the development default",
        ),
        (
            {"stripe_webhook_secret": Settings().stripe_webhook_secret},
            "STRIPE_WEBHOOK_SECRET is the development default",
        ),
    ],
)
def test_production_refuses_defaults(override, reason):
    settings = Settings(**{**STRONG, **override})

    with pytest.raises(InsecureSettingsError, match=reason):
        settings.check_production_ready()
    with pytest.raises(InsecureSettingsError):
        main.create_app(settings)


def test_development_tolerates_defaults():
    Settings(env="development").check_production_ready()


def test_production_switches_off_graphiql_and_introspection():
    settings = Settings(**STRONG)

    assert settings.graphiql is False
    assert settings.introspection is False
    assert settings.show_error_details is False


def test_origins_come_comma_separated(monkeypatch):
    monkeypatch.setenv("CORS_ORIGINS", "https://h5.shop.example, https://admin.shop.example")

    assert Settings().cors_origins == ["https://h5.shop.example", "https://admin.shop.example"]


def test_a_shop_without_wechat_pay_needs_no_wechat_pay_keys():
    settings = Settings(
        **{
            **STRONG,
            "payment_providers": "STRIPE",
            "wechatpay_mch_id": "",
            "wechatpay_apiv3_key": "",
        }
    )

    settings.check_production_ready()
    assert settings.payment_providers == ["stripe"]


def test_unknown_payment_providers_are_refused():
    with pytest.raises(ValueError, match="unknown payment providers: alipay"):
        Settings(payment_providers="WECHAT,ALIPAY")


def test_the_payment_sandbox_is_on_in_development_only():
    assert Settings(env="development").payments_sandbox is True
    assert Settings(env="test").payments_sandbox is False
    assert Settings(**STRONG).payments_sandbox is False
