from __future__ import annotations

import strawberry
from strawberry import relay

from graph.context import Info
from graph.errors import run_mutation
from graph.inputs.addresses import AddressCreateInput, AddressIdInput, AddressUpdateInput
from graph.permissions import IsAuthenticated
from graph.relay import decode_id
from graph.types.addresses import (
    Address,
    AddressCreatePayload,
    AddressDeletePayload,
    AddressError,
    AddressSetDefaultPayload,
    AddressUpdatePayload,
)
from resolvers.addresses import service
from resolvers.core import shopper_limits
from resolvers.core.shopper_limits import ShopperAction


@strawberry.type
class AddressMutations:
    @strawberry.mutation(
        description="Add an address; the first one becomes the default.",
        permission_classes=[IsAuthenticated],
    )
    async def address_create(self, info: Info, input: AddressCreateInput) -> AddressCreatePayload:
        ctx = info.context
        crypto = ctx.state.crypto
        user_id = ctx.require_user().user_id
        await shopper_limits.hit(ctx.state, ShopperAction.ADDRESS_CREATE, user_id)
        return await run_mutation(
            service.create_address(
                crypto=crypto,
                user_id=user_id,
                data=input.address.to_data(),
                make_default=input.make_default,
                max_addresses=ctx.state.settings.address_book_max,
            ),
            payload=AddressCreatePayload,
            error=AddressError,
            build=lambda row: AddressCreatePayload(
                address=Address.from_view(service.view(row, crypto))
            ),
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def address_update(self, info: Info, input: AddressUpdateInput) -> AddressUpdatePayload:
        ctx = info.context
        crypto = ctx.state.crypto
        return await run_mutation(
            service.update_address(
                crypto=crypto,
                user_id=ctx.require_user().user_id,
                address_id=decode_id(input.address_id, expected="Address", field="addressId"),
                data=input.address.to_data(),
                make_default=input.make_default,
            ),
            payload=AddressUpdatePayload,
            error=AddressError,
            build=lambda row: AddressUpdatePayload(
                address=Address.from_view(service.view(row, crypto))
            ),
        )

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    async def address_set_default(
        self, info: Info, input: AddressIdInput
    ) -> AddressSetDefaultPayload:
        ctx = info.context
        crypto = ctx.state.crypto
        return await run_mutation(
            service.set_default(
                user_id=ctx.require_user().user_id,
                address_id=decode_id(input.address_id, expected="Address", field="addressId"),
            ),
            payload=AddressSetDefaultPayload,
            error=AddressError,
            build=lambda row: AddressSetDefaultPayload(
                address=Address.from_view(service.view(row, crypto))
            ),
        )

    @strawberry.mutation(
        description="Delete an address; if it was the default, the newest other one becomes it.",
        permission_classes=[IsAuthenticated],
    )
    async def address_delete(self, info: Info, input: AddressIdInput) -> AddressDeletePayload:
        return await run_mutation(
            service.delete_address(
                user_id=info.context.require_user().user_id,
                address_id=decode_id(input.address_id, expected="Address", field="addressId"),
            ),
            payload=AddressDeletePayload,
            error=AddressError,
            build=lambda pk: AddressDeletePayload(deleted_id=relay.GlobalID("Address", str(pk))),
        )
