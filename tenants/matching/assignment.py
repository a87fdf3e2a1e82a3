"""The auto-assignment engine: pure Python + NumPy/SciPy, no database, no Django models.

The caller (the dispatch views, later) turns open requests and volunteers into plain
`RequestSlot` / `VolunteerSlot` values, calls `auto_assign`, shows the `Assignment` as a
preview, and saves it only when the coordinator confirms.

Hard rules (an edge request -> volunteer exists only if all hold): the volunteer does the
request's type; their vetting level >= the level the request needs; the great-circle distance
<= the volunteer's radius (remote requests, e.g. befriending calls, count as 0 km and ignore
the radius); the request has no day, or its weekday is one the volunteer offers (no days
offered = any day); and the volunteer has capacity left this week (at most
`remaining_capacity` tasks). Unknown coordinates (None) rule out in-person help only.

Language is a soft preference, never a rule: a volunteer who speaks the request's language
has `language_bonus_km` knocked off that edge's cost, so they win over anyone less than that
much nearer (for remote requests, where everyone is 0 km away, a speaker always wins unless
fairness outweighs it). Reported distances are always the real km, bonus excluded.

Formulation (min-cost bipartite matching, solved by SciPy's LAPJVsp):
- rows are requests; each volunteer with capacity c becomes min(c, feasible requests) slot
  columns, the k-th (0-based) costing km - language bonus + fairness_km * (tasks already this
  week + k). The marginal cost of a volunteer's next task rises, so spreading work evenly is
  cheaper than piling it on one person; with fairness_km = 0 it is plain minimum total km.
- each request also gets its own "unassigned" column costing more than any possible saving in
  real cost (M = n_requests * max edge cost, + 1), so the minimum-cost full matching first
  assigns as many requests as possible, and a request no one can take never blocks the others.
- priority (tenants/matching/priority.py): when not everyone can be helped, higher-priority
  requests win. Priorities are compared to the tenth of a point (PRIORITY_STEP) and ranked
  0..T-1 (T distinct ranks); request i's "unassigned" column costs M * (T + rank_i). Leaving
  out a set of requests then costs M times an integer, and real costs differ by less than M,
  so the matching first maximises the assigned weight sum(T + rank_i), then minimises cost.
  The requests that can be assigned together form a (transversal) matroid, and with every
  weight positive its maximum-weight set is a largest one, the one greedy picks in priority
  order: as many requests are assigned as without priority, a request is left out only when
  taking it would mean dropping one of equal or higher priority, and among equally
  prioritised solutions total cost stays minimal. With one priority for all (the default)
  every column costs M, exactly as before. The pruning proof below never reads these costs.
- the graph is sparse: candidates come from a k-d tree radius join (remote requests alike in
  type, vetting, day and language share one ranked list), and each request keeps only its
  few cheapest volunteers. That pruning is then proved harmless with LP duality: if a
  request can reach a still-free slot costing no more than the cheapest edge it dropped, its
  dual is at most that cost, so no dropped edge has negative reduced cost and the matching is
  optimal for the full graph. Requests where the proof fails keep 4x more candidates and the
  matching is solved again (rare: capacity far exceeds demand in practice).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088

VETTING_NONE, VETTING_BASIC, VETTING_ENHANCED = 0, 1, 2

# Both in km of travel, so they trade directly against distance. On the benchmark city
# (requests ~250 m from their nearest volunteer) these defaults cut the busiest volunteer
# from 5 tasks to 4 and give 360 more people exactly one, for ~0.6% more total km.
DEFAULT_FAIRNESS_KM = 0.02  # extra cost per task a volunteer already has this week
DEFAULT_LANGUAGE_BONUS_KM = 0.1  # cost knocked off when the volunteer speaks the language

# Why a request was left unassigned: the first hard rule that rules out every volunteer.
NO_VOLUNTEER_FOR_TYPE = "no_volunteer_for_type"
NO_VOLUNTEER_VETTED = "no_volunteer_vetted"
OUT_OF_EVERY_RADIUS = "out_of_every_radius"
NO_ONE_AVAILABLE_THAT_DAY = "no_one_available_that_day"
EVERYONE_AT_CAPACITY = "everyone_at_capacity"
NO_LOCATION = "no_location"  # an in-person request without lat/lng: a coordinator decides

ANY_DAY = 0b1111111
INITIAL_CANDIDATES_PER_REQUEST = 8
TOLERANCE = 1e-9
# Priorities closer than this are equal for auto-assign, so a request that came in an hour
# later does not beat a much nearer volunteer's match on that alone.
PRIORITY_STEP = 0.1


@dataclass(frozen=True, slots=True)
class RequestSlot:
    id: object
    lat: float
    lng: float
    type_code: str
    vetting_needed: int = VETTING_NONE
    day: datetime.date | None = None
    language: str | None = None
    remote: bool = False  # by phone/video (optional): distance counts as 0, radius ignored
    priority: float = 0.0  # higher wins when not everyone can be helped (optional)


@dataclass(frozen=True, slots=True)
class VolunteerSlot:
    id: object
    lat: float | None  # None: unknown, no in-person help
    lng: float | None  # None: unknown, no in-person help
    type_codes: frozenset[str]
    vetting_level: int
    radius_km: float
    available_days: frozenset[int]  # weekday ints 0-6 (Monday = 0); empty = any day
    languages: frozenset[str]
    remaining_capacity: int  # weekly cap minus tasks already this week
    tasks_this_week: int = 0  # only feeds the fairness term (optional)


@dataclass
class Assignment:
    pairs: list = field(default_factory=list)  # (request_id, volunteer_id, km), queue order
    unassigned: list = field(default_factory=list)  # (request_id, reason)
    total_km: float = 0.0
    tasks_per_volunteer: dict = field(default_factory=dict)  # volunteer_id -> tasks here

    @property
    def assigned_count(self) -> int:
        return len(self.pairs)


def haversine_km(lat1, lng1, lat2, lng2):
    """Great-circle distance in km (works on scalars and NumPy arrays)."""
    lat1, lng1, lat2, lng2 = map(np.radians, (lat1, lng1, lat2, lng2))
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


# ----------------------------------------------------------------------------- public API

def auto_assign(requests, volunteers, *, fairness_km=DEFAULT_FAIRNESS_KM,
                language_bonus_km=DEFAULT_LANGUAGE_BONUS_KM) -> Assignment:
    """The coordinator's "auto-assign the queue": most requests assigned, the highest
    priorities first, then least cost."""
    problem = _Problem(requests, volunteers)
    return _build_assignment(problem, _optimal_matching(problem, fairness_km,
                                                        language_bonus_km))


def optimal_assign(requests, volunteers) -> Assignment:
    """The exact minimum-km assignment (no fairness, no language bonus): the yardstick."""
    return auto_assign(requests, volunteers, fairness_km=0.0, language_bonus_km=0.0)


def optimal_total_km(requests, volunteers) -> float:
    return optimal_assign(requests, volunteers).total_km


def greedy_assign(requests, volunteers) -> Assignment:
    """Baseline: requests in queue order, each to its nearest feasible volunteer with room."""
    problem = _Problem(requests, volunteers)
    local = _local_edges(problem)
    nearest_first = np.lexsort((local.km, local.req))  # same per-request slices as indptr
    capacity_left = problem.vol_capacity.copy()
    chosen = np.full(problem.n_requests, -1)
    for row in range(problem.n_requests):
        if problem.req_remote[row]:  # everyone is 0 km away: the first eligible one
            candidates = np.flatnonzero(_eligible(problem, row) & (capacity_left > 0))
        else:
            candidates = local.vol[nearest_first[local.indptr[row]:local.indptr[row + 1]]]
            candidates = candidates[capacity_left[candidates] > 0]
        if len(candidates):
            chosen[row] = candidates[0]
            capacity_left[candidates[0]] -= 1
    return _build_assignment(problem, chosen)


# ----------------------------------------------------------------------------- the inputs as arrays

class _Problem:
    """Requests and volunteers as NumPy arrays, with types and languages as small ints."""

    def __init__(self, requests, volunteers):
        self.requests, self.volunteers = list(requests), list(volunteers)
        self.n_requests, self.n_volunteers = len(self.requests), len(self.volunteers)
        types = _index_of({r.type_code for r in self.requests})
        languages = _index_of({r.language for r in self.requests if r.language is not None})

        self.req_xyz = _unit_vectors([r.lat for r in self.requests],
                                     [r.lng for r in self.requests])
        self.req_type = np.array([types[r.type_code] for r in self.requests], dtype=np.int64)
        self.req_vetting = np.array([r.vetting_needed for r in self.requests], dtype=np.int64)
        self.req_day_bit = np.array([_day_bit(r.day) for r in self.requests], dtype=np.int64)
        self.req_language = np.array(
            [languages.get(r.language, -1) for r in self.requests], dtype=np.int64)
        self.req_remote = np.array([r.remote for r in self.requests], dtype=bool)
        self.req_located = np.isfinite(self.req_xyz).all(axis=1)
        self.req_rank, self.n_ranks = _priority_ranks([r.priority for r in self.requests])

        self.vol_xyz = _unit_vectors([v.lat for v in self.volunteers],
                                     [v.lng for v in self.volunteers])
        self.vol_located = np.isfinite(self.vol_xyz).all(axis=1)
        self.vol_does = _membership([v.type_codes for v in self.volunteers], types)
        self.vol_speaks = _membership([v.languages for v in self.volunteers], languages)
        self.vol_vetting = np.array([v.vetting_level for v in self.volunteers], dtype=np.int64)
        self.vol_radius = np.array([v.radius_km for v in self.volunteers], dtype=np.float64)
        self.vol_days = np.array([_days_mask(v.available_days) for v in self.volunteers],
                                 dtype=np.int64)
        self.vol_capacity = np.array(
            [max(v.remaining_capacity, 0) for v in self.volunteers], dtype=np.int64)
        self.vol_tasks_before = np.array(
            [v.tasks_this_week for v in self.volunteers], dtype=np.float64)


def _index_of(values) -> dict:
    return {value: index for index, value in enumerate(sorted(values, key=str))}


def _priority_ranks(priorities) -> tuple[np.ndarray, int]:
    """Each priority's rank among the distinct ones (to PRIORITY_STEP), 0 = the lowest, and
    how many distinct there are."""
    steps = np.round(np.asarray(priorities, dtype=np.float64) / PRIORITY_STEP)
    distinct, rank = np.unique(steps, return_inverse=True)
    return rank.reshape(-1).astype(np.int64), max(len(distinct), 1)


def _membership(sets, index) -> np.ndarray:
    """Boolean matrix: row = volunteer, column = a type (or language) some request has."""
    matrix = np.zeros((len(sets), max(len(index), 1)), dtype=bool)
    for row, values in enumerate(sets):
        for value in values:
            column = index.get(value)
            if column is not None:
                matrix[row, column] = True
    return matrix


def _unit_vectors(lats, lngs) -> np.ndarray:
    """Points on the unit sphere; an unknown (None) coordinate gives a row of NaN."""
    lat = np.radians(np.asarray(lats, dtype=np.float64).reshape(-1))
    lng = np.radians(np.asarray(lngs, dtype=np.float64).reshape(-1))
    return np.column_stack((np.cos(lat) * np.cos(lng), np.cos(lat) * np.sin(lng), np.sin(lat)))


def _day_bit(day) -> int:
    return ANY_DAY if day is None else 1 << day.weekday()


def _days_mask(days) -> int:
    return ANY_DAY if not days else sum(1 << d for d in set(days))


def _chord_for_km(km):
    """Straight-line distance between unit vectors whose great-circle distance is km."""
    return 2 * np.sin(np.asarray(km, dtype=np.float64) / (2 * EARTH_RADIUS_KM))


def _km_for_chord(chord):
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(np.asarray(chord) / 2, 1.0))


def _eligible(problem: _Problem, row: int) -> np.ndarray:
    """Volunteers passing every hard rule for this request except the radius."""
    return (problem.vol_does[:, problem.req_type[row]]
            & (problem.vol_vetting >= problem.req_vetting[row])
            & ((problem.vol_days & problem.req_day_bit[row]) != 0)
            & (problem.vol_capacity > 0))


def _ranges(counts) -> np.ndarray:
    """0..c-1 for each c in counts, concatenated: [2, 3] -> [0, 1, 0, 1, 2]."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


# ----------------------------------------------------------------------------- candidate edges

@dataclass
class _LocalEdges:
    """Every feasible (request, volunteer) pair for the local (not remote) requests, sorted
    by request: row r's edges are [indptr[r], indptr[r + 1])."""
    req: np.ndarray
    vol: np.ndarray
    km: np.ndarray
    indptr: np.ndarray


@dataclass
class _RemoteGroup:
    """Remote requests alike in type, vetting, day and language: every volunteer is 0 km
    from each, so they share one candidate list instead of rows x volunteers edges."""
    rows: np.ndarray
    vols: np.ndarray  # every eligible volunteer, cheapest first
    cost: np.ndarray  # their first-task cost, ascending


def _local_edges(problem: _Problem) -> _LocalEdges:
    local = ~problem.req_remote & problem.req_located
    parts = [_pairs_within_radius(problem, np.flatnonzero(local & (problem.req_type == t)), t)
             for t in np.unique(problem.req_type[local])]
    req, vol, km = (np.concatenate(column) for column in zip(
        *parts, (_empty_int(), _empty_int(), np.empty(0))))
    # Type and capacity were applied before the spatial join; vetting and day remain.
    keep = ((problem.vol_vetting[vol] >= problem.req_vetting[req])
            & ((problem.vol_days[vol] & problem.req_day_bit[req]) != 0))
    req, vol, km = req[keep], vol[keep], km[keep]
    order = np.argsort(req, kind="stable")
    req, vol, km = req[order], vol[order], km[order]
    return _LocalEdges(req, vol, km, np.searchsorted(req, np.arange(problem.n_requests + 1)))


def _pairs_within_radius(problem: _Problem, requests, type_index):
    """(request, volunteer, km) for requests of one type inside each willing volunteer's own
    radius. The radius varies per volunteer, so volunteers are grouped by whole-km radius band
    and each band is joined against a k-d tree of the requests' 3D unit vectors (chord
    distance) in C; the exact per-volunteer radius then trims the band's slack."""
    volunteers = np.flatnonzero(problem.vol_does[:, type_index] & (problem.vol_capacity > 0)
                                & (problem.vol_radius >= 0) & problem.vol_located)
    if len(requests) == 0 or len(volunteers) == 0:
        return _empty_int(), _empty_int(), np.empty(0)
    request_tree = cKDTree(problem.req_xyz[requests])
    bands = np.ceil(problem.vol_radius[volunteers]).astype(np.int64)
    parts = []
    for band in np.unique(bands):
        members = volunteers[bands == band]
        reach = _chord_for_km(problem.vol_radius[members].max()) * (1 + 1e-9) + 1e-12
        pairs = cKDTree(problem.vol_xyz[members]).sparse_distance_matrix(
            request_tree, reach, output_type="ndarray")
        vol, req, km = members[pairs["i"]], requests[pairs["j"]], _km_for_chord(pairs["v"])
        inside = km <= problem.vol_radius[vol] + TOLERANCE
        parts.append((req[inside], vol[inside], km[inside]))
    return tuple(np.concatenate(column) for column in zip(*parts))


def _remote_groups(problem: _Problem, fairness_km, language_bonus_km) -> list[_RemoteGroup]:
    """Remote requests grouped by (type, vetting, day, language), each group with every
    volunteer passing its rules ranked by first-task cost."""
    remote = np.flatnonzero(problem.req_remote)
    if len(remote) == 0:
        return []
    keys = np.column_stack((problem.req_type[remote], problem.req_vetting[remote],
                            problem.req_day_bit[remote], problem.req_language[remote]))
    _, first, group_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    groups = []
    for group, row in enumerate(remote[first]):
        vols = np.flatnonzero(_eligible(problem, row))
        cost = _first_task_cost(problem, np.full(len(vols), row), vols, np.zeros(len(vols)),
                                fairness_km, language_bonus_km)
        # Ties (everyone 0 km) are broken in a different fixed order per group, so alike
        # groups do not all crowd onto the same first few volunteers.
        shuffled = np.random.default_rng(group).permutation(len(vols))
        order = shuffled[np.argsort(cost[shuffled], kind="stable")]
        groups.append(_RemoteGroup(remote[group_of.ravel() == group], vols[order], cost[order]))
    return groups


def _first_task_cost(problem, req, vol, km, fairness_km, language_bonus_km) -> np.ndarray:
    """Cost of giving a volunteer this request as their next task if they have none yet in
    this run: km, minus the bonus for a shared language, plus fairness for this week's load."""
    language = problem.req_language[req]
    speaks = problem.vol_speaks[vol, np.maximum(language, 0)] & (language >= 0)
    return km - language_bonus_km * speaks + fairness_km * problem.vol_tasks_before[vol]


def _empty_int():
    return np.empty(0, dtype=np.int64)


# ----------------------------------------------------------------------------- the matching

def _optimal_matching(problem: _Problem, fairness_km, language_bonus_km) -> np.ndarray:
    """The chosen volunteer per request (-1 = unassigned), optimal for the full graph."""
    if problem.n_requests == 0:
        return np.empty(0, dtype=np.int64)
    local = _local_edges(problem)
    local_cost = _first_task_cost(problem, local.req, local.vol, local.km, fairness_km,
                                  language_bonus_km)
    local_rank = _rank_within_request(local, local_cost)
    groups = _remote_groups(problem, fairness_km, language_bonus_km)
    slots = np.minimum(problem.vol_capacity, _feasible_request_count(problem, local, groups))
    costs = _CostScale(problem, local_cost, groups, slots, fairness_km)
    keep = _initial_candidates_per_request(problem, groups)
    while True:
        req, vol, cost, cheapest_dropped = _kept_candidates(
            problem, local, local_cost, local_rank, groups, keep)
        chosen = _solve(problem, req, vol, cost, slots, fairness_km, costs)
        unproven = _unproven_requests(problem, req, vol, cost, cheapest_dropped, chosen,
                                      slots, fairness_km)
        if not unproven.any():
            return chosen
        keep[unproven] *= 4


def _rank_within_request(local: _LocalEdges, cost) -> np.ndarray:
    """Each edge's 0-based rank by cost among its request's edges."""
    by_cost = np.argsort(cost)
    small_ints = local.req[by_cost].astype(np.min_scalar_type(len(local.indptr)))
    order = by_cost[np.argsort(small_ints, kind="stable")]  # by request, then cost (radix)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - local.indptr[local.req[order]]
    return rank


def _feasible_request_count(problem, local, groups) -> np.ndarray:
    count = np.bincount(local.vol, minlength=problem.n_volunteers)
    for group in groups:
        count[group.vols] += len(group.rows)
    return count


class _CostScale:
    """Shift every cost to >= 1 (SciPy reads explicit zeros as missing edges; each request
    is matched exactly once, so a constant shift changes no decision), and price each
    "unassigned" column above any real-cost saving, M = n_requests * the largest shifted
    cost + 1, times the request's priority weight T + rank (module docstring)."""

    def __init__(self, problem, local_cost, groups, slots, fairness_km):
        all_costs = [local_cost] + [group.cost for group in groups]
        lowest = min((c.min() for c in all_costs if len(c)), default=0.0)
        highest = max((c.max() for c in all_costs if len(c)), default=0.0)
        highest += fairness_km * max(int(slots.max(initial=0)) - 1, 0)
        self.shift = 1.0 - lowest
        above_any_saving = problem.n_requests * (highest + self.shift) + 1.0
        self.unassigned = above_any_saving * (problem.n_ranks + problem.req_rank)


def _initial_candidates_per_request(problem, groups) -> np.ndarray:
    # Alike remote requests share the same cheapest volunteers, so give each group room.
    keep = np.full(problem.n_requests, INITIAL_CANDIDATES_PER_REQUEST)
    for group in groups:
        keep[group.rows] += 2 * len(group.rows)
    return keep


def _kept_candidates(problem, local, local_cost, local_rank, groups, keep):
    """Each request's `keep` cheapest edges (request, volunteer, first-task cost), and per
    request the cost of the cheapest edge left out (inf when none was)."""
    kept = np.flatnonzero(local_rank < keep[local.req])
    cheapest_dropped = np.full(problem.n_requests, np.inf)
    at_cutoff = np.flatnonzero(local_rank == keep[local.req])
    cheapest_dropped[local.req[at_cutoff]] = local_cost[at_cutoff]
    req, vol, cost = [local.req[kept]], [local.vol[kept]], [local_cost[kept]]
    for group in groups:
        take = np.minimum(keep[group.rows], len(group.vols))
        position = _ranges(take)
        req.append(np.repeat(group.rows, take))
        vol.append(group.vols[position])
        cost.append(group.cost[position])
        cut = take < len(group.vols)
        cheapest_dropped[group.rows[cut]] = group.cost[take[cut]]
    return np.concatenate(req), np.concatenate(vol), np.concatenate(cost), cheapest_dropped


def _solve(problem, req, vol, cost, slots, fairness_km, costs: _CostScale) -> np.ndarray:
    """Min-cost full matching of requests onto volunteer slot columns (the k-th costing
    fairness_km * k more) plus one "unassigned" column per request; returns the chosen
    volunteer per request (-1 = unassigned)."""
    n = problem.n_requests
    volunteers = np.unique(vol)
    first_column = np.zeros(problem.n_volunteers, dtype=np.int64)
    first_column[volunteers] = np.cumsum(slots[volunteers]) - slots[volunteers]
    n_slot_columns = int(slots[volunteers].sum())

    copies = slots[vol]
    copy = _ranges(copies)
    cell_vol = np.repeat(vol, copies)
    cell_cost = np.repeat(cost, copies) + fairness_km * copy + costs.shift
    graph = csr_matrix(
        (np.concatenate((cell_cost, costs.unassigned)),
         (np.concatenate((np.repeat(req, copies), np.arange(n))),
          np.concatenate((first_column[cell_vol] + copy, n_slot_columns + np.arange(n))))),
        shape=(n, n_slot_columns + n))
    rows, columns = min_weight_full_bipartite_matching(graph)

    column_owner = np.repeat(volunteers, slots[volunteers])
    chosen = np.full(n, -1)
    real = columns < n_slot_columns
    chosen[rows[real]] = column_owner[columns[real]]
    return chosen


def _unproven_requests(problem, req, vol, cost, cheapest_dropped, chosen, slots,
                       fairness_km) -> np.ndarray:
    """Requests whose dropped edges might still improve the matching.

    A request is proven if one of its kept volunteers still has a free slot costing at most
    its cheapest dropped edge (module docstring); one that dropped nothing needs no proof.
    A volunteer with `tasks` < slots has a free copy among 0..tasks, so it costs at most
    cost + fairness_km * tasks, whichever copies the solver happened to use.
    """
    tasks = np.bincount(chosen[chosen >= 0], minlength=problem.n_volunteers)
    witness = (tasks[vol] < slots[vol]) & (
        cost + fairness_km * tasks[vol] <= cheapest_dropped[req] + TOLERANCE)
    proven = np.bincount(req[witness], minlength=problem.n_requests) > 0
    return ~proven & np.isfinite(cheapest_dropped)


# ----------------------------------------------------------------------------- the result

def _build_assignment(problem: _Problem, chosen: np.ndarray) -> Assignment:
    rows = np.flatnonzero(chosen >= 0)
    chord = np.linalg.norm(problem.req_xyz[rows] - problem.vol_xyz[chosen[rows]], axis=1)
    km = np.where(problem.req_remote[rows], 0.0, _km_for_chord(chord))
    assignment = Assignment(total_km=float(km.sum()))
    for row, volunteer_index, distance in zip(rows.tolist(), chosen[rows].tolist(),
                                              km.tolist()):
        volunteer_id = problem.volunteers[volunteer_index].id
        assignment.pairs.append((problem.requests[row].id, volunteer_id, distance))
        assignment.tasks_per_volunteer[volunteer_id] = (
            assignment.tasks_per_volunteer.get(volunteer_id, 0) + 1)
    assignment.unassigned = [(problem.requests[row].id, _why_unassigned(problem, row))
                             for row in np.flatnonzero(chosen < 0).tolist()]
    return assignment


def _why_unassigned(problem: _Problem, row: int) -> str:
    """The first hard rule, in this order, that leaves no volunteer standing (capacity last:
    out of weekly capacity, or every feasible volunteer taken by other requests here)."""
    candidates = problem.vol_does[:, problem.req_type[row]].copy()
    if not candidates.any():
        return NO_VOLUNTEER_FOR_TYPE
    candidates &= problem.vol_vetting >= problem.req_vetting[row]
    if not candidates.any():
        return NO_VOLUNTEER_VETTED
    if not problem.req_remote[row]:
        if not problem.req_located[row]:
            return NO_LOCATION
        chord = np.linalg.norm(problem.vol_xyz - problem.req_xyz[row], axis=1)
        candidates &= _km_for_chord(chord) <= problem.vol_radius + TOLERANCE
        if not candidates.any():
            return OUT_OF_EVERY_RADIUS
    candidates &= (problem.vol_days & problem.req_day_bit[row]) != 0
    if not candidates.any():
        return NO_ONE_AVAILABLE_THAT_DAY
    return EVERYONE_AT_CAPACITY
