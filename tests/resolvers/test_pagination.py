"""Keyset pagination: stable pages, opaque cursors, the 100 cap."""

from __future__ import annotations

import pytest

from models import Role, User
from resolvers.core.pagination import Cursors, InvalidPageRequest, SortKey, encode_cursor, paginate

BY_NEWEST = [SortKey("created_at", descending=True), SortKey("id", descending=True)]
BY_NAME = [SortKey("nickname"), SortKey("id")]


@pytest.fixture
async def users(app_server):
    # Equal nicknames on purpose: the id breaks ties so no row is skipped or repeated.
    return [await User.create(role=Role.CUSTOMER, nickname=f"n{i // 2}") for i in range(7)]


async def test_pages_cover_every_row_once(users):
    seen, after = [], None
    while True:
        page = await paginate(User.all(), first=3, after=after, keys=BY_NAME)
        seen += [u.id for u in page.rows]
        if not page.has_next_page:
            break
        after = page.cursors[-1]

    assert seen == [u.id for u in sorted(users, key=lambda u: (u.nickname, u.id))]


async def test_descending_order(users):
    page = await paginate(User.all(), first=100, after=None, keys=BY_NEWEST)

    assert [u.id for u in page.rows] == sorted((u.id for u in users), reverse=True)
    assert page.has_next_page is False and page.has_previous_page is False


async def test_rows_inserted_while_paging_do_not_shift_the_next_page(users):
    first = await paginate(User.all(), first=3, after=None, keys=BY_NAME)
    await User.create(role=Role.CUSTOMER, nickname="a-first-alphabetically")

    second = await paginate(User.all(), first=3, after=first.cursors[-1], keys=BY_NAME)

    assert not {u.id for u in first.rows} & {u.id for u in second.rows}
    assert second.has_previous_page is True


@pytest.mark.parametrize("first", [-1, 101])
async def test_first_is_capped(users, first):
    with pytest.raises(InvalidPageRequest) as raised:
        await paginate(User.all(), first=first, after=None, keys=BY_NAME)

    assert raised.value.field == "first"


def _cursor(values: list) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "W1sidiIsMV1d",
        "eyJ4IjoxfQ",
        _cursor([["v", "x"], ["v", "y"]]),  # an id that is not a number
        _cursor([["v", "x"], ["v", 2**70]]),  # an id no BIGINT holds
        _cursor([["v", "x"], ["v", True]]),
        _cursor([["dt", 5], ["v", 1]]),  # a datetime that is not text
        _cursor([["v", ["nested"]], ["v", 1]]),
        _cursor([["dec", "NaN"], ["v", 1]]),
    ],
)
async def test_bad_cursors_are_refused(users, cursor):
    with pytest.raises(InvalidPageRequest) as raised:
        await paginate(User.all(), first=3, after=cursor, keys=BY_NAME)

    assert raised.value.field == "after"


async def test_lazy_cursors_are_the_cursors_a_page_would_encode(users):
    page = await paginate(User.all(), first=5, after=None, keys=BY_NAME)

    cursors = Cursors(page.rows, BY_NAME)

    assert len(cursors) == 5
    assert list(cursors) == [encode_cursor(u, BY_NAME) for u in page.rows] == list(page.cursors)
    assert cursors[-1] == page.cursors[-1] and cursors[1:3] == list(page.cursors[1:3])
    # and they page on exactly like eager ones
    after = await paginate(User.all(), first=5, after=cursors[-1], keys=BY_NAME)
    assert [u.id for u in after.rows] == [
        u.id for u in sorted(users, key=lambda u: (u.nickname, u.id))
    ][5:]
