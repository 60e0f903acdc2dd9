"""The WebSocket edge (graphql-transport-ws) and live streams, through the real app.

The aggregate is the test-only "probe" (tests/support/live_app.py); everything else is
the production code path: token in `connection_init`, per-subscription checks, outbox
publisher, Redis pub/sub, fan-out, version filtering.
"""

from __future__ import annotations

import asyncio

import orjson
import pytest

from models import OutboxEvent, Role
from resolvers.accounts.tokens import issue_access_token
from resolvers.core.pubsub import SLOW_CONSUMER
from tests.support.live_app import PROBE, PROBE_CHANGED, change_probe
from tests.support.waiting import eventually
from tests.support.ws import StallableWS, open_ws

PROBE_SUB = """
subscription ($id: Int!) { probe(probeId: $id) { version value snapshot } }
"""
PROBE_VERSION = "query ($id: Int!) { probeVersion(probeId: $id) }"


def data_of(message: dict) -> dict:
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["probe"]


@pytest.fixture
async def probe(customer, live_state) -> int:
    """Probe 1, owned by `customer`, at version 1."""
    await change_probe(state=live_state, probe_id=1, owner_id=customer.id, value="created")
    return 1


async def publish_raw(state, probe_id: int, version: int, value: str) -> None:
    """Publish a message as the outbox publisher would, without a database row."""
    message = orjson.dumps(
        {
            "id": 0,
            "topic": PROBE_CHANGED,
            "aggregateType": PROBE,
            "aggregateId": probe_id,
            "version": version,
            "payload": {"value": value},
        }
    ).decode()
    await state.broadcast.publish(state.keys.events_channel(PROBE, probe_id), message)


async def numsub(redis, channel: str) -> int:
    return dict(await redis.pubsub_numsub(channel))[channel]


# --- the stream --------------------------------------------------------------------------------


async def test_subscriber_gets_the_current_state_then_each_change(
    live_server, live_state, customer, token_for, probe
):
    async with open_ws(live_server) as ws:
        assert (await ws.init(token_for(customer)))["type"] == "connection_ack"
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        first = data_of(await ws.next_for("1"))

        await change_probe(state=live_state, probe_id=probe, owner_id=customer.id, value="paid")
        await change_probe(state=live_state, probe_id=probe, owner_id=customer.id, value="sent")
        second = data_of(await ws.next_for("1"))
        third = data_of(await ws.next_for("1"))

    assert first == {"version": 1, "value": "created", "snapshot": True}
    assert second == {"version": 2, "value": "paid", "snapshot": False}
    assert third == {"version": 3, "value": "sent", "snapshot": False}
    # Subscribers may see an event before the sender's bookkeeping UPDATE lands.
    await live_state.events.flush()
    assert await OutboxEvent.filter(published_at=None).count() == 0


async def test_duplicate_and_older_versions_are_dropped(
    live_server, live_state, customer, token_for, probe
):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        await ws.next_for("1")  # version 1, the current state

        for version, value in [(1, "dup-of-current"), (3, "three"), (2, "late-two"), (3, "dup")]:
            await publish_raw(live_state, probe, version, value)
        await publish_raw(live_state, probe, 4, "four")
        received = [data_of(await ws.next_for("1")) for _ in range(2)]

    assert [(r["version"], r["value"]) for r in received] == [(3, "three"), (4, "four")]


async def test_a_terminal_change_completes_the_subscription(
    live_server, live_state, customer, token_for, probe
):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        await ws.next_for("1")

        await change_probe(state=live_state, probe_id=probe, owner_id=customer.id, value="final")
        last = data_of(await ws.next_for("1"))
        done = await ws.next_for("1")

    assert last["value"] == "final"
    assert done == {"id": "1", "type": "complete"}


async def test_a_change_made_while_the_redis_connection_was_down_is_caught_up(
    live_server, live_state, customer, token_for, probe
):
    backend = live_state.broadcast.backend
    reconnects = backend.reconnects
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        await ws.next_for("1")

        await backend.break_connection()
        # Published while this process has no subscription: Redis delivers it to nobody here.
        await change_probe(state=live_state, probe_id=probe, owner_id=customer.id, value="paid")
        caught_up = data_of(await ws.next_for("1"))

    assert (caught_up["version"], caught_up["value"]) == (2, "paid")
    assert backend.reconnects == reconnects + 1


# --- who may subscribe -------------------------------------------------------------------------


async def test_a_visitor_cannot_subscribe(live_server, probe):
    async with open_ws(live_server) as ws:
        assert (await ws.init())["type"] == "connection_ack"  # visitors may use public fields
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        message = await ws.next_for("1")

    assert message["type"] == "error"
    assert [e["extensions"]["code"] for e in message["payload"]] == ["UNAUTHENTICATED"]


async def test_someone_elses_probe_looks_exactly_like_a_missing_one(
    live_server, live_state, make_user, token_for, probe
):
    stranger = await make_user(Role.CUSTOMER)
    async with open_ws(live_server) as ws:
        await ws.init(token_for(stranger))
        await ws.subscribe("theirs", PROBE_SUB, {"id": probe})
        theirs = await ws.next_for("theirs")
        await ws.subscribe("missing", PROBE_SUB, {"id": 999})
        missing = await ws.next_for("missing")
        await change_probe(state=live_state, probe_id=probe, owner_id=stranger.id, value="x")
        await ws.send({"type": "ping"})
        after = await ws.receive()

    assert theirs["type"] == missing["type"] == "error"
    assert theirs["payload"] == missing["payload"]
    assert theirs["payload"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "reason": "NOT_FOUND",
        "field": ["probeId"],
    }
    assert after == {"type": "pong"}  # no event of someone else's probe came through


async def test_a_bad_token_in_connection_init_closes_with_4403(live_server):
    async with open_ws(live_server) as ws:
        await ws.send({"type": "connection_init", "payload": {"authorization": "Bearer nope"}})
        code, reason = await ws.closed()

    assert (code, reason) == (4403, "Forbidden")


async def test_the_socket_closes_with_4403_when_its_token_expires(
    live_server, settings, customer, probe
):
    short = settings.model_copy(update={"access_token_ttl_seconds": 2})
    token, _ = issue_access_token(settings=short, user=customer)
    async with open_ws(live_server) as ws:
        await ws.init(token)
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        assert data_of(await ws.next_for("1"))["version"] == 1
        code, reason = await ws.closed()

    assert (code, reason) == (4403, "Token expired")


async def test_each_subscription_checks_the_token_again(live_server, settings, customer, probe):
    """A socket whose token expired before the close timer fired cannot start anything."""
    short = settings.model_copy(update={"access_token_ttl_seconds": 2})
    token, expires_at = issue_access_token(settings=short, user=customer)
    async with open_ws(live_server) as ws:
        await ws.init(token)
        # Stop the timer, as if it had not fired yet, then let the token expire.
        handler_tasks = [t for t in asyncio.all_tasks() if t.get_name() == "ws-token-expiry"]
        for task in handler_tasks:
            task.cancel()
        await eventually(lambda: _expired(expires_at))
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        message = await ws.next_for("1")

    assert handler_tasks
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def _expired(expires_at) -> bool:
    from datetime import UTC, datetime

    return datetime.now(UTC) > expires_at


# --- limits and protocol errors -----------------------------------------------------------------


async def test_at_most_20_subscriptions_per_connection(live_server, customer, token_for, probe):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        for n in range(20):
            await ws.subscribe(str(n), PROBE_SUB, {"id": probe})
            assert data_of(await ws.next_for(str(n)))["version"] == 1
        await ws.subscribe("21st", PROBE_SUB, {"id": probe})
        refused = await ws.next_for("21st")
        await ws.complete("0")
        await ws.subscribe("again", PROBE_SUB, {"id": probe})
        accepted = await ws.next_for("again")

    assert refused["type"] == "error"
    assert refused["payload"][0]["extensions"] == {"code": "RATE_LIMITED"}
    assert "At most 20" in refused["payload"][0]["message"]
    assert data_of(accepted)["version"] == 1


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "WebSocket message must be valid JSON"),
        (b'{"type": "connection_init"}', "WebSocket message type must be text"),
        ('["a list"]', "Message must be an object with a type"),
        ('{"type": "no-such-type"}', "Unknown message type: no-such-type"),
        (
            '{"id": "1", "type": "subscribe", "payload": "query"}',
            "Subscribe payload must be an object",
        ),
        (
            '{"id": "1", "type": "subscribe", "payload": {}}',
            "Subscribe payload needs a query string",
        ),
        (
            '{"type": "subscribe", "payload": {"query": "{ x }"}}',
            "Subscribe message needs a string id",
        ),
    ],
)
async def test_malformed_messages_close_with_4400(
    live_server, customer, token_for, message, reason
):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.send(message)
        code, got_reason = await ws.closed()

    assert (code, got_reason) == (4400, reason)


async def test_subscribing_before_connection_ack_closes_with_4401(live_server, probe):
    async with open_ws(live_server) as ws:
        await ws.subscribe("1", PROBE_SUB, {"id": probe})
        assert await ws.closed() == (4401, "Unauthorized")


async def test_a_duplicate_subscription_id_closes_with_4409(
    live_server, customer, token_for, probe
):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("same", PROBE_SUB, {"id": probe})
        await ws.next_for("same")
        await ws.subscribe("same", PROBE_SUB, {"id": probe})
        code, reason = await ws.closed()

    assert (code, reason) == (4409, "Subscriber for same already exists")


async def test_queries_run_over_the_socket_too(live_server, customer, token_for, probe):
    async with open_ws(live_server) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("q", PROBE_VERSION, {"id": probe})
        result = await ws.next_for("q")
        done = await ws.next_for("q")

    assert result["payload"]["data"] == {"probeVersion": 1}
    assert done["type"] == "complete"


# --- resources -----------------------------------------------------------------------------------


async def test_sockets_share_one_redis_subscription_that_ends_with_the_last(
    live_server, live_state, redis, customer, token_for, probe
):
    channel = live_state.keys.events_channel(PROBE, probe)
    token = token_for(customer)
    async with open_ws(live_server) as a, open_ws(live_server) as b:
        await asyncio.gather(a.init(token), b.init(token))
        await asyncio.gather(
            a.subscribe("1", PROBE_SUB, {"id": probe}), b.subscribe("1", PROBE_SUB, {"id": probe})
        )
        await asyncio.gather(a.next_for("1"), b.next_for("1"))
        shared = await numsub(redis, channel)
        local = live_state.broadcast.local_subscribers(channel)

        await a.complete("1")
        await eventually(lambda: _local_is(live_state, channel, 1))
        after_one = await numsub(redis, channel)
        await b.complete("1")
        await eventually(lambda: _numsub_is(redis, channel, 0))

    assert (shared, local, after_one) == (1, 2, 1)
    assert channel not in live_state.broadcast.backend.channels


async def _local_is(state, channel: str, n: int) -> bool:
    return state.broadcast.local_subscribers(channel) == n


async def _numsub_is(redis, channel: str, n: int) -> bool:
    return await numsub(redis, channel) == n


async def test_a_client_that_stops_reading_is_dropped_and_told_why(
    live_server, live_state, customer, token_for, probe
):
    """The stalled client's queue fills once the socket pushes back; it is ended and its
    buffer freed, while a client reading the same channel gets every message."""
    channel = live_state.keys.events_channel(PROBE, probe)
    token = token_for(customer)
    big = "x" * 16_000  # big messages fill the socket buffers quickly
    count = 1_000
    async with (
        StallableWS.open(live_server) as stalled,
        open_ws(live_server) as reader,
    ):
        for ws in (stalled, reader):
            await ws.init(token)
            await ws.subscribe("1", PROBE_SUB, {"id": probe})
            await ws.next_for("1")

        async def read_all() -> list[int]:
            return [data_of(await reader.next_for("1"))["version"] for _ in range(count)]

        reading = asyncio.create_task(read_all())
        for version in range(2, count + 2):
            await publish_raw(live_state, probe, version, big)
        versions = await reading
        dropped = [s for s in _subscribers(live_state, channel) if s.end_reason == SLOW_CONSUMER]
        buffered = [s.buffered for s in dropped]

        # The stalled client reads at last: what the socket held, then the reason.
        while (message := await stalled.next_for("1"))["type"] == "next" and (
            "errors" not in message["payload"]
        ):
            pass
        done = await stalled.next_for("1")

    assert versions == list(range(2, count + 2))
    assert len(dropped) == 1 and buffered == [0]
    assert message["payload"]["errors"][0]["extensions"] == {
        "code": "SUBSCRIPTION_ENDED",
        "reason": "SLOW_CONSUMER",
    }
    assert done["type"] == "complete"


def _subscribers(state, channel: str) -> list:
    entry = state.broadcast._channels.get(channel)
    return list(entry.subscribers) if entry else []
