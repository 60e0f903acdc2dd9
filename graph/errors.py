"""Top-level error codes, payload errors, and the extension that stamps codes on errors.

Two kinds of errors reach a client:

* payload errors (`XxxPayload.errors`): a business rule said no. Each domain has its own
  `XxxError` type and code enum; `payload_errors()` builds them from a `DomainError`.
* top-level errors (`errors` beside `data`): authentication, permission, malformed
  requests, limits and bugs, each with a stable `extensions.code`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.relay.types import GlobalIDValueError

from resolvers.core.errors import (
    DomainError,
    DomainErrors,
    Forbidden,
    RateLimited,
    SubscriptionEnded,
    Unauthenticated,
)
from resolvers.core.pagination import InvalidPageRequest

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    RATE_LIMITED = "RATE_LIMITED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    # The server ended a subscription (extensions.reason says why); subscribe again.
    SUBSCRIPTION_ENDED = "SUBSCRIPTION_ENDED"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


MASKED_MESSAGE = "Internal server error"


class BadUserInput(Exception):
    """Input the schema accepted but the API cannot use (a malformed ID, `first` > 100)."""

    def __init__(self, message: str, *, field: list[str] | None = None) -> None:
        super().__init__(message)
        self.field = field


def error_body(code: ErrorCode, message: str, **extensions: Any) -> dict[str, Any]:
    """A GraphQL response with one request-level error, for answers given outside execution."""
    return {"errors": [{"message": message, "extensions": {"code": str(code), **extensions}}]}


def _classify(error: GraphQLError) -> tuple[ErrorCode, dict[str, Any]]:
    original = error.original_error
    # Unwrap errors graphql-core wrapped around ours (e.g. a GraphQLError whose cause is).
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    if isinstance(original, Unauthenticated):
        return ErrorCode.UNAUTHENTICATED, {}
    if isinstance(original, Forbidden):
        return ErrorCode.FORBIDDEN, {}
    if isinstance(original, RateLimited):
        return ErrorCode.RATE_LIMITED, {"retryAfter": round(original.retry_after_seconds, 3)}
    if isinstance(original, SubscriptionEnded):
        return ErrorCode.SUBSCRIPTION_ENDED, {"reason": original.reason}
    if isinstance(original, BadUserInput):
        return ErrorCode.BAD_USER_INPUT, {"field": original.field} if original.field else {}
    if isinstance(original, GlobalIDValueError):
        return ErrorCode.BAD_USER_INPUT, {}
    if isinstance(original, InvalidPageRequest):
        return ErrorCode.BAD_USER_INPUT, {"field": [original.field]}
    if isinstance(original, DomainError):
        # A resolver forgot to map it into its payload; still not a bug the client can't fix.
        return ErrorCode.BAD_USER_INPUT, {"reason": str(original.code), "field": original.field}
    if error.path is None:
        # Syntax, validation and variable-coercion errors: the request itself is wrong.
        return ErrorCode.BAD_USER_INPUT, {}
    return ErrorCode.INTERNAL_SERVER_ERROR, {}


def stamp_error(error: GraphQLError, *, show_details: bool) -> GraphQLError:
    """Give the error a stable `extensions.code`; mask it when it is a bug in production."""
    if error.extensions and "code" in error.extensions:
        return error
    code, extra = _classify(error)
    if code is not ErrorCode.INTERNAL_SERVER_ERROR:
        error.extensions = {**(error.extensions or {}), "code": str(code), **extra}
        return error
    extensions: dict[str, Any] = {"code": str(code)}
    if show_details and error.original_error is not None:
        exc = error.original_error
        extensions["exception"] = {
            "type": type(exc).__name__,
            "stacktrace": traceback.format_exception(exc)[-12:],
        }
        message = error.message
    else:
        message = MASKED_MESSAGE
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error if show_details else None,
        extensions=extensions,
    )


def stamp_result_errors(result: object, *, show_details: bool) -> None:
    """Stamp codes on every error of a result (HTTP and WebSocket alike)."""
    errors = getattr(result, "errors", None)
    if errors:
        result.errors = [stamp_error(e, show_details=show_details) for e in errors]  # type: ignore[attr-defined]


_EXPECTED_ERRORS = (
    Unauthenticated,
    Forbidden,
    RateLimited,
    BadUserInput,
    InvalidPageRequest,
    GlobalIDValueError,
    DomainError,
    DomainErrors,
    SubscriptionEnded,
    GraphQLError,
)


def log_unexpected_errors(errors: list[GraphQLError]) -> None:
    """Only bugs deserve a traceback in the log; a client's mistake is not our error."""
    for error in errors:
        original = error.original_error
        if error.path is None or original is None:
            continue
        if isinstance(original, _EXPECTED_ERRORS):
            continue
        logger.error("unexpected error in %s", ".".join(map(str, error.path)), exc_info=original)


# --- payload errors ---------------------------------------------------------------------------


@strawberry.interface(description="A business rule refused the input.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path of the input that caused the error, as the client sent it."
    )
    message: str


E = TypeVar("E")
P = TypeVar("P")
R = TypeVar("R")


def payload_errors(exc: DomainError | DomainErrors, error_type: Callable[..., E]) -> list[E]:
    errors = exc.errors if isinstance(exc, DomainErrors) else [exc]
    return [error_type(field=e.field, message=e.message, code=e.code) for e in errors]


async def run_mutation(
    call: Awaitable[R],
    *,
    payload: Callable[..., P],
    error: Callable[..., E],
    build: Callable[[R], P],
) -> P:
    """Await a service call; map its result with `build`, or its DomainError into `errors`."""
    try:
        result = await call
    except (DomainError, DomainErrors) as exc:
        return payload(errors=payload_errors(exc, error))
    return build(result)
