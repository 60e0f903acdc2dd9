"""Distances, speeds and arrival times of couriers (pure functions)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from resolvers.core.geo import distance_m

# A courier report claiming more than this is noise (or a teleport), not a speed.
MAX_SPEED_MPS = 25.0
# Below this the courier is waiting (a red light, a lift): don't let it stretch the ETA.
MIN_SPEED_MPS = 1.0


def coordinate_problems(latitude: float, longitude: float, heading: float) -> list[str]:
    """Names of the inputs out of range (NaN and infinities included)."""
    problems = []
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        problems.append("latitude")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        problems.append("longitude")
    if not (math.isfinite(heading) and 0.0 <= heading < 360.0):
        problems.append("heading")
    return problems


@dataclass(frozen=True, slots=True)
class Fix:
    latitude: float
    longitude: float
    at: datetime


def recent_speed_mps(fixes: Sequence[Fix], *, default_mps: float) -> float:
    """Average speed over `fixes` (oldest first): path length over elapsed time.

    Too little movement history (under 10 s) gives `default_mps`; the result is clamped
    to [MIN_SPEED_MPS, MAX_SPEED_MPS].
    """
    if len(fixes) < 2:
        return default_mps
    elapsed = (fixes[-1].at - fixes[0].at).total_seconds()
    if elapsed < 10:
        return default_mps
    path = sum(
        distance_m(a.latitude, a.longitude, b.latitude, b.longitude)
        for a, b in itertools.pairwise(fixes)
    )
    return min(MAX_SPEED_MPS, max(MIN_SPEED_MPS, path / elapsed))


def eta(now: datetime, distance_remaining_m: float, speed_mps: float) -> datetime:
    return now + timedelta(seconds=distance_remaining_m / max(speed_mps, MIN_SPEED_MPS))
