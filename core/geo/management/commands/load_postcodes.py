"""`load_postcodes --country GB --file ONSPD.csv`: fill the shared postcode-centroid table.

A thin caller of core.geo.services.load_centroids; see core/geo/README.md for the files.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.geo.postcodes import normalise_country
from core.geo.services import load_centroids
from core.geo.sources import FORMATS, SAMPLES, FileFormatError, read_rows


class Command(BaseCommand):
    help = (
        "Load postcode centroids from an open-data file (simple CSV, ONS Postcode Directory, "
        "US Census ZCTA Gazetteer) into the shared table. Re-running is safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-2, e.g. GB, US")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--file", type=Path, help="the file to load")
        source.add_argument(
            "--sample", action="store_true",
            help=f"the synthetic sample in core/geo/data ({', '.join(SAMPLES)})",
        )
        parser.add_argument(
            "--format", choices=sorted(FORMATS), dest="file_format",
            help="the file's layout (default: detected from its header)",
        )
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, country, file, sample, file_format, batch_size, verbosity, **options):
        code = normalise_country(country)
        if code is None:
            raise CommandError(f"--country must be an ISO 3166 alpha-2 code, not {country!r}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        path = self._sample(code) if sample else file
        self._shown, self._verbosity = 0, verbosity
        try:
            report = load_centroids(
                country=code, rows=read_rows(path, file_format), batch_size=batch_size,
                progress=self._progress,
            )
        except (OSError, UnicodeDecodeError, FileFormatError) as exc:
            raise CommandError(f"{path}: {exc} (batches already loaded are kept)") from exc
        self.stdout.write(report.summary())
        for reason, count in sorted(report.bad.items()):
            self.stdout.write(f"  {reason}: {count}")
        for example in report.examples:
            self.stderr.write(f"  {example}")

    def _sample(self, country: str) -> Path:
        if country not in SAMPLES:
            raise CommandError(f"no sample file for {country}; there are: {', '.join(SAMPLES)}")
        return SAMPLES[country]

    def _progress(self, report) -> None:
        """A line per 100,000 rows written (per batch with -v 2): big files take minutes."""
        step = 1 if self._verbosity >= 2 else 100_000
        if self._verbosity and report.loaded // step > self._shown // step:
            self.stderr.write(f"  {report.loaded} loaded...")
        self._shown = report.loaded
