"""Reviews: the buyer of a completed order line reviews it once; staff can hide and unhide.

Each product keeps its rating summary on its row (`rating_count`, `rating_sum`,
`rating_avg`) so listings sort by rating on an indexed column. The summary only moves in
the transaction that changes what it counts, with one relative UPDATE (`count + 1`,
`sum + rating`, average from those), so concurrent reviews never lose each other:

- a new review counts once: the unique order line decides between racing requests, and the
  loser's transaction (its summary change included) rolls back;
- hiding or unhiding is a guarded UPDATE (`WHERE is_hidden = <the other state>`): of two
  racing hides only one changes the row, and only that one moves the summary.

Reviews are never cached: a hidden review leaves every page at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import OrderLine, OrderStatus, Review
from resolvers.catalog import audit
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import ReviewData
from resolvers.catalog.errors import CatalogErrorCode, not_found
from resolvers.core import sql
from resolvers.core.errors import DomainError
from resolvers.core.pagination import (
    InvalidPageRequest,
    Page,
    SortKey,
    check_page_size,
    decode_cursor,
    encode_cursor,
)

RATING_MIN = 1
RATING_MAX = 5
BODY_MAX = 1000  # the column's length
IMAGES_MAX = 9
HIDE_REASON_MAX = 255
FIRST_PAGE = 10

# Newest first; ids grow with time and are unique, so the id alone is the keyset.
REVIEW_KEYS = [SortKey("id", descending=True)]

# "user" is a reserved word in both dialects.
_USER = '"user"'
_COLUMNS = (
    "r.id, r.product_id, r.order_line_id, r.user_id, r.rating, r.body, r.images, r.spec_text, "
    "r.is_hidden, r.created_at, u.nickname AS author_nickname, u.avatar_url AS author_avatar_url"
)
# Control characters other than newline and tab (a plain-text body keeps its line breaks).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _review(row: dict[str, Any]) -> ReviewData:
    images = row["images"]
    created_at = row["created_at"]
    return ReviewData(
        id=row["id"],
        product_id=row["product_id"],
        order_line_id=row["order_line_id"],
        user_id=row["user_id"],
        rating=row["rating"],
        body=row["body"],
        images=orjson.loads(images) if isinstance(images, str | bytes) else list(images or []),
        spec_text=row["spec_text"],
        is_hidden=bool(row["is_hidden"]),
        # SQLite hands back text; asyncpg an aware datetime.
        created_at=(
            datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
        ),
        author_nickname=row["author_nickname"],
        author_avatar_url=row["author_avatar_url"],
    )


def author_name(nickname: str) -> str:
    """What other shoppers see of a reviewer's name: its first character, masked."""
    nickname = nickname.strip()
    return f"{nickname[0]}***" if nickname else "***"


def _plain_text(problems: v.Problems, body: str) -> str:
    body = unicodedata.normalize("NFC", body.replace("\r\n", "\n"))
    body = _CONTROL.sub("", body)
    return v.text(problems, body, path=["body"], max_length=BODY_MAX)


async def _move_summary(product_id: int, *, count: int, total: int) -> None:
    """Add `count` reviews worth `total` stars to a product's summary, in one statement: every
    right-hand side reads the row as it was, under the row lock the UPDATE takes."""
    await sql.execute(
        "UPDATE product SET rating_count = rating_count + $1, rating_sum = rating_sum + $2, "
        "rating_avg = CASE WHEN rating_count + $1 > 0 "
        "THEN ROUND((rating_sum + $2) * 1.0 / (rating_count + $1), 2) ELSE 0 END "
        "WHERE id = $3",
        [count, total, product_id],
    )


# --- writing ------------------------------------------------------------------------------------


async def create_review(
    *,
    cache: CatalogCache,
    user_id: int,
    order_line_id: int,
    rating: int,
    body: str = "",
    images: Sequence[str] = (),
) -> ReviewData:
    """The buyer's review of one line of their completed order; one per line, ever."""
    problems = v.Problems()
    if not RATING_MIN <= rating <= RATING_MAX:
        problems.add(
            CatalogErrorCode.RATING_OUT_OF_RANGE,
            f"A rating is {RATING_MIN} to {RATING_MAX} stars",
            ["rating"],
        )
    body = _plain_text(problems, body)
    if len(images) > IMAGES_MAX:
        problems.add(CatalogErrorCode.TOO_MANY, f"At most {IMAGES_MAX} images", ["images"])
    else:
        images = v.images(problems, list(images), path=["images"])
    problems.raise_if_any()

    # Another shopper's line is indistinguishable from a missing one.
    line = (
        await OrderLine.filter(id=order_line_id, order__user_id=user_id)
        .first()
        .values("product_id", "spec_text", "order__status")
    )
    if line is None:
        raise not_found("Order line", ["orderLineId"])
    if line["order__status"] != OrderStatus.COMPLETED:
        raise DomainError(
            CatalogErrorCode.ORDER_NOT_COMPLETED,
            "Only a completed order's lines can be reviewed",
            field=["orderLineId"],
        )
    if await Review.exists(order_line_id=order_line_id):
        raise _already_reviewed()
    product_id = line["product_id"]
    try:
        async with in_transaction():
            review = await Review.create(
                order_line_id=order_line_id,
                product_id=product_id,
                user_id=user_id,
                rating=rating,
                body=body,
                images=images,
                spec_text=line["spec_text"],
            )
            await _move_summary(product_id, count=1, total=rating)
    except IntegrityError as exc:
        # A concurrent request reviewed the line first; this one changed nothing.
        raise _already_reviewed() from exc
    # The product's rating is part of its cached page and of cached listings.
    await cache.invalidate(product_ids=[product_id])
    (created,) = await reviews_by_ids([review.id])
    assert created is not None
    return created


def _already_reviewed() -> DomainError:
    return DomainError(
        CatalogErrorCode.ALREADY_REVIEWED, "This line is already reviewed", field=["orderLineId"]
    )


async def set_review_hidden(
    *, cache: CatalogCache, actor_id: int, review_id: int, hidden: bool, reason: str = ""
) -> ReviewData:
    """Staff hide (or show again) a review. Doing it twice changes nothing the second time;
    the product's summary moves exactly once per real change."""
    problems = v.Problems()
    reason = v.text(problems, reason, path=["reason"], max_length=HIDE_REASON_MAX)
    problems.raise_if_any()
    changed = 0
    async with in_transaction():
        # Rating and product never change, so reading them before the guarded UPDATE is safe.
        row = await Review.filter(id=review_id).first().values("product_id", "rating")
        if row is None:
            raise not_found("Review", ["id"])
        now = datetime.now(UTC)
        changed = await Review.filter(id=review_id, is_hidden=not hidden).update(
            is_hidden=hidden,
            hidden_at=now if hidden else None,
            hidden_by_id=actor_id if hidden else None,
            hidden_reason=reason if hidden else "",
            updated_at=now,
        )
        if changed:
            sign = -1 if hidden else 1
            await _move_summary(row["product_id"], count=sign, total=sign * row["rating"])
            await audit.record(
                actor_id=actor_id,
                action="review.hide" if hidden else "review.unhide",
                entity_type="review",
                entity_id=review_id,
                changes={"isHidden": [not hidden, hidden], "reason": reason},
            )
    if changed:
        await cache.invalidate(product_ids=[row["product_id"]])
    (review,) = await reviews_by_ids([review_id])
    assert review is not None
    return review


# --- reading ------------------------------------------------------------------------------------


async def reviews_by_ids(ids: Sequence[int]) -> list[ReviewData | None]:
    unique = sorted(set(ids))
    if not unique:
        return [None for _ in ids]
    rows = await sql.fetch(
        f"SELECT {_COLUMNS} FROM review r JOIN {_USER} u ON u.id = r.user_id "  # noqa: S608
        f"WHERE r.id IN ({sql.placeholders(1, len(unique))})",
        unique,
    )
    found = {row["id"]: _review(row) for row in rows}
    return [found.get(i) for i in ids]


async def reviews_by_order_lines(line_ids: Sequence[int]) -> list[ReviewData | None]:
    unique = sorted(set(line_ids))
    if not unique:
        return [None for _ in line_ids]
    rows = await sql.fetch(
        f"SELECT {_COLUMNS} FROM review r JOIN {_USER} u ON u.id = r.user_id "  # noqa: S608
        f"WHERE r.order_line_id IN ({sql.placeholders(1, len(unique))})",
        unique,
    )
    found = {row["order_line_id"]: _review(row) for row in rows}
    return [found.get(i) for i in line_ids]


# (product id, page size, cursor or None, hidden ones too)
ReviewPageKey = tuple[int, int, str | None, bool]


def check_review_page(first: int | None, after: str | None) -> tuple[int, int | None]:
    """The page size and the id after which it starts; BAD_USER_INPUT-worthy errors raise."""
    size = check_page_size(first)
    if not after:
        return size, None
    (before_id,) = decode_cursor(after, REVIEW_KEYS)
    if not isinstance(before_id, int) or isinstance(before_id, bool):
        raise InvalidPageRequest("Invalid cursor", field="after")
    return size, before_id


async def review_pages(keys: Sequence[ReviewPageKey]) -> list[Page[ReviewData]]:
    """For the DataLoader: each key's page. Every first page of the same size and visibility
    comes from one statement whatever the number of products; a later page (a cursor) is one
    statement of its own, as only one product's list is ever scrolled at a time."""
    pages: dict[ReviewPageKey, Page[ReviewData]] = {}
    first_pages: dict[tuple[int, bool], list[int]] = {}
    for key in set(keys):
        product_id, first, after, hidden_too = key
        if after is None:
            first_pages.setdefault((first, hidden_too), []).append(product_id)
        else:
            size, before_id = check_review_page(first, after)
            assert before_id is not None
            rows = await _later_page(product_id, size, before_id, hidden_too)
            pages[key] = _page(rows, size, has_previous=True)
    for (first, hidden_too), product_ids in first_pages.items():
        size, _ = check_review_page(first, None)
        grouped = await _first_pages(sorted(product_ids), size, hidden_too)
        for product_id in product_ids:
            pages[(product_id, first, None, hidden_too)] = _page(
                grouped.get(product_id, []), size, has_previous=False
            )
    return [pages[key] for key in keys]


def _page(rows: list[ReviewData], size: int, *, has_previous: bool) -> Page[ReviewData]:
    shown = rows[:size]
    return Page(
        rows=shown,
        cursors=[encode_cursor(r, REVIEW_KEYS) for r in shown],
        has_next_page=len(rows) > size,
        has_previous_page=has_previous,
    )


def _visibility(hidden_too: bool) -> str:
    return "" if hidden_too else "AND r.is_hidden = false "


async def _later_page(
    product_id: int, size: int, before_id: int, hidden_too: bool
) -> list[ReviewData]:
    """Up to `size + 1` reviews of one product older than the cursor's."""
    rows = await sql.fetch(
        f"SELECT {_COLUMNS} FROM review r JOIN {_USER} u ON u.id = r.user_id "  # noqa: S608
        f"WHERE r.product_id = $1 AND r.id < $2 {_visibility(hidden_too)}"
        "ORDER BY r.id DESC LIMIT $3",
        [product_id, before_id, size + 1],
    )
    return [_review(row) for row in rows]


async def _first_pages(
    product_ids: list[int], size: int, hidden_too: bool
) -> dict[int, list[ReviewData]]:
    """Up to `size + 1` newest reviews of each product, in one statement."""
    if sql.is_postgres():
        # One index range scan per product, stopping after size + 1 rows.
        statement = (
            f"SELECT {_COLUMNS} FROM unnest($1::bigint[]) AS p(id) "  # noqa: S608
            "CROSS JOIN LATERAL (SELECT * FROM review r WHERE r.product_id = p.id "
            f"{_visibility(hidden_too)}ORDER BY r.id DESC LIMIT $2) r "
            f"JOIN {_USER} u ON u.id = r.user_id ORDER BY r.product_id, r.id DESC"
        )
        rows = await sql.fetch(statement, [product_ids, size + 1])
    else:
        statement = (
            "SELECT * FROM (SELECT "  # noqa: S608
            f"{_COLUMNS}, ROW_NUMBER() OVER (PARTITION BY r.product_id ORDER BY r.id DESC) AS n "
            f"FROM review r JOIN {_USER} u ON u.id = r.user_id "
            f"WHERE r.product_id IN ({sql.placeholders(2, len(product_ids))}) "
            f"{_visibility(hidden_too)}) AS ranked WHERE n <= $1 ORDER BY product_id, id DESC"
        )
        rows = await sql.fetch(statement, [size + 1, *product_ids])
    grouped: dict[int, list[ReviewData]] = {}
    for row in rows:
        grouped.setdefault(row["product_id"], []).append(_review(row))
    return grouped
