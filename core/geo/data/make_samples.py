"""Make the SYNTHETIC sample centroid files gb_sample.csv and us_sample.csv (for tests, demo).

These are not excerpts of the ONS Postcode Directory or the Census ZCTA files. The formats
are real (UK unit postcodes under real district codes, real-looking 5-digit ZIPs, leading
zeros included), and each row is placed at a seeded random offset from a real city centre.
A postcode here may not exist, or may exist somewhere else nearby. Deterministic: running
it again writes the same bytes (a test checks the committed files against it).

    python core/geo/data/make_samples.py
"""

from __future__ import annotations

import math
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "postcode,latitude,longitude"
KM_PER_DEGREE = 111.2
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # Royal Mail never uses C I K M O V in the inward code

# (city, centre lat, centre lng, spread km, districts, rows)
GB_CITIES = [
    ("London", 51.5072, -0.1276, 4.0,
     ["SW1A", "WC2N", "EC1A", "N1", "E1", "SE1", "W1D", "NW1"], 40),
    ("Manchester", 53.4808, -2.2426, 3.0, ["M1", "M2", "M4", "M13", "M15"], 25),
    ("Birmingham", 52.4862, -1.8904, 3.0, ["B1", "B2", "B5"], 15),
    ("Glasgow", 55.8642, -4.2518, 3.0, ["G1", "G2"], 10),
    ("Cardiff", 51.4816, -3.1791, 2.0, ["CF10"], 10),
]
# (city, centre lat, centre lng, spread km, first ZIP, last ZIP, rows)
US_CITIES = [
    ("New York", 40.7128, -74.0060, 6.0, 10001, 10040, 30),
    ("Chicago", 41.8781, -87.6298, 8.0, 60601, 60661, 20),
    ("Los Angeles", 34.0522, -118.2437, 10.0, 90001, 90071, 20),
    ("Boston", 42.3601, -71.0589, 5.0, 2108, 2137, 15),  # 02108-02137
    ("Houston", 29.7604, -95.3698, 10.0, 77001, 77099, 15),
]


def offset(rng: random.Random, lat: float, lng: float, spread_km: float) -> tuple[float, float]:
    """A point up to `spread_km` from (lat, lng), uniform over the disc."""
    distance = spread_km * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance * math.cos(bearing) / KM_PER_DEGREE
    dlng = distance * math.sin(bearing) / (KM_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def gb_rows(seed: int = 20261121) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    rows: dict[str, tuple[float, float]] = {}
    for _city, lat, lng, spread, districts, count in GB_CITIES:
        made = 0
        while made < count:
            unit = "".join(rng.choice(UNIT_LETTERS) for _ in range(2))
            postcode = f"{rng.choice(districts)} {rng.randrange(10)}{unit}"
            if postcode not in rows:
                rows[postcode] = offset(rng, lat, lng, spread)
                made += 1
    return sorted((pc, *latlng) for pc, latlng in rows.items())


def us_rows(seed: int = 20261121) -> list[tuple[str, float, float]]:
    rng = random.Random(seed)
    rows = []
    for _city, lat, lng, spread, first, last, count in US_CITIES:
        for zip_code in rng.sample(range(first, last + 1), count):
            rows.append((f"{zip_code:05d}", *offset(rng, lat, lng, spread)))
    return sorted(rows)


def render(rows: list[tuple[str, float, float]]) -> str:
    lines = [HEADER] + [f"{pc},{lat:.6f},{lng:.6f}" for pc, lat, lng in rows]
    return "\n".join(lines) + "\n"


SAMPLES = {"gb_sample.csv": gb_rows, "us_sample.csv": us_rows}


def main() -> None:
    for name, make in SAMPLES.items():
        (HERE / name).write_text(render(make()), encoding="utf-8")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
