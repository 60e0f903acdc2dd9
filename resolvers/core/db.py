"""Tortoise configuration built from settings, and the migration trees aerich owns."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from settings import BASE_DIR, Settings, get_settings

MODEL_MODULES = ["models", "aerich.models"]
MIGRATIONS_DIR = BASE_DIR / "migrations"


def normalise_database_url(url: str, *, pool_max: int) -> str:
    """Accept the URL spellings operators use and size the asyncpg pool."""
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if not url.startswith("postgres://"):
        return url
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.setdefault("maxsize", str(pool_max))
    query.setdefault("minsize", "1")
    return urlunsplit(parts._replace(query=urlencode(query)))


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = normalise_database_url(settings.database_url, pool_max=settings.database_pool_max)
    if url.startswith("sqlite://"):
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": _connection(url)},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(url: str) -> str | dict[str, Any]:
    """PostgreSQL through Microstore's client (resolvers/core/pg.py); others as Tortoise has them."""
    if not url.startswith("postgres://"):
        return url
    from tortoise.backends.base.config_generator import expand_db_url

    config = expand_db_url(url)
    config["engine"] = "resolvers.core.pg"
    return config


def migrations_location(settings: Settings) -> str:
    """aerich writes SQL for one dialect, so each dialect has its own tree."""
    dialect = "postgres" if settings.uses_postgres else "sqlite"
    return str(MIGRATIONS_DIR / dialect)


def __getattr__(name: str) -> Any:
    # aerich's CLI imports `AERICH_CONFIG` by dotted path; build it lazily so importing
    # this module never reads the environment as a side effect.
    if name == "AERICH_CONFIG":
        return tortoise_config(get_settings())
    raise AttributeError(name)
