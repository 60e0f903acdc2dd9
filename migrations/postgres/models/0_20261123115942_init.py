from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "user" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "role" VARCHAR(16) NOT NULL,
    "wechat_openid" VARCHAR(64) UNIQUE,
    "wechat_unionid" VARCHAR(64),
    "username" VARCHAR(64) UNIQUE,
    "password_hash" VARCHAR(255),
    "nickname" VARCHAR(64) NOT NULL,
    "avatar_url" VARCHAR(512) NOT NULL,
    "is_active" BOOL NOT NULL,
    "last_login_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_user_wechat__b5f218" ON "user" ("wechat_unionid");
COMMENT ON COLUMN "user"."role" IS 'CUSTOMER: CUSTOMER\nCOURIER: COURIER\nSTAFF: STAFF\nADMIN: ADMIN';
CREATE TABLE IF NOT EXISTS "refresh_token" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "family" UUID NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "rotated_at" TIMESTAMPTZ,
    "revoked_at" TIMESTAMPTZ,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_refresh_tok_family_00f3ac" ON "refresh_token" ("family");
COMMENT ON TABLE "refresh_token" IS 'An opaque refresh token, stored as its sha256; rotated on every use.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


MODELS_STATE = (
    "eJztWltz4jYU/isanpKZNEMIkGz6BIR06S6wQ6DtbOl4FVuABiOxlhzCbPPfeyTb+AoBJm"
    "Eh5Qn7XHT5viP7nGN+5CbcIrY475CBQ8Soy8eE5W7QjxzDEwIXmfozlMPTaahVAokfbO3g"
    "eJaGXJg+COlgU4JygG1BQGQRYTp0KilXk+UqDPEp/u4S5Dsj7XyGhOQOsRAWiEqBxAgXSu"
    "VfkcMlliDmDJFH4syRK8i5msniJkxF2fC1Bu2zPtNbBlshXFAPHD4BG4JsPqRMeTsEYfRt"
    "gCfUnn87R19gKsIkLALEekYkR1iiGcyHbYdga95nwWQTgtXQEtkEj+H+hDvgZdoURoBlT2"
    "08BymVpzcwCEGzEbcJ8qaCBYHFI0xg6b27jMJeAfUhAVMHEPj7HxBTZpEnIoLb6dgYUGJb"
    "MYqppQbQckPOp1pWpcMGk3faViH7YJjcdicstJ/O5YizhQNlUkmHhBFH7Q1k0nEV2cy1bT"
    "84Av69xYYm3iojPhYZYNdWIaO8vQWEspxhtNpd477eNYxcKpwCj0gw+CKTMxWKsFShARiq"
    "JfzyoVC4vLwq5C/L16Xi1VXpOn8Ntnq9adXVs7eYEC1vKI1Z47dGq6sWxCHevdOgBM/aB0"
    "vseWkyQvQ9OtMM9HqN22z8Q48EB65LrXPll2QiwH0VFYHg53CxAtbax0rn5LJ8qjfMhRw6"
    "WqkB0tiGWOrzZoywGKXxrMFRzcYz7pXAFBa5DZo/N7An+MmwCRvKEdyWiyvA/aPS0fiWi6"
    "fxwG35moJWxWE24TEGUBhYpmG+BY2kE5INddwzAbXlu54HF68TxuFLZxfQqyd8m8Hx9Chf"
    "AX230azfdyvNL2q6iRDfbY1fpVtXmoKWzhPSk3KCpsUg6M9G9yNSt+hru1VPHpaFXfdrTq"
    "0Ju5IbjM8MbEWiM5AGqMVYJ09TCqNtwXrc8x2yfiAsB5ispNnPTbagOe75CjT7UXlk+Q1Y"
    "9lLHbViOeR5Z3meWoYZxjE3T+4jTyzn+ATycd5fmqwprMM7M8hWoaRruoBKlQ/aJzDUVDV"
    "g3ZibJgN4vw3v+MAdGwXMQY4E0PPYOni1K0mjowd5hx0R6uXvlvla5rec0wg/YHM+wYxkx"
    "qJWGF3hCsrBNqyaFSVKCGR5qcNQu1JqjqGc0RQI2ljdDAtpf7IEsh/JY2O/xiT9bUdg73C"
    "bZZWiduZPUgU+kUnbWU2DLYnSd05+r9e677Wa9k9uMlIXfDQqu+qzW7nUaWuRd9Bm8ye7u"
    "bpD+6bPKbbPRukH6J9m4W6ekvSivUdJeJN+8YUmrVPGSdkbMEZYGnxKWdWqWNw9SjltRls"
    "yB3nX7wIcMNsu3Azvi+Spo/9zW11vDrd5B+noDoKM+x4B+CeEpFmLGIcvYtPOYcnyjcN5t"
    "vh1Du1AqrQE3WC3FW+vigDNqjjcN6ajPDl+rG75O9yam8SPkNY7hOvYmIMe93h3MpYvCGj"
    "iD1VKgtS6ONBUGVAb0MSOaqxzyQMyWZOtRvwTUD+D4VlgHT+7d9l6q7fbnWNul2khk5K1e"
    "s1qHtE9jD0ZUxhL1EHAbC2no77dbtL9SzscO2D53wI6fqpY/2t7vpyp3am3JetzzyPq+sJ"
    "5x2PXqUy3X5R3C6MePyF+URMZr1/e/+9QhNtYIp4NhyR+jDiwclnVmn9+yn1ohDjVHuYyO"
    "qq85W9VTxaHN3nRV/y8t1cJF8ap4fVkuLjqpC8mqBurLzdJH4gj/nK1ba0RcdldoHHbdrA"
    "7VBgj75u8Q3Yt8fp0Ocj6/vIWsdIm/RXEmCctIOX6/b7eWJJmhSzLXoKZE/yKbikP85roC"
    "XAVGLKEIMD1pVv5Kwl373K4mMwU1QDXra+suPw4+/wfMCXMu"
)
