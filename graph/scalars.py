"""Money and time as the API shows them.

Money is never a float: `{amount: "12.50", currency: "CNY"}`, the amount a decimal string
with exactly two places. Datetimes are ISO-8601 in UTC with a `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

import strawberry

from resolvers.core.times import utc_text

DEFAULT_CURRENCY = "CNY"
CENT = Decimal("0.01")


@strawberry.type(description='An amount of money, e.g. {amount: "12.50", currency: "CNY"}.')
class Money:
    amount: str = strawberry.field(description="Decimal string with two places; never a float.")
    currency: str = strawberry.field(description="ISO 4217 code.")

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str = DEFAULT_CURRENCY) -> Money:
        if type(amount) is Decimal:
            # Money columns are NUMERIC(12, 2): such a decimal's own text is already the
            # answer ("12.50", never in exponent form), without rounding and formatting,
            # which a listing would pay twice per product. Exponent form never has "."
            # third from the end, so anything else takes the general path.
            text = str(amount)
            if text[-3:-2] == ".":
                return cls(amount=text, currency=currency)
        value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
        return cls(amount=f"{value:.2f}", currency=currency)

    @classmethod
    def of_decimal_text(cls, text: str, currency: str = DEFAULT_CURRENCY) -> Money:
        """`of(Decimal(text))` for the text of a decimal (`str(Decimal)`, or PostgreSQL's
        NUMERIC output, which is written the same way), without parsing it when it has two
        places already (a listing row's prices, read as text)."""
        if text[-3:-2] == ".":
            return cls(amount=text, currency=currency)
        return cls.of(Decimal(text), currency)


# Written by one function for the scalar and for the texts some snapshots keep ready.
_serialize_datetime = utc_text


def _parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO-8601 string")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs a time zone (e.g. 2026-11-23T08:00:00Z)")
    return parsed.astimezone(UTC)


DateTimeUTC = strawberry.scalar(
    name="DateTime",
    description="ISO-8601 date and time in UTC, e.g. 2026-11-23T08:00:00Z.",
    serialize=_serialize_datetime,
    parse_value=_parse_datetime,
)

SCALAR_OVERRIDES = {datetime: DateTimeUTC}
