"""The shopper's address book: at most one default, phone and street detail encrypted.

Every write locks the owner's user row first, so two concurrent writes of one shopper
(two tabs both adding a first address, or both setting a default) queue up instead of
leaving two defaults or a book above its cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Address, User
from resolvers.addresses.errors import AddressErrorCode
from resolvers.core.crypto import FieldCipher, normalise_phone
from resolvers.core.errors import DomainError, DomainErrors

PHONE_CONTEXT = "address.phone"
DETAIL_CONTEXT = "address.detail"

_LIMITS = {"recipientName": 32, "province": 32, "city": 32, "district": 32, "label": 16}
MAX_DETAIL_LENGTH = 200


@dataclass(frozen=True, slots=True)
class AddressData:
    recipient_name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class AddressView:
    """An address as its owner sees it (decrypted)."""

    row: Address
    phone: str
    detail: str


def view(row: Address, crypto: FieldCipher) -> AddressView:
    return AddressView(
        row=row,
        phone=crypto.decrypt(row.phone_encrypted, context=PHONE_CONTEXT),
        detail=crypto.decrypt(row.detail_encrypted, context=DETAIL_CONTEXT),
    )


def phone_index(crypto: FieldCipher, phone: str) -> str:
    """The blind index of a phone number, shared by addresses and order snapshots."""
    return crypto.blind_index(phone, context=PHONE_CONTEXT)


def validate_address(data: AddressData) -> tuple[AddressData, str]:
    """Trimmed data and the normalised phone, or every problem at once."""
    values = {
        "recipientName": data.recipient_name.strip(),
        "province": data.province.strip(),
        "city": data.city.strip(),
        "district": data.district.strip(),
        "label": data.label.strip(),
    }
    detail = data.detail.strip()
    errors: list[DomainError] = []
    for name in ("recipientName", "province", "city"):
        if not values[name]:
            errors.append(
                DomainError(
                    AddressErrorCode.REQUIRED, f"{name} is required", field=["address", name]
                )
            )
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            errors.append(
                DomainError(
                    AddressErrorCode.TOO_LONG,
                    f"at most {limit} characters",
                    field=["address", name],
                )
            )
    if not detail:
        errors.append(
            DomainError(
                AddressErrorCode.REQUIRED, "detail is required", field=["address", "detail"]
            )
        )
    elif len(detail) > MAX_DETAIL_LENGTH:
        errors.append(
            DomainError(
                AddressErrorCode.TOO_LONG,
                f"at most {MAX_DETAIL_LENGTH} characters",
                field=["address", "detail"],
            )
        )
    phone = normalise_phone(data.phone)
    if phone is None:
        errors.append(
            DomainError(
                AddressErrorCode.INVALID_PHONE, "Not a phone number", field=["address", "phone"]
            )
        )
    if (data.latitude is None) != (data.longitude is None) or (
        data.latitude is not None
        and not (
            math.isfinite(data.latitude)
            and math.isfinite(data.longitude or 0.0)
            and -90 <= data.latitude <= 90
            and -180 <= (data.longitude or 0.0) <= 180
        )
    ):
        errors.append(
            DomainError(
                AddressErrorCode.INVALID_COORDINATES,
                "Give both latitude and longitude, in degrees",
                field=["address", "latitude"],
            )
        )
    if errors:
        raise DomainErrors(errors)
    cleaned = AddressData(
        recipient_name=values["recipientName"],
        phone=phone or "",
        province=values["province"],
        city=values["city"],
        district=values["district"],
        detail=detail,
        latitude=data.latitude,
        longitude=data.longitude,
        label=values["label"],
    )
    return cleaned, phone or ""


def _encrypted_fields(crypto: FieldCipher, data: AddressData, phone: str) -> dict[str, object]:
    return {
        "recipient_name": data.recipient_name,
        "phone_encrypted": crypto.encrypt(phone, context=PHONE_CONTEXT),
        "phone_index": phone_index(crypto, phone),
        "province": data.province,
        "city": data.city,
        "district": data.district,
        "detail_encrypted": crypto.encrypt(data.detail, context=DETAIL_CONTEXT),
        "latitude": data.latitude,
        "longitude": data.longitude,
        "label": data.label,
    }


async def _lock_owner(user_id: int) -> None:
    await User.filter(id=user_id).select_for_update().only("id").first()


async def _owned(user_id: int, address_id: int, *, field: str = "addressId") -> Address:
    row = await Address.get_or_none(id=address_id, user_id=user_id)
    if row is None:
        raise DomainError(AddressErrorCode.NOT_FOUND, "No such address", field=[field])
    return row


async def list_addresses(*, user_id: int) -> list[Address]:
    return await Address.filter(user_id=user_id).order_by("-is_default", "-id")


async def create_address(
    *,
    crypto: FieldCipher,
    user_id: int,
    data: AddressData,
    make_default: bool,
    max_addresses: int,
) -> Address:
    cleaned, phone = validate_address(data)
    async with in_transaction():
        await _lock_owner(user_id)
        count = await Address.filter(user_id=user_id).count()
        if count >= max_addresses:
            raise DomainError(
                AddressErrorCode.ADDRESS_BOOK_FULL,
                f"An address book holds at most {max_addresses} addresses",
            )
        # The first address is the default whatever the shopper asked.
        is_default = make_default or count == 0
        if is_default:
            await Address.filter(user_id=user_id, is_default=True).update(is_default=False)
        return await Address.create(
            user_id=user_id, is_default=is_default, **_encrypted_fields(crypto, cleaned, phone)
        )


async def update_address(
    *,
    crypto: FieldCipher,
    user_id: int,
    address_id: int,
    data: AddressData,
    make_default: bool,
) -> Address:
    cleaned, phone = validate_address(data)
    async with in_transaction():
        await _lock_owner(user_id)
        row = await _owned(user_id, address_id)
        if make_default and not row.is_default:
            await Address.filter(user_id=user_id, is_default=True).update(is_default=False)
            row.is_default = True
        for name, value in _encrypted_fields(crypto, cleaned, phone).items():
            setattr(row, name, value)
        await row.save()
        return row


async def set_default(*, user_id: int, address_id: int) -> Address:
    async with in_transaction():
        await _lock_owner(user_id)
        row = await _owned(user_id, address_id)
        if not row.is_default:
            await Address.filter(user_id=user_id, is_default=True).update(is_default=False)
            row.is_default = True
            await row.save(update_fields=["is_default", "updated_at"])
        return row


async def delete_address(*, user_id: int, address_id: int) -> int:
    """Delete; when it was the default, the newest remaining address becomes the default."""
    async with in_transaction():
        await _lock_owner(user_id)
        row = await _owned(user_id, address_id)
        await row.delete()
        if row.is_default:
            newest = await Address.filter(user_id=user_id).order_by("-id").first()
            if newest is not None:
                newest.is_default = True
                await newest.save(update_fields=["is_default", "updated_at"])
        return address_id
