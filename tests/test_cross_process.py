"""Two web processes behind one Redis: a change made through one reaches a subscriber of
the other, and the worker's republisher reaches it too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tortoise.transactions import in_transaction

from models import OutboxEvent
from resolvers.core import outbox
from tests.support.live_app import PROBE, PROBE_CHANGED, change_probe
from tests.support.processes import environment, web_process
from tests.support.shop import gid
from tests.support.waiting import eventually
from tests.support.ws import open_ws

PROBE_SUB = "subscription ($id: Int!) { probe(probeId: $id) { version value snapshot } }"
PROBE_CHANGE = "mutation ($id: Int!, $value: String!) { probeChange(probeId: $id, value: $value) }"
APP = "tests.support.live_app:app_factory"


@pytest.fixture(scope="session")
async def two_processes(app_server, settings):
    """Processes A and B: the probe app, each in its own uvicorn, sharing Redis and PostgreSQL."""
    env = environment(settings)
    async with web_process(APP, env) as a, web_process(APP, env) as b:
        yield a, b


async def test_a_change_made_through_process_a_reaches_a_subscriber_on_process_b(
    two_processes, live_state, customer, token_for
):
    a, b = two_processes
    token = token_for(customer)
    await change_probe(state=live_state, probe_id=11, owner_id=customer.id, value="created")
    async with open_ws(b.url) as ws, httpx.AsyncClient(base_url=a.url) as http:
        await ws.init(token)
        await ws.subscribe("1", PROBE_SUB, {"id": 11})
        first = await ws.next_for("1")
        response = await http.post(
            "/graphql",
            json={"query": PROBE_CHANGE, "variables": {"id": 11, "value": "paid"}},
            headers={"Authorization": f"Bearer {token}"},
        )
        second = await ws.next_for("1")

    assert a.pid != b.pid
    assert response.json() == {"data": {"probeChange": 2}}
    assert first["payload"]["data"]["probe"]["snapshot"] is True
    assert second["payload"]["data"]["probe"] == {"version": 2, "value": "paid", "snapshot": False}

    async def all_marked_published() -> bool:
        # Process A marks what it sent right after sending it (resolvers/core/outbox.py).
        return await OutboxEvent.filter(published_at=None).count() == 0

    await eventually(all_marked_published)


async def test_an_event_a_crash_left_unpublished_reaches_subscribers_through_the_worker(
    two_processes, live_state, customer, token_for
):
    _, b = two_processes
    await change_probe(state=live_state, probe_id=12, owner_id=customer.id, value="created")
    async with open_ws(b.url) as ws:
        await ws.init(token_for(customer))
        await ws.subscribe("1", PROBE_SUB, {"id": 12})
        await ws.next_for("1")
        # Committed, then the process died before publishing: only the row exists.
        async with in_transaction():
            orphan = await outbox.record(
                topic=PROBE_CHANGED,
                aggregate_type=PROBE,
                aggregate_id=12,
                version=2,
                payload={"ownerId": customer.id, "value": "paid"},
            )
        await OutboxEvent.filter(id=orphan.id).update(
            created_at=datetime.now(UTC) - outbox.REPUBLISH_AFTER - timedelta(seconds=1)
        )
        republished = await live_state.events.republish_pending()  # what the worker runs
        received = await ws.next_for("1")

    assert republished == 1
    assert received["payload"]["data"]["probe"] == {
        "version": 2,
        "value": "paid",
        "snapshot": False,
    }
    assert (await OutboxEvent.get(id=orphan.id)).published_at is not None


ORDER_CANCEL = """
mutation ($id: ID!) { orderCancel(input: {orderId: $id}) { order { status } errors { code } } }
"""
STATUS_SUB = "subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status snapshot } }"


@pytest.fixture(scope="session")
async def two_app_processes(app_server, settings):
    """Two processes of the real app (main:app_factory) sharing Redis and PostgreSQL."""
    env = environment(settings)
    async with (
        web_process("main:app_factory", env) as a,
        web_process("main:app_factory", env) as b,
    ):
        yield a, b


async def test_an_order_cancelled_through_process_a_reaches_its_owner_on_process_b(
    two_app_processes, shop, customer, token_for
):
    a, b = two_app_processes
    token = token_for(customer)
    order = await shop.order(customer, (await shop.sku(), 1))
    order_id = gid("Order", order.id)
    async with open_ws(b.url) as ws, httpx.AsyncClient(base_url=a.url) as http:
        await ws.init(token)
        await ws.subscribe("1", STATUS_SUB, {"id": order_id})
        first = await ws.next_for("1")
        response = await http.post(
            "/graphql",
            json={"query": ORDER_CANCEL, "variables": {"id": order_id}},
            headers={"Authorization": f"Bearer {token}"},
        )
        second = await ws.next_for("1")

    assert response.json()["data"]["orderCancel"] == {
        "order": {"status": "CANCELLED"},
        "errors": [],
    }
    assert first["payload"]["data"]["orderStatusChanged"] == {
        "status": "PENDING_PAYMENT",
        "snapshot": True,
    }
    assert second["payload"]["data"]["orderStatusChanged"] == {
        "status": "CANCELLED",
        "snapshot": False,
    }
