"""Node.js clients the tests run: the reference `graphql-ws` client and headless Chromium.

They live in tests/js (package.json with exact versions; `make test` runs `npm install`
there, and `.ci/run` also installs Debian's chromium). When something is missing the test
fails with what to do: these tests must never be silently skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.waiting import WAIT

JS_DIR = Path(__file__).resolve().parents[1] / "js"
CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("graphql-ws", "ws", "graphql", "playwright-core")


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "node is not installed; Debian: apt-get install nodejs npm (.ci/run does this)",
            pytrace=False,
        )
    missing = [p for p in PACKAGES if not (JS_DIR / "node_modules" / p / "package.json").exists()]
    if missing:
        pytest.fail(
            f"npm packages missing in tests/js: {', '.join(missing)}; "
            "run `make test` (it runs `npm install --no-package-lock` in tests/js)",
            pytrace=False,
        )
    return node


def require_chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            "Chromium is not installed at /usr/bin/chromium; Debian: apt-get install chromium "
            "(.ci/run installs it on a fresh machine)",
            pytrace=False,
        )
    return CHROMIUM


class NodeProcess:
    """A node script that prints one JSON object per line."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[dict[str, Any]] = []

    async def read(self, wait: float = WAIT) -> dict[str, Any]:
        async with asyncio.timeout(wait):
            raw = await self.process.stdout.readline()  # type: ignore[union-attr]
        if not raw:
            stderr = await self.process.stderr.read()  # type: ignore[union-attr]
            raise AssertionError(f"node exited: {stderr.decode()[-2000:]}")
        line = json.loads(raw)
        self.lines.append(line)
        return line

    async def until(self, event: str, wait: float = WAIT) -> dict[str, Any]:
        """Read lines until one with this `event`; return it."""
        async with asyncio.timeout(wait):
            while (line := await self.read(wait))["event"] != event:
                pass
        return line

    async def write(self, message: dict[str, Any]) -> None:
        self.process.stdin.write((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
        await self.process.stdin.drain()  # type: ignore[union-attr]


@contextlib.asynccontextmanager
async def run_node(script: str, *args: str) -> AsyncIterator[NodeProcess]:
    node = require_node()
    process = await asyncio.create_subprocess_exec(
        node,
        str(JS_DIR / script),
        *args,
        cwd=JS_DIR,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield NodeProcess(process)
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


@contextlib.asynccontextmanager
async def graphql_ws_subscriber(
    http_url: str, *, query: str, variables: dict[str, Any], tokens: list[str], count: int = 0
) -> AsyncIterator[NodeProcess]:
    """The reference `graphql-ws` client subscribing once (tests/js/subscribe.mjs)."""
    config = {
        "url": http_url.replace("http://", "ws://", 1) + "/graphql",
        "tokens": tokens,
        "query": query,
        "variables": variables,
        "count": count,
    }
    async with run_node("subscribe.mjs", json.dumps(config)) as process:
        yield process


class Browser:
    """Headless Chromium (Debian's) driven by playwright-core through tests/js/browser.mjs."""

    def __init__(self, process: NodeProcess) -> None:
        self.process = process
        self.page_errors: list[str] = []

    async def _call(self, wait: float = WAIT, **command: Any) -> Any:
        await self.process.write(command)
        async with asyncio.timeout(wait):
            while "event" in (answer := await self.process.read(wait)):
                self.page_errors.append(answer["text"])
        if not answer["ok"]:
            raise AssertionError(f"browser {command['cmd']} failed: {answer['error']}")
        return answer

    async def goto(self, url: str) -> int | None:
        return (await self._call(cmd="goto", url=url))["status"]

    async def evaluate(self, js: str) -> Any:
        """Run `js`, a JavaScript function expression, in the page; its (awaited) result."""
        return (await self._call(cmd="evaluate", js=js))["value"]

    async def wait_for(self, js: str, wait: float = WAIT) -> Any:
        """Wait until the function `js` returns something truthy in the page; that value."""
        answer = await self._call(wait + 5, cmd="waitFor", js=js, timeout=int(wait * 1000))
        return answer["value"]

    async def screenshot(self, path: str) -> None:
        await self._call(cmd="screenshot", path=path)


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    require_chromium()
    async with run_node("browser.mjs") as process:
        browser = Browser(process)
        try:
            yield browser
        finally:
            with contextlib.suppress(Exception):
                await browser._call(cmd="close")
