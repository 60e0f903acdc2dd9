"""The reference `graphql-ws` client (npm) against our server: the protocol is right, not
only our own test client."""

from __future__ import annotations

from models import Role
from resolvers.accounts.tokens import issue_access_token
from tests.support.live_app import change_probe
from tests.support.node import graphql_ws_subscriber
from tests.support.shop import gid

PROBE_SUB = "subscription ($id: Int!) { probe(probeId: $id) { version value snapshot } }"


async def test_the_reference_client_subscribes_and_receives_each_change(
    live_server, live_state, customer, token_for
):
    await change_probe(state=live_state, probe_id=7, owner_id=customer.id, value="created")
    async with graphql_ws_subscriber(
        live_server, query=PROBE_SUB, variables={"id": 7}, tokens=[token_for(customer)]
    ) as client:
        await client.until("connected")
        first = await client.until("next")
        await change_probe(state=live_state, probe_id=7, owner_id=customer.id, value="paid")
        second = await client.until("next")
        await change_probe(state=live_state, probe_id=7, owner_id=customer.id, value="final")
        third = await client.until("next")
        done = await client.read()

    assert first["payload"] == {
        "data": {"probe": {"version": 1, "value": "created", "snapshot": True}}
    }
    assert second["payload"] == {
        "data": {"probe": {"version": 2, "value": "paid", "snapshot": False}}
    }
    assert third["payload"]["data"]["probe"]["value"] == "final"
    assert done == {"event": "complete"}


async def test_the_reference_client_gets_the_not_found_error_for_someone_elses_probe(
    live_server, live_state, customer, make_user, token_for
):
    await change_probe(state=live_state, probe_id=8, owner_id=customer.id, value="created")
    stranger = await make_user(Role.CUSTOMER)
    async with graphql_ws_subscriber(
        live_server, query=PROBE_SUB, variables={"id": 8}, tokens=[token_for(stranger)]
    ) as client:
        error = await client.until("error")

    assert [e["extensions"]["reason"] for e in error["error"]] == ["NOT_FOUND"]
    assert not [line for line in client.lines if line["event"] == "next"]


async def test_after_4403_token_expired_the_client_reconnects_with_its_fresh_token(
    live_server, live_state, settings, customer, token_for
):
    """Why 4403: graphql-ws retries on it and asks `connectionParams` again."""
    await change_probe(state=live_state, probe_id=9, owner_id=customer.id, value="created")
    short = settings.model_copy(update={"access_token_ttl_seconds": 2})
    expiring, _ = issue_access_token(settings=short, user=customer)
    async with graphql_ws_subscriber(
        live_server, query=PROBE_SUB, variables={"id": 9}, tokens=[expiring, token_for(customer)]
    ) as client:
        await client.until("next")
        closed = await client.until("closed")
        await client.until("connected")
        again = await client.until("next")  # resubscribed: the current state first
        await change_probe(state=live_state, probe_id=9, owner_id=customer.id, value="paid")
        change = await client.until("next")

    assert (closed["code"], closed["reason"]) == (4403, "Token expired")
    assert again["payload"]["data"]["probe"]["version"] == 1
    assert change["payload"]["data"]["probe"] == {"version": 2, "value": "paid", "snapshot": False}


STATUS_SUB = "subscription ($id: ID!) { orderStatusChanged(orderId: $id) { status snapshot } }"


async def test_the_reference_client_follows_a_real_order(app_server, shop, customer, token_for):
    order = await shop.order(customer, (await shop.sku(), 1))
    async with graphql_ws_subscriber(
        app_server,
        query=STATUS_SUB,
        variables={"id": gid("Order", order.id)},
        tokens=[token_for(customer)],
    ) as client:
        first = await client.until("next")
        await shop.pay(order)
        second = await client.until("next")

    assert first["payload"] == {
        "data": {"orderStatusChanged": {"status": "PENDING_PAYMENT", "snapshot": True}}
    }
    assert second["payload"] == {
        "data": {"orderStatusChanged": {"status": "PAID", "snapshot": False}}
    }
