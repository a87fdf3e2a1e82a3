"""`make bench-matching`: matching at city scale, in one JSON line, then equity in a second.

Run it as `cd /work/main && .venv/bin/python loadtests/bench_matching.py`.

1. Assignment (pure Python + NumPy/SciPy, no database): auto-assign 2,000 open requests to
10,000 volunteers. The instance is synthetic but shaped like a real city, with a fixed seed:
people and volunteers spread over ~30 km across London (51.5, -0.12) in neighbourhood clusters
plus a thinner background; request types shopping, prescription, befriending, dog_walking,
transport, childcare; childcare needs enhanced vetting, prescriptions and transport basic
vetting; radii 1-10 km (most people offer a short walk); weekly caps 1-5, partly used up;
available days; a few requests in another language. Befriending is a phone/video call, so it
is remote: its distance counts as 0 km and the volunteer's radius does not apply (it still
obeys type, vetting, day and capacity).

Measured: `auto_assign` (the fairness-weighted optimum the coordinator will run) as
`assign_s` (the median of BENCH_REPEATS runs, default 3, each from the plain inputs:
candidate search, pruning, matching and result), against the greedy nearest-volunteer
baseline (timed the same way) and the exact minimum total km on the same instance.
gap_to_optimal_pct = how much more km than the optimum (the price of fairness and language);
ratio = greedy_total_km / assign_total_km (> 1 means we travel less).

2. Queries (PostgreSQL, one group schema, in a process of its own): a group with 100,000
requests (10% open, the rest new, live, done, cancelled; the 7 default kinds of help; the same
kind of clustered city; stored in the order they came in) and 10,000 active volunteers (1-4
kinds, vetting, radii 1-10 km, weekly caps 1-5, availability), plus the requests' timelines
(so "tasks this week" is real work). It lives in its own database (`mutualaid_bench_matching`
on the embedded server, or BENCH_MATCHING_DATABASE_URL), seeded once with a fixed seed and
reused (BENCH_RESEED=1 seeds afresh); each run shifts the timeline so that the seeded week is
this week. Measured after a warm-up, as p95 over BENCH_NEARBY_SAMPLES (200) and
BENCH_SUGGEST_SAMPLES (100) calls, the baselines on every n-th sample
(BENCH_MATCHING_BASELINE_SAMPLES, 50), interleaved in rounds:
- nearby_p95_ms: `nearby_open_requests` for random volunteers who travel at least 5 km, asking
  for 5 km (their remote kinds of help included, as the page shows them), the first page of
  the list as the page asks for it (every in-person request within 5 km is still read,
  measured and sorted; remote help, thousands long, is cut at the page); baseline: the same
  query without the cell filter (every open request of their kinds, exact distance in
  Python); nearby_previous_p95_ms: the selector before this work (cells, model instances);
- suggest_p95_ms: `suggestions` (top 5) for random open requests; baseline: the previous
  version, which loads every eligible volunteer and everyone's weekly load.
Each baseline answer is checked against ours (answers_match_baseline; the run fails on a
difference). nearby_index_scan: the plans of the nearby queries (printed to stderr) read the
requests table through an index for every sampled volunteer; the run exits non-zero if any
plan scans it whole. nearby_ratio / suggest_ratio = baseline p95 / our p95.

3. Equity (pure Python, no database; its own JSON line, "bench": "matching_equity"; alone with
`loadtests/bench_matching.py equity`, ~10 s): four weeks of a city whose deprivation varies
from area to area (deciles cut so each holds a tenth of the residents, 1 = most deprived),
where need gathers in deprived areas and volunteers live away from them. 300 requests a day
(urgency as in the query part's group), 800 volunteers, each doing at most one task a day and
their weekly cap a week, on the weekdays they offer: capacity short of demand. At the end of
each day auto-assign runs on everything waiting, with priorities computed exactly as the
queue computes them (tenants/matching/priority.py, default urgency and waiting weights); a
request unhelped after a week is closed. Counted: requests that came in after the first
week and at least 48 hours before the end. Reported for deprivation weights 0 (the baseline,
same run), the default 1, 3 and 10: deprived_helped_48h_pct (deciles 1-2 helped within 48
hours), helped_48h_pct (everyone), least_deprived_helped_48h_pct (deciles 9-10),
helped_pct (helped at all) and km_per_help, so what equity costs is visible. ratio =
deprived_helped_48h_pct at the default weight / at weight 0.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from synthetic import setup_django, timeline  # noqa: E402  (this folder is on the path)
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


def make_requests(rng, clusters, today, points=None):
    """N_REQUESTS requests spread like the city, or one at each of `points` (lat, lng)."""
    lat, lng = points if points is not None else city_points(rng, N_REQUESTS, clusters)
    requests = []
    for i in range(len(lat)):
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


def make_volunteers(rng, clusters, points=None):
    """N_VOLUNTEERS volunteers spread like the city, or one at each of `points`."""
    lat, lng = points if points is not None else city_points(rng, N_VOLUNTEERS, clusters)
    volunteers = []
    for i in range(len(lat)):
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


def assignment_results() -> dict:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    requests, volunteers = make_instance()
    assign_s, ours = median_time(auto_assign, requests, volunteers, repeats=repeats)
    greedy_s, greedy = median_time(greedy_assign, requests, volunteers, repeats=repeats)
    optimum = optimal_assign(requests, volunteers)
    return {
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
    }


# --- 3. Equity: who is helped within 48 hours when volunteers are too few -----------------

EQUITY_SEED = SEED + 10
EQUITY_DAYS = int(os.environ.get("BENCH_EQUITY_DAYS", "28"))
EQUITY_WARMUP_DAYS = 7  # the queue fills up first; requests that came in then are not counted
EQUITY_REQUESTS_PER_DAY = 300
EQUITY_VOLUNTEERS = 800
EXPIRY_DAYS = 7  # unhelped after a week, a request is closed ("could not help")
HELPED_WITHIN_DAYS = 2.0
DEPRIVED_DECILES = (1, 2)
# The deprivation weights compared: 0 (the baseline: priority from urgency and waiting only),
# the default, and higher ones. Urgency and waiting keep their defaults throughout.
EQUITY_WEIGHTS = (0.0, 1.0, 3.0, 10.0)
# How strongly need gathers in deprived areas and volunteers away from them: each is
# exp(+-SKEW * z), z the area's standardised deprivation.
NEED_SKEW = 0.5
VOLUNTEER_SKEW = 0.5


def deprivation_field(rng):
    """A smooth deprivation score over the city, higher = more deprived: an east-west gradient
    (east poorer, as in London) plus a few pockets of each kind. Returns score(x_km, y_km)."""
    centres = rng.uniform(-HALF_SPAN_KM * 0.8, HALF_SPAN_KM * 0.8, size=(8, 2))
    spreads = rng.uniform(1.5, 4.0, size=8)
    signs = np.array([1, 1, 1, 1, 1, -1, -1, -1], dtype=np.float64)

    def score(x, y):
        bumps = np.exp(-((x[:, None] - centres[:, 0]) ** 2 + (y[:, None] - centres[:, 1]) ** 2)
                       / (2 * spreads ** 2))
        return 0.6 * x / HALF_SPAN_KM + bumps @ signs

    return score


def to_km(lat, lng):
    x = (np.asarray(lng) - CENTRE[1]) * KM_PER_DEG_LAT * np.cos(np.radians(CENTRE[0]))
    return x, (np.asarray(lat) - CENTRE[0]) * KM_PER_DEG_LAT


def deciles_by_population(rng, clusters, score):
    """Decile of any point (1 = most deprived), cut so each decile holds a tenth of the
    city's residents, as official indices rank small areas of about equal population."""
    values = score(*to_km(*city_points(rng, 20_000, clusters)))
    cuts = np.quantile(values, np.linspace(0.1, 0.9, 9))  # ascending: least deprived first
    mean, sd = values.mean(), values.std()

    def decile(x, y):
        v = score(x, y)
        return 10 - np.searchsorted(cuts, v, side="right"), (v - mean) / sd

    return decile


def skewed_points(rng, n, clusters, decile, skew):
    """n city points, kept with probability ~ exp(skew * z): skew > 0 gathers them in
    deprived areas, < 0 away from them."""
    lat, lng = city_points(rng, n * 6, clusters)
    _, z = decile(*to_km(lat, lng))
    weight = np.exp(skew * z)
    keep = rng.choice(len(lat), size=n, replace=False, p=weight / weight.sum())
    return lat[keep], lng[keep]


def equity_instance(seed=EQUITY_SEED):
    """Requests arriving over EQUITY_DAYS (each with its arrival time in days, urgency and
    decile) and volunteers (each with a weekly cap), in a city with deprived areas."""
    rng = np.random.default_rng(seed)
    clusters = make_clusters(rng)
    decile = deciles_by_population(rng, clusters, deprivation_field(rng))
    n = EQUITY_REQUESTS_PER_DAY * EQUITY_DAYS
    points = skewed_points(rng, n, clusters, decile, NEED_SKEW)
    requests = make_requests(rng, clusters, datetime.date(2026, 11, 23), points=points)
    arrived = np.sort(rng.uniform(0, EQUITY_DAYS, size=n))
    urgency = rng.choice(4, size=n, p=[0.3, 0.45, 0.2, 0.05])
    deciles = decile(*to_km(*points))[0]
    volunteers = make_volunteers(rng, clusters, points=skewed_points(
        rng, EQUITY_VOLUNTEERS, clusters, decile, -VOLUNTEER_SKEW))
    return requests, arrived, urgency, deciles, volunteers


def simulate(instance, weights) -> dict:
    """Day by day: at the end of each day, auto-assign everything waiting (priorities from
    `weights`, as the queue computes them) to volunteers free that weekday, each doing at
    most one task a day and their weekly cap a week. Returns shares of the counted
    requests (those that came in after the warm-up and at least 48 hours before the end)."""
    from tenants.matching.priority import terms

    requests, arrived, urgency, deciles, volunteers = instance
    weekly_cap = np.array([v.remaining_capacity + v.tasks_this_week for v in volunteers])
    used = np.zeros(len(volunteers), dtype=np.int64)
    helped_at = np.full(len(requests), np.nan)
    km = 0.0
    monday = datetime.date(2026, 11, 23)
    for day in range(EQUITY_DAYS):
        now = day + 1.0
        if day % 7 == 0:
            used[:] = 0
        waiting = np.flatnonzero((arrived < now) & np.isnan(helped_at)
                                 & (now - arrived <= EXPIRY_DAYS))
        today = monday + datetime.timedelta(days=day)
        slots = [dataclasses.replace(
            requests[i], id=int(i), day=today, priority=terms(
                urgency=int(urgency[i]), waiting_days=float(now - arrived[i]),
                decile=int(deciles[i]), weights=weights).total) for i in waiting]
        free = np.flatnonzero(used < weekly_cap)
        staff = [dataclasses.replace(volunteers[j], id=int(j), remaining_capacity=1,
                                     tasks_this_week=int(used[j])) for j in free]
        result = auto_assign(slots, staff)
        for request_id, volunteer_id, distance in result.pairs:
            helped_at[request_id] = now
            used[volunteer_id] += 1
            km += distance
    counted = (arrived >= EQUITY_WARMUP_DAYS) & (arrived < EQUITY_DAYS - HELPED_WITHIN_DAYS)
    in_time = helped_at - arrived <= HELPED_WITHIN_DAYS  # NaN (never helped) compares False
    deprived = counted & np.isin(deciles, DEPRIVED_DECILES)
    least = counted & np.isin(deciles, (9, 10))
    helped = counted & ~np.isnan(helped_at)

    def pct(part, whole):
        return round(100 * float(part.sum()) / max(int(whole.sum()), 1), 1)

    return {
        "deprived_helped_48h_pct": pct(in_time & deprived, deprived),
        "helped_48h_pct": pct(in_time & counted, counted),
        "least_deprived_helped_48h_pct": pct(in_time & least, least),
        "helped_pct": pct(helped, counted),
        "km_per_help": round(km / max(int((~np.isnan(helped_at)).sum()), 1), 3),
    }


def equity_results() -> dict:
    from tenants.matching.priority import DEFAULT_WEIGHTS

    started = time.perf_counter()
    instance = equity_instance()
    requests, arrived, _urgency, deciles, volunteers = instance
    runs = {weight: simulate(instance, dataclasses.replace(DEFAULT_WEIGHTS, deprivation=weight))
            for weight in EQUITY_WEIGHTS}
    counted = (arrived >= EQUITY_WARMUP_DAYS) & (arrived < EQUITY_DAYS - HELPED_WITHIN_DAYS)
    weekly = sum(v.remaining_capacity + v.tasks_this_week for v in volunteers)
    ours, base = runs[DEFAULT_WEIGHTS.deprivation], runs[0.0]
    return {
        "bench": "matching_equity",
        "days": EQUITY_DAYS,
        "requests": len(requests),
        "counted_requests": int(counted.sum()),
        "counted_deprived_requests": int((counted & np.isin(deciles, DEPRIVED_DECILES)).sum()),
        "volunteers": len(volunteers),
        "weekly_capacity_to_demand": round(weekly / (7 * EQUITY_REQUESTS_PER_DAY), 2),
        "urgency_weight": DEFAULT_WEIGHTS.urgency,
        "waiting_weight": DEFAULT_WEIGHTS.waiting,
        "deprivation_weight": DEFAULT_WEIGHTS.deprivation,
        "deprived_helped_48h_pct": ours["deprived_helped_48h_pct"],
        "baseline_deprived_helped_48h_pct": base["deprived_helped_48h_pct"],
        "helped_48h_pct": ours["helped_48h_pct"],
        "baseline_helped_48h_pct": base["helped_48h_pct"],
        "ratio": round(ours["deprived_helped_48h_pct"]
                       / max(base["deprived_helped_48h_pct"], 1e-9), 3),
        "by_deprivation_weight": {f"{weight:g}": run for weight, run in runs.items()},
        "sim_s": round(time.perf_counter() - started, 1),
    }


# --- 2. Queries in one group's schema -----------------------------------------------------

GROUP_SLUG = "matching-bench"
SEED_VERSION = 2  # bump when the seeded data changes: the next run seeds afresh
DB_REQUESTS = 100_000
DB_VOLUNTEERS = 10_000
NEARBY_KM = 5.0
NEARBY_SAMPLES = int(os.environ.get("BENCH_NEARBY_SAMPLES", "200"))
SUGGEST_SAMPLES = int(os.environ.get("BENCH_SUGGEST_SAMPLES", "100"))
# The baselines take up to seconds a call: they run on every n-th sample, this many in all.
BASELINE_SAMPLES = int(os.environ.get("BENCH_MATCHING_BASELINE_SAMPLES", "50"))
WARMUP = 10
DB_TYPES = ["shopping", "prescription", "befriending", "dog_walking", "transport", "childcare",
            "other"]  # the default kinds of help every group starts with
DB_TYPE_WEIGHTS = [0.30, 0.18, 0.14, 0.09, 0.12, 0.08, 0.09]
# (status, share, days ago the request came in: at most)
STATUS_MIX = [("new", 0.01, 3), ("open", 0.10, 21), ("claimed", 0.02, 10),
              ("assigned", 0.02, 10), ("in_progress", 0.01, 10), ("done", 0.70, 730),
              ("cancelled", 0.09, 730), ("could_not_help", 0.05, 730)]
WITH_VOLUNTEER = {"claimed", "assigned", "in_progress", "done"}
DESCRIPTIONS = [
    "Weekly shop from the list by the door, please: milk, bread, fruit and a few tins.",
    "Collect a repeat prescription from the chemist on the high street and drop it round.",
    "A friendly phone call once a week; she lives alone and loves to talk about gardening.",
    "Walk a small, elderly terrier for half an hour while the owner recovers from surgery.",
    "A lift to the hospital for an outpatient appointment and back again afterwards.",
    "Pick two children up from school on Thursday while their mum is at work.",
    "Help carrying a few boxes down to the car for a house move.",
]


def bench_group():
    """Migrate, then the benchmark's group: provisioned on the first run and reused after,
    unless it was seeded by another version of this file (its name says which) or
    BENCH_RESEED=1 asks for a fresh one."""
    from django.core.management import call_command

    from core.tenancy.fleet import drop_groups
    from core.tenancy.models import Group
    from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
    from core.tenancy.template import migrate_template

    call_command("migrate", shared=True, interactive=False, verbosity=0)
    migrate_template()
    name = f"Matching bench (seed {SEED}, v{SEED_VERSION})"
    stale = Group.objects.filter(schema_name=GROUP_SLUG)
    if os.environ.get("BENCH_RESEED") != "1":
        stale = stale.exclude(name=name)
    drop_groups(stale)
    group = Group.objects.filter(schema_name=GROUP_SLUG).first()
    if group is None:
        group = provision_group(
            spec=GroupSpec(name=name, slug=GROUP_SLUG, country="GB",
                           timezone="Europe/London", default_language="en",
                           map_center_lat=CENTRE[0], map_center_lng=CENTRE[1]),
            admin=AdminSpec(name="Bea Bench", email="admin@matching-bench.example.org",
                            password="bench-password-42"),
        ).group
    # The group's schema was built at some earlier state: bring it to the current one.
    call_command("migrate_schemas", tenant=True, schema_name=GROUP_SLUG, interactive=False,
                 verbosity=0)
    return group


class _ExplicitTimes:
    """Let bulk_create write the seeded created_at/updated_at/at instead of now()."""

    def __enter__(self):
        from tenants.requests.models import HelpRequest, RequestEvent

        self.fields = [HelpRequest._meta.get_field("created_at"),
                       HelpRequest._meta.get_field("updated_at"),
                       RequestEvent._meta.get_field("at")]
        self.saved = [(f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, (now, now_add) in zip(self.fields, self.saved):
            f.auto_now, f.auto_now_add = now, now_add


def seed(group) -> bool:
    """100,000 requests and 10,000 volunteers in the group's schema, once. True if seeded now."""
    from django.db import connection, transaction

    from core.accounts.models import User
    from tenants.requests.models import HelpRequest

    connection.set_tenant(group)
    if HelpRequest.objects.count() >= DB_REQUESTS \
            and User.objects.filter(role=User.Role.VOLUNTEER).count() >= DB_VOLUNTEERS:
        return False
    started = time.perf_counter()
    rng = np.random.default_rng(SEED + 1)
    clusters = make_clusters(rng)
    with transaction.atomic(), _ExplicitTimes():  # all or nothing
        users = _seed_volunteers(rng, clusters)
        _seed_requests(rng, clusters, users)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:  # as autovacuum would have by now
        for table in ("requests_helprequest", "requests_requestevent",
                      "volunteers_volunteerprofile", "volunteers_volunteerprofile_request_types",
                      "volunteers_availabilitywindow", "accounts_user"):
            cursor.execute(f'VACUUM ANALYZE "{group.schema_name}".{table}')
    connection.set_tenant(group)
    print(f"seeded {DB_REQUESTS} requests, {DB_VOLUNTEERS} volunteers in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    return True


def _seed_volunteers(rng, clusters) -> list[int]:
    from django.utils import timezone

    from core.accounts.models import User
    from core.geo.cells import SEARCH_RESOLUTION, STORAGE_RESOLUTION, cell_for
    from tenants.requests.models import RequestType
    from tenants.volunteers.models import AvailabilityWindow, VolunteerProfile

    type_ids = dict(RequestType.objects.values_list("code", "pk"))
    lat, lng = city_points(rng, DB_VOLUNTEERS, clusters)
    users = User.objects.bulk_create([
        User(email=f"volunteer{i:05d}@matching-bench.example.org", name=f"Volunteer {i}",
             role=User.Role.VOLUNTEER, password="!", preferred_language="en",
             date_joined=timezone.now())
        for i in range(DB_VOLUNTEERS)], batch_size=2000)
    profiles = []
    for i, user in enumerate(users):
        la, ln = float(lat[i]), float(lng[i])
        languages = ["en"] + ([OTHER_LANGUAGES[rng.integers(len(OTHER_LANGUAGES))]]
                              if rng.random() < 0.2 else [])
        profiles.append(VolunteerProfile(
            user=user, status=VolunteerProfile.Status.ACTIVE, languages=languages,
            lat=la, lng=ln, cell=cell_for(la, ln, STORAGE_RESOLUTION),
            area_cell=cell_for(la, ln, SEARCH_RESOLUTION),
            radius_km=float(rng.choice(RADII_KM, p=RADIUS_WEIGHTS)),
            travel=str(rng.choice(["walk", "bike", "car"])),
            max_per_week=int(rng.integers(1, 6)),
            vetting_level=int(rng.choice(3, p=[0.5, 0.35, 0.15]))))
    profiles = VolunteerProfile.objects.bulk_create(profiles, batch_size=2000)
    through = VolunteerProfile.request_types.through
    links, windows = [], []
    for profile in profiles:
        for t in rng.choice(len(DB_TYPES), size=int(rng.integers(1, 5)), replace=False,
                            p=DB_TYPE_WEIGHTS):
            links.append(through(volunteerprofile_id=profile.pk,
                                 requesttype_id=type_ids[DB_TYPES[t]]))
        if rng.random() < 0.6:
            for day in rng.choice(7, size=int(rng.integers(2, 6)), replace=False):
                windows.append(AvailabilityWindow(profile=profile, weekday=int(day),
                                                  starts=datetime.time(9),
                                                  ends=datetime.time(17)))
    through.objects.bulk_create(links, batch_size=5000)
    AvailabilityWindow.objects.bulk_create(windows, batch_size=5000)
    return [u.pk for u in users]


def _seed_requests(rng, clusters, volunteer_ids: list[int]) -> None:
    from django.utils import timezone

    from core.geo.cells import SEARCH_RESOLUTION, STORAGE_RESOLUTION, cell_for
    from tenants.requests.models import HelpRequest, RequestEvent, RequestType

    type_ids = dict(RequestType.objects.values_list("code", "pk"))
    now = timezone.now()
    lat, lng = city_points(rng, DB_REQUESTS, clusters)
    statuses = rng.choice(len(STATUS_MIX), size=DB_REQUESTS, p=[s[1] for s in STATUS_MIX])
    kinds = rng.choice(len(DB_TYPES), size=DB_REQUESTS, p=DB_TYPE_WEIGHTS)
    requests, timelines = [], []
    for i in range(DB_REQUESTS):
        status, _share, max_days = STATUS_MIX[statuses[i]]
        created = now - datetime.timedelta(days=float(rng.uniform(0, max_days)))
        la, ln = float(lat[i]), float(lng[i])
        wanted_from = wanted_until = None
        if rng.random() < 0.5:
            wanted_from = (created + datetime.timedelta(days=int(rng.integers(0, 8)))).date()
            if rng.random() < 0.3:
                wanted_until = wanted_from + datetime.timedelta(days=int(rng.integers(0, 5)))
        volunteer = int(volunteer_ids[rng.integers(len(volunteer_ids))]) \
            if status in WITH_VOLUNTEER else None
        requests.append(HelpRequest(
            type_id=type_ids[DB_TYPES[kinds[i]]], description=DESCRIPTIONS[kinds[i]],
            person_name=f"Person {i}", person_phone=f"07700 {i:06d}",
            address=f"{i % 300 + 1} Example Road", postcode="SW1A 1AA", lat=la, lng=ln,
            cell=cell_for(la, ln, STORAGE_RESOLUTION),
            area_cell=cell_for(la, ln, SEARCH_RESOLUTION), location_status="located",
            urgency=int(rng.choice(4, p=[0.3, 0.45, 0.2, 0.05])), wanted_from=wanted_from,
            wanted_until=wanted_until,
            language=OTHER_LANGUAGES[rng.integers(len(OTHER_LANGUAGES))]
            if rng.random() < 0.08 else "",
            channel=str(rng.choice(["web", "phone", "email", "social"])), status=status,
            volunteer_id=volunteer, submission_key=uuid.UUID(int=int(rng.integers(2**62)) << 64
                                                             | i),
            created_at=created, updated_at=created))
        timelines.append(timeline(rng, status, created, now, max_step_hours=30))
    # Stored in the order they came in, as in a real group: today's open requests sit together
    # at the end of the table, not spread over two years of closed ones.
    order = sorted(range(DB_REQUESTS), key=lambda i: requests[i].created_at)
    requests = HelpRequest.objects.bulk_create([requests[i] for i in order], batch_size=2000)
    events = sorted((RequestEvent(request_id=r.pk, from_status=a, to_status=b, at=at)
                     for r, i in zip(requests, order) for a, b, at in timelines[i]),
                    key=lambda e: e.at)
    RequestEvent.objects.bulk_create(events, batch_size=5000)


def bring_to_now(group) -> None:
    """Shift the timeline so its newest event is a moment ago: "tasks this week" stays as busy
    as on the day of seeding. (Only the events move: the requests keep their places on disk.)"""
    from django.db import connection

    connection.set_tenant(group)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now() - max(at) FROM requests_requestevent")
        (lag,) = cursor.fetchone()
        if lag is None or lag < datetime.timedelta(hours=12):
            return
        cursor.execute("UPDATE requests_requestevent SET at = at + %s", [lag])
    connection.set_schema_to_public()
    with connection.cursor() as cursor:  # outside any transaction
        cursor.execute(f'VACUUM ANALYZE "{group.schema_name}".requests_requestevent')
    connection.set_tenant(group)


# The code as it was before this benchmark's work, kept as the baselines.

def baseline_nearby(*, profile, km=None, type_code="", day=None, order="distance",
                    cells=False):
    """The previous nearby_open_requests; cells=False drops its cell filter (the baseline)."""
    from core.geo.cells import SEARCH_RESOLUTION, cells_within, distance_km, fuzzed_cell
    from tenants.matching.selectors import NearbyRequest
    from tenants.requests.models import HelpRequest, RequestType
    from tenants.volunteers.models import VolunteerProfile

    def row(request, km, area):
        return NearbyRequest(
            id=request.pk, type=request.type, description=request.description,
            urgency=request.urgency, urgency_label=request.get_urgency_display(),
            wanted_from=request.wanted_from, wanted_until=request.wanted_until, km=km,
            area=area)

    if profile.status != VolunteerProfile.Status.ACTIVE:
        return []
    radius = min(km or profile.radius_km, profile.radius_km)
    types = profile.request_types.filter(active=True, vetting_level__lte=profile.vetting_level)
    if type_code:
        types = types.filter(code=type_code)
    candidates = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, type__in=types)
    if day:
        candidates = candidates.exclude(wanted_from__gt=day).exclude(wanted_until__lt=day)
    found = [row(r, None, "") for r in candidates.filter(type__mode=RequestType.Mode.REMOTE)
             .select_related("type")]
    if profile.lat is not None:
        in_person = candidates.filter(type__mode=RequestType.Mode.IN_PERSON)
        if cells:
            in_person = in_person.filter(
                area_cell__in=cells_within(profile.lat, profile.lng, radius, SEARCH_RESOLUTION))
        for request in in_person.select_related("type"):
            distance = distance_km((profile.lat, profile.lng), (request.lat, request.lng))
            if distance <= radius:
                found.append(row(request, max(0.5, round(distance * 2 + 0.5) / 2),
                                 fuzzed_cell(request.lat, request.lng).cell))
    if order == "urgency":
        return sorted(found, key=lambda r: (-r.urgency, r.km or 0))
    return sorted(found, key=lambda r: (r.km or 0, -r.urgency))


def baseline_suggestions(request, *, limit=5):
    """The previous suggestions(): every eligible volunteer, everyone's weekly load."""
    from core.geo.cells import distance_km
    from tenants.matching.dispatch import Suggestion, _reasons, weekly_load
    from tenants.requests.models import RequestType
    from tenants.volunteers.models import VolunteerProfile

    def km_to(profile):
        if None in (profile.lat, profile.lng, request.lat, request.lng):
            return None
        return distance_km((profile.lat, profile.lng), (request.lat, request.lng))

    load = weekly_load()
    candidates = (VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, request_types=request.type,
        vetting_level__gte=request.type.vetting_level,
    ).select_related("user").prefetch_related("availability"))
    found = []
    for profile in candidates:
        km = km_to(profile)
        in_person = request.type.mode == RequestType.Mode.IN_PERSON
        if in_person and km is not None and km > profile.radius_km:
            continue
        busy = load.get(profile.user_id, 0)
        if busy >= profile.max_per_week:
            continue
        found.append(Suggestion(profile, km if in_person else None,
                                _reasons(profile, request, km if in_person else None, busy)))
    found.sort(key=lambda s: (s.km if s.km is not None else float("inf"), load.get(s.profile.user_id, 0)))
    return found[:limit]


def timed(function, samples, key):
    """ms per call of function(sample), and a digest of key(answer) for each. Answers are
    not kept: thousands of rows each, they would make the collector slow every later call."""
    times, digests = [], []
    for sample in samples:
        started = time.perf_counter()
        answer = function(sample)
        times.append((time.perf_counter() - started) * 1000)
        digests.append(hashlib.sha256(repr(key(answer)).encode()).hexdigest())
        del answer
    return times, digests


def _compare(samples, ours, baseline, key, previous=None, rounds=10):
    """Time `ours` on every sample and `baseline` (and `previous`) on every n-th, in rounds,
    after a warm-up; True when each baseline answer has the same key as ours."""
    for function, warmup in ((ours, WARMUP), (baseline, 3), (previous, 3)):
        if function is not None:
            for sample in samples[:warmup]:
                function(sample)
    every = max(1, len(samples) // BASELINE_SAMPLES)
    ours_t, base_t, prev_t, same = [], [], [], True
    size = -(-len(samples) // rounds)
    for start in range(0, len(samples), size):
        chunk = samples[start:start + size]
        t, digests = timed(ours, chunk, key)
        ours_t += t
        picked = [i for i in range(len(chunk)) if (start + i) % every == 0]
        t, base_digests = timed(baseline, [chunk[i] for i in picked], key)
        base_t += t
        same = same and [digests[i] for i in picked] == base_digests
        if previous is not None:
            prev_t += timed(previous, [chunk[i] for i in picked], key)[0]
    return ours_t, base_t, prev_t, same


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[94], 2)


def seq_scans(plan, table="requests_helprequest") -> list[dict]:
    """Every Seq Scan node on `table` in an EXPLAIN (FORMAT JSON) plan."""
    found = []
    if isinstance(plan, dict):
        if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == table:
            found.append(plan)
        for value in plan.values():
            found += seq_scans(value, table)
    elif isinstance(plan, list):
        for value in plan:
            found += seq_scans(value, table)
    return found


def explain_nearby(profiles) -> bool:
    """Explain the nearby queries for every sampled volunteer; print the first plan of each
    (and any with a sequential scan) to stderr. True when no plan reads the requests table
    whole."""
    from tenants.matching.selectors import nearby_query

    clean, printed = True, set()
    for profile in profiles:
        query = nearby_query(profile=profile, km=NEARBY_KM)
        for kind in ("in_person", "remote"):
            queryset = getattr(query, kind)
            if queryset is None:
                continue
            plan = json.loads(queryset.explain(format="json"))
            bad = seq_scans(plan)
            if bad or kind not in printed:
                print(f"nearby {kind} query plan (volunteer {profile.pk}):\n"
                      f"{json.dumps(plan, indent=1)}", file=sys.stderr, flush=True)
                printed.add(kind)
            clean = clean and not bad
    return clean


def query_results() -> tuple[dict, bool]:
    """Seed (once), then time nearby and suggestions against their baselines."""
    setup_django("matching")
    from django.db import connection

    from tenants.matching.dispatch import suggestions
    from tenants.matching.selectors import nearby_open_requests
    from tenants.matching.views import PAGE_SIZE
    from tenants.requests.models import HelpRequest
    from tenants.volunteers.models import VolunteerProfile

    group = bench_group()
    seeded_now = seed(group)
    bring_to_now(group)
    connection.set_tenant(group)
    rng = np.random.default_rng(SEED + 2)
    far_enough = list(VolunteerProfile.objects.filter(
        status=VolunteerProfile.Status.ACTIVE, radius_km__gte=NEARBY_KM).order_by("pk")
        .values_list("pk", flat=True))
    picked = rng.choice(far_enough, size=NEARBY_SAMPLES, replace=False)
    by_pk = VolunteerProfile.objects.in_bulk([int(pk) for pk in picked])
    profiles = [by_pk[int(pk)] for pk in picked]
    open_ids = list(HelpRequest.objects.filter(status=HelpRequest.Status.OPEN).order_by("pk")
                    .values_list("pk", flat=True))
    picked = rng.choice(open_ids, size=SUGGEST_SAMPLES, replace=False)
    by_pk = HelpRequest.objects.select_related("type").in_bulk([int(pk) for pk in picked])
    requests = [by_pk[int(pk)] for pk in picked]
    index_scan = explain_nearby(profiles)

    # What the page asks for: its first page (and one more row, to know there is more).
    shown = PAGE_SIZE + 1

    def ours_nearby(p):
        return nearby_open_requests(profile=p, km=NEARBY_KM, limit=shown)

    def base_nearby(p):
        return baseline_nearby(profile=p, km=NEARBY_KM)[:shown]

    def previous_nearby(p):
        return baseline_nearby(profile=p, km=NEARBY_KM, cells=True)[:shown]

    # Ours and the baselines alternate in rounds, so that whatever else the machine is doing
    # touches them alike.
    nearby_t, base_t, prev_t, same = _compare(profiles, ours_nearby, base_nearby, _nearby_key,
                                              previous=previous_nearby)
    suggest_t, sbase_t, _none, same_s = _compare(requests, suggestions, baseline_suggestions,
                                                 _suggest_key)
    same = same and same_s
    if not same:
        print("MISMATCH: an optimised answer differs from its baseline's", file=sys.stderr)
    counts = {"db_requests": HelpRequest.objects.count(),
              "db_open_requests": len(open_ids),
              "db_volunteers": VolunteerProfile.objects.count()}
    connection.set_schema_to_public()
    results = {
        **counts,
        "nearby_samples": len(nearby_t),
        "nearby_p50_ms": round(statistics.median(nearby_t), 2),
        "nearby_p95_ms": p95(nearby_t),
        "nearby_index_scan": index_scan,
        "baseline_nearby_p95_ms": p95(base_t),
        "nearby_previous_p95_ms": p95(prev_t),
        "nearby_ratio": round(p95(base_t) / p95(nearby_t), 1),
        "suggest_samples": len(suggest_t),
        "suggest_p50_ms": round(statistics.median(suggest_t), 2),
        "suggest_p95_ms": p95(suggest_t),
        "baseline_suggest_p95_ms": p95(sbase_t),
        "suggest_ratio": round(p95(sbase_t) / p95(suggest_t), 1),
        "baseline_samples": len(base_t),
        "answers_match_baseline": same,
        "seeded_now": seeded_now,
    }
    return results, index_scan and same


def _nearby_key(rows):
    """What must not change: the rows, their order up to ties, distances and areas."""
    return (sorted((r.id, r.km, r.area, r.urgency_label) for r in rows),
            [(r.km, r.urgency) for r in rows])


def _suggest_key(found):
    """Who may be suggested is decided by (km, tasks this week); equal keys may swap."""
    return [(s.km, s.reasons[-1]) for s in found]


def main():
    """The queries run first, in a process of their own (Django, one database), so that
    neither part's leftovers (NumPy's threads and arrays, Django's caches) weigh on the
    other's timings; then the assignment here. One JSON line with both; then the equity
    simulation's line."""
    run = subprocess.run([sys.executable, __file__, "queries"], stdout=subprocess.PIPE,
                         text=True, check=False)
    queries = json.loads(run.stdout.strip().splitlines()[-1]) if run.stdout.strip() else {}
    ok = queries.pop("ok", False) and run.returncode == 0
    print(json.dumps({"bench": "matching", **assignment_results(), **queries}), flush=True)
    print(json.dumps(equity_results()), flush=True)
    if not ok:
        sys.exit(1)


def queries_main():
    results, ok = query_results()
    print(json.dumps({**results, "ok": ok}), flush=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["queries"]:
        queries_main()
    elif sys.argv[1:] == ["equity"]:  # the equity line alone (a minute, no database)
        print(json.dumps(equity_results()), flush=True)
    else:
        main()
