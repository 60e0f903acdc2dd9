from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "category" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(32) NOT NULL,
    "icon_url" VARCHAR(512) NOT NULL,
    "sort_order" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "parent_id" BIGINT REFERENCES "category" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "category" IS 'Two levels: a top category (parent null) and its children.';
        CREATE TABLE IF NOT EXISTS "store" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(64) NOT NULL,
    "address" VARCHAR(255) NOT NULL,
    "phone" VARCHAR(32) NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "opening_hours" JSONB NOT NULL,
    "delivery_radius_m" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_store_latitud_25d582" ON "store" ("latitude", "longitude");
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "action" VARCHAR(64) NOT NULL,
    "entity_type" VARCHAR(32) NOT NULL,
    "entity_id" BIGINT NOT NULL,
    "changes" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_entity__d7945b" ON "audit_log" ("entity_type", "entity_id");
CREATE INDEX IF NOT EXISTS "idx_audit_log_actor_i_d98cf9" ON "audit_log" ("actor_id", "created_at");
        CREATE TABLE IF NOT EXISTS "product" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(60) NOT NULL,
    "subtitle" VARCHAR(120) NOT NULL,
    "description_html" TEXT NOT NULL,
    "images" JSONB NOT NULL,
    "spec_groups" JSONB NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "min_price" DECIMAL(12,2) NOT NULL,
    "max_price" DECIMAL(12,2) NOT NULL,
    "sales_count" INT NOT NULL,
    "rating_count" INT NOT NULL,
    "rating_sum" INT NOT NULL,
    "rating_avg" DECIMAL(3,2) NOT NULL,
    "published_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "category_id" BIGINT NOT NULL REFERENCES "category" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_product_status_b7805b" ON "product" ("status", "category_id");
CREATE INDEX IF NOT EXISTS "idx_product_status_fb50f9" ON "product" ("status", "min_price");
CREATE INDEX IF NOT EXISTS "idx_product_status_c96956" ON "product" ("status", "sales_count");
COMMENT ON COLUMN "product"."status" IS 'DRAFT: DRAFT\nON_SHELF: ON_SHELF\nOFF_SHELF: OFF_SHELF';
COMMENT ON TABLE "product" IS 'A product as the shopper sees it (SPU); what is bought is one of its SKUs.';
        CREATE TABLE IF NOT EXISTS "sku" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "spec_values" JSONB NOT NULL,
    "spec_key" VARCHAR(255) NOT NULL,
    "price" DECIMAL(12,2) NOT NULL,
    "compare_at_price" DECIMAL(12,2),
    "stock" INT NOT NULL,
    "low_stock_threshold" INT NOT NULL,
    "barcode" VARCHAR(64) UNIQUE,
    "weight_grams" INT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "product_id" BIGINT NOT NULL REFERENCES "product" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_sku_product_fee47a" UNIQUE ("product_id", "spec_key")
);
COMMENT ON TABLE "sku" IS 'One spec combination of a product (e.g. red / M) with its own price and stock.';
        CREATE TABLE IF NOT EXISTS "stock_ledger" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "delta" INT NOT NULL,
    "balance_after" INT NOT NULL,
    "reason" VARCHAR(32) NOT NULL,
    "note" VARCHAR(255) NOT NULL,
    "reference" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_stock_ledge_referen_b1f72f" ON "stock_ledger" ("reference");
CREATE INDEX IF NOT EXISTS "idx_stock_ledge_sku_id_ebeebc" ON "stock_ledger" ("sku_id", "created_at");
COMMENT ON COLUMN "stock_ledger"."reason" IS 'RESTOCK: RESTOCK\nCORRECTION: CORRECTION\nDAMAGE: DAMAGE\nORDER_PLACED: ORDER_PLACED\nORDER_RELEASED: ORDER_RELEASED\nRETURNED: RETURNED\nFLASH_SALE_ALLOCATED: FLASH_SALE_ALLOCATED\nFLASH_SALE_RETURNED: FLASH_SALE_RETURNED';
COMMENT ON TABLE "stock_ledger" IS 'Every change of a SKU''s stock: who, why, how much, and what was left.';
        CREATE TABLE IF NOT EXISTS "store_stock" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE CASCADE,
    "store_id" BIGINT NOT NULL REFERENCES "store" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_store_stock_store_i_f70b7f" UNIQUE ("store_id", "sku_id")
);
COMMENT ON TABLE "store_stock" IS 'How many of a SKU one store holds (for pickup and same-city delivery).';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "product";
        DROP TABLE IF EXISTS "sku";
        DROP TABLE IF EXISTS "audit_log";
        DROP TABLE IF EXISTS "store_stock";
        DROP TABLE IF EXISTS "store";
        DROP TABLE IF EXISTS "category";
        DROP TABLE IF EXISTS "stock_ledger";"""


MODELS_STATE = (
    "eJztXW1z4jgS/isqvlymis0x5GXm2KurIoTscENCCsjd1k62vIoR4MJIrCyHofbmv58k2/"
    "id2MQQcPQlMZJalp+WJfXTLfmvypyMkGmdNu2RwbpkUmmAvyoYzhG/iOVVQQUuFn6OSGDw"
    "yZSFoSilmW6xJ4tRqDOeMYamhXjSCFk6NRbMIJinYts0RSLReUEDT/wkGxt/2khjZILYFF"
    "Ge8e13nmzgEfqOLPHzWwVhZrCVxlYLJO7m/jRGFV7yW4Xfl1Dxi2fpFEGGRhpkld9FNYuZ"
    "NjaQOQo9p1NUpjt18rQrY9LB7EaWFQ190nRi2nPsl1+s2JTgtYCBmUidIIyouCVPY9QWTy"
    "4ezEXJA8N5SL+I83QBmREaQ9tkAaSeND+toml3vaE2aA81rZIDW51goRfeVEsCMBFN+Okf"
    "9frZ2ad67ezy88X5p08Xn2ufeVnZ3njWpx9OY3y0nKokZp1fOndD0SDCle90C5HwQ8pABh"
    "0pqUQffa4u0e6YBlpTSJPx9yUiOuAPF9WBh/gmJXgJvhb8TrsPNczhd81EeMKm/Ofl+QaE"
    "/9Pst740+yeX5x/CMN+5OXWZJQD3AY68LVlRjoiVEOqzegaoz+qpUIusRKjzDighsZfHlW"
    "MAeo9Diw+/PoV4gqw4+P8e9O6SoQ+IRIAfGToD/wOmYe1MAZV/jm0sBzPwZBsmM7B1Km77"
    "r8qO1LIBYQGRqHluWX+awX5+ctv8NfoKtLq9KwkZsdiEylpkBVdRhfjTb0wn1zyHGXOUop"
    "eQZFQ1ruipd3GMbwh/wFEPmyt30t+gmmHntj0YNm/vQ/q5bg7bIqcuU1eR1JPLiM7WlYD/"
    "doZfgPgJfuvdtaNqXJcb/lYRbYI2IxomSw2OAusTL9VDLaT14AIs+yAYlNpqDHSbdjAK3t"
    "sQKBa241na4orQuB5uCEXGBH9FK6mLDm84xHrSPO/aAA8WyjLfH5gKfnh9zEv1m0jhcm0J"
    "hLoef3b+xIjJp+cNAHcP3W5FYvwE9dkS0pEWAlvkkDqJpKzLxrPm9Xk0BWI4kfCI5xCtdm"
    "FvcagnhK4qCWbZOq+6ySzTg6VessoqwyUBJnrmlTQABIwsgCcPThaQ8nWKbOEHAPEIGMwC"
    "+tQwRzz9tBJRyCuretkKVNbcQVpz8n8OK8Mrr8yLDOaFwe+n2dTMA3BQZn8gV3a1gg1DfP"
    "ExC8a8VCrIMi+MskUo0wgdoYSJM3UUCQvtz4ar7XY0qX88/3T++ezyfD2IrFM2jR1x08yw"
    "NEHbPCcMDleEmAjilO4blIvA+sQFd4WrN3Lv1wi76vW6oUX+VScyAt893F61+ycfZYfmhQ"
    "yWZgsr0+sdml72YrSl1sOSSuuHonUPo4Da3db7WnfW07kt7pCYMrkLMrkdVAuwuYMG3nHp"
    "IavdHeqAIcO7z1+Jfqc13GR4B3lfx3RM6P6u5M3XPjJhituotHiHBwlKRrbOEtjxPCDdO7"
    "Uc4fifCtIuCRwPrgT+JoBkOn2zCBR6kb1pArc4gBZgUwSsKVksEAUWQhYwGDgZ3D98+Bks"
    "p5ABwwJPxJ5M5RXBCJCxpGEGXx+sOJtTXNWP+BHfU0NHgArPSxVY0ORVCBaIdyZ+OzA2Jj"
    "YVSRSBGVowXoW8JSVLYBHpkOHFLCBMLik3NkyG6CPm5dy+BZxJjreMK5tP+6IFcMJn3Ilz"
    "C9ES55bo2UBLC4hHoYj3U4tl5J++cfMZMluqy2O21iEIftbcwNpCPG40Qz427402VqEJbz"
    "mTVzeQWcxgZi42ay1QQjrrspYlMKGWHphQixEt9lNuhIMypaOzPtazYMxLpYIs88IoB1qm"
    "Tdk8gTwcou8pw0mSbAlQ32T6tX8dhqy+mBt8bfl1e3e/eMWjvvEI+TWHOcMSfInDiEoQ9y"
    "tNVIK1QLo2ocRe5NJJREwppnjFrFdH8emgje15zHAO62ctvcch6rrfvBnmxN8RagD57xH3"
    "7rTBl3b3pgG8K552c7NO9C6ji/JMM8pllgklSl0F5pPL6HTiL2hjarpGOh+3zOS3JyQXfX"
    "ccwVO3gmPzlWyA+Lrd6tw2u3xertYjlL2H/nlsxhYa3ArioJyCeBPEQesrBnK6ky8spbx8"
    "UaeTY8HnxjUqpoBNAday5/lhdYUUqCmgwudJzoE2LPjuRtqzHAPtwn7iS9TpVi7JqGwBTs"
    "nDJO6P0AcZdz2rgIP0ges4Xc8q4OA9aj1LwEHQ4RFT+yb/RERQ7XUqKuogGOe9v7iDQ1NF"
    "1sCDSDd8ReiBNUsirPJ41Aczu0RI79Sb3kdjPoZNh2SGcCXBpR7Kr27yq1OnpMbWRV/2rm"
    "NAFpCDD1xhIIWrwGL8DRsJx7hwcltTWL+4/BlQwoQ2hfMaPSO6AraFEvzqBVQqPOrykXlZ"
    "y7J59piSuXS8m2RiYCFNEYDgjzGcG+bqj1Nwz28lNp3iidybwWUBE577Jb8fNMW8tXrE3s"
    "3mCGLp4zcRnPHfJ4RyKd00xB4OihYmXCGxheNDQ7rpl1NiIuDcSgQAUPTMbzBS2zoOfXap"
    "bvCEO+qMa+DhoXOdjL8vEdGBbRujUyFXzKi3T11sgNXZzOEsyYKLLfmgYZNYvm/aFFrTZE"
    "9HSmhBSKoYD8fbduwdH3ug7NF06I/TMslij6LvC4PXtoXWw5Il1PqRaDkT2eSuTbZQc1hS"
    "UYoHrWVn6biNlkOSSsuHrGVuw+Q/LSIgpEikokgk20ra87qrwyIOTQVZyaNA1wsRR63moN"
    "W8br/VWRGCR0rgRFx6KZ0KsdwCLxIgPYyAiIEDOpk/GVjSWjKwfr034ASdTk6B4C3+Dm4/"
    "gKXBppK+IEsMZGCKjLm3GNFncSqk+OoT2IZvwR0VMqBvhlZO/L0iIQ5hdKpuICGkvp6hae"
    "eLpY2IHUbcZqmO+Vq/SDGtbAjkD8iUcLdE/eIiA6HBS6UyGjIvEkyxRVDgGwcEvs0aeKuY"
    "QD7viA2p3GbYKvoySfzVmB+P2bFdGKaYq+M4pwdgeuVVMFs0mM3kRpeER2NT4UgiZsJaJR"
    "XYFOn9wXxxJDA/QarzNXSemS4gstVEFx0DSs3aL7mpOWXahMJ5wiIvtf9GxdT4oA5g2mYW"
    "UwcwKf+TiodUWs97AJNDKuU/gSkkp4jsoojsAMn3Si67fOfdVKOHMIX64GtCIaX9kHoGf6"
    "6YSFFVF40mpXIkRE1firQUAzgnVhQNvHrKAtVOPSWB3pXkMQl3vg2eE9nhTb/kiy6Utgza"
    "dF4Rx7cx+PrwN8vxWTRE6GSV/1lVwZQswdzWp1Xp0lh6sZkmGrO456SwWjOdejSz1beVDm"
    "karG7wmPAuy2AOM3pdvkxLkQK5H1MsFjQ4ZrnOho7JKXSTduMiaKV9B+zlwz986UN2JskV"
    "Va/1tQHci0fc6vX77daw07trAP/6EV83b5u/tBvA+f+Ie/3rdl+77zZb7esGCP7y8vrtbr"
    "s58HO934+43x4+9O9Ejnf1iG+6zcEXbdDstrVmt9trcSuK5yelhsr6VSUkRmemLBRi8afk"
    "Y8LyfYLALV+Cg6324IOkaIwowknusXSIQ0K7wjk2ve8JZhW6rkgk9dmsY1w4h7Zx5kbely"
    "nTeu5tiTs3GPGVpF25ttRWI4Sd3+9SyLrYoFIApOoDcNU3CeoV5F4lmaSi6EV6yi2y269x"
    "C4KS2U6Ag0nwxPmhKKHDpITUB9p2uHDniz2+Hkw5wTRl/eaLlBDi3YTBcpRy9eG1QOlM/O"
    "LZk+BoHlkzmASmhQ8GhCIYj4XUEfbjTaGuvYerbhvc99utzqDjxtOvLUmZKZL84KB+u9mN"
    "hWt6E2UunINSCugsQJMFwuKwximxaa5tIzFBtXEkRKQUsXGEr1kN4bzUKBwZtqXlOd00UX"
    "Z/lvhZraZCP1XoZyLgir9N79vl5W9V6GfZtJ4W+hkjMDOHxyWMwCrUq7pj/sxBLI1EW+P5"
    "ApPmx+q9HOf1RQRaQbxaR2PJ0/hkNUDsrbLAyZhQsDD0mb1wdq3zlv2kG2wFvHXNh3igV3"
    "HVJm6NXxOGgoVXe+KPgs7704aY294JW69TFRAUUfukoms3NYu/l1lc+X8PwfEup9bc0Aek"
    "FPiFOd+9+f+17nevniNTQmYHfKD3JZ8AFRlaisD0PYY0vPGJWjLmIcFs8GIh0g0G7yC1nX"
    "re1Yr8IFfklJgpzskMUeyu7B79lK2HwbB32+7ndCms5RrAuxKx7A/9jkxyLh4xX5bd3DSA"
    "/PeIm9e3nbsGkP+ixm0Wb2fxX7NcIn0KmSZ9PQlvTbpLOSaojvYIY510tIeEjD8s2Q7sgG"
    "QhaGcIIT9iuMUclDfYJyijOvRLCC+gZS0JX2XkPcs/Jrij7ly2wB9s6LPc8WsBmdKF/+wg"
    "gu2Zr2uoZlMzD8hhqdLBfPExS5gVL5UKtMxTXvk39cqb0GKa/CLSFuRuTFidKX84dG7cF6"
    "8iMNKHtuNk8VUExnvUeqERGKGP/r3yhKLopwaPrDu8STBGE1FDn1YSGFU3p7qJU4V+mYNh"
    "Vd8LpfpK73o6WfqMqGWknfqRDG1ARG2YyWY3i5cqB8Ju8RKi+7FWy8Ig12rpFHIt4dx4zB"
    "BOWHKk7y0IiOx/V8HbmBCF7R/IMfUXP5n9+D/zSHVf"
)
