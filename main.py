"""Microstore: the app factory and the command line.

python main.py serve        # HTTP + WebSocket on settings.host:port
python main.py worker       # timers, republishers, reconcilers
python main.py migrate      # apply aerich migrations for the configured database
python main.py seed         # demo data (idempotent)
python main.py createadmin  # create or reset a staff administrator (--role STAFF / COURIER)
python main.py export-schema
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import getpass
import logging
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import uvicorn
from aerich import Command
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute
from tortoise import Tortoise, connections
from tortoise.contrib.starlette import RegisterTortoise

from graph.devtools import dev_routes
from graph.graphiql import STATIC_URL, graphiql_static_app
from graph.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from graph.schema import MicrostoreSchema, build_schema, export_sdl
from graph.track import track_routes
from graph.view import GraphQLView
from graph.webhooks import payment_routes
from models import Role
from resolvers.accounts.service import create_staff
from resolvers.campaigns.batch_writer import FlashOrderWriter
from resolvers.campaigns.gate import FlashSaleGate
from resolvers.campaigns.orders import register as register_campaigns
from resolvers.campaigns.purchase import record_single
from resolvers.core.db import migrations_location, tortoise_config
from resolvers.core.errors import DomainError
from resolvers.core.logs import configure_logging
from resolvers.core.redis import create_broadcast, create_redis
from resolvers.core.state import AppState
from resolvers.core.worker import run_jobs
from resolvers.jobs import JOBS
from resolvers.orders.batching import OrderWriter
from resolvers.orders.service import place_one
from resolvers.payments.providers.registry import PaymentProviders
from resolvers.payments.service import install_close_gates
from resolvers.seed import load_demo_data
from settings import BASE_DIR, Settings, get_settings

logger = logging.getLogger("microstore")

SCHEMA_FILE = BASE_DIR / "schema.graphql"

LOGIN_HELP = """
Demo data is ready. Open {url} (GraphiQL) and log in:

  staff admin   mutation {{ staffLogin(input: {{username: "admin", password: "microstore-admin"}})
                  {{ tokens {{ accessToken }} errors {{ code message }} }} }}
  shopper       mutation {{ wechatLogin(input: {{code: "demo-customer"}})
                  {{ tokens {{ accessToken }} errors {{ code message }} }} }}
  courier       mutation {{ staffLogin(input: {{username: "rider", password: "microstore-rider"}})
                  {{ tokens {{ accessToken }} errors {{ code message }} }} }}

Then put {{"Authorization": "Bearer <accessToken>"}} in GraphiQL's Headers pane.

"""


def create_state(settings: Settings) -> AppState:
    # Campaigns plug into orders' pricing pipeline; every process handling orders needs them.
    register_campaigns()
    redis = create_redis(settings)
    state = AppState(
        settings=settings,
        redis=redis,
        http=httpx.AsyncClient(timeout=httpx.Timeout(10.0), follow_redirects=False),
        broadcast=create_broadcast(settings, redis),
    )
    # Domain services: wired here so that resolvers/core never imports a domain.
    state.payments = PaymentProviders.from_settings(settings)
    state.flash_sales = FlashSaleGate(state.redis, state.keys, state.scripts, settings)
    state.flash_orders = FlashOrderWriter(state, single=record_single)
    state.order_writer = OrderWriter(state, single=place_one)
    return state


def create_app(
    settings: Settings | None = None, *, schema: MicrostoreSchema | None = None
) -> Starlette:
    """The app; `schema` replaces the built one (tests that serve fields of their own)."""
    settings = settings or get_settings()
    settings.check_production_ready()
    state = create_state(settings)
    view = GraphQLView(schema or build_schema(settings), state=state)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with RegisterTortoise(app, config=tortoise_config(settings)):
            await state.start()
            install_close_gates(state)
            # What start-up built (schema, parsed-query caches, modules) lives as long as
            # the process; frozen, a full garbage collection only scans what requests
            # create: ~65 ms pauses under load become ~0 (they were the latency tail).
            gc.freeze()
            stop = asyncio.Event()
            worker = None
            if settings.embedded_worker:
                worker = asyncio.create_task(run_jobs(state, JOBS, stop), name="embedded-worker")
            try:
                yield
            finally:
                stop.set()
                if worker is not None:
                    await worker
                await state.aclose()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, str] = {}
        try:
            await connections.get("default").execute_query("SELECT 1")
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            await state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse(
            {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
        )

    routes = [
        Route("/graphql", view, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", view),
        *track_routes(),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        *payment_routes(),
    ]
    if settings.graphiql:
        routes.append(Mount(STATIC_URL, app=graphiql_static_app(), name="graphiql-static"))
    if not settings.is_production:
        routes += dev_routes()

    middleware = [
        Middleware(RequestContextMiddleware),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                expose_headers=["x-request-id"],
                max_age=600,
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.microstore = state
    return app


def app_factory() -> Starlette:
    """What `serve` hands uvicorn: each worker process configures its own logging."""
    settings = get_settings()
    configure_logging(level=settings.log_level, json_output=settings.log_json)
    return create_app(settings)


# --- command line ---------------------------------------------------------------------------


async def migrate(settings: Settings) -> list[str]:
    async with Command(
        tortoise_config=tortoise_config(settings),
        app="models",
        location=migrations_location(settings),
    ) as command:
        await command.init()
        return await command.upgrade(run_in_transaction=True)


async def _with_orm(settings: Settings, work: object) -> None:
    await Tortoise.init(config=tortoise_config(settings))
    try:
        await work  # type: ignore[misc]
    finally:
        await Tortoise.close_connections()


async def seed(settings: Settings) -> None:
    await _with_orm(settings, load_demo_data(settings=settings))


async def create_admin(
    settings: Settings, username: str, password: str, role: Role = Role.ADMIN
) -> None:
    async def work() -> None:
        user = await create_staff(
            username=username,
            password=password,
            min_password_length=settings.password_min_length,
            role=role,
        )
        logger.info("%s account ready: %s (id %s)", user.role, user.username, user.id)

    await _with_orm(settings, work())


async def run_worker(settings: Settings) -> None:
    state = create_state(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await Tortoise.init(config=tortoise_config(settings))
    await state.start()
    install_close_gates(state)
    try:
        await run_jobs(state, JOBS, stop)
    finally:
        await Tortoise.close_connections()
        await state.aclose()


def serve(settings: Settings, *, workers: int) -> None:
    uvicorn.run(
        "main:app_factory",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_config=None,  # ours, configured below, in every worker process
        access_log=False,
        proxy_headers=True,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        # Our WebSocket messages are small JSON; per-message deflate would keep a zlib
        # compressor per socket (~40 KiB of an idle subscriber's ~95, bench/subscriptions).
        ws_per_message_deflate=False,
    )


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise SystemExit("passwords differ")
    return first


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="main.py", description="Microstore")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_cmd = commands.add_parser("serve", help="serve HTTP and WebSocket")
    serve_cmd.add_argument("--workers", type=int, default=None)
    commands.add_parser("worker", help="run timers and background jobs")
    commands.add_parser("migrate", help="apply database migrations")
    commands.add_parser("seed", help="load demo data (idempotent)")
    admin_cmd = commands.add_parser("createadmin", help="create or reset a staff admin")
    admin_cmd.add_argument("--username", default="admin")
    admin_cmd.add_argument("--password-stdin", action="store_true")
    admin_cmd.add_argument(
        "--role", choices=["ADMIN", "STAFF", "COURIER"], default="ADMIN", help="default ADMIN"
    )
    export_cmd = commands.add_parser("export-schema", help="write schema.graphql")
    export_cmd.add_argument("--output", type=Path, default=SCHEMA_FILE)
    args = parser.parse_args(argv)

    settings = get_settings()
    configure_logging(level=settings.log_level, json_output=settings.log_json)

    if args.command == "serve":
        settings.check_production_ready()
        serve(settings, workers=args.workers or settings.web_concurrency)
    elif args.command == "worker":
        settings.check_production_ready()
        asyncio.run(run_worker(settings))
    elif args.command == "migrate":
        applied = asyncio.run(migrate(settings))
        logger.info("migrations applied: %s", ", ".join(applied) or "none, already current")
    elif args.command == "seed":
        asyncio.run(seed(settings))
        sys.stdout.write(LOGIN_HELP.format(url=f"http://{settings.host}:{settings.port}/graphql"))
    elif args.command == "createadmin":
        try:
            asyncio.run(
                create_admin(settings, args.username, _read_password(args), Role(args.role))
            )
        except DomainError as exc:
            raise SystemExit(f"createadmin: {exc.message}") from None
    elif args.command == "export-schema":
        args.output.write_text(export_sdl(), encoding="utf-8")
        logger.info("schema written to %s", args.output)


if __name__ == "__main__":
    main()
