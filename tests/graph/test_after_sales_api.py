"""After-sales over GraphQL: the shopper asks, staff decide, the order shows the money."""

from __future__ import annotations

from models import OrderLine, OrderStatus, Refund, RefundStatus, Sku
from resolvers.orders import payment_hook
from tests.support.graphql import GraphQLClient, codes
from tests.support.shop import gid

ERRORS = "errors { field message code }"
AFTER_SALE = "id number kind status requestedAmount { amount } approvedAmount { amount } lines { orderLineId quantity amount { amount } }"
REQUEST = f"""
mutation($input: AfterSaleRequestInput!) {{
  afterSaleRequest(input: $input) {{ afterSale {{ {AFTER_SALE} }} {ERRORS} }}
}}"""
APPROVE = f"""
mutation($input: AfterSaleApproveInput!) {{
  afterSaleApprove(input: $input) {{ afterSale {{ {AFTER_SALE} }} {ERRORS} }}
}}"""
REJECT = f"""
mutation($input: AfterSaleRejectInput!) {{
  afterSaleReject(input: $input) {{ afterSale {{ status }} {ERRORS} }}
}}"""
RECEIVE = f"""
mutation($id: ID!) {{
  afterSaleReceiveReturn(input: {{afterSaleId: $id}}) {{ afterSale {{ status }} {ERRORS} }}
}}"""
RETRY = f"""
mutation($id: ID!) {{ refundRetry(input: {{refundId: $id}}) {{ refund {{ status }} {ERRORS} }} }}"""
ORDER = """
query($id: ID!) {
  node(id: $id) {
    ... on Order {
      status paidAmount { amount } refundedAmount { amount }
      afterSales { status } refunds { id outRefundNo status amount { amount } reason }
    }
  }
}"""
LIST = "query($status: [AfterSaleStatus!]) { afterSales(status: $status) { nodes { id status } } }"
NODE = "query($id: ID!) { node(id: $id) { ... on AfterSale { id } } }"


async def _settle(state) -> None:
    for refund in await payment_hook.claim_refunds():
        await payment_hook.record_refund_result(
            state=state, out_refund_no=refund.out_refund_no, succeeded=True
        )


async def test_a_full_refund_through_the_api(customer_api, staff_api, shop, customer, state):
    order = await shop.order_in(
        customer, OrderStatus.DELIVERED, await shop.sku(price="120.00"), quantity=2
    )
    (line,) = await OrderLine.filter(order_id=order.id)

    asked = (
        await customer_api.execute(
            REQUEST,
            {
                "input": {
                    "orderId": gid("Order", order.id),
                    "kind": "REFUND_ONLY",
                    "lines": [{"orderLineId": gid("OrderLine", line.id), "quantity": 2}],
                    "reason": "arrived broken",
                    "photos": ["https://img.example.com/1.jpg"],
                }
            },
        )
    )["afterSaleRequest"]
    assert asked["errors"] == []
    after_sale = asked["afterSale"]
    assert (
        after_sale["status"] == "REQUESTED" and after_sale["requestedAmount"]["amount"] == "240.00"
    )
    assert after_sale["lines"] == [
        {"orderLineId": gid("OrderLine", line.id), "quantity": 2, "amount": {"amount": "240.00"}}
    ]
    listed = (await staff_api.execute(LIST, {"status": ["REQUESTED"]}))["afterSales"]["nodes"]
    assert [a["id"] for a in listed] == [after_sale["id"]]

    approved = (await staff_api.execute(APPROVE, {"input": {"afterSaleId": after_sale["id"]}}))[
        "afterSaleApprove"
    ]
    assert approved["afterSale"]["status"] == "REFUNDING"
    await _settle(state)

    shown = (await customer_api.execute(ORDER, {"id": gid("Order", order.id)}))["node"]
    assert shown["status"] == "REFUNDED"
    assert shown["paidAmount"] == shown["refundedAmount"] == {"amount": "240.00"}
    assert shown["afterSales"] == [{"status": "REFUNDED"}]
    assert [(r["status"], r["reason"]) for r in shown["refunds"]] == [("SUCCEEDED", "AFTER_SALE")]


async def test_an_approval_above_what_was_asked_is_refused(customer_api, staff_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.DELIVERED, await shop.sku(price="120.00"))
    asked = (
        await customer_api.execute(
            REQUEST,
            {"input": {"orderId": gid("Order", order.id), "kind": "REFUND_ONLY", "reason": "late"}},
        )
    )["afterSaleRequest"]["afterSale"]

    payload = (
        await staff_api.execute(
            APPROVE, {"input": {"afterSaleId": asked["id"], "amount": "120.01"}}
        )
    )["afterSaleApprove"]

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("REFUND_EXCEEDS_REQUESTED", ["amount"])
    ]
    assert await Refund.all().count() == 0


async def test_return_reject_and_retry_through_the_api(
    customer_api, staff_api, shop, customer, state
):
    sku = await shop.sku(price="50.00", stock=10)
    order = await shop.order_in(customer, OrderStatus.DELIVERED, sku)
    ask = {"orderId": gid("Order", order.id), "reason": "wrong size"}
    first = (await customer_api.execute(REQUEST, {"input": {**ask, "kind": "RETURN_AND_REFUND"}}))[
        "afterSaleRequest"
    ]["afterSale"]

    rejected = (
        await staff_api.execute(REJECT, {"input": {"afterSaleId": first["id"], "note": "worn"}})
    )["afterSaleReject"]
    assert rejected["afterSale"]["status"] == "REJECTED"

    second = (await customer_api.execute(REQUEST, {"input": {**ask, "kind": "RETURN_AND_REFUND"}}))[
        "afterSaleRequest"
    ]["afterSale"]
    await staff_api.execute(APPROVE, {"input": {"afterSaleId": second["id"]}})
    received = (await staff_api.execute(RECEIVE, {"id": second["id"]}))["afterSaleReceiveReturn"]
    assert received["afterSale"]["status"] == "REFUNDING"
    assert (await Sku.get(id=sku.id)).stock == 10  # back on the shelf

    (refund,) = await payment_hook.claim_refunds()
    await payment_hook.record_refund_result(
        state=state, out_refund_no=refund.out_refund_no, succeeded=False, failure_reason="closed"
    )
    retried = (await staff_api.execute(RETRY, {"id": gid("Refund", refund.id)}))["refundRetry"]
    assert retried == {"refund": {"status": "PENDING"}, "errors": []}
    assert (await Refund.get(id=refund.id)).status == RefundStatus.PENDING


async def test_after_sales_are_private_and_staff_decide(
    customer_api, shop, customer, http, make_user, token_for
):
    order = await shop.order_in(customer, OrderStatus.DELIVERED, await shop.sku())
    asked = (
        await customer_api.execute(
            REQUEST,
            {"input": {"orderId": gid("Order", order.id), "kind": "REFUND_ONLY", "reason": "late"}},
        )
    )["afterSaleRequest"]["afterSale"]
    stranger = GraphQLClient(http, token_for(await make_user()))

    assert (await customer_api.execute(NODE, {"id": asked["id"]}))["node"] == {"id": asked["id"]}
    assert (await stranger.execute(NODE, {"id": asked["id"]}))["node"] is None
    assert codes(await customer_api.errors(APPROVE, {"input": {"afterSaleId": asked["id"]}})) == [
        "FORBIDDEN"
    ]
    assert codes(await customer_api.errors(LIST)) == ["FORBIDDEN"]


async def test_a_line_listed_twice_is_a_payload_error(customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.DELIVERED, await shop.sku(), quantity=2)
    (line,) = await OrderLine.filter(order_id=order.id)
    entry = {"orderLineId": gid("OrderLine", line.id), "quantity": 2}

    payload = (
        await customer_api.execute(
            REQUEST,
            {
                "input": {
                    "orderId": gid("Order", order.id),
                    "kind": "REFUND_ONLY",
                    "lines": [entry, entry],
                    "reason": "broken",
                }
            },
        )
    )["afterSaleRequest"]

    assert payload["afterSale"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("DUPLICATE_LINE", ["lines", "1", "orderLineId"])
    ]


async def test_a_malformed_line_id_names_its_list_path(customer_api, shop, customer):
    order = await shop.order_in(customer, OrderStatus.DELIVERED, await shop.sku(), quantity=2)
    (line,) = await OrderLine.filter(order_id=order.id)

    errors = await customer_api.errors(
        REQUEST,
        {
            "input": {
                "orderId": gid("Order", order.id),
                "kind": "REFUND_ONLY",
                "lines": [
                    {"orderLineId": gid("OrderLine", line.id), "quantity": 1},
                    {"orderLineId": gid("Order", order.id), "quantity": 1},
                ],
                "reason": "broken",
            }
        },
    )

    assert codes(errors) == ["BAD_USER_INPUT"]
    assert errors[0]["extensions"]["field"] == ["lines", "1", "orderLineId"]
