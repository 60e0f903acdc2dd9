"""Input rules of the catalog. Every problem is collected with its field path, so one
answer lists everything wrong with an input instead of one error per round trip."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import Enum
from itertools import product as cartesian
from urllib.parse import urlsplit

import orjson

from resolvers.catalog.errors import CatalogErrorCode
from resolvers.core.errors import DomainError, DomainErrors

# Limits (the columns allow at least this much).
TITLE_MAX = 60
SUBTITLE_MAX = 120
DESCRIPTION_MAX = 20_000
IMAGES_MAX = 20
URL_MAX = 512
CATEGORY_NAME_MAX = 32
SPEC_GROUPS_MAX = 3
SPEC_VALUES_MAX = 30
SPEC_NAME_MAX = 16
SPEC_VALUE_MAX = 32
SKUS_MAX = 200
BARCODE_MAX = 64
NOTE_MAX = 255
PRICE_MAX = Decimal("9999999999.99")
COUNT_MAX = 1_000_000_000  # stock, thresholds, grams: far below the int column's limit
CENT = Decimal("0.01")


Path = list[str]


@dataclass
class Problems:
    errors: list[DomainError] = field(default_factory=list)

    def add(self, code: Enum, message: str, path: Path) -> None:
        self.errors.append(DomainError(code, message, field=path))

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise DomainErrors(self.errors)


def text(
    problems: Problems, value: str, *, path: Path, max_length: int, required: bool = False
) -> str:
    value = value.strip()
    if required and not value:
        problems.add(CatalogErrorCode.REQUIRED, "This field is required", path)
    elif len(value) > max_length:
        problems.add(
            CatalogErrorCode.TOO_LONG, f"At most {max_length} characters ({len(value)} given)", path
        )
    return value


def money(problems: Problems, value: Decimal, *, path: Path) -> Decimal:
    try:
        finite = value.is_finite()
    except (AttributeError, InvalidOperation):
        finite = False
    if not finite:
        problems.add(CatalogErrorCode.INVALID, "Not an amount of money", path)
        return Decimal(0)
    if value < 0:
        problems.add(CatalogErrorCode.NEGATIVE_VALUE, "Must not be negative", path)
    elif value > PRICE_MAX:
        problems.add(CatalogErrorCode.INVALID, f"At most {PRICE_MAX}", path)
    elif value != value.quantize(CENT):
        problems.add(CatalogErrorCode.INVALID, "At most two decimal places", path)
    return value


def count(problems: Problems, value: int, *, path: Path) -> int:
    if value < 0:
        problems.add(CatalogErrorCode.NEGATIVE_VALUE, "Must not be negative", path)
    elif value > COUNT_MAX:
        problems.add(CatalogErrorCode.INVALID, f"At most {COUNT_MAX}", path)
    return value


def url(problems: Problems, value: str, *, path: Path, required: bool = True) -> str:
    value = value.strip()
    if not value:
        if required:
            problems.add(CatalogErrorCode.REQUIRED, "A URL is required", path)
        return value
    if len(value) > URL_MAX:
        problems.add(CatalogErrorCode.TOO_LONG, f"At most {URL_MAX} characters", path)
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        problems.add(CatalogErrorCode.INVALID, "Must be an http(s) URL", path)
    return value


def images(problems: Problems, values: list[str], *, path: Path) -> list[str]:
    if len(values) > IMAGES_MAX:
        problems.add(CatalogErrorCode.TOO_MANY, f"At most {IMAGES_MAX} images", path)
        return values
    return [url(problems, v, path=[*path, str(i)]) for i, v in enumerate(values)]


# --- specs and combinations -------------------------------------------------------------------

SpecGroups = list[dict[str, object]]  # [{"name": "Colour", "values": ["red", "blue"]}]


def spec_groups(
    problems: Problems, groups: list[tuple[str, list[str]]], *, path: Path
) -> SpecGroups:
    """Up to three named groups of distinct values, e.g. Colour x Size."""
    if len(groups) > SPEC_GROUPS_MAX:
        problems.add(
            CatalogErrorCode.INVALID_SPEC_GROUPS, f"At most {SPEC_GROUPS_MAX} spec groups", path
        )
        return []
    result: SpecGroups = []
    names: set[str] = set()
    for i, (raw_name, raw_values) in enumerate(groups):
        group_path = [*path, str(i)]
        name = raw_name.strip()
        if not name or len(name) > SPEC_NAME_MAX:
            problems.add(
                CatalogErrorCode.INVALID_SPEC_GROUPS,
                f"A spec group name has 1-{SPEC_NAME_MAX} characters",
                [*group_path, "name"],
            )
        elif name.casefold() in names:
            problems.add(
                CatalogErrorCode.INVALID_SPEC_GROUPS,
                f"Spec group {name!r} appears twice",
                [*group_path, "name"],
            )
        names.add(name.casefold())
        if not raw_values or len(raw_values) > SPEC_VALUES_MAX:
            problems.add(
                CatalogErrorCode.INVALID_SPEC_GROUPS,
                f"A spec group has 1-{SPEC_VALUES_MAX} values",
                [*group_path, "values"],
            )
        values: list[str] = []
        seen: set[str] = set()
        for j, raw in enumerate(raw_values):
            value = raw.strip()
            if not value or len(value) > SPEC_VALUE_MAX:
                problems.add(
                    CatalogErrorCode.INVALID_SPEC_GROUPS,
                    f"A spec value has 1-{SPEC_VALUE_MAX} characters",
                    [*group_path, "values", str(j)],
                )
            elif value.casefold() in seen:
                problems.add(
                    CatalogErrorCode.INVALID_SPEC_GROUPS,
                    f"Value {value!r} appears twice in {name!r}",
                    [*group_path, "values", str(j)],
                )
            seen.add(value.casefold())
            values.append(value)
        result.append({"name": name, "values": values})
    return result


def combination(
    problems: Problems, groups: SpecGroups, pairs: list[tuple[str, str]], *, path: Path
) -> dict[str, str] | None:
    """A SKU's spec values as {group: value} in group order, or None (problem recorded)
    when they are not exactly one declared value of every group."""
    given: dict[str, str] = {}
    for name, value in pairs:
        if name.strip() in given:
            problems.add(CatalogErrorCode.UNKNOWN_COMBINATION, f"Spec {name!r} given twice", path)
            return None
        given[name.strip()] = value.strip()
    declared = {str(g["name"]): list(g["values"]) for g in groups}  # type: ignore[call-overload]
    unknown = [n for n in given if n not in declared]
    missing = [n for n in declared if n not in given]
    bad_values = [n for n, v in given.items() if n in declared and v not in declared[n]]
    if unknown or missing or bad_values:
        described = ", ".join(f"{n}={v}" for n, v in given.items()) or "no specs"
        problems.add(
            CatalogErrorCode.UNKNOWN_COMBINATION,
            f"{described} is not a combination of this product's spec groups",
            path,
        )
        return None
    return {name: given[name] for name in declared}


def spec_key(values: dict[str, str]) -> str:
    """Canonical text of a combination, independent of group order; unique per product."""
    return orjson.dumps(sorted(values.items())).decode()


def all_combinations(groups: SpecGroups) -> list[dict[str, str]]:
    names = [str(g["name"]) for g in groups]
    value_lists = [list(g["values"]) for g in groups]  # type: ignore[call-overload]
    return [dict(zip(names, combo, strict=True)) for combo in cartesian(*value_lists)]
