"""graphql-transport-ws: authentication from connection_init, and the protocol's guards."""

from __future__ import annotations

import pytest

from tests.support.ws import close_code, init, receive, send, ws_connect

ME = {"query": "{ me { id role } }"}


async def test_operations_before_connection_init_close_4401(app_server):
    async with ws_connect(app_server) as socket:
        await send(socket, {"id": "1", "type": "subscribe", "payload": ME})

        assert await close_code(socket) == 4401


async def test_a_bad_token_closes_4403(app_server):
    async with ws_connect(app_server) as socket:
        await send(socket, {"type": "connection_init", "payload": {"authorization": "Bearer nope"}})

        assert await close_code(socket) == 4403


async def test_a_non_string_token_closes_4403(app_server):
    async with ws_connect(app_server) as socket:
        await send(socket, {"type": "connection_init", "payload": {"authorization": 42}})

        assert await close_code(socket) == 4403


async def test_a_good_token_authenticates_the_socket(app_server, customer, token_for):
    async with ws_connect(app_server) as socket:
        ack = await init(socket, {"authorization": f"Bearer {token_for(customer)}"})
        await send(socket, {"id": "1", "type": "subscribe", "payload": ME})
        result = await receive(socket)
        done = await receive(socket)

    assert ack["type"] == "connection_ack"
    assert result["type"] == "next"
    assert result["payload"]["data"]["me"]["role"] == "CUSTOMER"
    assert done == {"id": "1", "type": "complete"}


async def test_a_bare_token_is_accepted_too(app_server, customer, token_for):
    async with ws_connect(app_server) as socket:
        ack = await init(socket, {"token": token_for(customer)})

    assert ack["type"] == "connection_ack"


async def test_visitors_may_connect_without_a_token(app_server):
    async with ws_connect(app_server) as socket:
        await init(socket)
        await send(socket, {"id": "1", "type": "subscribe", "payload": ME})
        result = await receive(socket)

    assert result["payload"] == {"data": {"me": None}}


async def test_limits_apply_over_websocket_too(app_server, settings):
    fields = " ".join(f"a{i}: __typename" for i in range(settings.max_aliases + 1))
    async with ws_connect(app_server) as socket:
        await init(socket)
        await send(
            socket, {"id": "1", "type": "subscribe", "payload": {"query": f"{{ {fields} }}"}}
        )
        result = await receive(socket)

    assert result["type"] == "error"
    assert result["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_malformed_messages_close_4400(app_server):
    async with ws_connect(app_server) as socket:
        await socket.send("not json")

        assert await close_code(socket) == 4400


async def test_cross_origin_sockets_need_an_allowed_origin(app_server):
    import websockets

    with pytest.raises(websockets.InvalidStatus) as refused:
        async with ws_connect(app_server, origin="https://evil.example"):
            pass

    assert refused.value.response.status_code == 403
