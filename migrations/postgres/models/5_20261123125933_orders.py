from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "address" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "recipient_name" VARCHAR(32) NOT NULL,
    "phone_encrypted" VARCHAR(255) NOT NULL,
    "phone_index" VARCHAR(64) NOT NULL,
    "province" VARCHAR(32) NOT NULL,
    "city" VARCHAR(32) NOT NULL,
    "district" VARCHAR(32) NOT NULL,
    "detail_encrypted" VARCHAR(1024) NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "label" VARCHAR(16) NOT NULL,
    "is_default" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_address_phone_i_10e2e3" ON "address" ("phone_index");
CREATE INDEX IF NOT EXISTS "idx_address_user_id_a9094d" ON "address" ("user_id", "is_default");
        CREATE TABLE IF NOT EXISTS "cart_line" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "selected" BOOL NOT NULL,
    "added_unit_price" DECIMAL(12,2) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE CASCADE,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_cart_line_user_id_91976d" UNIQUE ("user_id", "sku_id")
);
        CREATE TABLE IF NOT EXISTS "order" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "status" VARCHAR(20) NOT NULL,
    "delivery_method" VARCHAR(16) NOT NULL,
    "idempotency_key" VARCHAR(64) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "recipient_name" VARCHAR(32) NOT NULL,
    "recipient_phone_encrypted" VARCHAR(255) NOT NULL,
    "recipient_phone_index" VARCHAR(64) NOT NULL,
    "province" VARCHAR(32) NOT NULL,
    "city" VARCHAR(32) NOT NULL,
    "district" VARCHAR(32) NOT NULL,
    "address_detail_encrypted" VARCHAR(1024) NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "currency" VARCHAR(3) NOT NULL,
    "subtotal" DECIMAL(12,2) NOT NULL,
    "discount_total" DECIMAL(12,2) NOT NULL,
    "shipping_fee" DECIMAL(12,2) NOT NULL,
    "total" DECIMAL(12,2) NOT NULL,
    "paid_amount" DECIMAL(12,2) NOT NULL,
    "refund_committed" DECIMAL(12,2) NOT NULL,
    "refunded_amount" DECIMAL(12,2) NOT NULL,
    "adjustments" JSONB NOT NULL,
    "buyer_note" VARCHAR(200) NOT NULL,
    "courier_distance_m" INT,
    "courier_eta" TIMESTAMPTZ,
    "payment_deadline" TIMESTAMPTZ,
    "auto_complete_at" TIMESTAMPTZ,
    "paid_at" TIMESTAMPTZ,
    "shipped_at" TIMESTAMPTZ,
    "ready_at" TIMESTAMPTZ,
    "delivered_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "cancelled_at" TIMESTAMPTZ,
    "closed_at" TIMESTAMPTZ,
    "refunded_at" TIMESTAMPTZ,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "store_id" BIGINT REFERENCES "store" ("id") ON DELETE RESTRICT,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_order_user_id_a568df" UNIQUE ("user_id", "idempotency_key")
);
CREATE INDEX IF NOT EXISTS "idx_order_recipie_f64477" ON "order" ("recipient_phone_index");
CREATE INDEX IF NOT EXISTS "idx_order_status_b4b5eb" ON "order" ("status", "payment_deadline");
CREATE INDEX IF NOT EXISTS "idx_order_status_45bcb0" ON "order" ("status", "auto_complete_at");
CREATE INDEX IF NOT EXISTS "idx_order_status_4d7d61" ON "order" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_order_user_id_0774cb" ON "order" ("user_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_order_created_a653c8" ON "order" ("created_at");
COMMENT ON COLUMN "order"."status" IS 'PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED';
COMMENT ON COLUMN "order"."delivery_method" IS 'EXPRESS: EXPRESS\nCOURIER: COURIER\nPICKUP: PICKUP';
        CREATE TABLE IF NOT EXISTS "after_sale" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "kind" VARCHAR(24) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "reason" VARCHAR(200) NOT NULL,
    "photos" JSONB NOT NULL,
    "requested_amount" DECIMAL(12,2) NOT NULL,
    "approved_amount" DECIMAL(12,2),
    "review_note" VARCHAR(200) NOT NULL,
    "reviewed_at" TIMESTAMPTZ,
    "restocked_at" TIMESTAMPTZ,
    "refunded_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "reviewer_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_after_sale_order_i_fbdab6" ON "after_sale" ("order_id", "id");
CREATE INDEX IF NOT EXISTS "idx_after_sale_status_b71c05" ON "after_sale" ("status", "created_at");
COMMENT ON COLUMN "after_sale"."kind" IS 'REFUND_ONLY: REFUND_ONLY\nRETURN_AND_REFUND: RETURN_AND_REFUND';
COMMENT ON COLUMN "after_sale"."status" IS 'REQUESTED: REQUESTED\nREJECTED: REJECTED\nAWAITING_RETURN: AWAITING_RETURN\nREFUNDING: REFUNDING\nREFUNDED: REFUNDED';
        CREATE TABLE IF NOT EXISTS "order_event" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(32) NOT NULL,
    "from_status" VARCHAR(20),
    "to_status" VARCHAR(20),
    "actor_role" VARCHAR(16) NOT NULL,
    "note" VARCHAR(255) NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_order_event_order_i_a7c22c" ON "order_event" ("order_id", "id");
COMMENT ON COLUMN "order_event"."kind" IS 'STATUS_CHANGED: STATUS_CHANGED\nADDRESS_CHANGED: ADDRESS_CHANGED\nLATE_PAYMENT_REFUNDED: LATE_PAYMENT_REFUNDED\nREFUND_SUCCEEDED: REFUND_SUCCEEDED';
COMMENT ON COLUMN "order_event"."from_status" IS 'PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED';
COMMENT ON COLUMN "order_event"."to_status" IS 'PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED';
COMMENT ON COLUMN "order_event"."actor_role" IS 'CUSTOMER: CUSTOMER\nSTAFF: STAFF\nCOURIER: COURIER\nSYSTEM: SYSTEM\nPAYMENT: PAYMENT';
COMMENT ON TABLE "order_event" IS 'One row per change of an order: who, from which status to which, when.';
        CREATE TABLE IF NOT EXISTS "order_line" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "title" VARCHAR(60) NOT NULL,
    "spec_text" VARCHAR(255) NOT NULL,
    "image_url" VARCHAR(512) NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "quantity" INT NOT NULL,
    "line_total" DECIMAL(12,2) NOT NULL,
    "discount_share" DECIMAL(12,2) NOT NULL,
    "refunded_quantity" INT NOT NULL,
    "returned_quantity" INT NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "product_id" BIGINT NOT NULL REFERENCES "product" ("id") ON DELETE RESTRICT,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_order_line_order_i_7a6144" ON "order_line" ("order_id", "id");
COMMENT ON TABLE "order_line" IS 'What was bought, as it was when it was bought (title, spec and price snapshots).';
        CREATE TABLE IF NOT EXISTS "after_sale_line" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "quantity" INT NOT NULL,
    "amount" DECIMAL(12,2) NOT NULL,
    "after_sale_id" BIGINT NOT NULL REFERENCES "after_sale" ("id") ON DELETE CASCADE,
    "order_line_id" BIGINT NOT NULL REFERENCES "order_line" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_after_sale__after_s_cbadc7" ON "after_sale_line" ("after_sale_id", "id");
CREATE INDEX IF NOT EXISTS "idx_after_sale__order_l_602f52" ON "after_sale_line" ("order_line_id");
        CREATE TABLE IF NOT EXISTS "order_note" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "body" VARCHAR(500) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "author_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_order_note_order_i_7e7dcd" ON "order_note" ("order_id", "id");
COMMENT ON TABLE "order_note" IS 'Staff-only remarks on an order; shoppers never see them.';
        CREATE TABLE IF NOT EXISTS "payment" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "out_trade_no" VARCHAR(32) NOT NULL UNIQUE,
    "provider_reference" VARCHAR(128),
    "provider_reference_expires_at" TIMESTAMPTZ,
    "provider_transaction_id" VARCHAR(64) UNIQUE,
    "amount" DECIMAL(12,2) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "paid_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_payment_order_i_e17aac" ON "payment" ("order_id", "status");
COMMENT ON COLUMN "payment"."status" IS 'PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nCLOSED: CLOSED';
COMMENT ON TABLE "payment" IS 'One attempt to pay an order with one provider.';
        CREATE TABLE IF NOT EXISTS "refund" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "out_refund_no" VARCHAR(64) NOT NULL UNIQUE,
    "provider_refund_id" VARCHAR(64) UNIQUE,
    "amount" DECIMAL(12,2) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "reason" VARCHAR(24) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "failure_reason" VARCHAR(255) NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "completed_at" TIMESTAMPTZ,
    "after_sale_id" BIGINT REFERENCES "after_sale" ("id") ON DELETE RESTRICT,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE RESTRICT,
    "payment_id" BIGINT NOT NULL REFERENCES "payment" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_refund_status_800206" ON "refund" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_refund_order_i_c36455" ON "refund" ("order_id", "id");
COMMENT ON COLUMN "refund"."reason" IS 'AFTER_SALE: AFTER_SALE\nLATE_PAYMENT: LATE_PAYMENT\nDUPLICATE_PAYMENT: DUPLICATE_PAYMENT';
COMMENT ON COLUMN "refund"."status" IS 'PENDING: PENDING\nPROCESSING: PROCESSING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED';
COMMENT ON TABLE "refund" IS 'Money going back. Created PENDING by orders; executed by the payments processor.';
        CREATE TABLE IF NOT EXISTS "shipment" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "carrier" VARCHAR(32) NOT NULL,
    "tracking_number" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "shipped_by_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_shipment_trackin_e6499f" ON "shipment" ("tracking_number");
CREATE INDEX IF NOT EXISTS "idx_shipment_order_i_d64ad0" ON "shipment" ("order_id", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "shipment";
        DROP TABLE IF EXISTS "refund";
        DROP TABLE IF EXISTS "after_sale";
        DROP TABLE IF EXISTS "order";
        DROP TABLE IF EXISTS "order_line";
        DROP TABLE IF EXISTS "cart_line";
        DROP TABLE IF EXISTS "order_event";
        DROP TABLE IF EXISTS "payment";
        DROP TABLE IF EXISTS "address";
        DROP TABLE IF EXISTS "after_sale_line";
        DROP TABLE IF EXISTS "order_note";"""


MODELS_STATE = (
    "eJztXe1zozia/1dU/rLdVdm+JN3JzGWurspxnGnvOHHOLzvb29liCJZtLhgxvCTj2pv//S"
    "TxJkBghLGDib50E6FH4N8jJD3v/+6s0RwazqfufG5Dx+lcgX93THUN8UX61gnoqJYV3yAN"
    "rvpk0L4q0+nJcW1Vc3HzQjUciJvm0NFs3XJ1ZOJW0zMM0og03FE3l3GTZ+q/e1Bx0RK6K2"
    "jjG9//hZt1cw7/gOTlvn/veA60FX1OnqQ7yhwuVM9wO/8i/axnZaFDY574FX5X2q64G4u2"
    "XevLgene0r7kTZ4UDRne2oz7Wxt3hcyIQDdd0rqEJrRVF5InuLZHfhp58wCE8Nf6vyLu4r"
    "8+QxO+dAzFkxK3dRTlfjRVJv2ponQEwNOQSYDHr+qzcUle4a//eX7++fMP56efL3+8+PLD"
    "Dxc/nv6I+9L3zd764U//ZWK0/KEoZoOfB/dT8kIIc9fnOmn4k9KorupTUS7F6NtQ0y0dmq"
    "5CWzKc6K1Um8+HLGWKJ/jHpnkScqCIKWFDzJV4lh6CLWv1D8WA5tJd4T8/nxcg/vfuuPe1"
    "O/7w+fxjEvb74M45vUUYEANuYYigAk3N3lgEFAHEOaQthPz84qIE5rhXLuj0Hg91+vvEEY"
    "/I9oX2QZedBNiXX0pgffklF2pyK4W0jV50UxNaSliaFs7o+hcRTXc3IgCH/SW4JcCd6+QF"
    "NFcEYJbmcCB3OscKMXRV3ai2C/JoWzivz07Py6zNpFsu8P7NJPSG6uquN+esz7cGUnPO3C"
    "xRCusFoSqBdrDHNQXsAmhvRrPrYR88jPu9wWQwuidPWW+c3434JmnCDbpLIRj3u8M0yshc"
    "VoCZpZI4l8FZfYKGyOoREbRulT67LLNcXOYvFpfppYIR3zMIXyNkQNXMEdEThCmknzDlvq"
    "COWg47k69HoyGdvU4we68HKUH8fnZ33cfwf0zO6FA+Z052NiSYKCoH8xt8x9XXMOeMl6BM"
    "gT4PSD+FF8e4P+IfOB+ZxiZY5QoYMh3c9SfT7t1Dgis33Wmf3DlPrjRB64f0pxENAn4dTL"
    "8C8if45+ieLkoWctylTZ8Y95v+s0PeSfVcpJjoVVHnjHAXtoaoJbjuWfOKXE9SSq43hesh"
    "Rgzbg7dnuB5rSsurPxmi7TrQY+DvwdSgRAO9eOZqQQmonJMasqG+NH+BG8qKAX5vla+lCD"
    "Txs2CYI2PBn+EcC1vjVctWXyOVPTv18G/Hvxj6u1ivO+l1b/odivCTqj2/qvZcSUBN7qBz"
    "lGqJ+mZvrc/X6RbVVJcUHPIryDuH9o+FC+2JSqHNGkeimyeF5hHSTXHCfvu1kCB7HptI5h"
    "18/zs+f6quR9+J2cel0aSZRhPTWz/xFox8sSOmqEfueFsm7Fk79Ix/Fh/cPsYxsxYngA5p"
    "m6wRwoLs7ez+RhndD79dAeaPR3Pcn87G90oXN/jt5H6qqVOBSaV0SQWapKweKV6wqrAppj"
    "6gHD7u/88Mn9n6N4ICeUxIuBFcEl79rd8LGv2rR7P7a3cwHdz/rPhcuwKpBkJFeIhbQs7j"
    "y7DVH8u/qsTl0zJcPs3n8mmay3gvcjAGAitdTNHkT7CqbfK0HMJFEGcwtlbIRZwv6W+T0X"
    "2uWTKgSAt8uuaC/wOG7uxNFOj818IzNQIjePJ0w9VN5xN53n/vS8tVADhBKCHrhTh/uOv+"
    "I82C3nB0nRbiyADXmSmPwXDoCWyNPJMnkUNNX6tG3vzPkqe55NN/CsY5wq+iSKvb7w3uus"
    "MPZ+cn5yltV8icL5lPAB/MbfRSFXIO9c6IH5EavQrgNnzR4atiIlfQ5ydB1jod+l7Wdx+0"
    "Stq9FGkN6r3jmdcN1+Zllbh4KBdpzxUZnaSVnG42p/EZaF6R0QlSyecm81ka4/L3zeM0y0"
    "hj3HvkehljHKuUL69XZ6mkOU5QwZ45IovjnyKsxIKGbaBvwwFpi26KLZouKVk+CBujR+E4"
    "R8aEstZodunlm6PT87sGUN+phX+Md9fxoDftcFftw+HasKW6LKypXSoBLX4HcD8bDou8Jx"
    "h/V92EHFPBdUB2+8sYEl9trgEm7RExxGO1aC5zJPQdkRrTQdozLf88iBcOnVZFnjjhvCvj"
    "jaMYYef9uuQwT0z65fi7DHkLckM65DTTIed3TzVdbkxcLgNYkjYdXs/Pvvzw5cfPl18iBk"
    "QtRbhnJYJqpjhp8yxt80wvOeUXjwxpmybwgQXf5AIvxIYMqWRDXUJw0h93R+Ei4QN8ZNwo"
    "K2JkloTtInE8fevSNrRMokhjnPneG+UF7811d4iWHd7RO7xXfOomvRQj6Lbf8zakZy9/Eu"
    "F7wZ/hoRs/F4XCsnSHb8RaXXT6VrVQji7rRxRTtNBJtP6cKqmvpSzKKbIWQl1/7EG8Egkt"
    "KAkyeQysfBrXVqq55Gk4852hGZJmeEOTx7bGG1q6wOR/IcfpDFHGBYY9gAmoJRgqaYmvSx"
    "ImoEoL2zbxl5l6wua1fYplPdV28ywi0b2TIrFMw732ZAb5HpnFnWfPF68YKU1KW42UtqSt"
    "o35bh4PXC42bh64wzxFLdsAsR+GcP9okR/gggg+G+De7imXrvFyhxUYmDrk0N20xN8mDfP"
    "5q0t6DvPRlbxvXy/iy49OcsPAW07TphCC9qNsMfYHYLP19d/H35dqLiYy4O6ITf5SWAhqv"
    "ok2yDfcw0EtkbzpcJURw76RYCcH02qaD6ExfETDgCx7kCqjARRYI6cEHS7Wh6dI3/AhUcw"
    "501wHaSjfmuP1TJ8WNHYfaboqWSo5GKjlEi9HIEjQCNk4dP0/xbKG82SxN69J+XJyVwRj3"
    "ygWZ3kvplJDtKjnBXPmn8ATR4Y6Dp/tdTWpT1OmOQnxHXjiLw7aM5DGdVNXJfOTvV4Eg1U"
    "bvketl1Eb+eVpYf5Egk3b/mhQYPqo1CNysgHdcfCgrdCcmYE7ccpng2lB05Ex/gajR9uGd"
    "XCRsNPc0d8fQ2gd/lCNc/98kuPZWfUG2f0bLKHCieydFCpwF22urAqcLnBWyLGj/xQGO+g"
    "LnIGB7VkFT3LXQ6STomHE8SdYQllG3b7lDnRQoaaRs0LZTYhnZIPhqxY+JCTpp6ZJGxuOA"
    "XhoZD2lktOKD4Y6otu+ImQY2uaI2yeDo5x7jHFajpGT5J9VI+70vX2d9DtcWcqGpbZRnuO"
    "EcP5nqJOpmTWTLOd7OqQ/2v5LFmuhOqaG1RYCnMar5xZzIHeZbSN+Sga6NWO6LDryy7tNe"
    "7ZJHWFLooU8L+CgP3W93fX9CCSCfJr8CqYZH86E7uMHN+N9Hc/J18PBAagQFF4/maDZVbk"
    "dj5aY/HPy9P/52BdItpLRQ9+YbbXsY9H6ZPZASQ8mWRzPoTcaOLh/N3ujuYdinFY6iS9za"
    "ve/1h0PaGl7i1uFoQpvo/80taIS3G/0F2htljXcGVLnMGGeYJrsedPr/eBj3J5MrEFwQ5s"
    "7Gg/6YsJZe4KkWTA///yrs2kMJ6tReLbD0ckibzKKKq3D9yQaCAkbKSnVWInin6STYpcDW"
    "dEsnJ0xRj6csZevccuo/YcSgWRgqqODFwd5Y3MCvMshzBmkdE84vLsrswRcX+ZswuVfMB/"
    "o7d+FBNMC+8M+csw8Ef/1LDqmVppu8oLt8uFma1s3w+pcZjRuemw+vxo/NldBmoZ3r5AV4"
    "CsJ8eFkaCfFWiNX53IaOg1/cVXWj2h5ZNEbrWHB2Wqq8MumWL/qcZkssEycK15vz0jMaSM"
    "3R+LFEKaQXhKoE1s10S+FGQo9m18M+wCJtbzAZBOmPImMpvUmaYgfXcb87TKOMzGUFmFkq"
    "iXMJnDXPtokwLrQxMjQHXDZ6998OtHiXWbvzl+6MAtV7cpGrcgI7CvMpsGQyjwJkwc/mUc"
    "CHCY3kOFeqIJ0lfhu89xXuUTfYzkq3LPxAZQFFk4SkSSXQRUBXmcxyzSiLrqXqFUubpyjl"
    "JC4uak7q9RBz/Fp3uQJLIdY8cgn4dsBhxbnNoZZwF1YMmf+v57jEH0UoQW6KrBlJcsnzWp"
    "Mk98nbQFsxkSukVE1StU4rcn5aznhfZL3PZjFDnq1j1IhKjxjmlXUW8VxnKD5xiyLWaguz"
    "DpGCrspZ1Itd+5OkssB9cwI+Ob78afdGQWbz6CXHm8zxjMOqIMd59JLjTea4L0IKM5ohk/"
    "xtMn+poqtSFF6SUnK5yVwm8YSbCjxm6SSHm8zhwKW40pecppWcbjKnw+NTpcjpFK3kdKM5"
    "TdQMhlGN0ylayelGc9pATjU2s4SSx03mcWywqHAMS5BKPjeZz/gk5XALmuZqlhmKw2VXON"
    "sTK2tXJss0Me8wTYxMIdk2rnPWzmzlERfZULz2CEPVInOczAvUZuhlXqA95QWKk3ZmVpYa"
    "QJ2E4xzXklIWVHYp3SEVqrpwMXMc1eDV4hZJ9NklA03wOC2ayIl5CV/4/lgiINGsSP0XeJ"
    "QrbimUiHNAHSCF5XLbiBHxBKsDo/vAo6yNGAUOJ7tmH/ZHaStIvrJpR4zGdJC2QkRM3zVM"
    "pEkwTJtg2nteQH+jy0sOGG2DWzIEKjDquDWd9ciEwEavwII20FaquYQALYBqAjrSFXhdoR"
    "OwsNEaX+naCvipxICL/L9P8H+82mT1Dbu9Ttn34FfLpNi5M7oZOQKfdbNyVrGQ9oC+4JNp"
    "dzqbKL2v3fufgxxtAmnFktRXIPn3o9m9uSHZxuIOqYZHc9id9sNsd0qcNI7bHGaVUyazXq"
    "/fZ7LLxS3pj7SMp3r9KRTIR6/sls4wNUSlKXEYGVZmMTx4FkMX7Ti7EgPIuSXnFqP60Vxk"
    "KzYycoKZtk+u5AhNzgPY6c0m09EdTYMZXOFJNO3e3tK97PaWlydz8m0y7d/hDvR/MgHDqc"
    "kkgX3zzJmi0WjtjUPbRwK7I3EROKaQM+kl0DJ7cRkvAX+rEJVYWSppL65qL2YVCuWxZ6na"
    "tJC9rcU4p060sHUzqq9xZEwoa95kZ9/2YjJ0nTicIb5hq0pZTNnVNIEpfgFwPxsO37SKDL"
    "X45SmLQ3PgNl1xGJu8XVX860p1wavqgCfkLVfuCcCXut9CtLXhtX8XfHB118CjOBbUgGqS"
    "2oe6BoFjqpazQq7zMas03scDpPr4qPaBkwL1MeW3iNwWETRZzq4oul2WUW5c5is3LrMJ5f"
    "B3pLjwD6H8wQkiKR+XkY/1NV7SFc/m5JQrqNjBErUO54uzMmYG3CsXZ3ov5fNp6q5C9wSO"
    "1FyUfCtJKDP4QZYJ2dRbv3uq6XKzuufuiyxJmwSl2jQ+5FBWKYtqklDO3S1zN0o66+CVV3"
    "SdyBLLHH2lUiJWWDG4tIdbOvYFcd3rhg1dzzarQsyhlRBL1eCbi4SywHpjGOA8e+IhbBGN"
    "BF4qxZusFMcztQZMJ/4oLUU0/ppLRKbJkvW1lKyvGqCm1BBbFEWptS2+aO/mGRpslGeeCS"
    "ORtplnQt+j7eaZiasuFn9FprEBNlyr9rMDkBm53P8EnBWyLGg7wIQv0AYOhMBdwXXWDLPL"
    "QNLcclQnjJMCc8sTmgsVpAr7t9DYclEqX/tFQb72C06+dunV9R69ujzMrQpuXSyZ9OuSfl"
    "1HAr4UYYUPpmm5QNCviy4UNcDacscudj1tlmeX5z6hP/IDgZnbxeID7SgSCtylUbgwjNd1"
    "ET7zm8jDs+QT+NUmdb9M8Kq7K3LaDzqdAMt7MnRnBeeAip3ALxGWFSrqHPzRfDR/C4IGfg"
    "O6Q2nUJd6ll/gRf3FAcC+gYkd0EHC8J/Kzn4gEo2GpZm4j69Gce5aha5jcAR9sGD/Yz2Hy"
    "kTqYPUNo+UJQaVknGig4rBF55wR870Rv6392hD9Riz8pw6AIKR41UzxykaVrIvJRRNBCAe"
    "myTJHvy/wS35eZAt/ZD6QszlnKFgK+h9L2qfVHQDZJUcojcmX5RMbO1W2ut9SNgVTOjM4v"
    "CsmQNKMgJHlsawpCSrVX/txvr9orfQ4W4XuaVmaIb06WY5/TGS3P24jOYe46jtjMpLXLF5"
    "ktplOpxFkqFlvXlkukWUwbmch8QRbhDpaNXvRQXswkyBIjFzWtBUlMpPzYTPkx5K2IaMPS"
    "tFCoqT/TB/JcBT9uDvFyJQJ0mq4esN921u9ZfgznpmLDBbShyQu72T6zk9QNzr5UdYqf/1"
    "hmjp//mD/Jyb1t0CvwD0vHm3qV09a2weTxq2nHL+5cwL/PdFQqSXI1OiW+xewQtXyQDVoG"
    "96C3XJOQIM5HVxRJFBPJiC3IQp8NItI8myxKQp5JLM0BY2d799/2pbRJbeZl9vL8rTwTCL"
    "5T+sQdcydWgzrIfCgId0gWZU58NJn0qdHlo3nbHdCUhf7/6XyFadnubY66spZ5uzd2qTfN"
    "/7TaqzeVpeLaxnXOx54pwSDdFKWbYlOYsLOboljwkizQcvBgpTC0jmc2iaPuCswmTKcSTo"
    "ZBd5LcjXjmBdFEJIyIZnv7MHmYffwJvJJccHqU7E13qEEELXAXB0x+mTk8F8O6hiYOhg80"
    "m5wduA2Sam/UBxBPJvw4sNCXnk2abAieoeWSCCnySFLzxEHUQwB3c/C17VK6hW640H40cb"
    "9gbgF/5cZvhpmNtzJaICVwpSGPIG/iPxK+6PDVobVUbIjnqeOWNgjF0hjxbVwie6OELojx"
    "rbVuBvmOUjfoz1ZokpP0LeZQmbrjI6SoL0tpe2qo7Ulm0ttvJj3vSRhhlqZ1+d3OSpViOC"
    "uoxXCWLcbAvJmyctecTFlT+EfOcsKjbQHqRSJQ/x/ThPST8eWKJKDh6P7nsHvawYuTypBz"
    "Vsv3rYspmuFaR57XGtc6moxzaSPPEuJJikwypn7GHJ9G/WbcvZ2K6tMp0RWg/z2ao3tl8r"
    "U/vL0C4RVuu72NGsPLZujP40Nwhk2FtrsEnUwAWGS7IxysBDFLJyEugpiV2DIg52foSlLJ"
    "pH+ZvIq+TCuKa5pMApsDrOOtxWENiCSoOaASDYzYQpskfHcr7WeBhVYGNLwXw7sDVVtb5V"
    "RGyFcxpMikdkFYuyA9HvJ3jOO0fUuPh/fI9TIeD6x1KsP2IsNQilD6PdTl9xACm2WHsOtD"
    "jxnqyFhR1vshNQ13cIBYqC/IxsfPHV0gboNhWoQ5x0Wqhvy2iWJ5bUTKeeapnkUgaldC67"
    "360ozhAm+Kqyl6hmaH41CTuH9S5FVj+z0VN+q63bfGBMhSMfggIAaU+AQ4Ll6y5345RQc4"
    "K/X84vInYCOSkWtOXFdIIt8N8BzI8aqpYVDiT0N/Mu7rOB6+vbDRmrrdGGipm4BW0AEq+G"
    "2hrnVj89sn8IAfBU3qCKP6TwRuWB5SNchBaPNohg9bQ9WkHj4GVJ/x3x+Qjak0Q8cj4Ne2"
    "DHWDW3X34xV10nldIQMC/1HE/ceGL/gB85JONdKnpZE+LT47sxyYzQY3fPxjihQPPE+ffy"
    "J09ax6h+RFAax+GJB/xmdP7/SHJiVv+r0pK9VZ8W2WOU5CCarWhUzXHysoFRz50B+nqFtG"
    "wVE9NLv2OOymcf1IuFxKbRycTSqwOUkpjQON5rJ/dKzC5QSl5HKTuYxlGPFwLIZIaiXr0k"
    "p6Ti3BWCWTmzeNBWW1kczU42eMf5v8bEFYFl8tEgRsFSpEwj5bNSF3yIQbsEREfUDe/RPo"
    "+SfmMNIfPG38ZGvOTwBzUvPIPdxG1ANBGjiHhBNp0HEQJ33bPh4gGM+TCsCRVZUas36dFK"
    "gpSGYxfyZXSEmWIJQC9lYBm81lRYCrmAcpQS1TIG1DXaZAkimQjjwFEt5bHV4a9nIBGzF1"
    "k8MlO93baX+sTLrD/hWIrx/NIRa5lIfut7v+/fQKsH89mjezh+Ggl+iQaUoflsrw77zMKn"
    "SevwqdZ1ahI4y5qS2L1cN41OtPJn5jdF0uu1UV7tUfjbNQdcOzoVL0IeZZddKULXC9TH0s"
    "FxdlvpaLi/zPhdxL7dp+MmrOF5Nf+IMhkV74aS98ad3Jh7q91h3pvto2rpdyX0VriyjZKn"
    "3tKVppCmgOo7PfNy0pqJCASfE6WWlSWcdXTKsmE+Q1AvxAfS0Mf5JOMqAum5jMUFjOKlYi"
    "QyFnmtcALFN8qKXQJj/tEuDGe2EN+HbJYJNgrOPaPssCnDk7CEeY7NOwO1npVl7lrejeSZ"
    "Fx12F7bTPv5qMrWiNLGkobayjVVNvWxcpjMSRNVrxXNXHUXrKJfGXPJOGD6a2fxKDmkO4L"
    "8jaZRqVOMB/649QOldEJSmn1DaVVcrKw8IfzJB5bniGVChspsjZDZI08OflTvQZoS7rINm"
    "x2lwU282kn0MVvAe5nw+GbyVPPXocnSvlx2AVSVNChVPFikvYVaGj9pJs0/pvmn49S6H+A"
    "n5afAAnw/Q9w99EvSUzifNGrCWguRpqa3nGR9swvblzv8BzB7jtbeIDmsH2GG1+ck9G6TV"
    "j/TwqkO8qvF9XwxNJHp8iakaqYPLY9qYrDDynDlYLc9QxNCwXvvbjbVMmD+8Y5cI/JRRat"
    "LdWGWFqulHCYR74z5s08KdUGOd2rszjnC1dhf+k5lhZZDfSqUHgUd0UyriCDc1bJBTaH+n"
    "AwXxwJzE+qreEztMhOx5DIOJDkHpdVdr5igXPlKktbXYt4labJ5PqQnri6o5Cq7C+cqXuN"
    "kAFVM0eEYelSsD5hwn3hGk7qw+5i16PRMHE8vh6kk87O7q774w9nqT1OuvJKtT0ZQrryto"
    "3rZVx5A6WSuHdbgk4abOoyFTBKvl3dsOKRjowRpd2wEnNwhyS0mmq7dSRX7eFx2pxbVWah"
    "LZ2Flkqk2orU0901HS0Zagjny1aZ/tJo2VDJUakIYmXDSThOW6Daq+2NmV08G1xy8hXY4u"
    "iEN+KeW41yfZov1/9EfGvZ5JfZXxzfCnZFstae4H82J2CFXsHa01Yn1Ej2GqbFNeDCzdri"
    "ahu1VHqaZy/YfNj0NNIG10gbHJ6yriqgmIn6t+lwW6M20SDHT4V6agugmqGT6PJKmr2HhB"
    "zkjD7q/XIFgotHszcaj/u96WB0fwXi60fzpnvX/bl/Bfz/H83R+KY/Vh6G3R5J5MD+Fd4b"
    "94f97iS+G/79aI7709n4ntwJrx7N22F38pWmA1G6w+GIZPcgCSI4rYm+8VCcxvTO9DY+zy"
    "ZyhTT+YX+ZRKKMVduGC0jyDAlBnCA6mBf5gWCWPuRSLVmHMhpLDkjch5ylks7LlV3II6lG"
    "wHc8omnTee5tVcGBe+uOauB2VTM6STs2R/OuTBQuWR5qgLTdvuLsItosN3Gi3OvwlVQ23K"
    "qeCrrsN9qWKChdz3eZMZC59P+QKqFmqoTo/wJH97B/k8Xqxhzc8WEPnwdzUlLmnN9ikhZC"
    "vB/HaoyS0ByOCFon4tevPWFX89SZwUBqnkMqQ5TCeEGojnAeFzlPj2bXwz54GPd7g8kgiN"
    "CIJEl6kzTF7mbjfneYcQAON0ohnFkqCXQZoJEFTZLFYIU8WygQKUMoQ5ESipQ6QpHwmVUn"
    "xkvFVue65yhrMVtVlvZwkvjn01PpTCydibmAS/1t/txur/5WOhO3jet5zsQZBWYZh0u/VB"
    "RnCRb1IWyPGq5MdKF0hdu7ftFHLE/JGOG5RdMY+zJu94P7ShzRVHMTeavRQvF0GECiGR3w"
    "YYFsYOnas2f5eSLwm/1V090NCM99H7OOcPUNy01GESlUiZVCZqE4CnXn755qupi/AoIFSy"
    "IjE9NnW3nKeS+nHGkfb4JjAt1ahaFnqCT4tTknhPv/ru4J4ThHxoTSDgrM7CuR0k66fFR1"
    "+XjjYs/UJ4QjNoS+IvkCQ1jje6+eCfJE3sgTuY14FQFKevkHtIesbzqbTEd3/bGgySWiuw"
    "LhFfH1n40HtMm/eDTxsez29grQ/x7N7s3d4P4K0P/Swm0Za3D9RRpfobZSXYXawoQqK2cI"
    "ZTKdJNa8ZDoUMvxjUTWwGcpa0C7hYn/EcJM9SNQZiqWRE3obwpbqOK8InzJWqrMSgTlDuK"
    "fp3DbHKFPXnoX9+xia1rlH7cHD7wWfa2zFsw0RkJNUrYP54qyMGxrulQs0vSe9Ft7Ua8FQ"
    "HVcx0FI3Kyh3M8Syxmlz1LlZXwXpoZK/tB2nFl96qLxHrtfqoRKEIuyavKkbRzQc2SQo5a"
    "cS12ncFSeBmpZHiZRMMSeQYu5AnmFHCZANFyTNueKiZ2juCNTYH2tKhmoTXvs09HShrWur"
    "DsfUE9w5KTL2qHGfxph73outZ0e3n3wrzgtesfS8dE18aBkSGelYTqFHPioBhIPuLUT37P"
    "S0jGnr9DTftnXKKSFjutzy7/lBYQzJ4cPB3ka3UVvgl4BMUv9m9uf/A6yJmdE="
)
