"""Deprivation files as published, read into areas: code, name, decile, score, rank, shape.

Two layouts:
- a GeoJSON FeatureCollection whose features carry the scores in their properties;
- a CSV of scores keyed by area code, plus a boundary GeoJSON keyed by the same code
  (England's IMD CSV with ONS LSOA boundaries; CDC SVI or ADI with Census TIGER shapes).

Column names come from a preset (`PRESETS`, the real files' headers) and can be overridden
one by one. A decile is read as given (1 = most deprived), or made from a percentile.
Everything is checked before anything is written: problems are collected and raised
together as one DeprivationInputError, so a bad file changes nothing.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import shapely.errors
from shapely.geometry import shape as to_shapely
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MAX_PROBLEMS = 8  # quoted in the error; the rest are counted
# Coordinate systems within a metre or so of WGS84 (GeoJSON's own, RFC 7946).
LNG_LAT_CRS = ("CRS84", "4326", "4258", "4269")
MISSING_MARKERS = ("-999", "GQ", "PH", "GQ-PH", "QDI", "NA", "N/A")  # SVI, ADI


class DeprivationInputError(ValueError):
    """The input cannot be loaded; `problems` says why, line by line."""

    def __init__(self, problems: list[str], total: int | None = None):
        self.problems = problems[:MAX_PROBLEMS]
        self.total = total if total is not None else len(problems)
        more = self.total - len(self.problems)
        text = "\n".join(f"  {p}" for p in self.problems)
        if more > 0:
            text += f"\n  ... and {more} more"
        super().__init__(f"{self.total} problem(s), nothing was loaded:\n{text}")


@dataclass(frozen=True)
class Columns:
    """Where each value is, by column (CSV) or property (GeoJSON) name."""

    code: str
    decile: str | None = None  # 1..10, 1 = most deprived
    percentile: str | None = None  # or a percentile, turned into a decile
    percentile_scale: float = 100.0  # 100 (0-100) or 1 (0-1)
    higher_is_more_deprived: bool = True  # SVI, ADI: a high percentile is more deprived
    name: str | None = None
    score: str | None = None
    rank: str | None = None
    boundary_code: str = "code"  # the boundary file's property holding the code
    boundary_name: str | None = None
    code_digits: int = 0  # zero-pad all-digit codes to this width (US GEOIDs lose them in Excel)


@dataclass(frozen=True)
class Preset:
    columns: Columns
    country: str
    year: int
    title: str


_IMD = "Index of Multiple Deprivation (IMD)"
PRESETS = {
    # English Indices of Deprivation 2019, File 7 (all ranks, deciles and scores), CSV.
    "imd2019": Preset(Columns(
        code="LSOA code (2011)", name="LSOA name (2011)",
        decile=f"{_IMD} Decile (where 1 is most deprived 10% of LSOAs)",
        score=f"{_IMD} Score", rank=f"{_IMD} Rank (where 1 is most deprived)",
        boundary_code="LSOA11CD", boundary_name="LSOA11NM",
    ), "GB", 2019, "English Index of Multiple Deprivation 2019 (LSOA 2011)"),
    # English Indices of Deprivation 2025 on 2021 LSOAs; same headers with the 2021 codes.
    "iod2025": Preset(Columns(
        code="LSOA code (2021)", name="LSOA name (2021)",
        decile=f"{_IMD} Decile (where 1 is most deprived 10% of LSOAs)",
        score=f"{_IMD} Score", rank=f"{_IMD} Rank (where 1 is most deprived)",
        boundary_code="LSOA21CD", boundary_name="LSOA21NM",
    ), "GB", 2025, "English Index of Multiple Deprivation 2025 (LSOA 2021)"),
    # CDC/ATSDR Social Vulnerability Index by census tract: RPL_THEMES, 0-1, high = vulnerable.
    "svi": Preset(Columns(
        code="FIPS", name="LOCATION", percentile="RPL_THEMES", percentile_scale=1.0,
        score="SPL_THEMES", boundary_code="GEOID", boundary_name="NAMELSAD", code_digits=11,
    ), "US", 2022, "CDC/ATSDR Social Vulnerability Index 2022 (census tracts)"),
    # Neighborhood Atlas Area Deprivation Index by block group: national percentile 1-100.
    "adi": Preset(Columns(
        code="FIPS", percentile="ADI_NATRANK", percentile_scale=100.0,
        boundary_code="GEOID", code_digits=12,
    ), "US", 2022, "Area Deprivation Index 2022 (census block groups)"),
}


@dataclass(frozen=True)
class AreaInput:
    code: str
    name: str
    decile: int
    score: float | None
    rank: int | None
    shape: BaseGeometry


@dataclass
class ReadResult:
    areas: list[AreaInput]
    rows: int = 0  # score rows (CSV lines or scored features) read
    missing: int = 0  # rows marked "no data" (SVI's -999, ADI's GQ/PH...): skipped
    unscored_boundaries: int = 0  # boundaries with no score row (Wales in an E&W file)


def decile_from_percentile(value: float, *, scale: float, higher_is_more_deprived: bool) -> int:
    """1 = the most deprived tenth. 0.95 of 1 (high = deprived) -> 1; 5 of 100 -> 10."""
    tenths = math.ceil(value * 10 / scale)  # 1..10 for (0, scale]
    decile = 11 - tenths if higher_is_more_deprived else tenths
    return min(10, max(1, decile))


def read_scored_geojson(path: Path | str, columns: Columns,
                        missing_markers: Iterable[str] = MISSING_MARKERS) -> ReadResult:
    """Areas from one GeoJSON whose features' properties carry code, decile and the rest."""
    problems: list[str] = []
    features = _features(path)
    if features and isinstance(features[0], dict):
        _require(path, "property", (features[0].get("properties") or {}).keys(),
                 _score_names(columns))
    result, seen = ReadResult(areas=[]), set()
    for number, feature in enumerate(features, start=1):
        label = f"feature {number}"
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(f"{label}: not a GeoJSON Feature with properties")
            continue
        result.rows += 1
        scored = _scores(props, columns, label, problems, missing_markers)
        if scored is None:
            result.missing += 1
            continue
        if scored is False:
            continue
        code, name, decile, score, rank = scored
        label = f"{label} ({code})"
        if code in seen:
            problems.append(f"{label}: the code appears more than once")
            continue
        seen.add(code)
        geometry = _shape(feature.get("geometry"), label, problems)
        if geometry is not None:
            result.areas.append(AreaInput(code, name, decile, score, rank, geometry))
    _raise_if(problems)
    return result


def read_csv_with_boundaries(csv_path: Path | str, boundaries_path: Path | str,
                             columns: Columns,
                             missing_markers: Iterable[str] = MISSING_MARKERS) -> ReadResult:
    """Areas from a CSV of scores keyed by code and a boundary GeoJSON keyed by the same code."""
    problems: list[str] = []
    boundaries = _boundaries(boundaries_path, columns, problems)
    result, seen, unknown = ReadResult(areas=[]), set(), []
    for line, row in _csv_rows(csv_path, columns):
        label = f"line {line}"
        result.rows += 1
        scored = _scores(row, columns, label, problems, missing_markers)
        if scored is None:
            result.missing += 1
            continue
        if scored is False:
            continue
        code, name, decile, score, rank = scored
        if code in seen:
            problems.append(f"{label} ({code}): the code appears more than once")
            continue
        seen.add(code)
        boundary = boundaries.get(code)
        if boundary is None:
            unknown.append(code)
            continue
        boundary_name, geometry = boundary
        if geometry is not None:
            result.areas.append(AreaInput(code, name or boundary_name, decile, score, rank,
                                          geometry))
    if unknown:
        shown = ", ".join(unknown[:5]) + (" ..." if len(unknown) > 5 else "")
        problems.append(f"{len(unknown)} code(s) in the CSV have no boundary in "
                        f"{Path(boundaries_path).name} (property {columns.boundary_code!r}): "
                        f"{shown}")
    _raise_if(problems)
    result.unscored_boundaries = len(set(boundaries) - seen)
    return result


# --- reading -----------------------------------------------------------------------------

def _csv_rows(path: Path | str, columns: Columns) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            _require(path, "column", header, _score_names(columns))
            reader.fieldnames = header  # so " FIPS" (padded) finds "FIPS"
            for row in reader:
                if any((value or "").strip() for value in row.values() if isinstance(value, str)):
                    yield reader.line_num, row
    except UnicodeDecodeError as exc:
        raise DeprivationInputError([f"{Path(path).name}: not UTF-8 text ({exc.reason})"]) from exc
    except csv.Error as exc:
        raise DeprivationInputError([f"{Path(path).name}: not a readable CSV ({exc})"]) from exc


def _features(path: Path | str) -> list:
    name = Path(path).name
    try:
        with open(path, encoding="utf-8-sig") as handle:
            document = json.load(handle)
    except UnicodeDecodeError as exc:
        raise DeprivationInputError([f"{name}: not UTF-8 text ({exc.reason})"]) from exc
    except json.JSONDecodeError as exc:
        raise DeprivationInputError([f"{name}: not JSON ({exc})"]) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise DeprivationInputError([f"{name}: not a GeoJSON FeatureCollection"])
    crs = json.dumps(document.get("crs") or "")
    if document.get("crs") and not any(code in crs for code in LNG_LAT_CRS):
        raise DeprivationInputError([
            f"{name}: its coordinates are in {crs}, not longitude/latitude. Convert it to "
            f"WGS84 first, e.g. `ogr2ogr -f GeoJSON -t_srs EPSG:4326 out.geojson {name}`"])
    if not document["features"]:
        raise DeprivationInputError([f"{name}: the FeatureCollection has no features"])
    return document["features"]


def _boundaries(path: Path | str, columns: Columns,
                problems: list[str]) -> dict[str, tuple[str, BaseGeometry | None]]:
    features = _features(path)
    first = features[0].get("properties") if isinstance(features[0], dict) else None
    _require(path, "property", (first or {}).keys(), [columns.boundary_code])
    found: dict[str, tuple[str, BaseGeometry | None]] = {}
    for number, feature in enumerate(features, start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        code = _code(props.get(columns.boundary_code), columns) if isinstance(props, dict) else ""
        if not code:
            problems.append(f"boundary feature {number}: no {columns.boundary_code!r} property")
            continue
        label = f"boundary feature {number} ({code})"
        if code in found:
            problems.append(f"{label}: the code appears more than once")
            continue
        name = _text(props.get(columns.boundary_name)) if columns.boundary_name else ""
        found[code] = (name, _shape(feature.get("geometry"), label, problems))
    return found


def _require(path, kind: str, present: Iterable[str], names: list[str]) -> None:
    present = list(present)
    missing = [n for n in names if n not in present]
    if missing:
        listed = ", ".join(repr(p) for p in present[:12]) + (" ..." if len(present) > 12 else "")
        raise DeprivationInputError([
            f"{Path(path).name}: no {kind} {', '.join(repr(m) for m in missing)}; "
            f"it has {listed or 'none'}. Name the right ones with the --*-column options."])


def _score_names(columns: Columns) -> list[str]:
    """The columns a row cannot do without; name, score and rank are read when present."""
    value = columns.decile or columns.percentile
    if value is None:
        raise DeprivationInputError(["give a decile column or a percentile column"])
    return [columns.code, value]


# --- values ------------------------------------------------------------------------------

def _scores(values: dict, columns: Columns, label: str, problems: list[str],
            missing_markers: Iterable[str]):
    """(code, name, decile, score, rank); None for a "no data" row; False after a problem."""
    code = _code(values.get(columns.code), columns)
    if not code:
        problems.append(f"{label}: no area code in {columns.code!r}")
        return False
    label = f"{label} ({code})"
    column = columns.decile or columns.percentile
    raw = _text(values.get(column))
    if raw.upper() in {m.upper() for m in missing_markers}:
        return None
    number = _number(raw)
    if columns.decile:
        if number is None or number != int(number) or not 1 <= number <= 10:
            problems.append(f"{label}: the decile must be a whole number from 1 to 10, "
                            f"not {raw!r}")
            return False
        decile = int(number)
    else:
        if number is None or not 0 <= number <= columns.percentile_scale:
            problems.append(f"{label}: the percentile must be from 0 to "
                            f"{columns.percentile_scale:g}, not {raw!r}")
            return False
        decile = decile_from_percentile(number, scale=columns.percentile_scale,
                                        higher_is_more_deprived=columns.higher_is_more_deprived)
    score = rank = None
    if columns.score:
        score = _number(_text(values.get(columns.score)))
    if columns.rank:
        value = _number(_text(values.get(columns.rank)))
        rank = int(value) if value is not None and value >= 1 and value == int(value) else None
    name = _text(values.get(columns.name))[:200] if columns.name else ""
    return code, name, decile, score, rank


def _code(value, columns: Columns) -> str:
    code = _text(value)
    if columns.code_digits and code.isdigit() and len(code) < columns.code_digits:
        code = code.zfill(columns.code_digits)
    return code[:20]


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _shape(geometry, label: str, problems: list[str]) -> BaseGeometry | None:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        problems.append(f"{label}: the geometry is {kind or 'missing'}; an area must be a "
                        f"Polygon or MultiPolygon")
        return None
    try:
        shape = to_shapely(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError,
            shapely.errors.ShapelyError) as exc:
        problems.append(f"{label}: the geometry cannot be read ({exc})")
        return None
    if shape.is_empty:
        problems.append(f"{label}: the geometry is empty")
        return None
    west, south, east, north = shape.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        problems.append(f"{label}: the coordinates are not longitude/latitude degrees "
                        f"(bounds {shape.bounds}); convert the file to WGS84 (EPSG:4326)")
        return None
    if not shape.is_valid:
        problems.append(f"{label}: the geometry is not valid ({explain_validity(shape)})")
        return None
    return shape


def _raise_if(problems: list[str]) -> None:
    if problems:
        raise DeprivationInputError(problems)
