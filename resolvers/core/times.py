"""Datetimes as the API writes them: RFC 3339 in UTC with a `Z`, microseconds only when
there are some (`2026-11-23T08:00:00Z`, `2026-11-23T08:00:00.250000Z`).

The DateTime scalar (graph/scalars.py) writes every datetime with `utc_text`; snapshots
that keep the text ready for the API (resolvers/catalog/data.py) use it too, and the
product listing has PostgreSQL write the same text (resolvers/catalog/listing.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson


def utc_text(value: datetime) -> str:
    tz = value.tzinfo
    if tz is None:
        value = value.replace(tzinfo=UTC)
    elif tz is not UTC:  # the database's datetimes are in UTC already
        value = value.astimezone(UTC)
    if type(value) is datetime:
        # The same RFC 3339 text as isoformat's (microseconds only when there are some),
        # in a third of the time: a listing writes one or two per product.
        return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()
    return value.isoformat().replace("+00:00", "Z")  # a subclass, which orjson refuses
