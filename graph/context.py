"""The per-request (per-socket, for WebSocket) context resolvers receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

import strawberry
from starlette.requests import HTTPConnection

from graph.loaders import Loaders
from resolvers.accounts.tokens import AccessClaims
from resolvers.core.errors import Forbidden, Unauthenticated
from resolvers.core.state import AppState


@dataclass
class Context:
    request: HTTPConnection
    response: Any
    state: AppState
    claims: AccessClaims | None = None
    # graphql-transport-ws puts the `connection_init` payload here.
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(default_factory=Loaders)
    # A resolver sets this when its answer depends on live data (stock) or on the viewer in
    # a way the selected fields do not show; graph/response_cache.py then stores nothing.
    uncacheable: bool = False

    @cached_property
    def client_ip(self) -> str:
        # Behind a proxy, uvicorn's --proxy-headers already put the real address here.
        client = self.request.client
        return client.host if client else "unknown"

    def require_user(self) -> AccessClaims:
        if self.claims is None:
            raise Unauthenticated("Log in first")
        # A WebSocket outlives the token it was opened with; each subscription checks.
        if self.claims.expires_at <= datetime.now(UTC):
            raise Unauthenticated("Your access token expired; reconnect with a fresh one")
        return self.claims

    def require_staff(self) -> AccessClaims:
        claims = self.require_user()
        if not claims.is_staff:
            raise Forbidden("Staff only")
        return claims


Info = strawberry.Info[Context, None]
