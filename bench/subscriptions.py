"""Live subscriptions under load: two web processes, one Redis, thousands of sockets.

    python -m bench.subscriptions [--subscribers 2000] [--rate 20] [--seconds 60]
                                  [--aggregates 100] [--payload-bytes 256]

Two web processes (uvicorn, one worker each, so each socket's process is known) behind
one Redis and one PostgreSQL. `--subscribers` sockets, half on each process, each with one
subscription to one of `--aggregates` aggregates. `--rate` changes per second for
`--seconds` go through the real write path (an HTTP mutation: transaction with an outbox
row, publish after commit), alternating between the processes, round robin over the
aggregates. Reported:

* event-to-client latency p50 / p99: from the event's write (its `occurredAt`, stamped in
  the transaction, so commit, publish, Redis, fan-out and WebSocket are all inside) to the
  moment a subscriber has parsed the message; also from the moment the change's HTTP request
  was sent, with the HTTP round trip of the change as the baseline measured in the same run;
* messages lost (expected minus received, per subscriber) and duplicates;
* memory of a process holding 1,000 idle subscriptions (RSS before and after);
* one stalled client on process A (20 subscriptions, reads nothing for the whole run):
  how much more A's memory grew than B's, whose load is the same without it.

Goals (issue 7): p99 <= 100 ms, 0 lost, the stalled client costs < 10 MiB.

Until the orders domain exists on this branch, the aggregate is the test-only "probe"
(tests/support/live_app.py) served by the real app and the real real-time path.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
from websockets.asyncio.client import connect

from bench.harness import ROOT, bench_env, free_port, postgres_database, run_cli

APP = "tests.support.live_app:app_factory"
PROBE_SUB = "subscription ($id: Int!) { probe(probeId: $id) { version value snapshot occurredAt } }"
PROBE_CHANGE = "mutation ($id: Int!, $value: String!) { probeChange(probeId: $id, value: $value) }"
EXTRA_UVICORN_ARGS = os.environ.get("BENCH_UVICORN_ARGS", "").split()
MAX_SUBSCRIPTIONS = 20  # per socket, the server's limit


# --- processes ---------------------------------------------------------------------------------


@dataclass
class WebProcess:
    url: str
    pid: int

    def rss_mib(self) -> float:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        raise RuntimeError("no VmRSS")

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


@contextlib.contextmanager
def web_process(env: dict[str, str]) -> Iterator[WebProcess]:
    import subprocess

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                APP,
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--ws",
                "websockets-sansio",
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
                # As `main.py serve` runs it (see there).
                "--ws-per-message-deflate",
                "false",
                *EXTRA_UVICORN_ARGS,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"server did not start:\n{log.read().decode()[-3000:]}")
                time.sleep(0.2)
            yield WebProcess(url=url, pid=process.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def make_shopper(env: dict[str, str]) -> str:
    """A shopper in the bench database and an access token for it (same secret as the servers)."""
    code = (
        "import asyncio, os, uuid\n"
        "from tortoise import Tortoise\n"
        "from models import Role, User\n"
        "from resolvers.accounts.tokens import issue_access_token\n"
        "from resolvers.core.db import tortoise_config\n"
        "from settings import Settings\n"
        "async def main():\n"
        "    settings = Settings()\n"
        "    await Tortoise.init(config=tortoise_config(settings))\n"
        "    user = await User.create(role=Role.CUSTOMER, wechat_openid='bench-' + uuid.uuid4().hex)\n"
        "    await Tortoise.close_connections()\n"
        "    print(issue_access_token(settings=settings, user=user)[0])\n"
        "asyncio.run(main())\n"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout.strip().splitlines()[-1]


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Tally:
    sent_at: dict[tuple[int, int], float] = field(default_factory=dict)  # (aggregate, version)
    latencies_ms: list[float] = field(default_factory=list)  # from the change's request
    from_write_ms: list[float] = field(default_factory=list)  # from the event's write
    write_ms: list[float] = field(default_factory=list)
    received: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)


class Subscriber:
    """One socket, one subscription; records when each version arrives."""

    def __init__(self, index: int, url: str, aggregate: int, token: str, tally: Tally) -> None:
        self.index = index
        self.url = url
        self.aggregate = aggregate
        self.token = token
        self.tally = tally
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        try:
            async with connect(
                self.url, subprotocols=["graphql-transport-ws"], max_size=None, ping_interval=None
            ) as ws:
                await ws.send(
                    json.dumps(
                        {
                            "type": "connection_init",
                            "payload": {"authorization": f"Bearer {self.token}"},
                        }
                    )
                )
                await ws.recv()
                await ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": PROBE_SUB, "variables": {"id": self.aggregate}},
                        }
                    )
                )
                while not stop.is_set():
                    try:
                        async with asyncio.timeout(0.5):
                            raw = await ws.recv()
                    except TimeoutError:
                        continue
                    now, wall = time.monotonic(), time.time()
                    message = json.loads(raw)
                    if message.get("type") != "next":
                        self.tally.errors.append(str(message)[:200])
                        return
                    probe = message["payload"]["data"]["probe"]
                    if probe["snapshot"]:
                        self.ready.set()
                        continue
                    sent = self.tally.sent_at.get((self.aggregate, probe["version"]))
                    if sent is not None:
                        self.tally.latencies_ms.append((now - sent) * 1000)
                    if probe["occurredAt"] is not None:
                        self.tally.from_write_ms.append((wall - probe["occurredAt"]) * 1000)
                    self.tally.received[self.index].append(probe["version"])
        except Exception as exc:  # report, don't hang the run
            self.tally.errors.append(f"subscriber {self.index}: {type(exc).__name__}: {exc}")
            self.ready.set()


@contextlib.asynccontextmanager
async def stalled_client(
    process: WebProcess, token: str, aggregates: list[int]
) -> AsyncIterator[None]:
    """A socket that subscribes and then never reads again (see tests/support/ws.py)."""
    from tests.support.ws import StallableWS

    async with StallableWS.open(process.url) as ws:
        await ws.init(token)
        for n, aggregate in enumerate(aggregates):
            await ws.subscribe(str(n), PROBE_SUB, {"id": aggregate})
        yield  # from here on nothing is read


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the run ---------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, a: WebProcess, b: WebProcess, token: str) -> dict:
    processes = (a, b)
    tally = Tally()
    headers = {"Authorization": f"Bearer {token}"}
    padding = "x" * max(0, args.payload_bytes)
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def change(process: WebProcess, aggregate: int, value: str) -> int:
            response = await http.post(
                f"{process.url}/graphql",
                json={"query": PROBE_CHANGE, "variables": {"id": aggregate, "value": value}},
                headers=headers,
            )
            return response.json()["data"]["probeChange"]

        # Every aggregate exists (version 1) before anyone subscribes.
        for aggregate in range(args.aggregates):
            await change(a, aggregate, "created")

        idle_before = {p.pid: p.rss_mib() for p in processes}
        stop = asyncio.Event()
        subscribers = [
            Subscriber(i, processes[i % 2].ws_url, i % args.aggregates, token, tally)
            for i in range(args.subscribers)
        ]
        for start in range(0, len(subscribers), 100):  # connect in waves, like a reconnect storm
            batch = subscribers[start : start + 100]
            for sub in batch:
                sub.task = asyncio.create_task(sub.run(stop))
            await asyncio.gather(*(asyncio.wait_for(s.ready.wait(), 60) for s in batch))
        await asyncio.sleep(2)  # let allocations settle
        idle_after = {p.pid: p.rss_mib() for p in processes}

        stalled_aggregates = [n % args.aggregates for n in range(MAX_SUBSCRIPTIONS)]
        async with stalled_client(a, token, stalled_aggregates):
            load_before = {p.pid: p.rss_mib() for p in processes}
            total = int(args.rate * args.seconds)
            started = time.monotonic()
            versions = defaultdict(lambda: 1)
            pending: set[asyncio.Task[None]] = set()

            async def one(n: int) -> None:
                aggregate = n % args.aggregates
                versions[aggregate] += 1
                version = versions[aggregate]
                tally.sent_at[(aggregate, version)] = sent = time.monotonic()
                got = await change(processes[n % 2], aggregate, f"{n}:{padding}")
                tally.write_ms.append((time.monotonic() - sent) * 1000)
                if got != version:
                    tally.errors.append(f"change {n}: version {got}, expected {version}")

            for n in range(total):
                # Open loop: changes start on schedule whether or not earlier ones finished.
                await asyncio.sleep(max(0.0, started + n / args.rate - time.monotonic()))
                task = asyncio.create_task(one(n))
                pending.add(task)
                task.add_done_callback(pending.discard)
            await asyncio.gather(*pending)
            await asyncio.sleep(3)  # the last messages in flight
            load_after = {p.pid: p.rss_mib() for p in processes}
        stop.set()
        await asyncio.gather(*(s.task for s in subscribers if s.task))

    per_aggregate = defaultdict(int)
    for n in range(total):
        per_aggregate[n % args.aggregates] += 1
    lost = duplicates = 0
    for sub in subscribers:
        got = tally.received[sub.index]
        expected = per_aggregate[sub.aggregate]
        lost += max(0, expected - len(set(got)))
        duplicates += len(got) - len(set(got))
    return {
        "tally": tally,
        "total": total,
        "delivered_expected": sum(per_aggregate[s.aggregate] for s in subscribers),
        "lost": lost,
        "duplicates": duplicates,
        "idle_before": idle_before,
        "idle_after": idle_after,
        "load_before": load_before,
        "load_after": load_after,
    }


def report(args: argparse.Namespace, a: WebProcess, b: WebProcess, result: dict) -> None:
    tally: Tally = result["tally"]
    lat = tally.from_write_ms
    lat_request = tally.latencies_ms
    per_process = args.subscribers // 2
    idle = [result["idle_after"][p.pid] - result["idle_before"][p.pid] for p in (a, b)]
    grew = {p.pid: result["load_after"][p.pid] - result["load_before"][p.pid] for p in (a, b)}
    stalled_cost = grew[a.pid] - grew[b.pid]
    p99, write_p99 = percentile(lat, 0.99), percentile(tally.write_ms, 0.99)
    print(
        f"{args.subscribers} subscribers on 2 processes, {args.aggregates} aggregates, "
        f"{args.rate}/s for {args.seconds}s ({result['total']} changes, "
        f"{result['delivered_expected']} deliveries expected), payload {args.payload_bytes} B"
    )
    print(
        f"  event-to-client latency  p50 {percentile(lat, 0.5):7.1f} ms   p99 {p99:7.1f} ms   "
        f"max {max(lat, default=float('nan')):7.1f} ms   ({len(lat)} samples; from the write)"
    )
    print(
        f"  request-to-client        p50 {percentile(lat_request, 0.5):7.1f} ms   "
        f"p99 {percentile(lat_request, 0.99):7.1f} ms   (from the change's HTTP request)"
    )
    print(
        f"  change HTTP round trip   p50 {percentile(tally.write_ms, 0.5):7.1f} ms   "
        f"p99 {write_p99:7.1f} ms   (baseline)"
    )
    print(f"  latency p99 / write p99  {p99 / write_p99 if write_p99 else float('nan'):7.2f}x")
    print(f"  messages lost            {result['lost']}   duplicates {result['duplicates']}")
    for name, delta in zip(("A", "B"), idle, strict=True):
        print(
            f"  idle subscriptions       process {name}: +{delta:6.1f} MiB for {per_process} "
            f"({delta * 1024 / per_process:5.1f} KiB each)"
        )
    print(
        f"  during the run           A +{grew[a.pid]:5.1f} MiB (with the stalled client), "
        f"B +{grew[b.pid]:5.1f} MiB; stalled client's cost {stalled_cost:+5.1f} MiB"
    )
    if tally.errors:
        print(f"  errors: {len(tally.errors)}; first: {tally.errors[:3]}")
    print()
    goal = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    print(f"goal p99 <= 100 ms: {goal(p99 <= 100)}")
    print(f"goal 0 lost: {goal(result['lost'] == 0)}")
    print(f"goal stalled client < 10 MiB: {goal(stalled_cost < 10)}")
    print(
        f"goal 1,000 idle subscriptions: {max(idle) * 1000 / per_process:.1f} MiB "
        "(reported; no goal set)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--aggregates", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--payload-bytes", type=int, default=256)
    args = parser.parse_args(argv)

    with postgres_database("subs") as database_url:
        env = bench_env(database_url, LOG_LEVEL="ERROR")
        run_cli(env, "migrate")
        token = make_shopper(env)
        with web_process(env) as a, web_process(env) as b:
            result = asyncio.run(run(args, a, b, token))
            report(args, a, b, result)


if __name__ == "__main__":
    main()
