"""The one place that reads the environment.

Everything else receives a `Settings` object (usually through `get_settings()`), so tests
and the CLI can build their own without touching `os.environ`.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BASE_DIR = Path(__file__).resolve().parent

# Development defaults. Production refuses to start while any of these is still in use.
DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production"
MIN_SECRET_LENGTH = 32
# SM4 keys are 128 bits (32 hex characters); "key id:hex key" pairs.
DEV_FIELD_ENCRYPTION_KEYS = {"dev1": "6d6963726f73746f72652d6465762d31"}
DEV_BLIND_INDEX_KEY = "dev-only-blind-index-key-change-me-in-production"
DEV_WECHATPAY_APIV3_KEY = "dev-only-wechatpay-apiv3-key-32b"  # APIv3 keys are 32 bytes
DEV_STRIPE_SECRET_KEY = "sk_test_dev_only"
DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_only_change_me"
DEV_SANDBOX_SIGNING_KEY = "dev-only-sandbox-payments-signing-key"


class InsecureSettingsError(RuntimeError):
    """Raised at start-up when production is configured with development secrets."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=BASE_DIR / ".env", env_file_encoding="utf-8", extra="ignore"
    )

    env: Literal["development", "test", "production"] = "development"

    # --- data stores -------------------------------------------------------------------
    # The embedded default needs no server: a SQLite file and an in-process Redis.
    database_url: str = f"sqlite://{BASE_DIR / 'var' / 'microstore.sqlite3'}"
    database_pool_max: int = 20
    redis_url: str = "memory://"
    redis_pool_max: int = 200
    # Every Redis key starts with this, so test runs and tenants never collide.
    redis_prefix: str = "ms:"

    # --- HTTP edge ---------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = 8000
    web_concurrency: int = 1
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    ws_allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = 1024 * 1024
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_batch_operations: int = 10
    apq_ttl_seconds: int = 24 * 3600
    # Longer operations run fine, they are just not stored for hash-only requests.
    apq_max_query_bytes: int = 16 * 1024
    parse_cache_size: int = 1024
    # Parse and validation caches; off only to measure what they buy (bench/).
    graphql_caches: bool = True

    # --- auth --------------------------------------------------------------------------
    jwt_secret: str = DEV_JWT_SECRET
    jwt_issuer: str = "microstore"
    access_token_ttl_seconds: int = Field(default=900, le=900)
    refresh_token_ttl_seconds: int = 30 * 24 * 3600
    login_max_failures: int = 5
    login_failure_window_seconds: int = 15 * 60
    password_min_length: int = 10

    # --- WeChat mini-program login -----------------------------------------------------
    wechat_app_id: str = "wx-dev-app"
    wechat_app_secret: str = "dev-wechat-secret"
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: float = 5.0

    # --- catalog -----------------------------------------------------------------------
    # Hot reads (product detail, first listing pages, category tree) cached in Redis.
    # Staff changes invalidate at once; the TTLs only bound what a lost invalidation
    # (a crash between commit and invalidation) could leave behind.
    catalog_cache_enabled: bool = True
    catalog_detail_ttl_seconds: int = 300
    catalog_listing_ttl_seconds: int = 60
    # nearbyStores looks no further than this unless asked to.
    stores_search_radius_km: float = 50.0
    # --- field encryption (SM4) ---------------------------------------------------------
    # Phone numbers and street addresses are SM4-encrypted at rest. Every key that ever
    # encrypted a stored value stays here (comma-separated "id:32 hex chars"); the active
    # id encrypts new values. A blind index (HMAC) makes phone numbers searchable.
    field_encryption_keys: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: dict(DEV_FIELD_ENCRYPTION_KEYS)
    )
    field_encryption_key_id: str = "dev1"
    blind_index_key: str = DEV_BLIND_INDEX_KEY

    # --- cart, checkout and orders -----------------------------------------------------
    cart_max_quantity_per_line: int = 99
    cart_max_lines: int = 100
    address_book_max: int = 20
    order_payment_timeout_seconds: int = 30 * 60
    # Unpaid orders hold stock: a shopper may have this many awaiting payment at once.
    order_max_unpaid_per_user: int = 5
    # Per-shopper budgets of the mutations a script would spam (token buckets in Redis).
    rate_order_creates_per_minute: int = 10
    rate_cart_adds_per_minute: int = 60
    rate_after_sale_requests_per_hour: int = 10
    rate_reviews_per_hour: int = 20
    rate_address_creates_per_hour: int = 10
    order_auto_confirm_days: int = 7
    after_sale_window_days: int = 7
    express_fee: Decimal = Decimal("10.00")
    express_free_threshold: Decimal = Decimal("99.00")
    courier_fee: Decimal = Decimal("6.00")
    courier_prep_minutes: int = 20
    courier_speed_kmh: float = 15.0

    # --- payments ----------------------------------------------------------------------
    # Which real providers this shop uses (MINI_PROGRAM pays with WECHAT, H5 with STRIPE);
    # comma-separated, any case, kept lower case like `Payment.provider`.
    payment_providers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["wechat", "stripe"]
    )
    # The sandbox pays every channel with locally signed notifications (make run, demos).
    # On by default in development only; production refuses it.
    payments_sandbox: bool | None = None
    sandbox_signing_key: str = DEV_SANDBOX_SIGNING_KEY
    # Where providers reach us: notify URLs are this + /payments/wechat/notify etc.
    payments_public_url: str = "http://127.0.0.1:8000"
    # Notifications older than this, or dated further ahead than the skew, are refused.
    payments_notify_tolerance_seconds: int = 300
    payments_clock_skew_seconds: int = 30
    # WeChat Pay API v3 (direct merchant, mini-program JSAPI; the appid is WECHAT_APP_ID).
    wechatpay_mch_id: str = ""
    wechatpay_merchant_serial_no: str = ""
    wechatpay_merchant_private_key: str = ""  # PEM of the merchant API certificate's key
    wechatpay_apiv3_key: str = DEV_WECHATPAY_APIV3_KEY
    # Platform public key mode (PUB_KEY_ID_...); empty means platform certificates are
    # downloaded from /v3/certificates and refreshed when a new serial appears.
    wechatpay_platform_public_key: str = ""
    wechatpay_platform_public_key_id: str = ""
    wechatpay_api_base: str = "https://api.mch.weixin.qq.com"
    wechatpay_timeout_seconds: float = 10.0
    # Stripe (H5 cards through PaymentIntents; the card never reaches us).
    stripe_secret_key: str = DEV_STRIPE_SECRET_KEY
    stripe_publishable_key: str = "pk_test_dev_only"
    stripe_webhook_secret: str = DEV_STRIPE_WEBHOOK_SECRET
    stripe_api_base: str = "https://api.stripe.com"
    stripe_timeout_seconds: float = 10.0
    stripe_max_network_retries: int = 2

    # --- real time (subscriptions, pub/sub) ---------------------------------------------
    # Messages one subscriber may have waiting; a subscriber that lets this many pile up has
    # stopped reading and is dropped (its subscription ends with SLOW_CONSUMER). Behind them
    # the socket's own buffers hold hundreds of KB more, so a reading client never gets
    # near it; a stalled socket holds at most max_subscriptions x this many messages.
    realtime_queue_size: int = Field(default=16, ge=1, le=10_000)
    # Operations one WebSocket may run at once (graphql-transport-ws).
    realtime_max_subscriptions: int = Field(default=20, ge=1)
    # How long a new subscription waits for Redis to confirm SUBSCRIBE before failing.
    realtime_subscribe_timeout_seconds: float = 5.0
    # The pub/sub connection sends PING after this much silence; no answer within another
    # interval means it is dead and is reopened.
    realtime_ping_interval_seconds: float = 10.0

    # --- courier delivery ------------------------------------------------------------------
    # A courier's idle position older than this does not count when the nearest free
    # courier is chosen.
    courier_idle_position_max_age_seconds: int = 10 * 60
    # Recent speed (for the ETA) is measured over this much of the delivery's history.
    courier_speed_window_seconds: int = 120
    # Positions are personal data: a delivery's history is deleted this long after it ended.
    courier_location_retention_minutes: int = 30

    # --- flash sales (resolvers/campaigns) ---------------------------------------------
    # How long a purchase holds its units unpaid (the order's payment deadline).
    flash_sale_payment_seconds: int = Field(default=15 * 60, ge=60)
    # Token buckets checked inside the purchase script, per sale: each shopper, and each
    # client IP (generous: campus and carrier NAT put many shoppers behind one address).
    flash_sale_user_burst: int = Field(default=5, ge=1)
    flash_sale_user_per_second: float = Field(default=1.0, gt=0)
    flash_sale_ip_burst: int = Field(default=200, ge=1)
    flash_sale_ip_per_second: float = Field(default=100.0, gt=0)
    # A web process that saw a sale sold out answers SOLD_OUT without Redis for this long
    # (units may come back when a reservation expires, so it is short).
    flash_sale_sold_out_cache_seconds: float = Field(default=1.0, ge=0)
    # Redis granted units but no reservation row appeared for this long: the process
    # died in between; the reconciler gives the units back.
    flash_sale_orphan_grace_seconds: float = Field(default=30.0, gt=0)
    flash_sale_max_quantity: int = Field(default=100_000, ge=1)

    # --- logging -----------------------------------------------------------------------
    log_level: str = "INFO"
    log_json: bool = True

    # --- derived switches (overridable for tests and staging) ---------------------------
    graphiql: bool | None = None
    introspection: bool | None = None
    # Run the worker's jobs inside the web process. On by default with the embedded
    # stores, where no separate worker process could share the in-process Redis.
    embedded_worker: bool | None = None

    @field_validator("cors_origins", "ws_allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("field_encryption_keys", mode="before")
    @classmethod
    def _parse_field_keys(cls, value: object) -> object:
        if isinstance(value, str):
            pairs = [item.strip() for item in value.split(",") if item.strip()]
            keys = {}
            for pair in pairs:
                key_id, sep, key = pair.partition(":")
                if not sep or not key_id.strip():
                    raise ValueError("FIELD_ENCRYPTION_KEYS takes id:hexkey pairs")
                keys[key_id.strip()] = key.strip()
            return keys
        return value

    @field_validator("payment_providers", mode="before")
    @classmethod
    def _split_providers(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(",")
        names = [str(name).strip().lower() for name in value if str(name).strip()]  # type: ignore[union-attr]
        unknown = set(names) - {"wechat", "stripe"}
        if unknown:
            raise ValueError(f"unknown payment providers: {', '.join(sorted(unknown))}")
        return names

    @model_validator(mode="after")
    def _derive_switches(self) -> Settings:
        if self.graphiql is None:
            self.graphiql = not self.is_production
        if self.introspection is None:
            self.introspection = not self.is_production
        if self.embedded_worker is None:
            self.embedded_worker = self.redis_url.startswith("memory://")
        if self.payments_sandbox is None:
            self.payments_sandbox = self.env == "development"
        return self

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def show_error_details(self) -> bool:
        """Development shows unexpected errors; production masks them."""
        return not self.is_production

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))

    def insecure_reasons(self) -> list[str]:
        """Why this configuration must not serve production traffic (empty when fine)."""
        reasons: list[str] = []
        secrets = {"JWT_SECRET": (self.jwt_secret, DEV_JWT_SECRET)}
        for name, (value, default) in secrets.items():
            if value == default:
                reasons.append(f"{name} is the development default")
            elif len(value) < MIN_SECRET_LENGTH:
                reasons.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")
        dev_keys = set(DEV_FIELD_ENCRYPTION_KEYS.values())
        if any(key in dev_keys for key in self.field_encryption_keys.values()):
            reasons.append("FIELD_ENCRYPTION_KEYS holds the development key")
        if self.blind_index_key == DEV_BLIND_INDEX_KEY:
            reasons.append("BLIND_INDEX_KEY is the development default")
        elif len(self.blind_index_key) < MIN_SECRET_LENGTH:
            reasons.append(f"BLIND_INDEX_KEY is shorter than {MIN_SECRET_LENGTH} characters")
        if self.wechat_app_secret == "dev-wechat-secret":
            reasons.append("WECHAT_APP_SECRET is the development default")
        if self.redis_url.startswith("memory://"):
            reasons.append("REDIS_URL points at the in-process Redis")
        if self.database_url.startswith("sqlite://"):
            reasons.append("DATABASE_URL points at SQLite")
        reasons += self._payment_insecure_reasons()
        return reasons

    def _payment_insecure_reasons(self) -> list[str]:
        reasons: list[str] = []
        if self.payments_sandbox:
            reasons.append("PAYMENTS_SANDBOX is on (anyone could mark orders paid)")
        if self.payment_providers and not self.payments_public_url.startswith("https://"):
            reasons.append(
                "PAYMENTS_PUBLIC_URL must be https:// (providers post notifications there)"
            )
        if "wechat" in self.payment_providers:
            if not self.wechatpay_mch_id:
                reasons.append("WECHATPAY_MCH_ID is not set")
            if not (self.wechatpay_merchant_private_key and self.wechatpay_merchant_serial_no):
                reasons.append("WECHATPAY_MERCHANT_PRIVATE_KEY / _SERIAL_NO are not set")
            if self.wechatpay_apiv3_key == DEV_WECHATPAY_APIV3_KEY:
                reasons.append("WECHATPAY_APIV3_KEY is the development default")
            elif len(self.wechatpay_apiv3_key.encode()) != 32:
                reasons.append("WECHATPAY_APIV3_KEY must be 32 bytes")
        if "stripe" in self.payment_providers:
            if self.stripe_secret_key == DEV_STRIPE_SECRET_KEY:
                reasons.append("STRIPE_SECRET_KEY is the development default")
            if self.stripe_webhook_secret == DEV_STRIPE_WEBHOOK_SECRET:
                reasons.append("STRIPE_WEBHOOK_SECRET is the development default")
        return reasons

    def check_production_ready(self) -> None:
        if self.is_production and (reasons := self.insecure_reasons()):
            raise InsecureSettingsError("refusing to start in production: " + "; ".join(reasons))


@lru_cache
def get_settings() -> Settings:
    return Settings()
