"""h3 helpers: distances, radius coverage, and fuzzed cells that never give the point away."""

import math
import random

import h3
import pytest

from core.geo.cells import (
    MAX_RINGS,
    FuzzedCell,
    cell_for,
    cells_within,
    distance_km,
    fuzzed_cell,
    rings_to_cover,
)

H3_EARTH_RADIUS_KM = 6371.007180918475
PLACES = {
    "London": (51.5072, -0.1276),
    "Manchester": (53.4808, -2.2426),
    "New York": (40.7128, -74.0060),
    "Tromso": (69.6492, 18.9553),
    "Quito": (-0.1807, -78.4678),
    "Hobart": (-42.8821, 147.3272),
}


def destination(lat, lng, km, bearing):
    """The point `km` from (lat, lng) along `bearing` (radians), on the sphere."""
    d = km / H3_EARTH_RADIUS_KM
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1),
                         math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def haversine(a, b):
    (p1, l1), (p2, l2) = (map(math.radians, a)), (map(math.radians, b))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return 2 * H3_EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def random_points_within(rng, lat, lng, km, n):
    points = []
    while len(points) < n:
        point = destination(lat, lng, km * math.sqrt(rng.random()), rng.random() * 2 * math.pi)
        if distance_km((lat, lng), point) <= km:
            points.append(point)
    # the rim matters most: add points at (almost exactly) the radius in every direction
    points += [destination(lat, lng, km * 0.999999, b * math.pi / 90) for b in range(180)]
    return points


def inside(point, polygon):
    """Ray casting in the (lat, lng) plane: fine for a small cell away from the antimeridian."""
    y, x = point
    result = False
    for (y1, x1), (y2, x2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


def test_cell_for_is_h3s_cell():
    assert cell_for(51.5072, -0.1276) == h3.latlng_to_cell(51.5072, -0.1276, 9)
    assert cell_for(51.5072, -0.1276, 7) == h3.latlng_to_cell(51.5072, -0.1276, 7)
    assert h3.get_resolution(cell_for(51.5072, -0.1276)) == 9


def test_distance_km_is_haversine():
    one_degree = 2 * math.pi * H3_EARTH_RADIUS_KM / 360
    assert distance_km((0.0, 0.0), (0.0, 1.0)) == pytest.approx(one_degree, abs=1e-9)
    assert distance_km((0.0, 0.0), (1.0, 0.0)) == pytest.approx(one_degree, abs=1e-9)
    assert distance_km(PLACES["London"], PLACES["London"]) == 0.0
    assert distance_km(PLACES["London"], PLACES["Manchester"]) == pytest.approx(
        haversine(PLACES["London"], PLACES["Manchester"]), abs=1e-9
    )
    assert round(distance_km(PLACES["London"], PLACES["Manchester"]), 1) == 262.0


@pytest.mark.parametrize("place", sorted(PLACES))
@pytest.mark.parametrize(("km", "resolution"), [(0.05, 9), (0.3, 9), (2.0, 9), (5.0, 8), (12.0, 7)])
def test_cells_within_covers_every_point_in_the_radius(place, km, resolution):
    rng = random.Random(f"{place}-{km}-{resolution}")
    lat, lng = PLACES[place]
    # the query point is anywhere, not a cell centre
    lat, lng = destination(lat, lng, rng.random() * 3, rng.random() * 2 * math.pi)
    cells = cells_within(lat, lng, km, resolution)
    missed = [p for p in random_points_within(rng, lat, lng, km, 400)
              if cell_for(*p, resolution) not in cells]
    assert missed == []
    assert cell_for(lat, lng, resolution) in cells


def test_cells_within_a_zero_radius_is_the_points_neighbourhood():
    lat, lng = PLACES["London"]
    origin = cell_for(lat, lng)
    assert cells_within(lat, lng, 0.0) == set(h3.grid_disk(origin, 1))


def test_cells_within_covers_the_radius_next_to_a_pentagon():
    rng = random.Random(12)
    for pentagon in h3.get_pentagons(9)[:4]:
        lat, lng = h3.cell_to_latlng(pentagon)
        cells = cells_within(lat, lng, 1.0, 9)
        missed = [p for p in random_points_within(rng, lat, lng, 1.0, 300)
                  if cell_for(*p, 9) not in cells]
        assert missed == [], pentagon


def test_cells_within_stays_a_small_disk():
    # 2 km at resolution 9 in London: circumradius 0.181 km, e = 0.9 * 0.181 = 0.163,
    # k = floor((2 + 2e) / 1.5e) = 9 rings, 3k(k+1)+1 = 271 cells.
    origin = cell_for(*PLACES["London"])
    assert rings_to_cover(origin, 2.0) == 9
    assert len(cells_within(*PLACES["London"], 2.0)) == 271


def test_cells_within_refuses_a_radius_too_big_for_the_resolution():
    with pytest.raises(ValueError, match="use a coarser resolution"):
        cells_within(*PLACES["London"], 100.0, 9)
    assert rings_to_cover(cell_for(*PLACES["London"], 6), 100.0) <= MAX_RINGS
    with pytest.raises(ValueError, match="must not be negative"):
        cells_within(*PLACES["London"], -1.0)


@pytest.mark.parametrize("resolution", [7, 8])
def test_fuzzed_cell_never_returns_the_point(resolution):
    rng = random.Random(resolution)
    for place in sorted(PLACES):
        for _ in range(50):
            lat, lng = destination(*PLACES[place], rng.random() * 5, rng.random() * 2 * math.pi)
            area = fuzzed_cell(lat, lng, resolution)
            assert area.cell == h3.latlng_to_cell(lat, lng, resolution)
            assert area.resolution == resolution
            assert area.centre != (lat, lng)
            assert area.centre == h3.cell_to_latlng(area.cell)
            assert (lat, lng) not in area.boundary
            assert len(area.boundary) == 6
            assert inside((lat, lng), list(area.boundary))


def test_fuzzed_cell_is_the_same_for_every_point_of_the_cell():
    cell = cell_for(*PLACES["London"], 7)
    points = [h3.cell_to_latlng(child) for child in h3.cell_to_children(cell, 10)]
    points = [p for p in points if cell_for(*p, 7) == cell]
    assert len(points) > 300
    answers = {fuzzed_cell(lat, lng, 7) for lat, lng in points}
    assert answers == {FuzzedCell(cell, 7, h3.cell_to_latlng(cell),
                                  tuple(h3.cell_to_boundary(cell)))}
    assert fuzzed_cell(*PLACES["London"]).resolution == 7  # the public default
