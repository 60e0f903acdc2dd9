"""Stores (O2O): physical stores, their hours, delivery radius and stock."""

from __future__ import annotations

from enum import StrEnum


class StoreErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID = "INVALID"
    NEGATIVE_VALUE = "NEGATIVE_VALUE"
