from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "address" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "recipient_name" VARCHAR(32) NOT NULL,
    "phone_encrypted" VARCHAR(255) NOT NULL,
    "phone_index" VARCHAR(64) NOT NULL,
    "province" VARCHAR(32) NOT NULL,
    "city" VARCHAR(32) NOT NULL,
    "district" VARCHAR(32) NOT NULL,
    "detail_encrypted" VARCHAR(1024) NOT NULL,
    "latitude" REAL,
    "longitude" REAL,
    "label" VARCHAR(16) NOT NULL,
    "is_default" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_address_phone_i_10e2e3" ON "address" ("phone_index");
CREATE INDEX IF NOT EXISTS "idx_address_user_id_a9094d" ON "address" ("user_id", "is_default");
        CREATE TABLE IF NOT EXISTS "cart_line" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "quantity" INT NOT NULL,
    "selected" INT NOT NULL,
    "added_unit_price" VARCHAR(40) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE CASCADE,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_cart_line_user_id_91976d" UNIQUE ("user_id", "sku_id")
);
        CREATE TABLE IF NOT EXISTS "order" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "status" VARCHAR(20) NOT NULL /* PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED */,
    "delivery_method" VARCHAR(16) NOT NULL /* EXPRESS: EXPRESS\nCOURIER: COURIER\nPICKUP: PICKUP */,
    "idempotency_key" VARCHAR(64) NOT NULL,
    "request_hash" VARCHAR(64) NOT NULL,
    "recipient_name" VARCHAR(32) NOT NULL,
    "recipient_phone_encrypted" VARCHAR(255) NOT NULL,
    "recipient_phone_index" VARCHAR(64) NOT NULL,
    "province" VARCHAR(32) NOT NULL,
    "city" VARCHAR(32) NOT NULL,
    "district" VARCHAR(32) NOT NULL,
    "address_detail_encrypted" VARCHAR(1024) NOT NULL,
    "latitude" REAL,
    "longitude" REAL,
    "currency" VARCHAR(3) NOT NULL,
    "subtotal" VARCHAR(40) NOT NULL,
    "discount_total" VARCHAR(40) NOT NULL,
    "shipping_fee" VARCHAR(40) NOT NULL,
    "total" VARCHAR(40) NOT NULL,
    "paid_amount" VARCHAR(40) NOT NULL,
    "refund_committed" VARCHAR(40) NOT NULL,
    "refunded_amount" VARCHAR(40) NOT NULL,
    "adjustments" JSON NOT NULL,
    "buyer_note" VARCHAR(200) NOT NULL,
    "courier_distance_m" INT,
    "courier_eta" TIMESTAMP,
    "payment_deadline" TIMESTAMP,
    "auto_complete_at" TIMESTAMP,
    "paid_at" TIMESTAMP,
    "shipped_at" TIMESTAMP,
    "ready_at" TIMESTAMP,
    "delivered_at" TIMESTAMP,
    "completed_at" TIMESTAMP,
    "cancelled_at" TIMESTAMP,
    "closed_at" TIMESTAMP,
    "refunded_at" TIMESTAMP,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
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
        CREATE TABLE IF NOT EXISTS "after_sale" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "kind" VARCHAR(24) NOT NULL /* REFUND_ONLY: REFUND_ONLY\nRETURN_AND_REFUND: RETURN_AND_REFUND */,
    "status" VARCHAR(20) NOT NULL /* REQUESTED: REQUESTED\nREJECTED: REJECTED\nAWAITING_RETURN: AWAITING_RETURN\nREFUNDING: REFUNDING\nREFUNDED: REFUNDED */,
    "reason" VARCHAR(200) NOT NULL,
    "photos" JSON NOT NULL,
    "requested_amount" VARCHAR(40) NOT NULL,
    "approved_amount" VARCHAR(40),
    "review_note" VARCHAR(200) NOT NULL,
    "reviewed_at" TIMESTAMP,
    "restocked_at" TIMESTAMP,
    "refunded_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "reviewer_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "user_id" BIGINT NOT NULL REFERENCES "user" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_after_sale_order_i_fbdab6" ON "after_sale" ("order_id", "id");
CREATE INDEX IF NOT EXISTS "idx_after_sale_status_b71c05" ON "after_sale" ("status", "created_at");
        CREATE TABLE IF NOT EXISTS "order_event" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(32) NOT NULL /* STATUS_CHANGED: STATUS_CHANGED\nADDRESS_CHANGED: ADDRESS_CHANGED\nLATE_PAYMENT_REFUNDED: LATE_PAYMENT_REFUNDED\nREFUND_SUCCEEDED: REFUND_SUCCEEDED */,
    "from_status" VARCHAR(20) /* PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED */,
    "to_status" VARCHAR(20) /* PENDING_PAYMENT: PENDING_PAYMENT\nPAID: PAID\nSHIPPED: SHIPPED\nOUT_FOR_DELIVERY: OUT_FOR_DELIVERY\nREADY_FOR_PICKUP: READY_FOR_PICKUP\nDELIVERED: DELIVERED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED\nCLOSED: CLOSED\nREFUNDED: REFUNDED */,
    "actor_role" VARCHAR(16) NOT NULL /* CUSTOMER: CUSTOMER\nSTAFF: STAFF\nCOURIER: COURIER\nSYSTEM: SYSTEM\nPAYMENT: PAYMENT */,
    "note" VARCHAR(255) NOT NULL,
    "version" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "actor_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE
) /* One row per change of an order: who, from which status to which, when. */;
CREATE INDEX IF NOT EXISTS "idx_order_event_order_i_a7c22c" ON "order_event" ("order_id", "id");
        CREATE TABLE IF NOT EXISTS "order_line" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "title" VARCHAR(60) NOT NULL,
    "spec_text" VARCHAR(255) NOT NULL,
    "image_url" VARCHAR(512) NOT NULL,
    "unit_price" VARCHAR(40) NOT NULL,
    "quantity" INT NOT NULL,
    "line_total" VARCHAR(40) NOT NULL,
    "discount_share" VARCHAR(40) NOT NULL,
    "refunded_quantity" INT NOT NULL,
    "returned_quantity" INT NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "product_id" BIGINT NOT NULL REFERENCES "product" ("id") ON DELETE RESTRICT,
    "sku_id" BIGINT NOT NULL REFERENCES "sku" ("id") ON DELETE RESTRICT
) /* What was bought, as it was when it was bought (title, spec and price snapshots). */;
CREATE INDEX IF NOT EXISTS "idx_order_line_order_i_7a6144" ON "order_line" ("order_id", "id");
        CREATE TABLE IF NOT EXISTS "after_sale_line" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "quantity" INT NOT NULL,
    "amount" VARCHAR(40) NOT NULL,
    "after_sale_id" BIGINT NOT NULL REFERENCES "after_sale" ("id") ON DELETE CASCADE,
    "order_line_id" BIGINT NOT NULL REFERENCES "order_line" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_after_sale__after_s_cbadc7" ON "after_sale_line" ("after_sale_id", "id");
CREATE INDEX IF NOT EXISTS "idx_after_sale__order_l_602f52" ON "after_sale_line" ("order_line_id");
        CREATE TABLE IF NOT EXISTS "order_note" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "body" VARCHAR(500) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "author_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE
) /* Staff-only remarks on an order; shoppers never see them. */;
CREATE INDEX IF NOT EXISTS "idx_order_note_order_i_7e7dcd" ON "order_note" ("order_id", "id");
        CREATE TABLE IF NOT EXISTS "payment" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "provider" VARCHAR(16) NOT NULL,
    "out_trade_no" VARCHAR(32) NOT NULL UNIQUE,
    "provider_transaction_id" VARCHAR(64) UNIQUE,
    "amount" VARCHAR(40) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "status" VARCHAR(16) NOT NULL /* PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED\nCLOSED: CLOSED */,
    "paid_at" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE RESTRICT
) /* One attempt to pay an order with one provider. */;
CREATE INDEX IF NOT EXISTS "idx_payment_order_i_e17aac" ON "payment" ("order_id", "status");
        CREATE TABLE IF NOT EXISTS "refund" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "out_refund_no" VARCHAR(64) NOT NULL UNIQUE,
    "provider_refund_id" VARCHAR(64) UNIQUE,
    "amount" VARCHAR(40) NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "reason" VARCHAR(24) NOT NULL /* AFTER_SALE: AFTER_SALE\nLATE_PAYMENT: LATE_PAYMENT\nDUPLICATE_PAYMENT: DUPLICATE_PAYMENT */,
    "status" VARCHAR(16) NOT NULL /* PENDING: PENDING\nPROCESSING: PROCESSING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED */,
    "failure_reason" VARCHAR(255) NOT NULL,
    "attempts" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "completed_at" TIMESTAMP,
    "after_sale_id" BIGINT REFERENCES "after_sale" ("id") ON DELETE RESTRICT,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE RESTRICT,
    "payment_id" BIGINT NOT NULL REFERENCES "payment" ("id") ON DELETE RESTRICT
) /* Money going back. Created PENDING by orders; executed by the payments processor. */;
CREATE INDEX IF NOT EXISTS "idx_refund_status_800206" ON "refund" ("status", "created_at");
CREATE INDEX IF NOT EXISTS "idx_refund_order_i_c36455" ON "refund" ("order_id", "id");
        CREATE TABLE IF NOT EXISTS "shipment" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "carrier" VARCHAR(32) NOT NULL,
    "tracking_number" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "order_id" BIGINT NOT NULL REFERENCES "order" ("id") ON DELETE CASCADE,
    "shipped_by_id" BIGINT REFERENCES "user" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_shipment_trackin_e6499f" ON "shipment" ("tracking_number");
CREATE INDEX IF NOT EXISTS "idx_shipment_order_i_d64ad0" ON "shipment" ("order_id", "id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "shipment";
        DROP TABLE IF EXISTS "order";
        DROP TABLE IF EXISTS "order_note";
        DROP TABLE IF EXISTS "after_sale";
        DROP TABLE IF EXISTS "refund";
        DROP TABLE IF EXISTS "cart_line";
        DROP TABLE IF EXISTS "order_line";
        DROP TABLE IF EXISTS "address";
        DROP TABLE IF EXISTS "after_sale_line";
        DROP TABLE IF EXISTS "order_event";
        DROP TABLE IF EXISTS "payment";"""


MODELS_STATE = (
    "eJztXWtzo7ia/isqfzndVTm9SbqTmc1sbZXjONM+7cRZX85Mn/YUQ7Bis8GI4ZKM6+z895"
    "XETYDACGMH0/rSTYRegZ9XSHrv/+6s0QIazofuYmFDx+lcgX93THUN8UX61gnoqJYV3yAN"
    "rvpo0L4q0+nRcW1Vc3Hzk2o4EDctoKPZuuXqyMStpmcYpBFpuKNuLuMmz9T/8KDioiV0V9"
    "DGN779hpt1cwH/hOTlvn3reA60FX1BnqQ7ygI+qZ7hdn4j/axn5UmHxiLxK/yutF1xNxZt"
    "u9aXA9O9pX3JmzwqGjK8tRn3tzbuCpkRgW66pHUJTWirLiRPcG2P/DTy5gEI4a/1f0XcxX"
    "99hiZ86RiKRyVu6yjK/WiqTPpTRekIgKchkwCPX9Vn45K8wt//8/z848cfzk8/Xv548emH"
    "Hy5+PP0R96Xvm731w1/+y8Ro+UNRzAY/D+6n5IUQ5q7PddLwF6VRXdWnolyK0behpls6NF"
    "2FtmQ40VupNp8PWcoUT/CPTfMk5EARU8KGmCvxLD0EW9bqn4oBzaW7wn9+PC9A/J/dce9z"
    "d/zu4/n7JOz3wZ1zeoswIAbcwhBBBZqavbEIKAKIc0hbCPn5xUUJzHGvXNDpPR7q9PeJIx"
    "6R7Qvtgy47CbAvP5XA+vJTLtTkVgppG73opia0lLA0LZzR9S8imu5uRAAO+0twS4C70MkL"
    "aK4IwCzN4UDudI4VYuiqulFtF+TRtnBen52el1mbSbdc4P2bSegN1dVdb8FZn28NpOacuV"
    "miFNZPhKoE2sEe1xSwC6C9Gc2uh33wMO73BpPB6J48Zb1x/jDim6QJN+guhWDc7w7TKCNz"
    "WQFmlkriXAZn9REaIqtHRNC6VfrsssxycZm/WFymlwpGfM8gfI2QAVUzR0RPEKaQfsSU+4"
    "I6ajnsTL4ejYZ09jrB7L0epATx+9nddR/D/z45o0P5nDnZ2ZBgoqgczG/wHVdfw5wzXoIy"
    "BfoiIP0QXhzj/oh/4GJkGptglStgyHRw159Mu3cPCa7cdKd9cuc8udIEre/Sn0Y0CPhlMP"
    "0MyJ/gX6N7uihZyHGXNn1i3G/6rw55J9VzkWKiV0VdMMJd2BqiluC6Zy0qcj1JKbneFK6H"
    "GDFsD96e4XqsKS2v/mSItutAj4G/B1ODEg300zNXC0pA5ZzUkA31pfkFbigrBvi9Vb6WIt"
    "DEz4JhjowFf4VzLGyNVy1bfY1U9uzUw78d/2Lo72K97qTXvel3KMKPqvb8qtoLJQE1uYPO"
    "Uaol6pu9tT5fp1tUU11ScMivIO8c2j+eXGhPVApt1jgS3TwpNI+QbooT9tuvhQTZi9hEsu"
    "jg+9/w+VN1PfpOzD4ujSbNNJqY3vqRt2Dkix0xRT1yx9syYc/aoWf8s/jg9jGOmbU4AXRI"
    "22SNEBZkb2f3N8rofvj1CjB/zM1xfzob3ytd3OC3k/uppk4FJpXSJRVokrJ6pHjBqsKmmP"
    "qAcvi4/z8zfGbr3wgK5DEh4UZwSXj1j34vaPSv5mb3l+5gOrj/WfG5dgVSDYSK8BC3hJzH"
    "l2GrP5Z/VYnLp2W4fJrP5dM0l/Fe5GAMBFa6mKLJn2BV2+RpOYSLIM5gbK2Qizhf0j8mo/"
    "tcs2RAkRb4dM0F/wcM3dmbKND5ryfP1AiM4NHTDVc3nQ/kef+9Ly1XAeAEoYSsF+L87q77"
    "a5oFveHoOi3EkQGuM1Meg+HQE9gaeSZPIoeavlaNvPmfJU9zyaf/EIxzhF9FkVa33xvcdY"
    "fvzs5PzlParpA5nzKfAD6Y2+ilKuQc6p0RPyI1ehXAbfiiw1fFRK6gz0+CrHU69L2s7z5o"
    "lbR7KdIa1HvHM68brs3LKnHxUC7SnisyOkkrOd1sTuMz0KIioxOkks9N5rM0xuXvm8dplp"
    "HGuO+R62WMcaxSvrxenaWS5jhBBXvmiCyOf4qwEgsatoG+DQekLboptmi6pGT5IGyMHoXj"
    "HBkTylqj2aWXb45Oz+8aQP1OLfxjvLuOB71ph7tqHw7Xhi3VZWFN7VIJaPE7gPvZcFjkPc"
    "H4u+om5JgKrgOy2y9jSHy1uQaYtEfEEI/VornMkdB3RGpMB2nPtPzrIF44dFoVeeKE866M"
    "N45ihJ3365LDPDHpl+PvMuQtyA3pkNNMh5w/PNV0uTFxuQxgSdp0eD0/+/TDpx8/Xn6KGB"
    "C1FOGelQiqmeKkzbO0zTO95JRfPDKkbZrABxZ8kwu8EBsypJINdQnBSX/cHYWLhA/wkXGj"
    "rIiRWRK2i8Tx9K1L29AyiSKNceZ7b5QXvLfQ3SFadnhH7/Be8amb9FKMoNt+z9uQnr38SY"
    "TvBX+Gh278XBQKy9IdvhFrddHpW9VCObqsH1FM0UIn0fpzqqS+lrIop8haCHX9sQfxSiS0"
    "oCTI5DGw8mlcW6nmkqfhzHeGZkia4Q1NHtsab2jpApP/hRynM0QZFxj2ACaglmCopCW+Lk"
    "mYgCotbNvEX2bqCZvX9imW9VTbzbOIRPdOisQyDffakxnkW2QWd549X7xipDQpbTVS2pK2"
    "jvptHQ5eLzRuHrrCPEcs2QGzHIVz/miTHOGDCD4Y4t/sKpat83KFFhuZOOTS3LTF3CQP8v"
    "mrSXsP8tKXvW1cL+PLjk9zwsJbTNOmE4L0om4z9AVis/T33cXfl2svJjLi7ohO/FFaCmi8"
    "ijbJNtzDQC+RvelwlRDBvZNiJQTTa5sOojN9RcCAL3iQK6ACF1kgpAfvLNWGpkvf8D1QzQ"
    "XQXQdoK91Y4PYPnRQ3dhxquylaKjkaqeQQLUYjS9AI2Dh1/DzFs4XyZrM0rUv7cXFWBmPc"
    "Kxdkei+lU0K2q+QEc+WfwhNEhzsOnu53NalNUac7CvEdeeEsDtsyksd0UlUn85F/vwoEqT"
    "b6HrleRm3kn6eF9RcJMmn3r0mB4aNag8DNCnjHxYeyQndiAubELZcJrg1FR870F4gabR/e"
    "yUXCRgtPc3cMrX3wRznC9f9Ngmv9XA4c7U2U5CFfdRNJE/vyHdEXcG0hF5raRnmGm4wfCZ"
    "vc3lI3a/KtLvAmSn1afksmv6fbk4bWFvmCqc9/fnJ8codRYKZvycCBRmxxJ0VaHplHf596"
    "niNM0f7QpwnRlYfu17u+P6EEkE+TX4FUw9x86A5ucDP+d25OPg8eHkjO9eBibo5mU+V2NF"
    "Zu+sPBP/vjr1cg3UJStXdvvtK2h0Hvy+yBpGxPtszNoDcZO7qcm73R3cOwTzPGR5e4tXvf"
    "6w+HtDW8xK3D0YQ20f+bmyAebzf6C7Q3yhrvDKhy2QbOME1W5Xb6vz7gs+XkCgQXhLmz8a"
    "A/JqylF3iqBdPD/78Ku/ZQ0i+1VwssvRzSJrOo4ipcf/BWkBBeWanOSgTvNJ0EuxTYmm7p"
    "5IQpakHKUrbOzFH/CSMGzcJQwWoFnQsHaR0Tzi8uyuzBFxf5mzC5V8wH+jt34UE0wL7wz5"
    "yzDwR//UsOqT2hmzwn5ny4WZrWzfD6lxmNG+6QD6/Gj3WQ0GahXejkBTSOojkfXpZGQrwV"
    "YnWxsKFDSmK7qm5U2yOLxmgdC85OS5WrI93yRZ/TbMk6opR2vQUv3Y2B1ByNH0uUQvqJUB"
    "2tmp8bWTKaXQ/7AIu0vcFkEISTRyZKepM0xQ4D4353mEYZmcsKMLNUEucSOGuebRNhXGhj"
    "ZGgOuGz07r8eaPEus3bnL90ZBar36CJX5TjKFcansWQyLg2y4Gfj0vBhQiM5I5UqSGeJ3w"
    "bvfbnP1Q22s9ItCz9QeYKiQZdpUgl0EdBVJrNcM8qia6l6xVKRKUo5iYuLRJL858Qcv9Zd"
    "rsCypRJqllwCvh3w6pVnM9QS7sIMzIv/9RyX+KMIJRxLkTUj6VirSjA/ehtoCxenTVK1Ti"
    "uyl9q0+PRs6xg1otIjhnllnUU81xmKT9wiD+DawlZCpKCrchb14jCKJKksGNocB/ps3ETG"
    "vVGQ2Tx6yfEmczzjsCrIcR695HiTOe6LkMKMZsgkf5vMX6roqhT7lqSUXG4yl0kU36ZS/f"
    "aYTnK4yRwOXIorfclpWsnpJnM6PD5VilJP0UpON5rTRM1gGNU4naKVnG40pw3kVGMzSyh5"
    "3GQexwaLCsewBKnkc5P5jE9SDrdAVK5mmaE4XA6ksz2xsnZlskzJ07LkLDIlz/fIdc7amc"
    "3k7CJbvDAtS9Uic5xM5txm6AtyIclkzryMMyclkznHSZAyK0sNoE7CcY5rSSkLKruU7pBa"
    "Ki7PvGPipDbWsk7MS/jC98cSAYlmReq/wKNccUuhRJwD6gCpZRW7ExgRT7A6MLoPPMraiF"
    "HgcLJrNjd/lLaC5CubdsRoTAdpK0TE9F3DRJoEw7QJpr3nBfQ3urzkgNE2uCVDoAKjjlvr"
    "O4xMCGz0CixoA7/8MkBPQDUBHekKvK7QCXiy0Rpf6doK+KnEgIv8v0/wf7xaD/UNu73uw7"
    "fgV/snO/yvzBHYzByBz7pZOatYSHtAX/DJtDudTZTe5+79z0GONoG0YknqK5D8e252b25I"
    "trG4Q6phbg67036Y7U6Jk8Zxm8Oscspk1uv1+0x2ubgl/ZGW8VSvP4UC+eiV3dIZpoaoNC"
    "UOI8PKLIYHz2Looh1nV2IAObfk3EoVcFdsZOQEM22fXMkRmpwHsNObTaajO5oGM7jCk2ja"
    "vb2le9ntLS9P5uTrZNq/wx3o/2QChlOTSQL75pkzRaPR2huHto8EdkfiInBMIWfSS6Bl9u"
    "IyXgL+ViEqsbJU0l5c1V7MKhTKY89StWkhe1uLcU7dPWHrZlRf48iYUNa8yc6+7RWA6Tpx"
    "OEN8w1aVspiyq2kCU/wC4H42HL5VGeDY4penLA7Ngdt0xWFs8nZV8S8r1QWvqgMekbdcuS"
    "cAX+p+C9HWhtf+XfDO1V0Dj+JYUKMVfS1b1yBwTNVyVsh13meVxvt4gFQfH9U+cFKgPqb8"
    "FpHbIoImy9kVRbfLMsqNy3zlxmU2oRz+jhQX/imUPzhBJOXjMvKxvsZLunDNZpaodTjvpW"
    "gz/qGuQvcEjtRclHwrSSgz+EGWCdnUW394qulys7rn7ossSZsEpdo0PuRQVimLapJQzt0t"
    "czdKOuvglVd0ncgSyxx9pVIiVlgxuLSHWzr2BXHd64YNXc82q0LMoZUQS9Xgm4uEmYrF4n"
    "XNE3SSAZUZ4Dx74iFsEY0EXirFm6wUxzO1Bkwn/igtRTT+mktEpllxbfgdQW1flfk0sMk9"
    "qpYANaWG2KIoSq1t8UV7N8/QYKM880wYibTNPBP6Hm03z0xc9enp78g0NsCGa9V+dgAyI5"
    "f7n4CzQpYFbQeY8AXawIEQuCu4zpphdhlImluO6oRxUmBueUQLoYJUYf8WGlsuSuVrvyjI"
    "137Bydcuvbq+R68uD3OrglsXSyb9uqRf15GAL0VY4YNpWi4Q9OuiC0UNsLbcsYtdT5vl2e"
    "W5j+jP/EBg5nax+EA7ioQCd2kULgzjdV2Ez/wm8vAs+QB+sUndLxO86u6KnPaDTifA8h4N"
    "3VnBBaBiJ/BLhGWFijoHn5tz8/cgaOB3oDuURl3iXXqJH/E3BwT3Aip2RAcBx3skP/uRSD"
    "AalmoWNrLm5sKzDF3D5A54Z8P4wX4Ok/fUwewZQssXgkrLOtFAwWGNyDsn4Fsnelv/syP8"
    "iVr8SRkGRUjxqJnikYssXRORjyKCFgpIl2WKfF/ml/i+zBT4zn4gZXHOUrYQ8D2Utk+tPw"
    "KySYpSHpEryycydq5uc72lbgykcmZ0flFIhqQZBSHJY1tTEFKqvfLnfnvVXulzsAjf07Qy"
    "Q3xzshz7nM5oed5GdA5z13HEZiatXb7IbDGdSiXOUrHYurZcIs1i2shE5guyCHewbPSih/"
    "JiJkGWGLmoaS1IYiLlx2bKjyFvRUQblqaFQk39mT6Q5yr4cQuIlysRoNN09YD9trN+z/Jj"
    "ODcJbqaj0iMsV5TcPr05Q9SSh6lB+O9BYbImsQics1VRCENMJENFIAt9NnpB82wbmpqQSw"
    "RLc8Cgvd79131Ji6lVpMwikr+GZCJQd8rbtmPStmpQBynXBOEOyaKUbXOTydsYXc7N2+6A"
    "5krz/08nSksfKt9mj5VFlIUWn6MQ6KTCptyn1V6FjaxR1Taucz72TO536R8l/aOawoSd/a"
    "PEoiZkZYiDR0mEMT08fW0c7lOgr2U6lfBuCrqTrFLEJSgIYyDxCzTN1LvJw+z9T+CVJKHS"
    "oyxTukM1segJd3HA5MvM4fk21TU08Wx6oGms7MBfiZSZos5HeDLhx4EnfenZpMmG4BlaLg"
    "nNII8kxRYcRE2TuJuDr22X0j3phgvtuYn7BXML+Cs3fjPMbLyV0coMgQ2fPIK8if9I+KLD"
    "V4cWcbAhnqeOW1oTHUtjxKlqieyNEvo+xbfWuhkkWkndoD9bodkVpAK7oQpsmY5rv+m4vE"
    "dhhFma1iWJOiuVz/2sIKH7WTajO/Nmyspdc9LtTOGfOcsJj7YFqBeJM/1fpwlJJuMQEkkz"
    "w9H9z2H3tJcIJx8a59yV76ATUzTDP4c8rzX+OTSj39JGniXEkxSZZEz9jDk+7fjNuHs7Fd"
    "WNU6IrQP+bm6N7ZfK5P7y9AuEVbru9jRrDy2bowuMDbYZNhXa4BJ3MIlZkhyMcrAQxSych"
    "LoKYlb4yIOen+UlSycxhmeRsVLwWxjVNJoHNAdbx1uKwBkQS1BxQ1Zel4EKbJPzuVtqPAg"
    "ut9IqWRnRpRD9Oc6o0on+PXC9jRGcNHhm2F9knUoTSlF6XKT0ENssOYWt6jxnqyFhR1qCe"
    "moY72NTjCkM72tUTFY1aAntS5H7mqfZEIGpX1tG9+h2M4RNe7VdT9AzNDsf5IHH/pMgDwf"
    "Z7Km7UdbsfggmQpWLwQUAMKPEJcFy8Fi38mlcOcFbq+cXlT8BGJG3Kgpj5SbbFDfAcyPFA"
    "qGFQ4ntAfzLu6zgevk3qrFMXBQMtdRPQMgdABb8/qWvd2Pz+ATzgR0GTOg2o/hOBG9bwUg"
    "2yw2/mZviwNVRN6g1hQPUZ//0O2ZhKM3Q8An5ty1A3uFV3319Rh4bXFTIg8B9FXCVs+IIf"
    "sCjpgCB9BhrpM+CzM8uB2Wxww8c/pkjxwPP0xQdCV8+qd0heFMDqh0z4h1f2WEp/aLrQPf"
    "7elJXqrPg2oRwnjARV6+La6o+rkpJ7PvTHKcOVkdzhn5aOR6vA9SRlC7l+JFwupZYLziYV"
    "2JyklMrXRnPZPzpW4XKCUnK5yVzGMox46ApDJNVtdanbPKeWwJWSGWibxoKyajZm6vHT+r"
    "5NEp0ghIWvFgmCWwoVImGfrZqQO2TCDVgioj4g7/4B9PwTcxgVDR43fkYc5yeAOal55B5u"
    "I+qBIFePQ0IvNOg4iJNjZx8PEIx9iEUAGuEgS180Zv06KVBTkPQv/kyukDcmQSgF7K0Cdp"
    "T1JQCuYs6YBLVMF7MNdZkuRqaLOfJ0MXhvdXi5css5xMfUTQ5H63Rvp/2xMukO+1cgvp6b"
    "QyxyKQ/dr3f9++kVYP+amzezh+Ggl+iQaUoflsrw77zMKnSevwqdZ1ahI4xpqC3jz8N41O"
    "tPJn5jdF0uE1AV7tUf7fCk6oZnQ6XoQ8yz6qQpWxA4l/pYLi7KfC0XF/mfC7mX2rX9jKGc"
    "LyY/OztDIr2c017O0rqTD3V7rTvSL7NtXC/ll4nWFlGyVfraU7TSFNAcRme/b6YCsnAxkz"
    "SpLLYoplWTycQaAX6gvhaGP0knGVCXTUxmcytnFSuRzY0zzWsAlqkQ0VJok592CXDjvbAG"
    "fLtksEkw1nFtn2UBzpwdhEMn9mnYnax0K688SnTvpMi467C9tpl389EVLWQiDaWNNZRqqm"
    "3rYjVMGJImK96rmjhqr6tBvrJnElBveutHMag5pPuCvE2mUakTzIf+OLVDZXSCUlp9Q2mV"
    "nCws/OE8igdNZ0ilwkaKrM0QWSNPTv5UrwHaki6yDZvdZYHNfNoJdPFbgPvZcPhm8tSz1+"
    "GJUn4cdoEUFXQoVWGSpNUEGlo/6iaN/6a5uqN04+/gh+UHQAJ8/wPcvffrRpI4X/RqAprr"
    "jqbxdlykPfMrUNY7PEew+8Ymaac5Qp/hxhfnZLRuE9b/kwLpjvLrRTU8sfS8KbJmpIJtVQ"
    "3t6EPKcKUgNzhD00LBey/uNlXyjL5xjtFjcpFFa0u1IZaWKyV05ZHvjHkzT0q1QU736izO"
    "+cJV2F96jqVFVgO9KhQexV2RjCvI4JxVcoHNoT4czBdHAvOjamv4DC2y0zEkMg4kucdllZ"
    "2vWOBcucrSVtciXqVpMrk+pCeu7iikgvULZ+peI2RA1cwRYVi6FKyPmHBfuIaT+rC72PVo"
    "NEwcj68H6ZIhs7vr/vjdWWqPk668Um1PhpCuvG3jehlX3kCpJO7dlqCTBpu6TAWMkm9XN6"
    "x4pCNjRGk3rMQc3CG7qqbabh3JVXt4nDbnVpVZaEtnoaUSqbYitUd3TUdLhhrCxbJVpr80"
    "WjZUclQqgljZcBKO0xao9mp7Y2YXzwaXnHwFtjg64Y2451ajXJ/my/U/Ed9aNvky+5vjW8"
    "GuSNbaE/zP5gSs0CtYe9rqhBrJXsO0uAZ8crO2uNpGLZWe5tkLNh82PY20wTXSBoenrKsK"
    "KGai/m063NaoTTTI8VOhntoCqGboJLq8klHfQ0IOckYf9b5cgeBibvZG43G/Nx2M7q9AfD"
    "03b7p33Z/7V8D/f26Oxjf9sfIw7PZIIgf2r/DeuD/sdyfx3fDvuTnuT2fje3InvJqbt8Pu"
    "5DNNB6J0h8MRye5BEkRwWhN946E4jemd6W18nk3kCmn8w/4yiUQZq7YNnyDJMyQEcYLoYF"
    "7kB4JZ+pBLtWQdymgsOSBxH3KWSjovV3Yhj6QaAd/xiKZN57m3VQUH7q07qoHbVc3oJO3Y"
    "HM27MlG4ZHmoAdJ2+4qzi2iz3MSJcq/DV1LZcKt6Kuiy32hboqB0Pd9lxkDm0v9DqoSaqR"
    "Ki/wsc3cP+TRarG3Nwx4c9fB7MSUmZc36LSVoI8X4cqzFKQnM4ImidiF+/9oRdzVNnBgOp"
    "eQ6pDFEK4ydCdYTzuMh5ejS7HvbBw7jfG0wGQYRGJEnSm6Qpdjcb97vDjANwuFEK4cxSSa"
    "DLAI0saJIsBivk2UKBSBlCGYqUUKTUEYqEz6w6MV4qtrrQPUdZi9mqsrSHk8Q/np5KZ2Lp"
    "TMwFXOpv8+d2e/W30pm4bVzPcybOKDDLOFz6paI4S7CoD2F71HBlogulK9ze9Ys+YnlKxg"
    "jPLZrG2Jdxux/cZ+KIppqbyFuNFoqnwwASzeiAd0/IBpauPXuWnycCv9nfNd3dgPDc9z7r"
    "CFffsNxkFJFClVgpZBaKo1B3/uGppov5KyBYsCQyMjF9tpWnnO/llCPt401wTKBbqzD0DJ"
    "UEvzbnhHD/39U9IRznyJhQ2kGBmX0lUtpJl4+qLh9vXOyZ+oRwxIbQVyRfYAhrfO/VM0Ge"
    "yBt5IrcRryJASS//gPaQ9U1nk+norj8WNLlEdFcgvCK+/rPxgDb5F3MTH8tub68A/W9udm"
    "/uBvdXgP6XFm7LWIPrL9L4CrWV6irUFiZUWTlDKJPpJLHmJdOhkOEfi6qBzVDWgnYJF/sj"
    "hpvsQaLOUCyNnNDbELZUx3lF+JSxUp2VCMwZwj1N57Y5Rpm69izs38fQtM49ag8efi/4XG"
    "Mrnm2IgJykah3MF2dl3NBwr1yg6T3ptfCmXguG6riKgZa6WUG5myGWNU6bo87N+ipID5X8"
    "pe04tfjSQ+V75HqtHipBKMKuyZu6cUTDkU2CUn4qcZ3GXXESqGl5lEjJFHMCKeYO5Bl2lA"
    "DZ8ImkOVdc9AzNHYEa+2NNyVBtwmufhp4utHVt1eGYeoI7J0XGHjXu0xhzz/di69nR7Sff"
    "ivOCVyw9L10TH1qGREY6llPokY9KAOGgewvRPTs9LWPaOj3Nt22dckrImC63/Ht+UBhDcv"
    "hwsLfRbdQW+CUgk9S/mf31/y9vIkw="
)
