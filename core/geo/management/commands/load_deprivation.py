"""`load_deprivation`: load an area deprivation index into the shared tables.

    load_deprivation --preset imd2019 --csv File_7.csv --boundaries lsoa2011.geojson
    load_deprivation --preset svi --dataset svi2022-ma --csv SVI_2022_MA.csv \
        --boundaries tracts.geojson
    load_deprivation --geojson areas.geojson --code-column code --decile-column decile ...
    load_deprivation --sample gb        (the synthetic sample the demo uses)

A thin caller of core.geo.deprivation; see core/geo/README.md, "Deprivation data".
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.geo.deprivation.loading import DEFAULT_RESOLUTION, load_deprivation, remove_deprivation
from core.geo.deprivation.samples import SAMPLES
from core.geo.deprivation.sources import (
    MISSING_MARKERS, PRESETS, Columns, DeprivationInputError, read_csv_with_boundaries,
    read_scored_geojson,
)

# option -> Columns field
COLUMN_OPTIONS = {
    "code_column": "code", "name_column": "name", "decile_column": "decile",
    "percentile_column": "percentile", "score_column": "score", "rank_column": "rank",
    "boundary_code": "boundary_code", "boundary_name": "boundary_name",
    "percentile_scale": "percentile_scale", "code_digits": "code_digits",
}


class Command(BaseCommand):
    help = (
        "Load an area deprivation index (GeoJSON with scores, or a CSV keyed by area code plus "
        "a boundary GeoJSON) into the shared tables, turning areas into h3 cells. Reloading a "
        "dataset replaces it in one transaction; bad input changes nothing."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--geojson", type=Path, help="features with the scores in properties")
        source.add_argument("--csv", type=Path,
                            help="scores keyed by area code (with --boundaries)")
        source.add_argument("--sample", choices=sorted(SAMPLES),
                            help="a shipped SYNTHETIC sample (core/geo/data)")
        source.add_argument("--remove", metavar="DATASET", help="delete a loaded dataset")
        parser.add_argument("--boundaries", type=Path, help="the boundary GeoJSON for --csv")
        parser.add_argument("--preset", choices=sorted(PRESETS),
                            help="the published file's column names, country and year")
        parser.add_argument("--dataset", help="a short name, e.g. imd2019 (default: the preset's)")
        parser.add_argument("--title")
        parser.add_argument("--country", help="ISO 3166 alpha-2 (default: the preset's)")
        parser.add_argument("--year", type=int, help="(default: the preset's)")
        parser.add_argument("--resolution", type=int, default=DEFAULT_RESOLUTION,
                            help=f"h3 resolution to fill areas at (default {DEFAULT_RESOLUTION})")
        parser.add_argument("--code-column")
        parser.add_argument("--name-column")
        parser.add_argument("--decile-column", help="1-10, 1 = most deprived")
        parser.add_argument("--percentile-column",
                            help="a percentile turned into a decile (instead of --decile-column)")
        parser.add_argument("--percentile-scale", type=float, help="100 (0-100) or 1 (0-1)")
        parser.add_argument("--lower-is-more-deprived", action="store_true",
                            help="a low percentile means more deprived (default: a high one)")
        parser.add_argument("--score-column")
        parser.add_argument("--rank-column")
        parser.add_argument("--boundary-code", help="the boundary property holding the code")
        parser.add_argument("--boundary-name", help="the boundary property holding a name")
        parser.add_argument("--code-digits", type=int,
                            help="zero-pad all-digit codes to this width (US GEOIDs: 11, 12)")
        parser.add_argument("--missing", default=",".join(MISSING_MARKERS),
                            help="values meaning 'no data': such rows are skipped "
                                 f"(default {','.join(MISSING_MARKERS)})")

    def handle(self, *args, **options):
        if options["remove"]:
            removed = remove_deprivation(name=options["remove"])
            if options["verbosity"]:
                self.stdout.write(f"{options['remove']}: "
                                  + ("removed." if removed else "not loaded."))
            return
        if options["sample"]:
            sample = SAMPLES[options["sample"]]
            options = {**options, **sample.options}
        preset = PRESETS.get(options["preset"] or "")
        if options["csv"] and not options["boundaries"]:
            raise CommandError("--csv needs --boundaries (a GeoJSON with each area's shape)")
        columns = self._columns(options, preset)
        name = options["dataset"] or (options["preset"] if preset else None)
        country = options["country"] or (preset.country if preset else None)
        year = options["year"] or (preset.year if preset else None)
        if not (name and country and year):
            raise CommandError("without --preset, give --dataset, --country and --year")
        missing = [m for m in options["missing"].split(",") if m.strip()]
        try:
            if options["geojson"]:
                read = read_scored_geojson(options["geojson"], columns, missing)
                files = [options["geojson"]]
            else:
                read = read_csv_with_boundaries(options["csv"], options["boundaries"], columns,
                                                missing)
                files = [options["csv"], options["boundaries"]]
            report = load_deprivation(
                name=name, country=country, year=year, areas=read.areas,
                title=options["title"] or (preset.title if preset else ""),
                source=", ".join(Path(f).name for f in files), resolution=options["resolution"],
            )
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}. Nothing was loaded.") from exc
        except DeprivationInputError as exc:
            raise CommandError(str(exc)) from exc
        report.rows, report.missing = read.rows, read.missing
        report.unscored_boundaries = read.unscored_boundaries
        if options["verbosity"]:
            self.stdout.write(report.summary())

    def _columns(self, options, preset) -> Columns:
        if preset is None and not options["code_column"]:
            raise CommandError("give --preset, or --code-column and --decile-column "
                               "(or --percentile-column)")
        columns = preset.columns if preset else Columns(code=options["code_column"])
        changes = {field: options[option] for option, field in COLUMN_OPTIONS.items()
                   if options[option] is not None}
        if options["percentile_column"]:
            changes["decile"] = None  # a percentile given replaces the preset's decile
        if options["decile_column"]:
            changes["percentile"] = None
        if options["lower_is_more_deprived"]:
            changes["higher_is_more_deprived"] = False
        columns = dataclasses.replace(columns, **changes)
        if not (columns.decile or columns.percentile):
            raise CommandError("give --decile-column or --percentile-column")
        return columns
