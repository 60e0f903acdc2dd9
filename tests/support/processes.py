"""Web processes of their own: the app served by uvicorn in a subprocess, as in production."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def environment(settings: Settings, **extra: str) -> dict[str, str]:
    """Run against the session's database, Redis and key prefix, with its secret."""
    return {
        **os.environ,
        "ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "REDIS_PREFIX": settings.redis_prefix,
        "JWT_SECRET": settings.jwt_secret,
        "EMBEDDED_WORKER": "false",
        "LOG_LEVEL": "WARNING",
        "LOG_JSON": "false",
        **extra,
    }


@dataclass
class WebProcess:
    url: str
    pid: int


@contextlib.asynccontextmanager
async def web_process(
    app: str, env: dict[str, str], *, startup_seconds: float = 30
) -> AsyncIterator[WebProcess]:
    """`uvicorn <app> --factory` on a free 127.0.0.1 port, until /readyz answers 200."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--ws",
            "websockets-sansio",
            "--ws-per-message-deflate",
            "false",
            "--no-access-log",
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            await _wait_ready(url, process, log, startup_seconds)
            yield WebProcess(url=url, pid=process.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                async with asyncio.timeout(15):
                    await process.wait()
            except TimeoutError:
                os.killpg(process.pid, signal.SIGKILL)
                await process.wait()


async def _wait_ready(url: str, process, log, startup_seconds: float) -> None:
    async with httpx.AsyncClient(timeout=1) as client:
        try:
            async with asyncio.timeout(startup_seconds):
                while True:
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(f"{url}/readyz")).status_code == 200:
                            return
                    if process.returncode is not None:
                        break
                    await asyncio.sleep(0.1)
        except TimeoutError:
            pass
    log.seek(0)
    raise RuntimeError(f"web process at {url} did not start:\n{log.read().decode()[-3000:]}")
