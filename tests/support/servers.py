"""Run an ASGI app on a real 127.0.0.1 port inside the test event loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import uvicorn
from starlette.types import ASGIApp


@contextlib.asynccontextmanager
async def serve_app(app: ASGIApp, *, lifespan: str = "on") -> AsyncIterator[str]:
    """Serve `app` on a free port and yield its base URL (http://127.0.0.1:PORT)."""
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan=lifespan,
        log_config=None,
        access_log=False,
        ws="websockets-sansio",
        ws_ping_interval=None,
    )
    server = uvicorn.Server(config)
    # The test process owns its signals; uvicorn must not take over Ctrl-C.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises what made startup fail
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
