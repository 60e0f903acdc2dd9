"""Great-circle geometry shared by stores, checkout and courier tracking (pure functions)."""

from __future__ import annotations

import math

# One radius everywhere, so "this store delivers here" means the same to the store list,
# checkout and the courier's ETA.
EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    # Rounding can push `a` a hair above 1 for antipodal points; asin would raise.
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))
