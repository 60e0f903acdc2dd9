"""Errors a service raises; graph/ turns them into payload errors or top-level errors."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum


class DomainError(Exception):
    """A rule of the business said no. Becomes an entry of the payload's `errors` list.

    `code` is a member of the domain's error-code enum (e.g. `AccountErrorCode.NOT_FOUND`);
    `field` is the path of the input that caused it, as the client sent it (camelCase).
    """

    def __init__(self, code: Enum, message: str, *, field: Sequence[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = list(field) if field is not None else None

    def __repr__(self) -> str:
        return f"DomainError({self.code!s}, {self.message!r}, field={self.field!r})"


class DomainErrors(Exception):
    """Several rule violations found at once (e.g. every short line of an order)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)


class RateLimited(Exception):
    """Too many attempts; becomes a top-level RATE_LIMITED error with a retry hint."""

    def __init__(self, retry_after_seconds: float, message: str = "Too many requests") -> None:
        super().__init__(message)
        self.retry_after_seconds = max(0.0, retry_after_seconds)
        self.message = message


class Unauthenticated(Exception):
    """The caller must log in (or their token is no longer valid)."""


class Forbidden(Exception):
    """The caller is known but their role does not allow this."""


class SubscriptionEnded(Exception):
    """The server ended a live subscription; the client should subscribe again.

    `reason`: SLOW_CONSUMER (it stopped reading and its bounded queue filled up),
    UNAVAILABLE (pub/sub could not be reached), SHUTDOWN (the process is stopping).
    """

    MESSAGES = {  # noqa: RUF012
        "SLOW_CONSUMER": "You stopped reading updates; subscribe again",
        "UNAVAILABLE": "Live updates are unavailable right now; subscribe again shortly",
        "SHUTDOWN": "The server is restarting; subscribe again",
    }

    def __init__(self, reason: str) -> None:
        super().__init__(self.MESSAGES.get(reason, "The subscription ended; subscribe again"))
        self.reason = reason
