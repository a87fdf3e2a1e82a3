"""An order to visit a few stops in: a path from a fixed start through every stop, open at
the end (a volunteer's day: from home, through each stop; the way back is not counted).

Small days are solved exactly (Held–Karp dynamic programming, up to EXACT_MAX stops); larger
ones by the standard heuristic: nearest-neighbour construction, then 2-opt (reverse any run of
stops while that shortens the path). 2-opt only ever applies improving moves, and it is also
run from the order given, so the answer is never longer than the order it was given in.
Distances are great-circle kilometres: as the crow flies, not by road.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np

from core.geo.cells import LatLng, distance_km

# Held–Karp costs n² 2ⁿ steps: about 100,000 at 10 stops, some milliseconds in Python; a
# volunteer's day rarely has more stops than that.
EXACT_MAX = 10
_EPSILON = 1e-12  # a "shorter" path must be shorter by more than rounding


def distance_matrix(points: Sequence[LatLng]) -> np.ndarray:
    """Kilometres between every two points (symmetric, zero diagonal)."""
    n = len(points)
    matrix = np.zeros((n, n))
    for i, j in combinations(range(n), 2):
        matrix[i, j] = matrix[j, i] = distance_km(points[i], points[j])
    return matrix


def path_length(dist: np.ndarray, order: Sequence[int]) -> float:
    """The length of the path through `order`, in that order."""
    return float(sum(dist[a, b] for a, b in zip(order, order[1:])))


def best_order(dist: np.ndarray, given: Sequence[int] | None = None) -> list[int]:
    """A short path starting at node 0 through every other node of `dist`, as a list of nodes
    (0 first). Exact up to EXACT_MAX stops, else the heuristic; never longer than `given` (a
    path from 0 through every node; default: the nodes in index order)."""
    n = len(dist)
    given = list(given) if given is not None else list(range(n))
    if sorted(given) != list(range(n)) or (n and given[0] != 0):
        raise ValueError("the given order must start at 0 and visit every node once")
    if n <= 2:
        return given
    if n - 1 <= EXACT_MAX:
        return held_karp(dist)
    return heuristic_order(dist, given)


def heuristic_order(dist: np.ndarray, given: Sequence[int]) -> list[int]:
    """Nearest neighbour, improved by 2-opt; and `given`, improved by 2-opt: the shorter."""
    candidates = [two_opt(dist, nearest_neighbour(dist)), two_opt(dist, list(given))]
    return min(candidates, key=lambda order: path_length(dist, order))


def nearest_neighbour(dist: np.ndarray) -> list[int]:
    """From node 0, always on to the closest node not yet visited."""
    n = len(dist)
    order, left = [0], np.ones(n, dtype=bool)
    left[0] = False
    for _ in range(n - 1):
        row = np.where(left, dist[order[-1]], np.inf)
        order.append(int(np.argmin(row)))
        left[order[-1]] = False
    return order


def two_opt(dist: np.ndarray, order: list[int]) -> list[int]:
    """Reverse order[i..j] (i >= 1: the start stays) while some reversal shortens the path.
    The path is open: reversing a run that reaches the end changes one edge, not two."""
    order, n = list(order), len(order)
    improved = True
    while improved:
        improved = False
        for i in range(1, n - 1):
            a, b = order[i - 1], order[i]
            for j in range(i + 1, n):
                c = order[j]
                d = order[j + 1] if j + 1 < n else None
                before = dist[a, b] + (dist[c, d] if d is not None else 0.0)
                after = dist[a, c] + (dist[b, d] if d is not None else 0.0)
                if after < before - _EPSILON:
                    order[i:j + 1] = reversed(order[i:j + 1])
                    b = order[i]
                    improved = True
    return order


def held_karp(dist: np.ndarray) -> list[int]:
    """The shortest path from node 0 through every node (open end), exactly: cost[S][j] is
    the shortest path from 0 through the set S of stops, ending at j."""
    stops = len(dist) - 1
    full = (1 << stops) - 1
    cost = np.full((1 << stops, stops), np.inf)
    parent = np.full((1 << stops, stops), -1, dtype=int)
    for j in range(stops):
        cost[1 << j, j] = dist[0, j + 1]
    for visited in range(1, full + 1):
        for j in range(stops):
            here = cost[visited, j]
            if not (visited >> j) & 1 or here == np.inf:
                continue
            for k in range(stops):
                if (visited >> k) & 1:
                    continue
                nxt = visited | (1 << k)
                through = here + dist[j + 1, k + 1]
                if through < cost[nxt, k]:
                    cost[nxt, k], parent[nxt, k] = through, j
    end = int(np.argmin(cost[full]))
    order, visited = [], full
    while end != -1:
        order.append(end + 1)
        visited, end = visited & ~(1 << end), int(parent[visited, end])
    return [0, *reversed(order)]
