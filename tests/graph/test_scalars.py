"""Money and DateTime as the API shows them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

import pytest

from graph.scalars import CENT, Money, _serialize_datetime


def _rounded(amount: Decimal | int | str) -> str:
    return f"{Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("12.50"),  # what NUMERIC(12, 2) columns give: taken as it is
        Decimal("-0.00"),
        Decimal("0E-2"),
        Decimal("9999999999.99"),
        Decimal("1.005"),  # everything else is rounded half up to two places
        Decimal("1.5"),
        Decimal("7"),
        Decimal("1E+3"),
        Decimal("1.23E+5"),
        Decimal("1.2E-7"),
        "3.335",
        12,
    ],
)
def test_money_is_two_places_rounded_half_up(amount):
    money = Money.of(amount)

    assert money.amount == _rounded(amount)
    assert money.currency == "CNY"
    # A decimal's own text (a listing row's prices) gives the same money.
    assert Money.of_decimal_text(str(Decimal(amount)), "USD") == Money(
        amount=_rounded(amount), currency="USD"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (datetime(2026, 11, 23, 8, 0, 1, 250, tzinfo=UTC), "2026-11-23T08:00:01.000250Z"),
        (
            datetime(2026, 11, 23, 16, 0, tzinfo=timezone(timedelta(hours=8))),
            "2026-11-23T08:00:00Z",
        ),
        (datetime(2026, 11, 23, 8, 0), "2026-11-23T08:00:00Z"),  # naive: taken as UTC
    ],
)
def test_datetimes_are_utc_with_a_z(value, text):
    assert _serialize_datetime(value) == text


@pytest.mark.parametrize(
    "value",
    [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 11, 23, 8, 0, 0, 1, tzinfo=UTC),
        datetime(2026, 11, 23, 8, 0, 0, 100000, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    ],
)
def test_datetimes_read_as_isoformat_would_write_them(value):
    class Moment(datetime):  # a subclass takes another path to the same text
        pass

    subclassed = Moment.fromisoformat(value.isoformat())

    assert _serialize_datetime(value) == value.isoformat().replace("+00:00", "Z")
    assert _serialize_datetime(subclassed) == _serialize_datetime(value)
