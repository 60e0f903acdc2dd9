"""Order and after-sale numbers: time-sortable and unguessable.

    20261123121537042 839104772615
    └─ UTC time to the ms ┘└ 12 random digits (~40 bits) ┘

Digits only (what shoppers read out on the phone and what WeChat Pay's out_trade_no
accepts), fixed length so text order is time order, and random enough that knowing one
number tells nothing about the next: guessing one needs ~10^12 tries per millisecond, and
another shopper's order is NOT_FOUND anyway.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

RANDOM_DIGITS = 12
NUMBER_LENGTH = 17 + RANDOM_DIGITS  # 29: room for a 3-character payment-attempt suffix


def new_number(now: datetime | None = None) -> str:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    # Formatted field by field: strftime builds a time tuple and asks the tzinfo again.
    return (
        f"{now.year:04d}{now.month:02d}{now.day:02d}{now.hour:02d}{now.minute:02d}"
        f"{now.second:02d}{now.microsecond // 1000:03d}"
        f"{secrets.randbelow(10**RANDOM_DIGITS):0{RANDOM_DIGITS}d}"
    )
