"""The shipped SYNTHETIC samples (core/geo/data, made by make_deprivation_samples.py).

Not real deprivation data: made-up areas over central London and Boston, in the real files'
layouts, for tests and the demo. `load_deprivation --sample gb` loads one.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.geo.deprivation.sources import DATA_DIR

TITLE = "SYNTHETIC sample in the {} layout (not real data)"


@dataclass(frozen=True)
class Sample:
    options: dict  # load_deprivation's options


SAMPLES = {
    # The same London areas twice: scores in the GeoJSON, or a CSV plus boundaries.
    "gb": Sample({"geojson": DATA_DIR / "deprivation_gb_sample.geojson", "preset": "imd2019",
                  "dataset": "sample-imd2019", "title": TITLE.format("IMD 2019")}),
    "gb-csv": Sample({"csv": DATA_DIR / "deprivation_gb_sample_imd2019.csv",
                      "boundaries": DATA_DIR / "deprivation_gb_sample_lsoa2011.geojson",
                      "preset": "imd2019", "dataset": "sample-imd2019",
                      "title": TITLE.format("IMD 2019")}),
    "us": Sample({"csv": DATA_DIR / "deprivation_us_sample_svi2022.csv",
                  "boundaries": DATA_DIR / "deprivation_us_sample_tracts.geojson",
                  "preset": "svi", "dataset": "sample-svi2022", "title": TITLE.format("CDC SVI")}),
}
