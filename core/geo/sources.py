"""Postcode-centroid files as they are published, read as plain rows.

Three layouts: our simple CSV (`postcode,latitude,longitude`, also the shipped samples), the
UK ONS Postcode Directory and "ukpostcodes.csv" style CSVs (`pcds`/`lat`/`long` or
`postcode`/`latitude`/`longitude` among other columns), and the US Census ZCTA Gazetteer
(tab-separated `GEOID`, `INTPTLAT`, `INTPTLONG`, header and values padded with spaces).
Columns are found by name, so extra columns and their order do not matter. Rows come out
unvalidated: judging them is the loader's job (core.geo.services).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SAMPLES = {"GB": DATA_DIR / "gb_sample.csv", "US": DATA_DIR / "us_sample.csv"}


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not a bad row: those are counted and skipped)."""


@dataclass(frozen=True)
class FileFormat:
    delimiter: str
    # Accepted column names, lower case, the first one present wins.
    postcode: tuple[str, ...]
    lat: tuple[str, ...]
    lng: tuple[str, ...]


FORMATS = {
    "simple": FileFormat(",", ("postcode",), ("latitude",), ("longitude",)),
    "ons": FileFormat(
        ",", ("pcds", "postcode", "pcd", "pcd2"), ("lat", "latitude"), ("long", "longitude")
    ),
    "zcta": FileFormat("\t", ("geoid", "zcta5"), ("intptlat",), ("intptlong",)),
}


@dataclass(frozen=True)
class RawRow:
    line: int  # in the file, the header being line 1
    postcode: str
    lat: str
    lng: str


def detect_format(header: list[str], delimiter: str) -> str:
    if delimiter == "\t":
        return "zcta"
    names = {name.strip().lower() for name in header}
    return "ons" if names & {"pcds", "pcd", "pcd2", "lat", "long"} else "simple"


def read_rows(path: Path | str, file_format: str | None = None) -> Iterator[RawRow]:
    """The file's data rows, lazily (the full ONS directory is ~2.7 million of them)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        header_line = handle.readline()
        delimiter = FORMATS[file_format].delimiter if file_format else _delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        spec = FORMATS[file_format or detect_format(header, delimiter)]
        indexes = _column_indexes(header, spec)
        reader = csv.reader(handle, delimiter=spec.delimiter)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank line
            values = [row[i].strip() if i < len(row) else "" for i in indexes]
            yield RawRow(reader.line_num + 1, *values)


def _delimiter(header_line: str) -> str:
    return "\t" if "\t" in header_line else ","


def _column_indexes(header: list[str], spec: FileFormat) -> tuple[int, int, int]:
    names = [name.strip().lower() for name in header]

    def find(candidates: tuple[str, ...]) -> int:
        for candidate in candidates:
            if candidate in names:
                return names.index(candidate)
        raise FileFormatError(
            f"no {' / '.join(candidates)} column in the header {header!r}"
        )

    return find(spec.postcode), find(spec.lat), find(spec.lng)
