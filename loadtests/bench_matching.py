"""`make bench-matching` (assignment part): auto-assign 2,000 open requests to 10,000 volunteers.

Pure Python + NumPy/SciPy: no Django, no database. Run it as
`cd /work/main && .venv/bin/python loadtests/bench_matching.py`.

The instance is synthetic but shaped like a real city, with a fixed seed: people and
volunteers spread over ~30 km across London (51.5, -0.12) in neighbourhood clusters plus a
thinner background; request types shopping, prescription, befriending, dog_walking,
transport, childcare; childcare needs enhanced vetting, prescriptions and transport basic
vetting; radii 1-10 km (most people offer a short walk); weekly caps 1-5, partly used up;
available days; a few requests in another language. Befriending is a phone/video call, so it
is remote: its distance counts as 0 km and the volunteer's radius does not apply (it still
obeys type, vetting, day and capacity).

Measured: `auto_assign` (the fairness-weighted optimum the coordinator will run) as
`assign_s` (the median of BENCH_REPEATS runs, default 3, each from the plain inputs:
candidate search, pruning, matching and result), against the greedy nearest-volunteer
baseline (timed the same way) and the exact minimum total km on the same instance. Prints
one JSON line; gap_to_optimal_pct = how much more km than the optimum (the price of fairness
and language); ratio = greedy_total_km / assign_total_km (> 1 means we travel less).
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tenants.matching.assignment import (  # noqa: E402
    RequestSlot,
    VolunteerSlot,
    auto_assign,
    greedy_assign,
    optimal_assign,
)

SEED = 20261122
N_REQUESTS = 2_000
N_VOLUNTEERS = 10_000
CENTRE = (51.5, -0.12)
HALF_SPAN_KM = 15.0  # a city ~30 km across
KM_PER_DEG_LAT = 111.2

TYPES = ["shopping", "prescription", "befriending", "dog_walking", "transport", "childcare"]
TYPE_WEIGHTS = [0.34, 0.20, 0.15, 0.09, 0.13, 0.09]
REMOTE_TYPES = {"befriending"}
VETTING_NEEDED = {"childcare": 2, "prescription": 1, "transport": 1}
OTHER_LANGUAGES = ["bn", "ur", "pl", "so", "es", "ar", "tr", "pt"]
RADII_KM = [1, 2, 3, 5, 8, 10]
RADIUS_WEIGHTS = [0.15, 0.25, 0.25, 0.2, 0.1, 0.05]


def city_points(rng, n, clusters):
    """Clustered points: 75% in neighbourhood clusters (sd 0.8-2.5 km), 25% background."""
    centres, spreads, weights = clusters
    in_cluster = rng.random(n) < 0.75
    which = rng.choice(len(centres), size=n, p=weights)
    xy = np.where(in_cluster[:, None],
                  centres[which] + rng.normal(size=(n, 2)) * spreads[which, None],
                  rng.uniform(-HALF_SPAN_KM, HALF_SPAN_KM, size=(n, 2)))
    xy = np.clip(xy, -HALF_SPAN_KM, HALF_SPAN_KM)
    lat = CENTRE[0] + xy[:, 1] / KM_PER_DEG_LAT
    lng = CENTRE[1] + xy[:, 0] / (KM_PER_DEG_LAT * np.cos(np.radians(CENTRE[0])))
    return lat, lng


def make_clusters(rng, count=30):
    centres = rng.uniform(-HALF_SPAN_KM * 0.85, HALF_SPAN_KM * 0.85, size=(count, 2))
    spreads = rng.uniform(0.8, 2.5, size=count)
    weights = rng.pareto(1.5, size=count) + 0.2
    return centres, spreads, weights / weights.sum()


def make_requests(rng, clusters, today):
    lat, lng = city_points(rng, N_REQUESTS, clusters)
    requests = []
    for i in range(N_REQUESTS):
        type_code = TYPES[rng.choice(len(TYPES), p=TYPE_WEIGHTS)]
        vetting = VETTING_NEEDED.get(type_code, 0)
        if vetting == 0 and rng.random() < 0.1:  # e.g. a vulnerable person asking
            vetting = 1
        day = today + datetime.timedelta(days=int(rng.integers(0, 7))) \
            if rng.random() < 0.6 else None
        language = OTHER_LANGUAGES[rng.integers(len(OTHER_LANGUAGES))] \
            if rng.random() < 0.12 else None
        requests.append(RequestSlot(
            id=i, lat=float(lat[i]), lng=float(lng[i]), type_code=type_code,
            vetting_needed=vetting, day=day, language=language,
            remote=type_code in REMOTE_TYPES))
    return requests


def make_volunteers(rng, clusters):
    lat, lng = city_points(rng, N_VOLUNTEERS, clusters)
    volunteers = []
    for i in range(N_VOLUNTEERS):
        n_types = int(rng.integers(1, 5))
        type_codes = frozenset(TYPES[t] for t in rng.choice(
            len(TYPES), size=n_types, replace=False, p=TYPE_WEIGHTS))
        vetting = int(rng.choice(3, p=[0.5, 0.35, 0.15]))
        if rng.random() < 0.4:
            days = frozenset()
        else:
            days = frozenset(int(d) for d in rng.choice(7, size=int(rng.integers(2, 6)),
                                                        replace=False))
        languages = frozenset({"en"}) | (
            frozenset({OTHER_LANGUAGES[rng.integers(len(OTHER_LANGUAGES))]})
            if rng.random() < 0.2 else frozenset())
        weekly_cap = int(rng.integers(1, 6))
        done = int(rng.binomial(weekly_cap, 0.3))
        volunteers.append(VolunteerSlot(
            id=i, lat=float(lat[i]), lng=float(lng[i]), type_codes=type_codes,
            vetting_level=vetting, radius_km=float(rng.choice(RADII_KM, p=RADIUS_WEIGHTS)),
            available_days=days, languages=languages,
            remaining_capacity=weekly_cap - done, tasks_this_week=done))
    return volunteers


def make_instance(seed=SEED):
    rng = np.random.default_rng(seed)
    clusters = make_clusters(rng)
    today = datetime.date(2026, 11, 23)
    return make_requests(rng, clusters, today), make_volunteers(rng, clusters)


def median_time(function, *args, repeats):
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main():
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    requests, volunteers = make_instance()
    assign_s, ours = median_time(auto_assign, requests, volunteers, repeats=repeats)
    greedy_s, greedy = median_time(greedy_assign, requests, volunteers, repeats=repeats)
    optimum = optimal_assign(requests, volunteers)
    print(json.dumps({
        "bench": "matching",
        "requests": len(requests),
        "volunteers": len(volunteers),
        "assign_s": round(assign_s, 3),
        "assign_total_km": round(ours.total_km, 2),
        "greedy_total_km": round(greedy.total_km, 2),
        "optimal_total_km": round(optimum.total_km, 2),
        "gap_to_optimal_pct": round(100 * (ours.total_km / optimum.total_km - 1), 3),
        "tasks_per_volunteer_max": max(ours.tasks_per_volunteer.values(), default=0),
        "greedy_tasks_per_volunteer_max": max(greedy.tasks_per_volunteer.values(), default=0),
        "assigned": ours.assigned_count,
        "greedy_assigned": greedy.assigned_count,
        "optimal_assigned": optimum.assigned_count,
        "baseline_assign_s": round(greedy_s, 3),
        "ratio": round(greedy.total_km / ours.total_km, 3),
    }))


if __name__ == "__main__":
    main()
