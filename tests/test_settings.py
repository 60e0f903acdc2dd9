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
