"""Categories: the two-level tree shoppers browse (cached) and staff changes to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from tortoise.transactions import in_transaction

from models import Category
from resolvers.catalog import audit
from resolvers.catalog import validation as v
from resolvers.catalog.cache import CatalogCache
from resolvers.catalog.data import CategoryData, dumps
from resolvers.catalog.errors import CatalogErrorCode, not_found


def _tree(rows: Sequence[Category], *, include_inactive: bool) -> list[CategoryData]:
    items = [CategoryData.from_model(r) for r in rows if include_inactive or r.is_active]
    for item in items:
        item.children = []
    by_id = {c.id: c for c in items}
    top: list[CategoryData] = []
    for item in sorted(items, key=lambda c: (c.sort_order, c.id)):
        if item.parent_id is None:
            top.append(item)
        elif (parent := by_id.get(item.parent_id)) is not None:
            parent.children.append(item)  # type: ignore[union-attr]
        # else: the parent is hidden, and so is its child
    return top


async def category_tree(
    *, cache: CatalogCache, include_inactive: bool = False
) -> list[CategoryData]:
    """The two-level tree in display order; shoppers get only active categories (cached)."""
    if include_inactive:
        return _tree(await Category.all(), include_inactive=True)

    async def load() -> str:
        tree = _tree(await Category.all(), include_inactive=False)
        return dumps([c.to_json() for c in tree])

    generation_key, value_key = cache.category_keys()
    body = await cache.fetch(
        generation_key=generation_key,
        value_key=value_key,
        ttl_seconds=cache.listing_ttl_seconds,
        load=load,
    )
    return [CategoryData.from_json(raw) for raw in orjson.loads(body)]


async def create_category(
    *,
    cache: CatalogCache,
    actor_id: int,
    name: str,
    parent_id: int | None = None,
    icon_url: str = "",
    sort_order: int = 0,
) -> Category:
    problems = v.Problems()
    name = v.text(problems, name, path=["name"], max_length=v.CATEGORY_NAME_MAX, required=True)
    icon_url = v.url(problems, icon_url, path=["iconUrl"], required=False)
    if parent_id is not None:
        parent = await Category.get_or_none(id=parent_id)
        if parent is None:
            problems.errors.append(not_found("Parent category", ["parentId"]))
        elif parent.parent_id is not None:
            problems.add(
                CatalogErrorCode.CATEGORY_TOO_DEEP, "Categories have two levels", ["parentId"]
            )
    problems.raise_if_any()
    async with in_transaction():
        category = await Category.create(
            name=name, parent_id=parent_id, icon_url=icon_url, sort_order=sort_order
        )
        await audit.record(
            actor_id=actor_id,
            action="category.create",
            entity_type="category",
            entity_id=category.id,
            changes=audit.diff(
                {},
                {"name": name, "parentId": parent_id, "iconUrl": icon_url, "sortOrder": sort_order},
            ),
        )
    await cache.invalidate(listings=True)
    return category


async def update_category(
    *, cache: CatalogCache, actor_id: int, category_id: int, changes: dict[str, Any]
) -> Category:
    """`changes` holds any of: name, icon_url, sort_order, is_active, parent_id."""
    problems = v.Problems()
    async with in_transaction():
        category = await Category.filter(id=category_id).select_for_update().first()
        if category is None:
            raise not_found("Category", ["id"])
        before = {k: getattr(category, k) for k in changes}
        if "name" in changes:
            changes["name"] = v.text(
                problems,
                changes["name"],
                path=["name"],
                max_length=v.CATEGORY_NAME_MAX,
                required=True,
            )
        if "icon_url" in changes:
            changes["icon_url"] = v.url(
                problems, changes["icon_url"], path=["iconUrl"], required=False
            )
        if changes.get("parent_id") is not None:
            parent = await Category.get_or_none(id=changes["parent_id"])
            if parent is None:
                problems.errors.append(not_found("Parent category", ["parentId"]))
            elif parent.id == category.id or parent.parent_id is not None:
                problems.add(
                    CatalogErrorCode.CATEGORY_TOO_DEEP, "Categories have two levels", ["parentId"]
                )
            elif await Category.exists(parent_id=category.id):
                problems.add(
                    CatalogErrorCode.CATEGORY_TOO_DEEP,
                    "A category with subcategories stays at the top level",
                    ["parentId"],
                )
        problems.raise_if_any()
        for name, value in changes.items():
            setattr(category, name, value)
        await category.save(update_fields=[*changes, "updated_at"])
        await audit.record(
            actor_id=actor_id,
            action="category.update",
            entity_type="category",
            entity_id=category.id,
            changes=audit.diff(before, changes),
        )
    await cache.invalidate(listings=True)
    return category
