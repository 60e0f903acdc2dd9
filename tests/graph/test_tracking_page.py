"""The tracking page GET /track/<number>, driven in real headless Chromium."""

from __future__ import annotations

import os

import pytest

from models import DeliveryMethod, Role
from resolvers.delivery import service as delivery
from resolvers.delivery.service import Report
from tests.support.node import chromium
from tests.support.shop import CENTRE

COURIER = "() => { const c = document.getElementById('courier'); return c.hasAttribute('hidden') ? null : {lat: +c.dataset.lat, x: +c.dataset.x, y: +c.dataset.y}; }"
STATE = "() => document.getElementById('app').dataset.state"


@pytest.fixture
async def out_for_delivery(state, shop, customer, staff_user, make_user):
    courier = await make_user(Role.COURIER)
    order = await shop.pay(
        await shop.order(
            customer, (await shop.sku(), 1), method=DeliveryMethod.COURIER, store=await shop.store()
        )
    )
    await delivery.assign(
        state=state, staff_id=staff_user.id, order_id=order.id, courier_id=courier.id
    )
    await delivery.picked_up(state=state, courier_id=courier.id, order_id=order.id)
    return order, courier


async def report(state, courier, order, lat: float) -> None:
    await state.limiter.reset(delivery.REPORT_LIMIT, str(courier.id))
    await delivery.report_location(
        state=state, courier_id=courier.id, order_id=order.id, report=Report(lat, CENTRE[1], 0.0)
    )


async def test_the_page_shows_the_courier_moving_then_delivered(
    app_server, http, state, customer, token_for, out_for_delivery, tmp_path
):
    order, courier = out_for_delivery
    await report(state, courier, order, CENTRE[0] + 0.001)
    async with chromium() as browser:
        assert (
            await browser.goto(f"{app_server}/track/{order.number}#token={token_for(customer)}")
            == 200
        )
        await browser.wait_for(f"() => ({STATE})() === 'live'")
        before = await browser.wait_for(COURIER)
        status = await browser.evaluate("() => document.getElementById('status').dataset.status")
        eta = await browser.evaluate("() => document.getElementById('eta').textContent")

        await report(state, courier, order, CENTRE[0] + 0.006)
        after = await browser.wait_for(
            f"() => {{ const c = ({COURIER})(); return c && c.lat > {CENTRE[0] + 0.005} ? c : null; }}"
        )
        token_gone = await browser.evaluate("() => location.hash === ''")
        await browser.screenshot(str(tmp_path / "tracking.png"))

        await delivery.completed(state=state, courier_id=courier.id, order_id=order.id)
        delivered = await browser.wait_for(
            "() => document.getElementById('status').dataset.status === 'DELIVERED'"
        )
        courier_hidden = await browser.evaluate(f"() => ({COURIER})() === null")

    assert status == "OUT_FOR_DELIVERY" and "分钟" in eta
    assert before["lat"] == pytest.approx(CENTRE[0] + 0.001)
    assert (after["x"], after["y"]) != (before["x"], before["y"])  # the marker moved
    assert token_gone  # the token left the address bar
    assert delivered and courier_hidden
    assert browser.page_errors == []
    if os.environ.get("KEEP_SCREENSHOTS"):
        (tmp_path / "tracking.png").rename(os.environ["KEEP_SCREENSHOTS"])


async def test_the_page_is_self_contained_and_locked_down(http, out_for_delivery):
    order, _ = out_for_delivery
    page = await http.get(f"/track/{order.number}")
    script = await http.get("/track/assets/track.js")

    assert page.status_code == 200 and script.status_code == 200
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    assert order.number not in page.text  # the page holds no order data itself


async def test_someone_elses_order_shows_not_found(
    app_server, make_user, token_for, out_for_delivery
):
    order, _ = out_for_delivery
    stranger = await make_user(Role.CUSTOMER)
    async with chromium() as browser:
        await browser.goto(f"{app_server}/track/{order.number}#token={token_for(stranger)}")
        state = await browser.wait_for(f"() => ({STATE})() !== 'loading' && ({STATE})()")
        courier_hidden = await browser.evaluate(f"() => ({COURIER})() === null")

    assert state == "missing" and courier_hidden
