"""Batch loading by primary key, the shape DataLoaders need: one query for many ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)


async def load_by_ids(model: type[M], ids: Sequence[int]) -> list[M | None]:
    """Rows in the order of `ids`; None where a row does not exist."""
    rows = {row.pk: row for row in await model.filter(pk__in=list(set(ids)))}
    return [rows.get(i) for i in ids]
