"""Great-circle distance shared by stores, checkout and courier tracking."""

from __future__ import annotations

import math

import pytest

from resolvers.core.geo import EARTH_RADIUS_M, distance_m


def test_one_degree_of_latitude_is_about_111_km():
    assert distance_m(31.0, 121.0, 32.0, 121.0) == pytest.approx(111_195, abs=1)


def test_distance_is_symmetric_and_zero_at_the_same_point():
    a, b = (31.2304, 121.4737), (39.9042, 116.4074)
    assert distance_m(*a, *b) == pytest.approx(distance_m(*b, *a))
    assert distance_m(*a, *a) == 0.0


def test_antipodal_points_do_not_overflow_asin():
    assert distance_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert distance_m(31.2304, 121.4737, -31.2304, -58.5263) == pytest.approx(
        math.pi * EARTH_RADIUS_M
    )
