"""Make the SYNTHETIC deprivation samples (for tests and the demo). Not real data.

The layouts are real: England's IMD 2019 File 7 CSV headers with ONS-style LSOA boundaries
(LSOA11CD, LSOA11NM), one GeoJSON carrying the same scores in its properties, and the CDC
SVI CSV headers with Census TIGER-style tract boundaries (GEOID, NAMELSAD). The places and
numbers are made up: a jittered 6x6 grid of "LSOAs" over central London (where the sample
postcodes and the demo group are) and a 3x4 grid of "tracts" over Boston. The codes are in
ranges no real area uses (E01900001..., 25025980xxx) and every name says "Synthetic".

The London grid holds the shapes the loader must get right: neighbours sharing jittered
edges and vertices, an area with a hole filled by another area, a 15 m area too small for
any h3 cell, and an area of two separate parts (a MultiPolygon). Deciles are spread so the
40 London sample postcodes fall in all ten. Deterministic: same bytes every run.

    python core/geo/data/make_deprivation_samples.py
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SYNTHETIC = ("SYNTHETIC sample for tests and the demo, made by make_deprivation_samples.py: "
             "not real deprivation data, not real boundaries.")
IMD = "Index of Multiple Deprivation (IMD)"
IMD_HEADER = [
    "LSOA code (2011)", "LSOA name (2011)", "Local Authority District code (2019)",
    "Local Authority District name (2019)", f"{IMD} Score",
    f"{IMD} Rank (where 1 is most deprived)",
    f"{IMD} Decile (where 1 is most deprived 10% of LSOAs)",
]
SVI_HEADER = ["ST", "STATE", "ST_ABBR", "STCNTY", "COUNTY", "FIPS", "LOCATION", "E_TOTPOP",
              "SPL_THEMES", "RPL_THEMES"]
ENGLAND_LSOAS = 32844  # IMD 2019 ranks run 1..32,844
# London: rows south to north, columns west to east.
GB_ROWS, GB_COLS = 6, 6
GB_SOUTH, GB_WEST, GB_DLAT, GB_DLNG = 51.462, -0.195, 0.014, 0.023
HOLED, TINY_HOST, MULTI = (2, 3), (3, 1), ((5, 0), (5, 2))
# Boston.
US_ROWS, US_COLS = 3, 4
US_SOUTH, US_WEST, US_DLAT, US_DLNG = 42.325, -71.115, 0.025, 0.03


def grid(rng: random.Random, rows: int, cols: int, south: float, west: float, dlat: float,
         dlng: float) -> dict[tuple[int, int], list[tuple[float, float]]]:
    """Each grid square's ring (lng, lat; counter-clockwise, closed), with jittered corners
    and a jittered mid-point on every edge, shared exactly by the squares on either side."""
    def jitter(i: int, n: int, step: float) -> float:
        return 0.0 if i in (0, n) else rng.uniform(-0.25, 0.25) * step

    corner = {(r, c): (round(west + c * dlng + jitter(c, cols, dlng), 6),
                       round(south + r * dlat + jitter(r, rows, dlat), 6))
              for r in range(rows + 1) for c in range(cols + 1)}

    def mid(a, b, r_or_c: int, n: int, along_lat: bool) -> tuple[float, float]:
        x, y = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        if along_lat:  # an east-west edge: move the mid-point north or south
            y += jitter(r_or_c, n, dlat) * 0.6
        else:
            x += jitter(r_or_c, n, dlng) * 0.6
        return round(x, 6), round(y, 6)

    south_mid = {(r, c): mid(corner[r, c], corner[r, c + 1], r, rows, True)
                 for r in range(rows + 1) for c in range(cols)}
    west_mid = {(r, c): mid(corner[r, c], corner[r + 1, c], c, cols, False)
                for r in range(rows) for c in range(cols + 1)}
    rings = {}
    for r in range(rows):
        for c in range(cols):
            ring = [corner[r, c], south_mid[r, c], corner[r, c + 1], west_mid[r, c + 1],
                    corner[r + 1, c + 1], south_mid[r + 1, c], corner[r + 1, c], west_mid[r, c]]
            rings[r, c] = ring + [ring[0]]
    return rings


def square(lng: float, lat: float, half_lng: float, half_lat: float) -> list[tuple[float, float]]:
    ring = [(lng - half_lng, lat - half_lat), (lng + half_lng, lat - half_lat),
            (lng + half_lng, lat + half_lat), (lng - half_lng, lat + half_lat)]
    ring = [(round(x, 6), round(y, 6)) for x, y in ring]
    return ring + [ring[0]]


def centre(ring) -> tuple[float, float]:
    points = ring[:-1]
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def gb_areas(seed: int) -> list[dict]:
    """[{code, name, geometry}] in code order, deciles not yet given."""
    rng = random.Random(seed)
    rings = grid(rng, GB_ROWS, GB_COLS, GB_SOUTH, GB_WEST, GB_DLAT, GB_DLNG)
    hx, hy = centre(rings[HOLED])
    island = square(hx, hy, GB_DLNG * 0.2, GB_DLAT * 0.2)
    tx, ty = centre(rings[TINY_HOST])
    tiny = square(tx + 0.0007, ty + 0.0004, 0.0001, 0.00007)  # about 14 m x 16 m
    geometries = {}
    for key, ring in rings.items():
        if key == MULTI[1]:
            continue
        if key == MULTI[0]:
            geometries[key] = {"type": "MultiPolygon",
                               "coordinates": [[ring], [rings[MULTI[1]]]]}
        elif key == HOLED:
            geometries[key] = {"type": "Polygon", "coordinates": [ring, island[::-1]]}
        elif key == TINY_HOST:
            geometries[key] = {"type": "Polygon", "coordinates": [ring, tiny[::-1]]}
        else:
            geometries[key] = {"type": "Polygon", "coordinates": [ring]}
    geometries["island"] = {"type": "Polygon", "coordinates": [island]}
    geometries["tiny"] = {"type": "Polygon", "coordinates": [tiny]}
    areas = []
    for number, (key, geometry) in enumerate(geometries.items(), start=1):
        suffix = "ABCDEFGH"[number % 8]
        areas.append({"code": f"E0190{number:04d}",
                      "name": f"Synthetic London {number:03d}{suffix}",
                      "geometry": _json_ready(geometry), "key": key})
    return areas


def _json_ready(geometry: dict) -> dict:
    return json.loads(json.dumps(geometry))  # tuples -> lists


def gb_deciles(areas: list[dict], seed: int) -> list[int]:
    """Deciles for the areas such that the London sample postcodes fall in all ten."""
    from shapely.geometry import Point, shape

    postcodes = _london_postcodes()
    shapes = [shape(a["geometry"]) for a in areas]
    for attempt in range(1000):
        rng = random.Random(seed + attempt)
        deciles = [1 + i % 10 for i in range(len(areas))]
        rng.shuffle(deciles)
        hits = {d: 0 for d in range(1, 11)}
        for lng, lat in postcodes:
            for area_shape, decile in zip(shapes, deciles):
                if area_shape.contains(Point(lng, lat)):
                    hits[decile] += 1
        if min(hits.values()) >= 2:
            return deciles
    raise RuntimeError("no spread of deciles covers every decile with the sample postcodes")


def _london_postcodes() -> list[tuple[float, float]]:
    with open(HERE / "gb_sample.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [(float(r["longitude"]), float(r["latitude"])) for r in rows
            if 51.3 < float(r["latitude"]) < 51.7 and -0.6 < float(r["longitude"]) < 0.4]


def imd_values(rng: random.Random, decile: int) -> tuple[float, int]:
    """A score and rank consistent with the decile (rank 1 and high scores = most deprived)."""
    band = ENGLAND_LSOAS / 10
    rank = rng.randint(int((decile - 1) * band) + 1, int(decile * band))
    score = round(55 - 5 * decile + rng.uniform(-2, 2), 3)
    return score, rank


def gb_files(seed: int = 20261122) -> dict[str, str]:
    areas = gb_areas(seed)
    deciles = gb_deciles(areas, seed)
    rng = random.Random(seed)
    rows, scored, boundaries = [], [], []
    for area, decile in zip(areas, deciles):
        score, rank = imd_values(rng, decile)
        values = [area["code"], area["name"], "E09900001", "Synthetic Borough", score, rank,
                  decile]
        rows.append(values)
        scored.append(_feature(dict(zip(IMD_HEADER, values)), area["geometry"]))
        boundaries.append(_feature({"LSOA11CD": area["code"], "LSOA11NM": area["name"]},
                                   area["geometry"]))
    return {
        "deprivation_gb_sample.geojson": _collection(scored),
        "deprivation_gb_sample_imd2019.csv": _csv(IMD_HEADER, rows),
        "deprivation_gb_sample_lsoa2011.geojson": _collection(boundaries),
    }


def us_files(seed: int = 20261122) -> dict[str, str]:
    rng = random.Random(seed)
    rings = grid(rng, US_ROWS, US_COLS, US_SOUTH, US_WEST, US_DLAT, US_DLNG)
    rows, boundaries = [], []
    for number, ring in enumerate(rings.values(), start=1):
        tract = f"9801{number:02d}"
        geoid = f"25025{tract}"
        name = f"Census Tract {tract[:4]}.{tract[4:]}"
        percentile = -999 if number == 7 else round(rng.random(), 4)  # SVI's "no data"
        spl = -999 if percentile == -999 else round(percentile * 12 + rng.uniform(0, 1), 4)
        rows.append([25, "Massachusetts", "MA", 25025, "Suffolk County", geoid,
                     f"Synthetic {name}; Suffolk County; Massachusetts",
                     rng.randint(1500, 6000), spl, percentile])
        boundaries.append(_feature({"STATEFP": "25", "COUNTYFP": "025", "TRACTCE": tract,
                                    "GEOID": geoid, "NAME": name[13:],
                                    "NAMELSAD": f"Synthetic {name}"},
                                   _json_ready({"type": "Polygon", "coordinates": [ring]})))
    return {
        "deprivation_us_sample_svi2022.csv": _csv(SVI_HEADER, rows),
        "deprivation_us_sample_tracts.geojson": _collection(boundaries),
    }


def _feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


def _collection(features: list[dict]) -> str:
    document = {"type": "FeatureCollection", "name": SYNTHETIC, "features": features}
    return json.dumps(document, indent=None, separators=(",", ":")).replace(
        '{"type":"Feature"', '\n{"type":"Feature"') + "\n"


def _csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def files() -> dict[str, str]:
    return {**gb_files(), **us_files()}


def main() -> None:
    for name, text in files().items():
        (HERE / name).write_text(text, encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
