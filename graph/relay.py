"""Relay connections and global IDs.

Every list is a connection capped at 100 items per page; IDs are global and opaque
(`base64("Type:pk")`), decoded here so resolvers receive plain primary keys.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from graph.errors import BadUserInput
from resolvers.core.pagination import Page

NodeT = TypeVar("NodeT")
RowT = TypeVar("RowT")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[NodeT]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, page: Page, build: Callable[[RowT], NodeT]) -> Connection[NodeT]:
        edges = [
            Edge(cursor=cursor, node=build(row))
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )


def decode_id(global_id: relay.GlobalID | str, *, expected: type | str, field: str) -> int:
    """The primary key inside a global ID of the expected type, or BAD_USER_INPUT."""
    type_name = expected if isinstance(expected, str) else expected.__name__
    try:
        gid = (
            global_id
            if isinstance(global_id, relay.GlobalID)
            else relay.GlobalID.from_id(global_id)
        )
        if gid.type_name != type_name:
            raise ValueError("wrong type")
        return int(gid.node_id)
    except (ValueError, TypeError) as exc:
        raise BadUserInput(f"Not a valid {type_name} ID", field=[field]) from exc
