"""Shared bench tooling: run the real server as a subprocess, load it with wrk, print ratios.

Every figure a bench reports is a ratio against a baseline measured in the same run, on the
same server, so a busy or slow machine moves both sides alike. Absolute numbers are printed
too, for the record.

wrk (a C load generator) drives HTTP: a Python client would saturate before the server and
flatten every ratio. It is installed from Debian's packages when missing.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_DSN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        path = shutil.which("wrk")
    if not path:
        raise SystemExit("bench needs wrk: sudo apt-get install wrk")
    return path


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    env: dict[str, str]

    def graphql(self, query: str, variables: dict | None = None, token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=60,
        )
        response.raise_for_status()
        return response.json()


@contextlib.contextmanager
def postgres_database(label: str) -> Iterator[str]:
    """A scratch PostgreSQL database for one bench run, dropped afterwards."""
    import asyncio

    import asyncpg

    name = f"msbench_{label}_{uuid.uuid4().hex[:6]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_DSN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_DSN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def bench_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment of a benched server: real PostgreSQL and Redis, quiet logs."""
    return {
        **os.environ,
        "ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "REDIS_PREFIX": f"msbench:{uuid.uuid4().hex[:6]}:",
        "EMBEDDED_WORKER": "false",
        # Access logs are off on both sides of every ratio; they cost each side the same.
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def run_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"main.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def server(env: dict[str, str], *, workers: int = 1) -> Iterator[Server]:
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port)}
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "main.py", "serve", "--workers", str(workers)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_ready(url, process, log)
            yield Server(url=url, process=process, env=env)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def _wait_ready(url: str, process: subprocess.Popen, log: typing.IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            raise RuntimeError(f"server did not start:\n{log.read().decode()[-3000:]}")
        time.sleep(0.2)


@dataclass
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    requests: int

    def line(self) -> str:
        return (
            f"{self.requests_per_second:9.0f} req/s  p50 {self.p50_ms:7.2f} ms  "
            f"p99 {self.p99_ms:7.2f} ms  ({self.requests} requests, {self.non_2xx} non-2xx)"
        )


_WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = {body}
{headers}
{rotation}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %f %f\\n",
    summary.requests, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def _lua_string(text: str) -> str:
    return "[==[" + text + "]==]"


# Each request takes the next entry of `rotate`: per-request headers (e.g. a different
# shopper's token and address), the same method and body.
_ROTATION = """
local extra = {{ {entries} }}
local prepared = {{}}
local next_index = 0
init = function(args)
  for i, h in ipairs(extra) do
    local headers = {{}}
    for k, v in pairs(wrk.headers) do headers[k] = v end
    for k, v in pairs(h) do headers[k] = v end
    prepared[i] = wrk.format(nil, nil, headers, nil)
  end
end
request = function()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end
"""


def _rotation(rotate: list[dict[str, str]] | None) -> str:
    if not rotate:
        return ""
    entries = ", ".join(
        "{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in h.items()) + "}"
        for h in rotate
    )
    return _ROTATION.format(entries=entries)


def load(
    url: str,
    *,
    method: str = "GET",
    body: str | dict | None = None,
    headers: dict[str, str] | None = None,
    rotate: list[dict[str, str]] | None = None,
    seconds: float = 5,
    connections: int = 32,
    threads: int = 1,
) -> LoadResult:
    """Drive `url` with wrk for `seconds`; latency percentiles from wrk's histogram.

    `rotate`: headers added to successive requests in turn (cycling), e.g. one shopper's
    token each, so a storm comes from many shoppers instead of one.
    """
    wrk = ensure_wrk()
    if isinstance(body, dict):
        body = json.dumps(body)
        headers = {"Content-Type": "application/json", **(headers or {})}
    header_lines = "\n".join(
        f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in (headers or {}).items()
    )
    script = _WRK_SCRIPT.format(
        method=method,
        body=_lua_string(body) if body else "nil",
        headers=header_lines,
        rotation=_rotation(rotate),
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        args = [
            wrk,
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(seconds))}s",
            "--latency",
        ]
        args += ["-s", handle.name, url]
        output = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result_line = re.search(r"RESULT (\d+) \d+ ([\d.]+) ([\d.]+)", output)
    return LoadResult(
        requests_per_second=rps,
        p50_ms=float(result_line.group(2)),
        p99_ms=float(result_line.group(3)),
        non_2xx=int(non_2xx_match.group(1)) if non_2xx_match else 0,
        requests=int(result_line.group(1)),
    )


def ratio_line(name: str, value: float, baseline: float, goal: float | None = None) -> str:
    ratio = value / baseline if baseline else 0.0
    verdict = ""
    if goal is not None:
        verdict = "  goal >= {:.0%}: {}".format(goal, "met" if ratio >= goal else "NOT met")
    return f"{name:<48} {ratio:7.1%}{verdict}"
