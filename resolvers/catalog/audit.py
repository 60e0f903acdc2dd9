"""Audit rows for staff changes: who, what, when, and each field's before and after."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from models import AuditLog

# Audit rows name fields as the API does (the input's camelCase path).
_CAMEL = {
    "category_id": "categoryId",
    "description_html": "descriptionHtml",
    "spec_groups": "specGroups",
    "compare_at_price": "compareAtPrice",
    "low_stock_threshold": "lowStockThreshold",
    "weight_grams": "weightGrams",
    "is_active": "isActive",
    "icon_url": "iconUrl",
    "sort_order": "sortOrder",
    "parent_id": "parentId",
}


def camel(name: str) -> str:
    """The API's name of a model field, e.g. compare_at_price -> compareAtPrice."""
    return _CAMEL.get(name, name)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields that changed."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if _plain(before.get(name)) != _plain(value)
    }


async def record(
    *,
    actor_id: int | None,
    action: str,
    entity_type: str,
    entity_id: int,
    changes: dict[str, Any],
) -> AuditLog:
    """Write the audit row in the caller's transaction, so it exists iff the change does."""
    return await AuditLog.create(
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=_plain(changes),
    )
