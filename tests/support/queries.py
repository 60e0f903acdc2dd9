"""Tortoise logs every SQL statement at DEBUG; count them to guard against N+1."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

_NOT_SQL = ("Created connection pool", "Closed connection pool")


class QueryLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(_NOT_SQL):
            self.statements.append(message)

    @property
    def count(self) -> int:
        return len(self.statements)


@contextlib.contextmanager
def capture_queries() -> Iterator[QueryLog]:
    logger = logging.getLogger("tortoise.db_client")
    handler = QueryLog()
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
