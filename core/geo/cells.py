"""H3 cells and distances: the spatial index every location carries.

A stored location is lat/lng plus its cell at STORAGE_RESOLUTION, so "what is near here"
is an indexed `cell__in=cells_within(...)` followed by an exact `distance_km` check, with
no spatial database extension. Public views get `fuzzed_cell`: a coarse cell, never a point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import h3

LatLng = tuple[float, float]

# Resolution 9 cells are about 0.1 km2 (edge about 0.2 km): fine enough for matching by
# distance, coarse enough that the cell alone is not an address.
STORAGE_RESOLUTION = 9
# Resolution 7 cells are about 5 km2 (edge about 1.4 km): a default for public display. The
# privacy policy decides the resolution that covers enough households in a given place.
PUBLIC_RESOLUTION = 7
# Resolution 7 again for proximity search: a 5 km radius is a disk of a few dozen cells.
SEARCH_RESOLUTION = 7
# A disk of k rings holds 3k(k+1)+1 cells; past this, the caller wants a coarser resolution.
MAX_RINGS = 300
# Cells shrink and grow slowly across the globe; assume neighbours up to 10% smaller.
_SIZE_MARGIN = 0.9


@dataclass(frozen=True)
class FuzzedCell:
    """An area to show instead of a point: the cell, its centre and its outline."""

    cell: str
    resolution: int
    centre: LatLng
    boundary: tuple[LatLng, ...]


def cell_for(lat: float, lng: float, resolution: int = STORAGE_RESOLUTION) -> str:
    return h3.latlng_to_cell(lat, lng, resolution)


def distance_km(a: LatLng, b: LatLng) -> float:
    """Great-circle distance by the haversine formula (h3's), in kilometres."""
    return h3.great_circle_distance(a, b, unit="km")


def cells_within(
    lat: float, lng: float, km: float, resolution: int = STORAGE_RESOLUTION
) -> set[str]:
    """Every cell that holds a point within `km` of (lat, lng); a few more at the rim."""
    origin = cell_for(lat, lng, resolution)
    return set(h3.grid_disk(origin, rings_to_cover(origin, km)))


def rings_to_cover(origin: str, km: float) -> int:
    """The smallest k whose grid disk around `origin` surely covers `km` around any of its points.

    With circumradius e, cell centres k+1 rings out are at least 1.5(k+1)e away (the hex grid's
    closest direction), their points at least 1.5(k+1)e - e; the query point is up to e from
    the origin's centre. So k + 1 > (km + 2e) / 1.5e. e is measured on the origin cell itself:
    h3's average edge length overstates it in places (London's cells are ~10% smaller).
    """
    if km < 0:
        raise ValueError("the radius must not be negative")
    centre = h3.cell_to_latlng(origin)
    edge = _SIZE_MARGIN * min(distance_km(centre, v) for v in h3.cell_to_boundary(origin))
    rings = math.floor((km + 2 * edge) / (1.5 * edge))
    if rings > MAX_RINGS:
        raise ValueError(
            f"{km} km needs {rings} rings at resolution {h3.get_resolution(origin)}; "
            f"use a coarser resolution (at most {MAX_RINGS} rings)"
        )
    return rings


def describe_cell(cell: str) -> FuzzedCell:
    """An area to draw for a cell id (its centre and outline)."""
    return FuzzedCell(cell=cell, resolution=h3.get_resolution(cell),
                      centre=h3.cell_to_latlng(cell), boundary=tuple(h3.cell_to_boundary(cell)))


def fuzzed_cell(lat: float, lng: float, resolution: int = PUBLIC_RESOLUTION) -> FuzzedCell:
    """The cell holding the point, described by the cell alone.

    Snapping, not random noise: every point of a cell gives the same answer, and asking
    again gives the same answer (noise averages out over repeated looks; a cell does not).
    """
    return describe_cell(cell_for(lat, lng, resolution))
