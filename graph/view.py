"""The /graphql endpoint: HTTP (POST, GET for queries), WebSocket (graphql-transport-ws).

On top of Strawberry's ASGI view it adds what a public shop endpoint needs:

* authentication from `Authorization: Bearer` (HTTP) or the `connection_init` payload (WS);
* automatic persisted queries (the query text stored in Redis under its sha256), which
  also keeps mini-program requests small and GET-cacheable;
* GraphQL-over-HTTP: `application/graphql-response+json` when the client asks for it;
* JSON error bodies with a stable `extensions.code` for every request-level failure.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from graph.context import Context
from graph.errors import ErrorCode, error_body
from graph.graphiql import graphiql_response
from graph.websocket import TextWebSocketAdapter, TransportWSHandler
from resolvers.accounts.service import check_session
from resolvers.accounts.tokens import AccessClaims, decode_access_token
from resolvers.core.errors import RateLimited, Unauthenticated
from resolvers.core.ratelimit import Limit
from resolvers.core.state import AppState

logger = logging.getLogger(__name__)

JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
SHA256_HEX_LENGTH = 64
APQ_REGISTRATIONS_PER_IP = Limit("apq-register", burst=60, period_seconds=60)


class RequestRejected(Exception):
    """Stop handling an HTTP request and answer with this GraphQL error body."""

    def __init__(
        self, status: int, code: ErrorCode, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def _bearer_token(value: str | None) -> str | None:
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("Authorization must be `Bearer <access token>`")
    return token.strip()


def _wants_graphql_response_json(accept: str) -> bool:
    # The GraphQL-over-HTTP media type, when listed, is preferred over application/json.
    return GRAPHQL_RESPONSE_JSON in accept


class _PersistedQueryCache:
    """Process-local LRU in front of Redis. A hash names one text forever, so a local copy
    can never be stale; it saves a Redis round trip on every persisted request."""

    def __init__(self, maxsize: int) -> None:
        self._items: OrderedDict[str, str] = OrderedDict()
        self._maxsize = maxsize

    def get(self, digest: str) -> str | None:
        query = self._items.get(digest)
        if query is not None:
            self._items.move_to_end(digest)
        return query

    def put(self, digest: str, query: str) -> None:
        self._items[digest] = query
        self._items.move_to_end(digest)
        while len(self._items) > self._maxsize:
            self._items.popitem(last=False)


class GraphQLView(GraphQL):
    websocket_adapter_class = TextWebSocketAdapter  # type: ignore[assignment]
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(self, schema: Any, *, state: AppState) -> None:
        settings = state.settings
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            # graphql-transport-ws only: the legacy subscriptions-transport-ws protocol is
            # unmaintained and would bypass the checks in graph/websocket.py.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.realtime_max_subscriptions,
            allowed_origins=settings.ws_allowed_origins,
        )
        self.state = state
        self._persisted = _PersistedQueryCache(state.settings.parse_cache_size)

    # --- ASGI entry ---------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except RequestRejected as exc:
            response = self._error_response(request, exc.status, exc.code, exc.message, exc.headers)
        except RateLimited as exc:
            response = self._error_response(
                request,
                429,
                ErrorCode.RATE_LIMITED,
                exc.message,
                {"Retry-After": str(max(1, round(exc.retry_after_seconds)))},
            )
        except Unauthenticated as exc:
            response = self._error_response(
                request,
                401,
                ErrorCode.UNAUTHENTICATED,
                str(exc),
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        except HTTPException as exc:
            headers = {"Allow": "GET, POST"} if exc.status_code == 405 else {}
            response = self._error_response(
                request, exc.status_code, ErrorCode.BAD_USER_INPUT, exc.reason, headers
            )
        await response(scope, receive, send)

    def _error_response(
        self,
        request: Request,
        status: int,
        code: ErrorCode,
        message: str,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        media_type = (
            GRAPHQL_RESPONSE_JSON
            if _wants_graphql_response_json(request.headers.get("accept", ""))
            else JSON
        )
        return Response(
            orjson.dumps(error_body(code, message)),
            status_code=status,
            media_type=media_type,
            headers=dict(headers or {}),
        )

    # --- context and auth -----------------------------------------------------------------

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        claims: AccessClaims | None = None
        if isinstance(request, Request):
            token = _bearer_token(request.headers.get("authorization"))
            if token is not None:
                claims = decode_access_token(token, settings=self.state.settings)
                await check_session(state=self.state, claims=claims)
        return Context(request=request, response=response, state=self.state, claims=claims)

    async def on_ws_connect(self, context: Context) -> Any:
        """Authenticate a socket from its `connection_init` payload; a bad token is 4403.

        Each subscription checks these claims again when it starts (role, ownership, and
        expiry: graph.context.Context.require_user), and the socket closes with 4403 when
        the token expires (graph/websocket.py)."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization") or params.get("token")
        if raw is None:
            return await super().on_ws_connect(context)  # a visitor: public fields only
        if not isinstance(raw, str):
            raise ConnectionRejectionError()
        scheme, _, rest = raw.strip().partition(" ")
        token = rest.strip() if scheme.lower() == "bearer" else raw.strip()
        try:
            claims = decode_access_token(token, settings=self.state.settings)
            await check_session(state=self.state, claims=claims)
            context.claims = claims
        except Unauthenticated as exc:
            raise ConnectionRejectionError() from exc
        return await super().on_ws_connect(context)

    # --- request parsing and execution ----------------------------------------------------

    def decode_json(self, data: str | bytes) -> object:
        # orjson's error is a json.JSONDecodeError: Strawberry answers it with 400 over
        # HTTP and closes a socket with 4400.
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # Only browsers asking for HTML get GraphiQL; a persisted-query GET (no `query`,
        # `Accept: */*` from a mini-program) must reach execution.
        params = request.query_params
        return (
            request.method == "GET"
            and params.get("query") is None
            and params.get("extensions") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql_response()

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        wants_gql = _wants_graphql_response_json(request.headers.get("accept", ""))
        sub_response.media_type = GRAPHQL_RESPONSE_JSON if wants_gql else JSON
        return sub_response

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        query, register_digest = await self._resolve_persisted_query(request_data, context)
        if query is None:
            return ExecutionResult(
                data=None,
                errors=[
                    GraphQLError(
                        "PersistedQueryNotFound",
                        extensions={"code": str(ErrorCode.PERSISTED_QUERY_NOT_FOUND)},
                    )
                ],
            )
        allowed = {OperationType.QUERY} if method == "GET" else set(OperationType.from_http(method))
        try:
            result = await self.schema.execute_http(
                query,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
            )
            if register_digest and not _is_request_error(result):
                # Only text that parsed and validated is kept for everyone.
                await self._store_persisted_query(register_digest, query)
            return result
        except InvalidOperationTypeError as exc:
            if method == "GET":
                raise RequestRejected(
                    405,
                    ErrorCode.BAD_USER_INPUT,
                    "Only queries may be sent with GET; use POST",
                    {"Allow": "POST"},
                ) from exc
            raise RequestRejected(
                400, ErrorCode.BAD_USER_INPUT, exc.as_http_error_reason(method)
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise RequestRejected(
                400, ErrorCode.BAD_USER_INPUT, exc.as_http_error_reason()
            ) from exc
        except MissingQueryError as exc:
            raise RequestRejected(400, ErrorCode.BAD_USER_INPUT, "No GraphQL query found") from exc

    async def _resolve_persisted_query(
        self, request_data: GraphQLRequestData, context: Context
    ) -> tuple[str | None, str | None]:
        """The query text (None: hash unknown, ask for the text) and, when the client is
        registering a new persisted query, its digest.

        Apollo's protocol: the client first sends only the hash; on PERSISTED_QUERY_NOT_FOUND
        it sends hash and text, which we verify, execute, and then store for everyone.
        """
        persisted = (request_data.extensions or {}).get("persistedQuery")
        if not persisted:
            if request_data.query is None:
                raise RequestRejected(400, ErrorCode.BAD_USER_INPUT, "No GraphQL query found")
            return request_data.query, None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise RequestRejected(400, ErrorCode.BAD_USER_INPUT, "Unsupported persistedQuery")
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or len(digest) != SHA256_HEX_LENGTH:
            raise RequestRejected(400, ErrorCode.BAD_USER_INPUT, "persistedQuery needs sha256Hash")
        digest = digest.lower()
        if request_data.query is None:
            query = self._persisted.get(digest)
            if query is None:
                query = await self.state.redis.get(self.state.keys.persisted_query(digest))
                if query is not None:
                    self._persisted.put(digest, query)
            return query, None
        if hashlib.sha256(request_data.query.encode()).hexdigest() != digest:
            raise RequestRejected(
                400, ErrorCode.BAD_USER_INPUT, "provided sha does not match query"
            )
        if self._persisted.get(digest) is not None:
            return request_data.query, None  # already known here: nothing to register
        settings = self.state.settings
        if len(request_data.query.encode()) > settings.apq_max_query_bytes:
            raise RequestRejected(
                400,
                ErrorCode.BAD_USER_INPUT,
                f"Persisted queries are limited to {settings.apq_max_query_bytes} bytes; "
                "send this one without persistedQuery",
            )
        # Registering writes to the shared Redis: bounded per client address.
        await self.state.limiter.hit(APQ_REGISTRATIONS_PER_IP, context.client_ip)
        return request_data.query, digest

    async def _store_persisted_query(self, digest: str, query: str) -> None:
        key = self.state.keys.persisted_query(digest)
        await self.state.redis.set(key, query, ex=self.state.settings.apq_ttl_seconds)
        self._persisted.put(digest, query)

    # --- responses ------------------------------------------------------------------------

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        # GraphQL-over-HTTP: a request that never reached execution has no `data` at all.
        if result.data is None and result.errors and all(e.path is None for e in result.errors):
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or JSON
        status = sub_response.status_code or 200
        # With its own media type, a request error is a 400; application/json keeps 200.
        # An APQ miss stays 200 either way: clients treat it as "send the text", not a failure.
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and isinstance(response_data, dict)
            and "data" not in response_data
            and not _is_persisted_query_miss(response_data)
        ):
            status = 400
        response = Response(
            self.encode_json(response_data), status_code=status, media_type=media_type
        )
        response.headers.raw.extend(
            (k, v) for k, v in sub_response.headers.raw if k.lower() != b"content-type"
        )
        return response


def _is_request_error(result: ExecutionResult) -> bool:
    """Did the operation fail before execution (syntax, validation, limits)?"""
    return (
        result.data is None and bool(result.errors) and all(e.path is None for e in result.errors)
    )


def _is_persisted_query_miss(response_data: Mapping[str, Any]) -> bool:
    errors = response_data.get("errors") or []
    return any(
        (e.get("extensions") or {}).get("code") == ErrorCode.PERSISTED_QUERY_NOT_FOUND
        for e in errors
    )
