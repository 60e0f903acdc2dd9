from __future__ import annotations

from enum import StrEnum


class AddressErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_COORDINATES = "INVALID_COORDINATES"
    ADDRESS_BOOK_FULL = "ADDRESS_BOOK_FULL"
