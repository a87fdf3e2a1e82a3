"""The route order of a volunteer's day (core/geo/routes.py): never longer than the order it
was given in, over many random days; exactly optimal on small ones (against brute force)."""

import itertools
import random

import numpy as np
import pytest

from core.geo.routes import (EXACT_MAX, best_order, distance_matrix, heuristic_order,
                             held_karp, nearest_neighbour, path_length, two_opt)

LONDON = (51.5072, -0.1276)


def random_places(rng: random.Random, n: int, spread: float = 0.05) -> list[tuple[float, float]]:
    return [(LONDON[0] + rng.uniform(-spread, spread), LONDON[1] + rng.uniform(-spread, spread))
            for _ in range(n)]


def brute_force(dist) -> float:
    stops = range(1, len(dist))
    return min(path_length(dist, [0, *p]) for p in itertools.permutations(stops))


def is_path(order, n) -> bool:
    return order[0] == 0 and sorted(order) == list(range(n))


def test_the_route_is_never_longer_than_the_order_given():
    """A seeded property test: 400 random days of 1 to 30 stops, each in a random given
    order; both the chosen route and the heuristic alone are never longer than it."""
    rng = random.Random(20261121)
    for _ in range(400):
        n = rng.randint(1, 30)
        dist = distance_matrix(random_places(rng, n + 1, spread=rng.choice([0.002, 0.05, 0.5])))
        given = [0, *rng.sample(range(1, n + 1), n)]
        route = best_order(dist, given)
        assert is_path(route, n + 1)
        assert path_length(dist, route) <= path_length(dist, given) + 1e-9
        if n >= 2:
            heuristic = heuristic_order(dist, given)
            assert is_path(heuristic, n + 1)
            assert path_length(dist, heuristic) <= path_length(dist, given) + 1e-9
            assert path_length(dist, heuristic) <= path_length(
                dist, nearest_neighbour(dist)) + 1e-9


def test_small_days_are_optimal():
    rng = random.Random(7)
    for n in range(0, 8):  # stops, after the start
        for _ in range(25):
            dist = distance_matrix(random_places(rng, n + 1))
            route = best_order(dist)
            assert is_path(route, n + 1)
            assert path_length(dist, route) == pytest.approx(brute_force(dist), abs=1e-9)


def test_held_karp_matches_brute_force_at_its_largest_tested_size():
    rng = random.Random(3)
    dist = distance_matrix(random_places(rng, 9))  # 8 stops: 40,320 orders to compare
    assert path_length(dist, held_karp(dist)) == pytest.approx(brute_force(dist), abs=1e-9)


def test_two_opt_untangles_a_crossing():
    # Start, then four corners of a square visited crosswise: 2-opt uncrosses it.
    points = [(0.0, 0.0), (0.0, 0.01), (0.01, 0.02), (0.01, 0.01), (0.0, 0.02)]
    dist = distance_matrix(points)
    crossed = [0, 1, 2, 3, 4]
    improved = two_opt(dist, crossed)
    assert path_length(dist, improved) < path_length(dist, crossed)


def test_the_open_end_counts_no_way_back():
    # Three stops on a line east of the start: straight out, however far the last one is.
    points = [(0.0, 0.0), (0.0, 0.03), (0.0, 0.01), (0.0, 0.02)]
    dist = distance_matrix(points)
    assert best_order(dist) == [0, 2, 3, 1]
    assert path_length(dist, [0, 2, 3, 1]) == pytest.approx(dist[0, 1])


def test_more_stops_than_the_exact_limit_use_the_heuristic():
    rng = random.Random(11)
    dist = distance_matrix(random_places(rng, EXACT_MAX + 6))
    route = best_order(dist)
    assert is_path(route, EXACT_MAX + 6)
    assert path_length(dist, route) <= path_length(dist, range(EXACT_MAX + 6)) + 1e-9


def test_a_given_order_must_be_a_path_from_the_start():
    dist = np.zeros((3, 3))
    with pytest.raises(ValueError):
        best_order(dist, [1, 0, 2])
    with pytest.raises(ValueError):
        best_order(dist, [0, 1, 1])
