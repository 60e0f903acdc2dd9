"""The address book over GraphQL: a default, encryption at rest, and refusals."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections

from models import Address
from tests.support.graphql import GraphQLClient, codes

ADDRESS_FIELDS = (
    "id recipientName phone province city district detail latitude longitude label isDefault"
)
ERRORS = "errors { field message code }"
CREATE = f"""
mutation($input: AddressCreateInput!) {{
  addressCreate(input: $input) {{ address {{ {ADDRESS_FIELDS} }} {ERRORS} }}
}}"""
UPDATE = f"""
mutation($input: AddressUpdateInput!) {{
  addressUpdate(input: $input) {{ address {{ {ADDRESS_FIELDS} }} {ERRORS} }}
}}"""
SET_DEFAULT = f"""
mutation($id: ID!) {{
  addressSetDefault(input: {{addressId: $id}}) {{ address {{ id isDefault }} {ERRORS} }}
}}"""
DELETE = f"""
mutation($id: ID!) {{ addressDelete(input: {{addressId: $id}}) {{ deletedId {ERRORS} }} }}"""
LIST = f"query {{ addresses {{ {ADDRESS_FIELDS} }} }}"
NODE = "query($id: ID!) { node(id: $id) { ... on Address { id phone } } }"

HOME = {
    "recipientName": "韩梅梅",
    "phone": "+86 138-1234-5678",
    "province": "上海",
    "city": "上海市",
    "district": "黄浦区",
    "detail": "人民大道 200 号 3 楼",
    "latitude": 31.2304,
    "longitude": 121.4737,
    "label": "home",
}


async def _create(api: GraphQLClient, make_default: bool = False, **changes: object) -> dict:
    data = await api.execute(
        CREATE, {"input": {"address": {**HOME, **changes}, "makeDefault": make_default}}
    )
    return data["addressCreate"]


async def test_the_first_address_is_the_default_and_a_new_default_replaces_it(customer_api):
    home = (await _create(customer_api))["address"]
    office = (await _create(customer_api, label="office"))["address"]
    gym = (await _create(customer_api, make_default=True, label="gym"))["address"]

    assert home["isDefault"] and not office["isDefault"] and gym["isDefault"]
    listed = (await customer_api.execute(LIST))["addresses"]
    assert [a["label"] for a in listed] == ["gym", "office", "home"]
    assert [a["isDefault"] for a in listed] == [True, False, False]
    assert listed[0]["phone"] == "13812345678"  # normalised, in full for its owner

    moved = (await customer_api.execute(SET_DEFAULT, {"id": office["id"]}))["addressSetDefault"]
    assert moved["address"]["isDefault"]
    assert await Address.filter(is_default=True).count() == 1


async def test_phone_and_detail_are_encrypted_at_rest(customer_api, customer):
    await _create(customer_api)

    _, rows = await connections.get("default").execute_query(
        "SELECT * FROM address WHERE user_id = $1", [customer.id]
    )
    stored = " ".join(str(value) for value in rows[0].values())

    assert "13812345678" not in stored and "人民大道" not in stored
    assert rows[0]["phone_encrypted"].startswith("g1$dev1$")
    assert len(rows[0]["phone_index"]) == 64


async def test_update_and_delete_the_default(customer_api):
    home = (await _create(customer_api))["address"]
    office = (await _create(customer_api, label="office"))["address"]

    updated = (
        await customer_api.execute(
            UPDATE,
            {"input": {"addressId": home["id"], "address": {**HOME, "detail": "南京路 1 号"}}},
        )
    )["addressUpdate"]
    assert updated["address"]["detail"] == "南京路 1 号" and updated["address"]["isDefault"]

    deleted = (await customer_api.execute(DELETE, {"id": home["id"]}))["addressDelete"]
    assert deleted == {"deletedId": home["id"], "errors": []}
    # The newest remaining address took over as default.
    listed = (await customer_api.execute(LIST))["addresses"]
    assert [(a["id"], a["isDefault"]) for a in listed] == [(office["id"], True)]


async def test_concurrent_first_addresses_make_one_default(customer_api, customer):
    await asyncio.gather(*[_create(customer_api, label=f"a{i}") for i in range(8)])

    assert await Address.filter(user_id=customer.id).count() == 8
    assert await Address.filter(user_id=customer.id, is_default=True).count() == 1


async def test_addresses_are_private(customer_api, http, make_user, token_for):
    home = (await _create(customer_api))["address"]
    stranger = GraphQLClient(http, token_for(await make_user()))

    assert (await customer_api.execute(NODE, {"id": home["id"]}))["node"]["phone"] == "13812345678"
    assert (await stranger.execute(NODE, {"id": home["id"]}))["node"] is None
    for document, variables in (
        (SET_DEFAULT, {"id": home["id"]}),
        (DELETE, {"id": home["id"]}),
        (UPDATE, {"input": {"addressId": home["id"], "address": HOME}}),
    ):
        payload = next(iter((await stranger.execute(document, variables)).values()))
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("NOT_FOUND", ["addressId"])
        ]
    assert await Address.all().count() == 1


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"recipientName": " "}, "REQUIRED", ["address", "recipientName"]),
        ({"city": "x" * 33}, "TOO_LONG", ["address", "city"]),
        ({"phone": "call me"}, "INVALID_PHONE", ["address", "phone"]),
        ({"latitude": 91.0}, "INVALID_COORDINATES", ["address", "latitude"]),
        ({"longitude": None}, "INVALID_COORDINATES", ["address", "latitude"]),
    ],
)
async def test_invalid_addresses_are_refused(customer_api, changes, code, field):
    payload = await _create(customer_api, **changes)

    assert payload["address"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert await Address.all().count() == 0


async def test_a_full_address_book_is_refused(customer_api, customer, state, monkeypatch):
    monkeypatch.setattr(state.settings, "address_book_max", 2)
    await _create(customer_api)
    await _create(customer_api)

    payload = await _create(customer_api)

    assert [e["code"] for e in payload["errors"]] == ["ADDRESS_BOOK_FULL"]
    assert await Address.filter(user_id=customer.id).count() == 2


async def test_addresses_need_a_login(api):
    assert codes(await api.errors(LIST)) == ["UNAUTHENTICATED"]
