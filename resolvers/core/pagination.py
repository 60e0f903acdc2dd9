"""Keyset (cursor) pagination over Tortoise querysets.

Offsets get slower with every page and skip or repeat rows when rows are inserted while a
shopper scrolls; a keyset cursor ("after this sort value and this id") does neither. Cursors
are opaque to clients: base64 of the sort values of the last row they saw.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

import orjson
from tortoise import fields
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

M = TypeVar("M", bound=Model)


class InvalidPageRequest(ValueError):
    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class SortKey:
    """One column of the ordering; the last key must be unique (usually `id`)."""

    field: str
    descending: bool = False


@dataclass(frozen=True, slots=True)
class Page(Generic[M]):
    rows: list[M]
    cursors: Sequence[str]  # one per row: a list, or `Cursors` (encoded when read)
    has_next_page: bool
    has_previous_page: bool


def _encode_value(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if isinstance(value, Decimal):
        return ["dec", str(value)]
    if isinstance(value, bool | int | float | str):
        return ["v", value]
    return ["v", str(value)]


def _decode_value(item: Any) -> Any:
    if not isinstance(item, list) or len(item) != 2:
        raise ValueError("bad cursor item")
    tag, raw = item
    if tag == "dt":
        return datetime.fromisoformat(raw)
    if tag == "dec":
        return Decimal(raw)
    if tag == "v":
        return raw
    raise ValueError("bad cursor tag")


def encode_cursor(row: Model, keys: Sequence[SortKey]) -> str:
    values = [_encode_value(getattr(row, key.field)) for key in keys]
    # orjson: the same compact JSON as json.dumps (UTF-8 instead of \u escapes), several
    # times faster, and a query selecting `cursor` encodes one per edge.
    raw = orjson.dumps(values)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class Cursors(Sequence[str]):
    """The cursors of a page's rows, each encoded when read: most listing queries select
    no cursor, and encoding one per edge is a noticeable part of what a page costs."""

    __slots__ = ("_keys", "_rows")

    def __init__(self, rows: Sequence[Any], keys: Sequence[SortKey]) -> None:
        self._rows = rows
        self._keys = keys

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [encode_cursor(row, self._keys) for row in self._rows[index]]
        return encode_cursor(self._rows[index], self._keys)


def decode_cursor(cursor: str, keys: Sequence[SortKey]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("cursor does not match this ordering")
        return [_decode_value(v) for v in values]
    except (ValueError, TypeError, ArithmeticError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidPageRequest("Invalid cursor", field="after") from exc


_INTEGER_FIELDS = (fields.IntField, fields.BigIntField, fields.SmallIntField)
_TEXT_FIELDS = (fields.CharField, fields.TextField, fields.UUIDField)


def _check_cursor_types(model: type[Model], keys: Sequence[SortKey], values: list[Any]) -> None:
    """A cursor is client input: each value must fit its column, or the database (not the
    client) would be the one to complain, with a 500."""
    for key, value in zip(keys, values, strict=True):
        field = model._meta.fields_map.get(key.field)
        if isinstance(field, _INTEGER_FIELDS):
            ok = isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
        elif isinstance(field, fields.DatetimeField):
            ok = isinstance(value, datetime) and value.tzinfo is not None
        elif isinstance(field, fields.DecimalField):
            ok = isinstance(value, Decimal) and value.is_finite()
        elif isinstance(field, fields.FloatField):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
        elif isinstance(field, fields.BooleanField):
            ok = isinstance(value, bool)
        elif isinstance(field, _TEXT_FIELDS):
            ok = isinstance(value, str)
        else:
            ok = False  # an ordering on a column this check does not know: refuse, not guess
        if not ok:
            raise InvalidPageRequest("Invalid cursor", field="after")


def _after_filter(keys: Sequence[SortKey], values: list[Any]) -> Q:
    """(k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with > flipped for descending keys."""
    alternatives: list[Q] = []
    for i, key in enumerate(keys):
        op = "lt" if key.descending else "gt"
        equal_prefix = {keys[j].field: values[j] for j in range(i)}
        alternatives.append(Q(**equal_prefix, **{f"{key.field}__{op}": values[i]}))
    combined = alternatives[0]
    for alternative in alternatives[1:]:
        combined |= alternative
    return combined


def check_page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0 or size > MAX_PAGE_SIZE:
        raise InvalidPageRequest(f"`first` must be between 0 and {MAX_PAGE_SIZE}", field="first")
    return size


async def paginate(
    queryset: QuerySet[M],
    *,
    first: int | None,
    after: str | None,
    keys: Sequence[SortKey],
) -> Page[M]:
    size = check_page_size(first)
    if after:
        values = decode_cursor(after, keys)
        _check_cursor_types(queryset.model, keys, values)
        queryset = queryset.filter(_after_filter(keys, values))
    ordering = [f"-{k.field}" if k.descending else k.field for k in keys]
    rows = list(await queryset.order_by(*ordering).limit(size + 1))
    has_next = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        cursors=[encode_cursor(row, keys) for row in rows],
        has_next_page=has_next,
        has_previous_page=bool(after),
    )
