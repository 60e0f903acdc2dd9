from __future__ import annotations

import strawberry

from resolvers.addresses.service import AddressData


@strawberry.input(description="A delivery address; phone and detail are stored encrypted.")
class AddressInput:
    recipient_name: str
    phone: str = strawberry.field(
        description="Mainland mobile (13812345678, +86 allowed) or digits."
    )
    province: str
    city: str
    district: str = ""
    detail: str = strawberry.field(description="Street, building, room (at most 200 characters).")
    latitude: float | None = strawberry.field(
        default=None, description="Needed for same-city courier delivery."
    )
    longitude: float | None = None
    label: str = ""

    def to_data(self) -> AddressData:
        return AddressData(
            recipient_name=self.recipient_name,
            phone=self.phone,
            province=self.province,
            city=self.city,
            district=self.district,
            detail=self.detail,
            latitude=self.latitude,
            longitude=self.longitude,
            label=self.label,
        )


@strawberry.input
class AddressCreateInput:
    address: AddressInput
    make_default: bool = False


@strawberry.input
class AddressUpdateInput:
    address_id: strawberry.ID
    address: AddressInput
    make_default: bool = False


@strawberry.input
class AddressIdInput:
    address_id: strawberry.ID
