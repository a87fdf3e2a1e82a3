"""Tables of counts fit to publish: small figures hidden, and the figures that would give one
away by subtraction; map areas that never overlap and each hold k."""

import itertools
import math
import random

import h3
import pytest
from scipy.optimize import linprog

from core.geo.cells import PUBLIC_RESOLUTION
from core.privacy.anonymity import COARSEST_RESOLUTION
from core.privacy.suppression import Figure, areas, publish

K = 5
HEADLINE = [("received", ["open", "done", "could_not_help", "cancelled"])]


def shown(figures):
    return {key: f.value for key, f in figures.items()}


@pytest.mark.parametrize(("count", "figure"), [
    (0, Figure(0)), (1, Figure(None, small=True)), (K - 1, Figure(None, small=True)),
    (K, Figure(K)), (K + 1, Figure(K + 1)),
])
def test_a_lone_figure_is_hidden_under_k_and_shown_from_k(count, figure):
    assert publish({"x": count}, k=K) == {"x": figure}


def test_a_small_part_that_the_total_would_give_away_takes_a_larger_one_with_it():
    # 14 = 7 + 5 + 2 + 0: hiding only the 2 leaves it as 14 - 7 - 5 - 0.
    values = {"received": 14, "open": 7, "done": 5, "could_not_help": 2, "cancelled": 0}
    figures = publish(values, HEADLINE, k=K)
    assert figures["could_not_help"] == Figure(None, small=True)
    # "Not shown" means k or more: hiding the 5 beside it would leave 2 = 7 - 5 ("at most
    # 2"), so the 7 goes instead: 9 = 5 or more + 1 to 4 leaves the 2 anything from 1 to 4.
    assert shown(figures) == {"received": 14, "open": None, "done": 5, "could_not_help": None,
                              "cancelled": 0}
    assert not figures["open"].small
    assert_nothing_narrowed(values, HEADLINE, figures)


def test_when_nothing_else_can_hide_them_the_total_goes():
    # 6 = 4 open + 2 done: both small, and their sum says each is from 2 to 4.
    values = {"received": 6, "open": 4, "done": 2, "could_not_help": 0, "cancelled": 0}
    figures = publish(values, HEADLINE, k=K)
    assert shown(figures) == {"received": None, "open": None, "done": None,
                              "could_not_help": 0, "cancelled": 0}
    assert not figures["received"].small and figures["open"].small


def test_small_parts_their_sum_would_narrow_take_another_with_them():
    # 3 + 4 + 4 = 11 with each at most 4 says each is at least 3: the 9 goes too.
    values = {"total": 30, "a": 3, "b": 4, "c": 4, "d": 9, "e": 10}
    sums = [("total", ["a", "b", "c", "d", "e"])]
    figures = publish(values, sums, k=K)
    assert shown(figures) == {"total": 30, "a": None, "b": None, "c": None, "d": None, "e": 10}
    assert_nothing_narrowed(values, sums, figures)


def test_small_parts_that_could_each_be_anything_under_k_stand():
    values = {"total": 40, "a": 1, "b": 2, "c": 3, "d": 4, "e": 30}  # 10 hidden, 4 parts
    sums = [("total", ["a", "b", "c", "d", "e"])]
    assert shown(publish(values, sums, k=K)) == {"total": 40, "a": None, "b": None,
                                                 "c": None, "d": None, "e": 30}


def test_a_withheld_figure_is_protected_like_a_small_one():
    # The map: requests received = those in the areas drawn + those off the map (never
    # shown). 2 off the map would be 12 - 10: the area goes.
    values = {"received": 12, "area": 10, "elsewhere": 2}
    figures = publish(values, [("received", ["area", "elsewhere"])], withheld=["elsewhere"], k=K)
    assert shown(figures) == {"received": 12, "area": None, "elsewhere": None}
    big = publish({"received": 17, "area": 10, "elsewhere": 7},
                  [("received", ["area", "elsewhere"])], withheld=["elsewhere"], k=K)
    assert shown(big) == {"received": 17, "area": 10, "elsewhere": None}


def test_figures_left_out_rather_than_labelled_leave_more_shown():
    # A map: 8 received, 6 in the one area drawn, 2 off the map (never shown). Drawing the
    # area would tell the 2; hidden, the area is simply not drawn, and tells nothing.
    values = {"received": 8, "area": 6, "off_the_map": 2}
    sums = [("received", ["area", "off_the_map"])]
    figures = publish(values, sums, withheld=["off_the_map"], unlisted=["area"], k=K)
    assert shown(figures) == {"received": 8, "area": None, "off_the_map": None}


def test_a_small_figure_is_not_worked_out_through_the_sums_above_it():
    # The open data's shape: weeks -> kinds in each week -> areas. 19 shopping in week 1 =
    # 10 + 2 + 7 would tell the 2 in area B; hiding the 7 too, 26 - 19 - ... and so on up.
    cells = {("w1", "shop", "A"): 10, ("w1", "shop", "B"): 2, ("w1", "shop", "C"): 7,
             ("w1", "presc", "A"): 3, ("w1", "bef", ""): 5, ("w2", "shop", "A"): 7}
    kinds = {("w1", "shop"): 19, ("w1", "presc"): 3, ("w1", "bef"): 5, ("w2", "shop"): 7}
    values = {**cells, **kinds, "w1": 27, "w2": 7, "all": 34}
    sums = [("all", ["w1", "w2"]),
            ("w1", [wk for wk in kinds if wk[0] == "w1"]), ("w2", [("w2", "shop")]),
            *((wk, [c for c in cells if c[:2] == wk]) for wk in kinds)]
    unlisted = [*cells, *kinds]
    figures = publish(values, sums, unlisted=unlisted, k=K)
    assert figures[("w1", "shop", "B")].small and figures[("w1", "presc")].small
    assert shown(figures)["all"] == 34 and shown(figures)["w1"] == 27
    assert_nothing_narrowed(values, sums, figures, unlisted=unlisted)


@pytest.mark.parametrize("seed", range(120))
def test_random_trees_of_sums_never_narrow_a_small_figure(seed):
    """Weeks -> kinds -> areas, random sizes and counts: whatever is published, each small
    hidden figure could still be 1 and k-1 (unless the week's own total is under k: then
    its label alone bounds what it holds)."""
    rnd = random.Random(seed)
    cells = {(w, kind, area): rnd.choice([1, 2, 3, 4, 5, 6, 8, 12, 20])
             for w in range(rnd.randint(1, 3)) for kind in range(rnd.randint(1, 3))
             for area in range(rnd.randint(1, 3)) if rnd.random() < 0.7}
    kinds, weeks = {}, {}
    for (w, kind, _area), n in cells.items():
        kinds[(w, kind)] = kinds.get((w, kind), 0) + n
        weeks[w] = weeks.get(w, 0) + n
    values = {**cells, **kinds, **weeks, "all": sum(cells.values())}
    sums = [("all", list(weeks)),
            *((w, [wk for wk in kinds if wk[0] == w]) for w in weeks),
            *((wk, [c for c in cells if c[:2] == wk]) for wk in kinds)]
    unlisted = [*cells, *kinds]
    figures = publish(values, sums, unlisted=unlisted, k=K)
    assert all(f.value is None or f.value == 0 or f.value >= K for f in figures.values())
    if all(n >= K for n in weeks.values()):
        assert_nothing_narrowed(values, sums, figures, unlisted=unlisted)


@pytest.mark.parametrize("seed", range(120))
def test_random_headlines_and_maps_never_narrow_a_small_figure(seed):
    """The impact page's shape: received = open + done + could not help + cancelled (each
    labelled), and received = the areas drawn (left out when hidden) + those off the map."""
    rnd = random.Random(seed)
    parts = {name: rnd.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 15])
             for name in ("open", "done", "could_not_help", "cancelled")}
    received = sum(parts.values())
    areas = {}
    left = received
    for i in range(rnd.randint(0, 3)):
        n = min(left, rnd.choice([5, 6, 8, 12]))
        if n >= K:
            areas[("area", i)] = n
            left -= n
    values = {"received": received, **parts, **areas, "off_the_map": left}
    sums = [("received", list(parts)), ("received", [*areas, "off_the_map"])]
    figures = publish(values, sums, withheld=["off_the_map"], unlisted=list(areas), k=K)
    assert all(f.value is None or f.value == 0 or f.value >= K for f in figures.values())
    assert not figures["off_the_map"].shown
    if received >= K:
        assert_nothing_narrowed(values, sums, figures, unlisted=[*areas, "off_the_map"])


def assert_nothing_narrowed(values, sums, figures, *, unlisted=()):
    """Whatever one works out from the published figures, every sum and what the labels say
    ("fewer than k": 1 to k-1; "not shown": k or more; left out: anything), each small hidden
    figure could still be 1 and could still be k-1: its least and most, by linear programs
    (these tables' equations give whole-number corners)."""
    hidden = [key for key, f in figures.items() if not f.shown]
    column = {key: j for j, key in enumerate(hidden)}
    rows, rhs = [], []
    for total, parts in sums:
        row, known = [0.0] * len(hidden), 0
        for member, sign in ((total, 1), *((p, -1) for p in parts)):
            if member in column:
                row[column[member]] += sign
            else:
                known += sign * figures[member].value
        if any(row):
            rows.append(row)
            rhs.append(-known)
    bounds = [(0, None) if key in unlisted else (1, K - 1) if figures[key].small else (K, None)
              for key in hidden]
    for key in hidden:
        assert values[key] is not None
        if not figures[key].small:
            continue
        goal = [0.0] * len(hidden)
        goal[column[key]] = 1.0
        low = linprog(goal, A_eq=rows or None, b_eq=rhs or None, bounds=bounds)
        high = linprog([-g for g in goal], A_eq=rows or None, b_eq=rhs or None, bounds=bounds)
        assert low.status == 0 and high.status in (0, 3)  # 3: no upper bound at all
        most = math.inf if high.status == 3 else -high.fun
        assert round(low.fun) <= 1 and most >= K - 1 - 1e-9, (key, low.fun, most)


def assert_no_sum_narrows(values, sums, figures):
    """The same, sum by sum (fast): each small hidden part could reach 1 and k-1."""
    for total, parts in sums:
        if not figures[total].shown:
            continue
        hidden = [p for p in parts if not figures[p].shown]
        rest = figures[total].value - sum(figures[p].value for p in parts if figures[p].shown)
        assert rest == sum(values[p] for p in hidden)
        for p in hidden:
            if figures[p].small:
                others = [q for q in hidden if q != p]
                lows = sum(1 if figures[q].small else K for q in others)
                assert rest - lows >= K - 1, (total, p)
                if all(figures[q].small for q in others):
                    assert rest - (K - 1) * len(others) <= 1, (total, p)


@pytest.mark.parametrize("values", [
    dict(zip(["total", "a", "b", "c"], [sum(v), *v]))
    for v in itertools.product([0, 1, 2, 4, 5, 6, 11], repeat=3)
])
def test_no_small_part_of_a_total_is_ever_given_away(values):
    sums = [("total", ["a", "b", "c"])]
    figures = publish(values, sums, k=K)
    assert all(f.value is None or f.value == 0 or f.value >= K for f in figures.values())
    assert_no_sum_narrows(values, sums, figures)


LONDON = h3.latlng_to_cell(51.5, -0.12, PUBLIC_RESOLUTION)
PARENT = h3.cell_to_parent(LONDON, PUBLIC_RESOLUTION - 1)
SIBLING = next(c for c in h3.cell_to_children(PARENT, PUBLIC_RESOLUTION) if c != LONDON)


def test_busy_cells_are_drawn_as_themselves():
    assert areas({LONDON: K, SIBLING: K + 3}, k=K) == {LONDON: K, SIBLING: K + 3}


def test_a_quiet_cell_takes_its_busy_sibling_into_one_area_never_inside_it():
    # Drawing LONDON (10) and its parent (12) would tell the sibling's 2.
    drawn = areas({LONDON: 10, SIBLING: 2}, k=K)
    assert drawn == {PARENT: 12}


def test_cells_still_under_k_at_the_coarsest_area_are_not_drawn():
    far = h3.latlng_to_cell(57.0, -4.5, PUBLIC_RESOLUTION)
    drawn = areas({LONDON: 6, far: K - 1}, k=K)
    assert drawn == {LONDON: 6}
    alone = areas({far: K}, k=K)
    assert alone == {far: K}  # k alone in its region: drawn as itself


def test_drawn_areas_never_overlap_and_each_holds_k():
    cells = list(h3.grid_disk(LONDON, 6))
    counts = {cell: (i * 7) % 9 for i, cell in enumerate(cells)}
    drawn = areas(counts, k=K)
    assert all(n >= K for n in drawn.values())
    assert all(COARSEST_RESOLUTION <= h3.get_resolution(c) <= PUBLIC_RESOLUTION for c in drawn)
    # Disjoint: no drawn cell is an ancestor of another.
    for a, b in itertools.permutations(drawn, 2):
        if h3.get_resolution(a) < h3.get_resolution(b):
            assert h3.cell_to_parent(b, h3.get_resolution(a)) != a
    # Every request is in exactly one drawn area, or in a coarsest region under k.
    assert sum(drawn.values()) <= sum(counts.values())
