"""Relay connections and global IDs.

Every list is a connection capped at 100 items per page; IDs are global and opaque
(`base64("Type:pk")`), decoded here so resolvers receive plain primary keys.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

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
        return cls.from_page_nodes(page, [build(row) for row in page.rows])

    @classmethod
    def from_page_nodes(cls, page: Page, nodes: Sequence[NodeT]) -> Connection[NodeT]:
        """`from_page` with the page's rows already made into nodes, one per row."""
        cursors = page.cursors
        if len(cursors) != len(page.rows) or len(nodes) != len(page.rows):
            raise ValueError("a page needs one cursor and one node per row")
        edges: list[Edge[NodeT]] = []
        for index, node in enumerate(nodes):
            # _PageEdge(node, cursors, index), without a Python call per edge.
            edge = _new(_PageEdge)
            edge.node = node
            edge._cursors = cursors
            edge._index = index
            edges.append(edge)
        return cls(edges=edges, page_info=_PagePageInfo(page))


_new = object.__new__


class _PageEdge(Edge):
    """An `Edge` of a page that reads its cursor from the page when asked: with lazily
    encoded cursors (resolvers/core/pagination.py `Cursors`), a query that selects no
    `cursor` encodes none. Still an `Edge`, and `cursor` still a plain attribute read.
    Slotted: no attribute dict per edge."""

    __slots__ = ("_cursors", "_index", "node")

    def __init__(self, node: Any, cursors: Sequence[str], index: int) -> None:
        self.node = node
        self._cursors = cursors
        self._index = index

    @property
    def cursor(self) -> str:  # type: ignore[override]
        return self._cursors[self._index]


class _PagePageInfo(PageInfo):
    """A `PageInfo` that encodes its cursors only when they are read (like `_PageEdge`)."""

    __slots__ = ("_page",)

    def __init__(self, page: Page) -> None:
        self._page = page

    @property
    def has_next_page(self) -> bool:  # type: ignore[override]
        return self._page.has_next_page

    @property
    def has_previous_page(self) -> bool:  # type: ignore[override]
        return self._page.has_previous_page

    @property
    def start_cursor(self) -> str | None:  # type: ignore[override]
        cursors = self._page.cursors
        return cursors[0] if cursors else None

    @property
    def end_cursor(self) -> str | None:  # type: ignore[override]
        cursors = self._page.cursors
        return cursors[-1] if cursors else None


# Primary keys are PostgreSQL BIGINTs: anything outside would fail in the driver (a 500).
MAX_PK = 2**63 - 1


def parse_pk(raw: str) -> int:
    """A primary key from the text inside a global ID; ValueError when it cannot be one."""
    if not raw.isdigit():  # no sign, no spaces, no "1.5", no "1e3"
        raise ValueError("not a primary key")
    pk = int(raw)
    if not 1 <= pk <= MAX_PK:
        raise ValueError("primary key out of range")
    return pk


def node_pks(node_ids: Iterable[str]) -> list[int]:
    """Primary keys for `resolve_nodes`; a malformed one is BAD_USER_INPUT, never a 500."""
    try:
        return [parse_pk(str(node_id)) for node_id in node_ids]
    except ValueError as exc:
        raise BadUserInput("Not a valid ID", field=["id"]) from exc


@functools.lru_cache(maxsize=4096)
def _pk_in(global_id: str, type_name: str) -> int | None:
    """`decode_id` of a global ID's text, remembered: shoppers send the same SKU, cart line
    and address IDs over and over. None when it is not one (`decode_id` then says why)."""
    try:
        gid = relay.GlobalID.from_id(global_id)
        return parse_pk(gid.node_id) if gid.type_name == type_name else None
    except (ValueError, TypeError):
        return None


def decode_id(
    global_id: relay.GlobalID | str, *, expected: type | str, field: str | list[str]
) -> int:
    """The primary key inside a global ID of the expected type, or BAD_USER_INPUT naming
    `field` (a name, or a list path such as ["lines", "0", "orderLineId"])."""
    type_name = expected if isinstance(expected, str) else expected.__name__
    if type(global_id) is str and (pk := _pk_in(global_id, type_name)) is not None:
        return pk
    try:
        gid = (
            global_id
            if isinstance(global_id, relay.GlobalID)
            else relay.GlobalID.from_id(global_id)
        )
        if gid.type_name != type_name:
            raise ValueError("wrong type")
        return parse_pk(gid.node_id)
    except (ValueError, TypeError) as exc:
        path = [field] if isinstance(field, str) else field
        raise BadUserInput(f"Not a valid {type_name} ID", field=path) from exc
