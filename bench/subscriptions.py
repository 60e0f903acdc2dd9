"""Live subscriptions under load: two web processes, one Redis, thousands of sockets.

    python -m bench.subscriptions [--workload order|probe] [--subscribers 2000] [--rate 20]
                                  [--seconds 60] [--aggregates 100] [--payload-bytes 256]

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

Workloads:

* `order` (default): the real app. Paid EXPRESS orders (made before the run), each watched
  with `orderStatusChanged` by subscribers of its owner; the changes are real status
  transitions over HTTP, round robin over the orders: staff `ordersShip`, staff
  `orderMarkDelivered`, the shopper's `orderConfirmReceipt` (3 per order, so
  rate x seconds / 3 orders; `--aggregates` is ignored).
* `probe`: the test-only aggregate of tests/support/live_app.py served by the real app and
  the real real-time path, which can change any number of times (`--aggregates`,
  `--payload-bytes` for big messages).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from websockets.asyncio.client import connect

from bench.harness import ROOT, bench_env, free_port, postgres_database, run_cli

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
def web_process(app: str, env: dict[str, str]) -> Iterator[WebProcess]:
    import subprocess

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
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


def _run_setup(env: dict[str, str], code: str) -> dict:
    """Run `code` with the app's own modules in a subprocess; its last stdout line is JSON."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


_SETUP_PROBE = """
import asyncio, json, uuid
from tortoise import Tortoise
from models import Role, User
from resolvers.accounts.tokens import issue_access_token
from resolvers.core.db import tortoise_config
from settings import Settings
async def main():
    settings = Settings()
    await Tortoise.init(config=tortoise_config(settings))
    user = await User.create(role=Role.CUSTOMER, wechat_openid="bench-" + uuid.uuid4().hex)
    await Tortoise.close_connections()
    print(json.dumps({"shopper": issue_access_token(settings=settings, user=user)[0]}))
asyncio.run(main())
"""

# Paid EXPRESS orders made through the app's own services (tests/support/shop.py).
_SETUP_ORDERS = """
import asyncio, json, sys
from tortoise import Tortoise
import main
from models import Role, User
from resolvers.accounts.tokens import issue_access_token
from resolvers.core.db import tortoise_config
from settings import Settings
from tests.support.shop import Shop
async def setup(count):
    settings = Settings()
    await Tortoise.init(config=tortoise_config(settings))
    state = main.create_state(settings)
    await state.start()
    shop = Shop(state)
    shopper = await User.create(role=Role.CUSTOMER, wechat_openid="bench-shopper")
    staff = await User.create(role=Role.STAFF, username="bench-staff")
    sku = await shop.sku(stock=count * 2)
    orders = []
    for _ in range(count):
        orders.append(await shop.pay(await shop.order(shopper, (sku, 1))))
    await state.aclose()
    await Tortoise.close_connections()
    token = lambda user: issue_access_token(settings=settings, user=user)[0]
    print(json.dumps({"shopper": token(shopper), "staff": token(staff),
                      "orders": [o.id for o in orders]}))
asyncio.run(setup(int(sys.argv[1])))
"""


# --- workloads ----------------------------------------------------------------------------------


def _gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


class Workload(ABC):
    """What is subscribed to and how it changes."""

    name: str
    app: str
    subscription: str
    shopper: str  # the token subscribers use (they must own what they watch)
    aggregates: list[object]  # the subscription's `id` variable, one per aggregate

    def expected_changes(self, total: int) -> dict[int, int]:
        per: dict[int, int] = defaultdict(int)
        for n in range(total):
            per[n % len(self.aggregates)] += 1
        return per

    async def prepare(self, http: httpx.AsyncClient, process: WebProcess) -> None:
        """Anything to do once the servers run, before anyone subscribes."""
        return None  # most workloads need nothing

    @abstractmethod
    def change_key(self, n: int) -> tuple[int, object]:
        """(aggregate index, what the subscriber will see of change n)."""

    @abstractmethod
    async def change(self, http: httpx.AsyncClient, process: WebProcess, n: int) -> None:
        """Make change n through the API of `process`."""

    @abstractmethod
    def parse(self, data: dict) -> tuple[bool, object, float | None]:
        """(snapshot?, the key its change_key matches, occurredAt as epoch seconds)."""


class ProbeWorkload(Workload):
    name = "probe"
    app = "tests.support.live_app:app_factory"
    subscription = (
        "subscription ($id: Int!) { probe(probeId: $id) { version value snapshot occurredAt } }"
    )

    def __init__(self, env: dict[str, str], args: argparse.Namespace) -> None:
        self.shopper = _run_setup(env, _SETUP_PROBE)["shopper"]
        self.aggregates = list(range(args.aggregates))
        self.padding = "x" * max(0, args.payload_bytes)

    async def _post(
        self, http: httpx.AsyncClient, process: WebProcess, probe: int, value: str
    ) -> int:
        response = await http.post(
            f"{process.url}/graphql",
            json={"query": PROBE_CHANGE, "variables": {"id": probe, "value": value}},
            headers={"Authorization": f"Bearer {self.shopper}"},
        )
        return response.json()["data"]["probeChange"]

    async def prepare(self, http: httpx.AsyncClient, process: WebProcess) -> None:
        for probe in self.aggregates:  # version 1 exists before anyone subscribes
            await self._post(http, process, probe, "created")  # type: ignore[arg-type]

    def change_key(self, n: int) -> tuple[int, object]:
        index = n % len(self.aggregates)
        return index, n // len(self.aggregates) + 2

    async def change(self, http: httpx.AsyncClient, process: WebProcess, n: int) -> None:
        index, version = self.change_key(n)
        got = await self._post(http, process, index, f"{n}:{self.padding}")
        if got != version:
            raise RuntimeError(f"change {n}: version {got}, expected {version}")

    def parse(self, data: dict) -> tuple[bool, object, float | None]:
        probe = data["probe"]
        return probe["snapshot"], probe["version"], probe["occurredAt"]


class OrderWorkload(Workload):
    name = "order"
    app = "main:app_factory"
    subscription = "subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status snapshot occurredAt } }"
    STEPS = ("SHIPPED", "DELIVERED", "COMPLETED")
    SHIP = (
        "mutation ($id: ID!, $no: String!) { ordersShip(input: {shipments: [{orderId: $id, "
        'carrier: "SF", trackingNumber: $no}]}) { errors { code message } } }'
    )
    DELIVER = (
        "mutation ($id: ID!) { orderMarkDelivered(input: {orderId: $id}) { errors { code } } }"
    )
    CONFIRM = (
        "mutation ($id: ID!) { orderConfirmReceipt(input: {orderId: $id}) { errors { code } } }"
    )

    def __init__(self, env: dict[str, str], args: argparse.Namespace) -> None:
        count = max(1, int(args.rate * args.seconds) // len(self.STEPS))
        made = _run_setup(env, _SETUP_ORDERS.replace("sys.argv[1]", str(count)))
        self.shopper, self.staff = made["shopper"], made["staff"]
        self.aggregates = [_gid("Order", pk) for pk in made["orders"]]

    def change_key(self, n: int) -> tuple[int, object]:
        index = n % len(self.aggregates)
        return index, self.STEPS[min(n // len(self.aggregates), len(self.STEPS) - 1)]

    async def change(self, http: httpx.AsyncClient, process: WebProcess, n: int) -> None:
        index, status = self.change_key(n)
        order = self.aggregates[index]
        query, token, variables = {
            "SHIPPED": (self.SHIP, self.staff, {"id": order, "no": f"SF{n:08d}"}),
            "DELIVERED": (self.DELIVER, self.staff, {"id": order}),
            "COMPLETED": (self.CONFIRM, self.shopper, {"id": order}),
        }[status]  # type: ignore[index]
        response = await http.post(
            f"{process.url}/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        payload = next(iter((body.get("data") or {}).values()), None)
        if body.get("errors") or not payload or payload["errors"]:
            raise RuntimeError(f"change {n} ({status}): {body}")

    def expected_changes(self, total: int) -> dict[int, int]:
        per = super().expected_changes(total)
        return {i: min(c, len(self.STEPS)) for i, c in per.items()}

    def parse(self, data: dict) -> tuple[bool, object, float | None]:
        update = data["orderStatusChanged"]
        occurred = update["occurredAt"]
        epoch = datetime.fromisoformat(occurred).timestamp() if occurred else None
        return update["snapshot"], update["status"], epoch


WORKLOADS = {"order": OrderWorkload, "probe": ProbeWorkload}


# --- clients ----------------------------------------------------------------------------------


@dataclass
class Tally:
    sent_at: dict[tuple[int, object], float] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)  # from the change's request
    from_write_ms: list[float] = field(default_factory=list)  # from the event's write
    write_ms: list[float] = field(default_factory=list)
    received: dict[int, list[object]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)


class Subscriber:
    """One socket, one subscription; records when each change arrives."""

    def __init__(
        self, index: int, url: str, aggregate: int, workload: Workload, tally: Tally
    ) -> None:
        self.index = index
        self.url = url
        self.aggregate = aggregate
        self.workload = workload
        self.tally = tally
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def run(self, stop: asyncio.Event) -> None:
        workload = self.workload
        try:
            async with connect(
                self.url, subprotocols=["graphql-transport-ws"], max_size=None, ping_interval=None
            ) as ws:
                init = {"authorization": f"Bearer {workload.shopper}"}
                await ws.send(json.dumps({"type": "connection_init", "payload": init}))
                await ws.recv()
                variables = {"id": workload.aggregates[self.aggregate]}
                payload = {"query": workload.subscription, "variables": variables}
                await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
                while not stop.is_set():
                    try:
                        async with asyncio.timeout(0.5):
                            raw = await ws.recv()
                    except TimeoutError:
                        continue
                    now, wall = time.monotonic(), time.time()
                    message = json.loads(raw)
                    if message.get("type") != "next" or "errors" in message["payload"]:
                        if message.get("type") != "complete":
                            self.tally.errors.append(str(message)[:300])
                        self.ready.set()
                        return
                    snapshot, key, occurred = workload.parse(message["payload"]["data"])
                    if snapshot:
                        self.ready.set()
                        continue
                    sent = self.tally.sent_at.get((self.aggregate, key))
                    if sent is not None:
                        self.tally.latencies_ms.append((now - sent) * 1000)
                    if occurred is not None:
                        self.tally.from_write_ms.append((wall - occurred) * 1000)
                    self.tally.received[self.index].append(key)
        except Exception as exc:  # report, don't hang the run
            self.tally.errors.append(f"subscriber {self.index}: {type(exc).__name__}: {exc}")
            self.ready.set()


@contextlib.asynccontextmanager
async def stalled_client(process: WebProcess, workload: Workload) -> AsyncIterator[None]:
    """A socket with the most subscriptions allowed that then never reads again."""
    from tests.support.ws import StallableWS

    async with StallableWS.open(process.url) as ws:
        await ws.init(workload.shopper)
        for n in range(MAX_SUBSCRIPTIONS):
            aggregate = workload.aggregates[n % len(workload.aggregates)]
            await ws.subscribe(str(n), workload.subscription, {"id": aggregate})
        yield  # from here on nothing is read


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


# --- the run ---------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, workload: Workload, a: WebProcess, b: WebProcess) -> dict:
    processes = (a, b)
    tally = Tally()
    total = int(args.rate * args.seconds)
    limits = httpx.Limits(max_connections=20)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        await workload.prepare(http, a)
        idle_before = {p.pid: p.rss_mib() for p in processes}
        stop = asyncio.Event()
        count = len(workload.aggregates)
        subscribers = [
            Subscriber(i, processes[i % 2].ws_url, (i // 2) % count, workload, tally)
            for i in range(args.subscribers)
        ]
        for start in range(0, len(subscribers), 100):  # connect in waves, like a reconnect storm
            batch = subscribers[start : start + 100]
            for sub in batch:
                sub.task = asyncio.create_task(sub.run(stop))
            await asyncio.gather(*(asyncio.wait_for(s.ready.wait(), 60) for s in batch))
        await asyncio.sleep(2)  # let allocations settle
        idle_after = {p.pid: p.rss_mib() for p in processes}

        async with stalled_client(a, workload):
            load_before = {p.pid: p.rss_mib() for p in processes}
            started = time.monotonic()
            pending: set[asyncio.Task[None]] = set()

            async def one(n: int) -> None:
                tally.sent_at[workload.change_key(n)] = sent = time.monotonic()
                try:
                    await workload.change(http, processes[n % 2], n)
                except Exception as exc:
                    tally.errors.append(f"{type(exc).__name__}: {str(exc)[:300]}")
                tally.write_ms.append((time.monotonic() - sent) * 1000)

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

    expected = workload.expected_changes(total)
    lost = duplicates = 0
    for sub in subscribers:
        got = tally.received[sub.index]
        lost += max(0, expected.get(sub.aggregate, 0) - len(set(got)))
        duplicates += len(got) - len(set(got))
    return {
        "tally": tally,
        "total": total,
        "delivered_expected": sum(expected.get(s.aggregate, 0) for s in subscribers),
        "lost": lost,
        "duplicates": duplicates,
        "idle_before": idle_before,
        "idle_after": idle_after,
        "load_before": load_before,
        "load_after": load_after,
    }


def report(
    args: argparse.Namespace, workload: Workload, a: WebProcess, b: WebProcess, result: dict
) -> None:
    tally: Tally = result["tally"]
    lat = tally.from_write_ms
    lat_request = tally.latencies_ms
    per_process = args.subscribers // 2
    idle = [result["idle_after"][p.pid] - result["idle_before"][p.pid] for p in (a, b)]
    grew = {p.pid: result["load_after"][p.pid] - result["load_before"][p.pid] for p in (a, b)}
    stalled_cost = grew[a.pid] - grew[b.pid]
    p99, write_p99 = percentile(lat, 0.99), percentile(tally.write_ms, 0.99)
    print(
        f"workload {workload.name}: {args.subscribers} subscribers on 2 processes, "
        f"{len(workload.aggregates)} aggregates, {args.rate}/s for {args.seconds}s "
        f"({result['total']} changes, {result['delivered_expected']} deliveries expected)"
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
    parser.add_argument("--workload", choices=sorted(WORKLOADS), default="order")
    parser.add_argument("--subscribers", type=int, default=2000)
    parser.add_argument("--aggregates", type=int, default=100)
    parser.add_argument("--rate", type=float, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--payload-bytes", type=int, default=256)
    args = parser.parse_args(argv)

    with postgres_database("subs") as database_url:
        env = bench_env(database_url, LOG_LEVEL="ERROR")
        run_cli(env, "migrate")
        workload = WORKLOADS[args.workload](env, args)
        with web_process(workload.app, env) as a, web_process(workload.app, env) as b:
            result = asyncio.run(run(args, workload, a, b))
            report(args, workload, a, b, result)


if __name__ == "__main__":
    main()
