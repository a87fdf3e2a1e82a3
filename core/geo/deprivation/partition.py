"""Area polygons -> h3 cells that never overlap, so a point has one answer.

1. Every cell at `resolution` whose centre lies in an area goes to that area (h3's centre
   containment: polygons that share edges get disjoint cells, no gaps between them). Two
   overlapping polygons (bad input) both claim a cell: the first area keeps it.
2. Along the outer edge of all the areas together (coasts, national borders, lakes), free
   cells within one cell edge of an area go to the nearest such area: a place just inside
   the coast is not left without a score because its cell's centre is in the sea.
3. An area too small to hold any cell (a tower block's LSOA) gets the cell holding its
   representative point, one resolution finer than its neighbour's cell so the neighbour
   keeps the rest, finer still if another small area is already there.
4. Each area's cells are compacted (seven siblings -> their parent), so a big rural area is
   a handful of coarse rows while edges keep their fine cells.

A lookup takes the point's resolution-15 cell and its 15 ancestors (`cell_path`): exactly
one of them is stored wherever the dataset has land. Ancestors, not `latlng_to_cell` at
each resolution: h3 children do not tile their parent exactly, and only the hierarchy keeps
the stored cells disjoint. The price is that a point's ancestor can lie a few metres beside
it (up to ~10 m at resolution 10, measured), which step 2's margin covers at the outer edge.

Cells are numpy arrays of uint64 while working: England is ~11 million cells at resolution 10.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import h3.api.basic_int as h3
import h3.api.numpy_int as h3n
import numpy as np
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
    result = Partition(cells=[[] for _ in shapes])
    if not shapes:
        return result
    cells, owners, result.contested = _centres(shapes, resolution)
    edge_cells, edge_owners = _outer_edges(shapes, cells, resolution)
    cells, owners = _merge(cells, owners, edge_cells, edge_owners)
    carved = _carve_small_areas(shapes, cells, owners, resolution, result)
    result.filled = len(cells)
    cells, owners, extra = _split_for_carved(cells, owners, carved, resolution)
    order = np.argsort(owners, kind="stable")
    cells, owners = cells[order], owners[order]
    starts = np.searchsorted(owners, np.arange(len(shapes) + 1))
    for i in range(len(shapes)):
        mine = cells[starts[i]:starts[i + 1]]
        compacted = h3n.compact_cells(mine).tolist() if len(mine) else []
        result.cells[i] = sorted(compacted) + sorted(extra.get(i, []))
    return result


def _centres(shapes, resolution: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(sorted unique cells, their owner's index, how many claims lost to an earlier area)."""
    filled = [h3n.geo_to_cells(shape, resolution) for shape in shapes]
    cells = np.concatenate(filled) if filled else np.empty(0, np.uint64)
    owners = np.repeat(np.arange(len(shapes), dtype=np.int64), [len(f) for f in filled])
    order = np.argsort(cells, kind="stable")  # equal cells keep the areas' order
    cells, owners = cells[order], owners[order]
    first = np.ones(len(cells), dtype=bool)
    first[1:] = cells[1:] != cells[:-1]
    return cells[first], owners[first], int(len(cells) - first.sum())


def _outer_edges(shapes, owned: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Free cells along the outline of all areas together, each to the nearest area within
    a margin of one cell edge (ties: the first area)."""
    margin = h3.average_hexagon_edge_length(resolution, unit="km") / KM_PER_DEGREE
    outline = shapely.union_all(shapes).boundary
    # Points a quarter edge apart along the outline: the cells it crosses, and their
    # neighbours (a cell the outline only clips at a corner, or one a margin away).
    points = shapely.get_coordinates(shapely.segmentize(outline, margin / 4))
    crossed = {h3.latlng_to_cell(lat, lng, resolution) for lng, lat in points}
    candidates = {n for c in crossed for n in h3.grid_disk(c, 1)}
    free = np.array(sorted(candidates), dtype=np.uint64)
    free = free[~_contains(owned, free)]
    if not len(free):
        return free, np.empty(0, np.int64)
    outlines = [Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(int(c))]) for c in free]
    tree = shapely.STRtree(shapes)
    cell_index, area_index = tree.query(outlines, predicate="dwithin", distance=margin)
    if not len(cell_index):
        return np.empty(0, np.uint64), np.empty(0, np.int64)
    distance = shapely.distance(np.take(outlines, cell_index), np.take(shapes, area_index))
    best = np.lexsort((area_index, distance, cell_index))  # per cell: nearest, then first
    cell_index, area_index = cell_index[best], area_index[best]
    first = np.ones(len(cell_index), dtype=bool)
    first[1:] = cell_index[1:] != cell_index[:-1]
    return free[cell_index[first]], area_index[first].astype(np.int64)


def _merge(cells, owners, more_cells, more_owners) -> tuple[np.ndarray, np.ndarray]:
    cells = np.concatenate([cells, more_cells])
    owners = np.concatenate([owners, more_owners])
    order = np.argsort(cells, kind="stable")
    return cells[order], owners[order]


def _contains(sorted_cells: np.ndarray, cells) -> np.ndarray:
    cells = np.asarray(cells, dtype=np.uint64)
    at = np.searchsorted(sorted_cells, cells)
    found = at < len(sorted_cells)
    found[found] = sorted_cells[at[found]] == cells[found]
    return found


def _carve_small_areas(shapes, cells: np.ndarray, owners: np.ndarray, resolution: int,
                       result: Partition) -> dict[int, int]:
    """Cells (at `resolution` or finer) taken for areas that own nothing yet."""
    owning = set(np.unique(owners).tolist())
    carved: dict[int, int] = {}
    for i, shape in enumerate(shapes):
        if i in owning:
            continue
        point = shape.representative_point()  # always inside, unlike a centroid
        finest = h3.latlng_to_cell(point.y, point.x, FINEST)
        base_taken = bool(_contains(cells, [h3.cell_to_parent(finest, resolution)])[0])
        for r in range(resolution + 1 if base_taken else resolution, FINEST + 1):
            cell = h3.cell_to_parent(finest, r)
            if cell not in carved:
                carved[cell] = i
                break
        else:
            raise ValueError(f"area {i} shares its representative point with another area")
        result.placed_by_point.append(i)
    return carved


def _split_for_carved(cells: np.ndarray, owners: np.ndarray, carved: dict[int, int],
                      resolution: int) -> tuple[np.ndarray, np.ndarray, dict[int, list[int]]]:
    """Take the base cells holding carved cells out of the arrays, and hand their pieces
    out: the carved ones to their small areas, the rest to the base cell's owner."""
    extra: dict[int, list[int]] = {}
    if not carved:
        return cells, owners, extra
    split = {h3.cell_to_parent(c, r)
             for c in carved for r in range(resolution, h3.get_resolution(c))}
    bases = sorted({h3.cell_to_parent(c, resolution) for c in carved})
    base_array = np.array(bases, dtype=np.uint64)
    at = np.searchsorted(cells, base_array)
    present = _contains(cells, base_array)
    base_owner = {b: int(owners[a]) if p else None for b, a, p in zip(bases, at, present)}

    def emit(cell: int, who: int | None) -> None:
        who = carved.get(cell, who)
        if cell in split:
            for child in h3.cell_to_children(cell):
                emit(child, who)
        elif who is not None:
            extra.setdefault(who, []).append(cell)

    for base in bases:
        emit(base, base_owner[base])
    keep = ~_contains(base_array, cells) if len(base_array) else np.ones(len(cells), bool)
    return cells[keep], owners[keep], extra
