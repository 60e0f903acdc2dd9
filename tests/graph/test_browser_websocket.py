"""A real browser (Debian's headless Chromium) speaking graphql-transport-ws to the app.

Browsers differ from server-side clients where it matters: they send an Origin header and
hand binary frames to the page as Blobs, which no graphql-transport-ws client can parse.
"""

from __future__ import annotations

import json

from tests.support.live_app import change_probe
from tests.support.node import chromium

PROBE_SUB = "subscription ($id: Int!) { probe(probeId: $id) { version value snapshot } }"

# Opens a socket from the page with the browser's own WebSocket and records every frame.
OPEN_SOCKET = """
() => new Promise((resolve) => {{
  window.frames_ = [];
  const socket = new WebSocket(location.origin.replace("http", "ws") + "/graphql",
                               "graphql-transport-ws");
  socket.onopen = () => socket.send(JSON.stringify(
    {{type: "connection_init", payload: {{authorization: "Bearer {token}"}}}}));
  socket.onmessage = (event) => {{
    const text = typeof event.data === "string";
    const message = text ? JSON.parse(event.data) : null;
    window.frames_.push({{text, message}});
    if (message && message.type === "connection_ack") {{
      socket.send(JSON.stringify({{id: "1", type: "subscribe",
                                   payload: {{query: {query}, variables: {{id: {probe_id}}}}}}}));
      resolve(true);
    }}
  }};
  socket.onclose = (event) => resolve(`closed ${{event.code}}`);
}})
"""
NEXT_COUNT = "() => window.frames_.filter((f) => f.message && f.message.type === 'next').length"


async def test_a_browser_subscribes_and_receives_text_frames(
    live_server, live_state, customer, token_for
):
    await change_probe(state=live_state, probe_id=3, owner_id=customer.id, value="created")
    async with chromium() as browser:
        assert await browser.goto(f"{live_server}/healthz") == 200
        opened = await browser.evaluate(
            OPEN_SOCKET.format(token=token_for(customer), query=json.dumps(PROBE_SUB), probe_id=3)
        )
        await browser.wait_for(f"() => ({NEXT_COUNT})() >= 1")
        await change_probe(state=live_state, probe_id=3, owner_id=customer.id, value="paid")
        await browser.wait_for(f"() => ({NEXT_COUNT})() >= 2")
        frames = await browser.evaluate("() => window.frames_")

    assert opened is True
    assert all(frame["text"] for frame in frames)
    nexts = [
        f["message"]["payload"]["data"]["probe"] for f in frames if f["message"]["type"] == "next"
    ]
    assert nexts == [
        {"version": 1, "value": "created", "snapshot": True},
        {"version": 2, "value": "paid", "snapshot": False},
    ]
    assert browser.page_errors == []
