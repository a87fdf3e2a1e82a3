"""Area polygons -> h3 cells that never overlap, so a point has one answer.

1. Every cell at `resolution` whose centre lies in an area goes to that area (h3's centre
   containment: polygons that share edges get disjoint cells, no gaps between them).
2. Cells an area only partly covers and no area holds the centre of (along coasts and
   national borders) go to the first area that overlaps them, and so do their free
   neighbours within a cell edge of it: a place just inside the outer edge is not left
   without a score.
3. An area too small to hold any cell (a tower block's LSOA) gets the cell holding its
   representative point, one resolution finer than its neighbour's cell so the neighbour
   keeps the rest, finer still if another small area is already there.
4. Each area's cells are compacted (seven siblings -> their parent), so a big rural area is
   a handful of coarse rows while edges keep their fine cells.

A lookup takes the point's resolution-15 cell and its 15 ancestors (`cell_path`): exactly
one of them is stored wherever the dataset has land. Ancestors, not `latlng_to_cell` at
each resolution: h3 children do not tile their parent exactly, and only the hierarchy keeps
the stored cells disjoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import h3.api.basic_int as h3
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

FINEST = 15
KM_PER_DEGREE = 111.2  # of latitude; a degree of longitude is shorter, so margins err wide


def cell_path(lat: float, lng: float) -> list[int]:
    """The point's cell at resolution 15 and all its ancestors (16 cells, coarsest first)."""
    finest = h3.latlng_to_cell(lat, lng, FINEST)
    return [h3.cell_to_parent(finest, r) for r in range(FINEST)] + [finest]


@dataclass
class Partition:
    cells: list[list[int]]  # per area, in the order given: compacted, any resolution
    filled: int = 0  # cells at `resolution` before compaction
    placed_by_point: list[int] = field(default_factory=list)  # areas too small for a cell
    contested: int = 0  # cells whose centre two areas' polygons both hold (overlapping input)

    @property
    def stored(self) -> int:
        return sum(len(cells) for cells in self.cells)


def partition(shapes: Sequence[BaseGeometry], resolution: int) -> Partition:
    """Cells for each of `shapes` (shapely Polygons/MultiPolygons, lng/lat), disjoint."""
    if not 0 <= resolution < FINEST:
        raise ValueError(f"resolution must be 0 to {FINEST - 1}, not {resolution}")
    owner: dict[int, int] = {}
    result = Partition(cells=[[] for _ in shapes])
    for i, shape in enumerate(shapes):
        for cell in h3.geo_to_cells(shape, resolution):
            if owner.setdefault(cell, i) != i:
                result.contested += 1  # overlapping polygons: the first area keeps it
    edges: dict[int, list[int]] = {}  # area -> cells it got in the overlap pass
    for i, shape in enumerate(shapes):
        for cell in h3.h3shape_to_cells_experimental(h3.geo_to_h3shape(shape), resolution,
                                                     contain="overlap"):
            if cell not in owner:
                owner[cell] = i
                edges.setdefault(i, []).append(cell)
    _widen_outer_edges(shapes, owner, edges, resolution)
    carved = _carve_small_areas(shapes, owner, resolution, result)
    result.filled = len(owner)
    _emit(owner, carved, resolution, result.cells)
    for i, cells in enumerate(result.cells):
        coarse = [c for c in cells if h3.get_resolution(c) == resolution]
        finer = [c for c in cells if h3.get_resolution(c) != resolution]
        result.cells[i] = sorted(h3.compact_cells(coarse)) + sorted(finer)
    return result


def _widen_outer_edges(shapes, owner: dict[int, int], edges: dict[int, list[int]],
                       resolution: int) -> None:
    """Unowned neighbours of an outer edge's cells, for the area they come within a margin of.

    A lookup goes by the hierarchy (a point's resolution-15 cell's ancestor), and an
    ancestor can lie a few metres beside the point: up to ~10 m at resolution 10, measured.
    Without this, a point just inside a coast could find no cell. The margin is one cell
    edge, so a point at most that far outside the dataset's land may get its nearest area.
    """
    margin = h3.average_hexagon_edge_length(resolution, unit="km") / KM_PER_DEGREE
    for i, cells in edges.items():
        candidates = sorted({n for c in cells for n in h3.grid_ring(c, 1) if n not in owner})
        if not candidates:
            continue
        outlines = [Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(n)])
                    for n in candidates]
        near = shapely.distance(shapes[i], outlines) <= margin
        for cell, close in zip(candidates, near):
            if close:
                owner.setdefault(cell, i)


def _carve_small_areas(shapes, owner: dict[int, int], resolution: int,
                       result: Partition) -> dict[int, int]:
    """Cells (at `resolution` or finer) taken for areas that own nothing yet."""
    owning = set(owner.values())
    carved: dict[int, int] = {}
    for i, shape in enumerate(shapes):
        if i in owning:
            continue
        point = shape.representative_point()  # always inside, unlike a centroid
        finest = h3.latlng_to_cell(point.y, point.x, FINEST)
        start = resolution if h3.cell_to_parent(finest, resolution) not in owner else resolution + 1
        for r in range(start, FINEST + 1):
            cell = h3.cell_to_parent(finest, r)
            if cell not in carved:
                carved[cell] = i
                break
        else:
            raise ValueError(f"area {i} shares its representative point with another area")
        result.placed_by_point.append(i)
    return carved


def _emit(owner: dict[int, int], carved: dict[int, int], resolution: int,
          out: list[list[int]]) -> None:
    """Each base cell to its owner; a base cell holding carved cells is split into children."""
    split = {h3.cell_to_parent(c, r) for c in carved for r in range(resolution, h3.get_resolution(c))}

    def emit(cell: int, who: int | None) -> None:
        who = carved.get(cell, who)
        if cell in split:
            for child in h3.cell_to_children(cell):
                emit(child, who)
        elif who is not None:
            out[who].append(cell)

    base = set(owner) | {h3.cell_to_parent(c, resolution) for c in carved}
    for cell in sorted(base):
        emit(cell, owner.get(cell))
