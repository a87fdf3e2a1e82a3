"""`make bench-privacy`: what the privacy policy engine costs, one JSON line per case.

Run it as `cd /work/main && .venv/bin/python loadtests/bench_privacy.py`.

- case "nearby": a volunteer's nearby list (the page's first page, 5 km) in the matching
  benchmark's group (100,000 requests, 10,000 volunteers; bench_matching.py seeds it on first
  use), with the policy (the fields a volunteer may see, areas blurred until they hold k
  requests or households) against the same code with the policy off.
- case "export": a coordinator's CSV export of a group with 10,000 requests, through the
  engine (each row shown as the viewer may see it, one audit row naming what was revealed)
  against the same code with the policy off.

Ours and the baseline alternate call by call, so that whatever else the machine does touches
both alike; each line reports p95 of both and overhead_pct = (p95 - baseline) / baseline.
Target: overhead_pct <= 10. Knobs: BENCH_PRIVACY_NEARBY_SAMPLES (200),
BENCH_PRIVACY_EXPORT_SAMPLES (20).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]

from bench_matching import (  # noqa: E402  (the path above makes it importable)
    NEARBY_KM, bench_group, bring_to_now, p95, seed,
)
from synthetic import setup_django  # noqa: E402

NEARBY_SAMPLES = int(os.environ.get("BENCH_PRIVACY_NEARBY_SAMPLES", "200"))
EXPORT_SAMPLES = int(os.environ.get("BENCH_PRIVACY_EXPORT_SAMPLES", "20"))
EXPORT_ROWS = 10_000
EXPORT_SLUG = "privacy-bench"
TARGET_PCT = 10.0


def alternate(samples, ours, baseline, warmup=3):
    """ms per call of ours(sample) and baseline(sample), alternating, after a warm-up."""
    for sample in samples[:warmup]:
        ours(sample), baseline(sample)
    ours_t, base_t = [], []
    for i, sample in enumerate(samples):
        pair = ((ours, ours_t), (baseline, base_t))
        for function, times in (pair if i % 2 == 0 else pair[::-1]):
            started = time.perf_counter()
            function(sample)
            times.append((time.perf_counter() - started) * 1000)
    return ours_t, base_t


def line(case: str, ours_t, base_t, **extra) -> dict:
    ours, base = p95(ours_t), p95(base_t)
    return {"bench": "privacy", "case": case, "p95_ms": ours, "baseline_p95_ms": base,
            "overhead_pct": round((ours - base) / base * 100, 1), "samples": len(ours_t),
            "target_pct": TARGET_PCT, **extra}


def nearby_case() -> dict:
    import numpy as np
    from django.core.cache import cache
    from django.db import connection

    from tenants.matching.selectors import nearby_open_requests
    from tenants.matching.views import PAGE_SIZE
    from tenants.volunteers.models import VolunteerProfile

    group = bench_group()
    seed(group)
    bring_to_now(group)
    connection.set_tenant(group)
    cache.clear()
    pks = list(VolunteerProfile.objects.filter(status="active", radius_km__gte=NEARBY_KM)
               .order_by("pk").values_list("pk", flat=True))
    picked = np.random.default_rng(7).choice(pks, size=NEARBY_SAMPLES, replace=False)
    profiles = list(VolunteerProfile.objects.in_bulk([int(p) for p in picked]).values())

    def ours(profile):
        return nearby_open_requests(profile=profile, km=NEARBY_KM, limit=PAGE_SIZE + 1)

    def baseline(profile):
        return nearby_open_requests(profile=profile, km=NEARBY_KM, limit=PAGE_SIZE + 1,
                                    policy=False)

    ours_t, base_t = alternate(profiles, ours, baseline)
    connection.set_schema_to_public()
    return line("nearby", ours_t, base_t, db_requests=100_000)


def export_group():
    """A group with 10,000 requests (made once, reused)."""
    import random

    from django.db import connection

    from core.tenancy.models import Group
    from core.tenancy.provisioning import AdminSpec, GroupSpec, provision_group
    from tenants.requests.models import HelpRequest, RequestType

    group = Group.objects.filter(schema_name=EXPORT_SLUG).first()
    if group is None:
        group = provision_group(
            spec=GroupSpec(name="Privacy bench", slug=EXPORT_SLUG, country="GB",
                           timezone="Europe/London", default_language="en",
                           map_center_lat=51.5, map_center_lng=-0.12),
            admin=AdminSpec(name="Pia Bench", email="admin@privacy-bench.example.org",
                            password="bench-password-42"),
        ).group
    connection.set_tenant(group)
    have = HelpRequest.objects.count()
    if have < EXPORT_ROWS:
        rng = random.Random(3)
        kinds = list(RequestType.objects.all())
        statuses = ["new", "open", "assigned", "done", "done", "done", "cancelled"]
        HelpRequest.objects.bulk_create([HelpRequest(
            type=rng.choice(kinds), description=f"Shopping list {i}: milk, bread, tea",
            person_name=f"Person {i}", person_phone=f"07700 9{i:05d}",
            person_email=f"person{i}@example.org", address=f"{i} Long Road",
            postcode="SW1A 1AA", lat=51.5 + rng.uniform(-0.1, 0.1),
            lng=-0.12 + rng.uniform(-0.1, 0.1), status=rng.choice(statuses),
            urgency=rng.randint(0, 3), submission_key=uuid.uuid4(), channel="phone",
        ) for i in range(have, EXPORT_ROWS)], batch_size=2000)
    return group


def export_case() -> dict:
    from django.db import connection

    from core.accounts.models import User
    from core.privacy.engine import Viewer
    from tenants.records.selectors import requests_csv

    group = export_group()
    connection.set_tenant(group)
    viewer = Viewer.of(User.objects.get(email="admin@privacy-bench.example.org"))
    sizes = []

    def ours(_):
        sizes.append(sum(len(chunk) for chunk in requests_csv(viewer=viewer)))

    def baseline(_):
        sum(len(chunk) for chunk in requests_csv(viewer=viewer, policy=False))

    ours_t, base_t = alternate(list(range(EXPORT_SAMPLES)), ours, baseline, warmup=2)
    connection.set_schema_to_public()
    return line("export", ours_t, base_t, rows=EXPORT_ROWS, csv_bytes=sizes[-1])


def main():
    setup_django("matching")
    results = [nearby_case(), export_case()]
    for result in results:
        print(json.dumps(result), flush=True)
    if any(r["overhead_pct"] > TARGET_PCT for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
