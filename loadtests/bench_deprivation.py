"""`make bench-deprivation`: load an England-sized deprivation index, then look points up.

A synthetic "England": ~33,000 areas (IMD 2019 has 32,844 LSOAs) over ~150,000 km², on a
grid whose lines crowd together around a few "cities", so areas run from ~0.1 km² (urban
LSOAs are that small) to tens of km² (rural ones); every edge has jittered vertices shared by
both neighbours. Written as the IMD 2019 CSV plus an ONS-style boundary GeoJSON, and loaded
by `load_deprivation --preset imd2019` end to end (read, check, fill, compact, write).

- `load_s`: the whole load; `baseline_load_s`: only reading the same files and h3's plain
  polygon_to_cells of every area at the same resolution (what any h3 import has to do);
  `ratio` = load_s / baseline_load_s. `reload_s`: loading it again (replacing the first).
- `lookup_p95_ms`: `decile_at` for random points; `baseline_lookup_p95_ms`: a one-row
  primary-key read of the areas table (the floor for one indexed query), alternating.
- `cells_stored` vs `cells_filled` (before compaction), `peak_rss_mb` of this process.

Its own database (`mutualaid_bench_deprivation` on the embedded server, or
BENCH_DEPRIVATION_DATABASE_URL). Knobs: BENCH_DEPRIVATION_SIDE (182: side x side areas),
BENCH_DEPRIVATION_LOOKUPS (2000).
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

from synthetic import setup_django  # the script's folder is on the path

SIDE = int(os.environ.get("BENCH_DEPRIVATION_SIDE", "182"))
LOOKUPS = int(os.environ.get("BENCH_DEPRIVATION_LOOKUPS", "2000"))
SOUTH, NORTH, WEST, EAST = 50.5, 54.5, -3.5, 1.5
CITIES = [0.12, 0.35, 0.5, 0.71, 0.9]  # where grid lines crowd, as fractions of the side
IMD = "Index of Multiple Deprivation (IMD)"
HEADER = ["LSOA code (2011)", "LSOA name (2011)", f"{IMD} Score",
          f"{IMD} Rank (where 1 is most deprived)",
          f"{IMD} Decile (where 1 is most deprived 10% of LSOAs)"]
EDGE_POINTS = 3  # extra vertices on every edge (real boundaries have dozens per area)


def lines(n: int, low: float, high: float) -> list[float]:
    """n+1 grid lines from low to high, crowded around CITIES (density up to 40x)."""
    def density(u: float) -> float:
        return 1 + 40 * sum(math.exp(-((u - c) / 0.015) ** 2) for c in CITIES)

    steps = 4000
    cumulative = [0.0]
    for k in range(steps):
        cumulative.append(cumulative[-1] + density((k + 0.5) / steps))
    total, out, k = cumulative[-1], [], 0
    for i in range(n + 1):
        target = total * i / n
        while k < steps and cumulative[k + 1] < target:
            k += 1
        span = cumulative[k + 1] - cumulative[k]
        u = (k + (target - cumulative[k]) / span) / steps if span else k / steps
        out.append(low + (high - low) * min(1.0, u))
    return out


def england(side: int, seed: int = 2019) -> tuple[str, str]:
    """(CSV text, boundary GeoJSON text) of side x side areas."""
    rng = random.Random(seed)
    lats, lngs = lines(side, SOUTH, NORTH), lines(side, WEST, EAST)

    def gap(values: list[float], i: int) -> float:
        """The narrower of the two spacings either side of grid line i."""
        return min(values[i + 1] - values[i] if i < side else math.inf,
                   values[i] - values[i - 1] if i > 0 else math.inf)

    def corner(r: int, c: int) -> tuple[float, float]:
        jr = 0 if r in (0, side) else rng.uniform(-0.2, 0.2) * gap(lats, r)
        jc = 0 if c in (0, side) else rng.uniform(-0.2, 0.2) * gap(lngs, c)
        return (round(lngs[c] + jc, 6), round(lats[r] + jr, 6))

    corners = {(r, c): corner(r, c) for r in range(side + 1) for c in range(side + 1)}

    def edge(a, b, nudge_lat: float, nudge_lng: float) -> list[tuple[float, float]]:
        """Points strictly between corners a and b, nudged sideways (shared by neighbours)."""
        (x0, y0), (x1, y1) = corners[a], corners[b]
        out = []
        for k in range(1, EDGE_POINTS + 1):
            t = k / (EDGE_POINTS + 1)
            x = x0 + (x1 - x0) * t + rng.uniform(-1, 1) * nudge_lng
            y = y0 + (y1 - y0) * t + rng.uniform(-1, 1) * nudge_lat
            out.append((round(x, 6), round(y, 6)))
        return out

    # East-west edges wobble north-south and the other way, by at most 15% of the narrower
    # neighbouring row or column: the shapes stay valid whatever the spacing.
    south = {(r, c): edge((r, c), (r, c + 1), 0.15 * gap(lats, r) if 0 < r < side else 0, 0)
             for r in range(side + 1) for c in range(side)}
    west = {(r, c): edge((r, c), (r + 1, c), 0, 0.15 * gap(lngs, c) if 0 < c < side else 0)
            for r in range(side) for c in range(side + 1)}
    rows, features = StringIO(), []
    writer = csv.writer(rows, lineterminator="\n")
    writer.writerow(HEADER)
    for r in range(side):
        for c in range(side):
            ring = ([corners[r, c]] + south[r, c] + [corners[r, c + 1]] + west[r, c + 1]
                    + [corners[r + 1, c + 1]] + south[r + 1, c][::-1] + [corners[r + 1, c]]
                    + west[r, c][::-1])
            ring.append(ring[0])
            code = f"E0{r * side + c + 1:07d}"
            decile = rng.randint(1, 10)
            writer.writerow([code, f"Bench {code}", round(50 - 4 * decile, 2),
                             rng.randint(1, 32844), decile])
            features.append({"type": "Feature", "properties": {"LSOA11CD": code},
                             "geometry": {"type": "Polygon", "coordinates": [ring]}})
    return rows.getvalue(), json.dumps({"type": "FeatureCollection", "features": features})


def prepare_database() -> None:
    setup_django("deprivation")
    from django.core.management import call_command

    call_command("migrate", shared=True, interactive=False, verbosity=0)


def baseline_fill(csv_path: Path, boundaries_path: Path, resolution: int) -> tuple[float, int]:
    import h3.api.basic_int as h3
    from shapely.geometry import shape

    started = time.perf_counter()
    with open(csv_path, newline="", encoding="utf-8") as handle:
        codes = {row[HEADER[0]] for row in csv.DictReader(handle)}
    features = json.loads(boundaries_path.read_text(encoding="utf-8"))["features"]
    filled = sum(len(h3.geo_to_cells(shape(f["geometry"]), resolution)) for f in features
                 if f["properties"]["LSOA11CD"] in codes)
    return time.perf_counter() - started, filled


def p95(values: list[float]) -> float:
    return round(statistics.quantiles(values, n=20)[-1], 3)


def main() -> int:
    prepare_database()
    from django.core.management import call_command

    from core.geo.deprivation.loading import DEFAULT_RESOLUTION
    from core.geo.deprivation.lookup import decile_at
    from core.geo.models import DeprivationArea, DeprivationCell

    with tempfile.TemporaryDirectory() as tmp:
        csv_path, boundaries_path = Path(tmp) / "imd.csv", Path(tmp) / "lsoa.geojson"
        scores, boundaries = england(SIDE)
        csv_path.write_text(scores, encoding="utf-8")
        boundaries_path.write_text(boundaries, encoding="utf-8")
        del scores, boundaries
        args = ["--preset", "imd2019", "--dataset", "bench-imd", "--csv", str(csv_path),
                "--boundaries", str(boundaries_path)]
        call_command("load_deprivation", remove="bench-imd", verbosity=0)  # a fresh load
        out = StringIO()
        started = time.perf_counter()
        call_command("load_deprivation", *args, stdout=out)
        load_s = time.perf_counter() - started
        print(out.getvalue().strip(), file=sys.stderr)
        started = time.perf_counter()
        call_command("load_deprivation", *args, stdout=StringIO())
        reload_s = time.perf_counter() - started
        baseline_s, baseline_filled = baseline_fill(csv_path, boundaries_path, DEFAULT_RESOLUTION)

    rng = random.Random(7)
    points = [(rng.uniform(SOUTH, NORTH), rng.uniform(WEST, EAST)) for _ in range(LOOKUPS)]
    ids = list(DeprivationArea.objects.filter(dataset__name="bench-imd")
               .values_list("pk", flat=True))
    ours_t, base_t, found = [], [], 0
    for i, (lat, lng) in enumerate(points):
        pk = ids[i % len(ids)]
        for which in ((0, 1) if i % 2 == 0 else (1, 0)):
            started = time.perf_counter()
            if which == 0:
                found += decile_at(lat, lng) is not None
            else:
                DeprivationArea.objects.filter(pk=pk).values_list("decile", flat=True).first()
            (ours_t if which == 0 else base_t).append((time.perf_counter() - started) * 1000)
    stored = DeprivationCell.objects.filter(dataset__name="bench-imd").count()
    call_command("load_deprivation", remove="bench-imd", verbosity=0)  # 3 million rows: free them
    line = {
        "bench": "deprivation", "areas": len(ids), "resolution": DEFAULT_RESOLUTION,
        "load_s": round(load_s, 1), "baseline_load_s": round(baseline_s, 1),
        "ratio": round(load_s / baseline_s, 2), "reload_s": round(reload_s, 1),
        "cells_stored": stored, "cells_filled_baseline": baseline_filled,
        "lookup_p95_ms": p95(ours_t), "baseline_lookup_p95_ms": p95(base_t),
        "lookups": len(points), "lookups_found": found,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(line))
    return 0 if found == len(points) else 1  # every point of the synthetic England has an area


if __name__ == "__main__":
    sys.exit(main())
