"""Catalog: categories, products, SKUs, stock adjustments, favorites and reviews."""

from __future__ import annotations

from enum import StrEnum

from resolvers.core.errors import DomainError


class CatalogErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    TOO_MANY = "TOO_MANY"
    INVALID = "INVALID"
    NEGATIVE_VALUE = "NEGATIVE_VALUE"
    INVALID_SPEC_GROUPS = "INVALID_SPEC_GROUPS"
    UNKNOWN_COMBINATION = "UNKNOWN_COMBINATION"
    DUPLICATE_COMBINATION = "DUPLICATE_COMBINATION"
    DUPLICATE_BARCODE = "DUPLICATE_BARCODE"
    CATEGORY_TOO_DEEP = "CATEGORY_TOO_DEEP"
    NO_ACTIVE_SKUS = "NO_ACTIVE_SKUS"
    INVALID_STATUS = "INVALID_STATUS"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    # reviews
    RATING_OUT_OF_RANGE = "RATING_OUT_OF_RANGE"
    ORDER_NOT_COMPLETED = "ORDER_NOT_COMPLETED"
    ALREADY_REVIEWED = "ALREADY_REVIEWED"


def not_found(what: str, path: list[str]) -> DomainError:
    return DomainError(CatalogErrorCode.NOT_FOUND, f"{what} not found", field=path)
