"""Looking a point up: one indexed query, one area per point on shared edges and vertices,
holes, tiny areas, coasts, and nothing outside every area."""

import json

import h3.api.basic_int as h3
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from shapely.geometry import Point, shape

from core.geo.deprivation.lookup import area_at, decile_at, deciles_at
from core.geo.deprivation.partition import cell_path, partition
from core.geo.deprivation.sources import DATA_DIR
from core.geo.models import DeprivationArea, DeprivationCell
from tests.core.geo.deprivation_helpers import box, feature, load, write_geojson

pytestmark = pytest.mark.django_db

CELL_EDGE_DEG = 0.0012  # a resolution-10 cell is ~140 m across: ~0.0012 degrees of latitude


@pytest.fixture
def london():
    """The London sample loaded; its areas' shapes by code."""
    load("--sample", "gb")
    document = json.loads((DATA_DIR / "deprivation_gb_sample.geojson").read_text())
    return {f["properties"]["LSOA code (2011)"]: shape(f["geometry"])
            for f in document["features"]}


def matches(lat: float, lng: float) -> list[str]:
    """Every stored cell among the point's ancestors, as its area's code: the partition's
    promise is that there is at most one per dataset."""
    return list(DeprivationCell.objects.filter(cell__in=cell_path(lat, lng))
                .values_list("area__code", flat=True))


def test_a_lookup_is_one_query(london):
    with CaptureQueriesContext(connection) as queries:
        decile = decile_at(51.4975, -0.1357)
    assert len(queries) == 1
    assert '"cell" IN (' in queries[0]["sql"]
    area = area_at(51.4975, -0.1357)
    assert decile == area.decile and area.code in london


def test_the_lookup_uses_the_cells_index(london):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny table: make the planner show its best
        sql, params = (DeprivationCell.objects.filter(cell__in=cell_path(51.4975, -0.1357))
                       .values_list("area__decile").query.sql_with_params())
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "geo_deprivation_cell_unique" in plan


def test_points_well_inside_an_area_get_that_area(london):
    for code, area in london.items():
        inner = area.buffer(-2 * CELL_EDGE_DEG)
        point = (inner if not inner.is_empty else area).representative_point()
        assert matches(point.y, point.x) == [code], code
        assert decile_at(point.y, point.x) == DeprivationArea.objects.get(code=code).decile


def test_every_point_on_a_shared_edge_or_vertex_has_exactly_one_area(london):
    checked = 0
    codes = sorted(london)
    for i, a in enumerate(codes):
        for b in codes[i + 1:]:
            shared = london[a].boundary.intersection(london[b].boundary)
            if shared.length == 0:
                continue
            for line in getattr(shared, "geoms", [shared]):
                if line.length == 0:
                    continue
                steps = max(2, int(line.length / 0.00005))  # every ~4 m
                for k in range(steps + 1):
                    point = line.interpolate(k / steps, normalized=True)
                    found = matches(point.y, point.x)
                    assert len(found) == 1, (a, b, point.wkt, found)
                    # Resolved to an area within a cell of the point, usually one of the two.
                    assert london[found[0]].distance(point) < 2 * CELL_EDGE_DEG
                    checked += 1
            for x, y in london[a].exterior.coords if london[a].geom_type == "Polygon" else []:
                if london[b].touches(Point(x, y)):
                    assert len(matches(y, x)) == 1, (a, b, x, y)
    assert checked > 5000


def test_the_area_in_a_hole_gets_the_hole_and_its_host_keeps_the_rest(london):
    host = next(c for c, s in london.items() if s.geom_type == "Polygon" and s.interiors
                and s.interiors[0].envelope.area > 1e-6)
    island = next(c for c, s in london.items() if s.equals(shape({
        "type": "Polygon", "coordinates": [list(london[host].interiors[0].coords)]})))
    middle = london[island].centroid
    assert matches(middle.y, middle.x) == [island]
    body = london[host].buffer(-2 * CELL_EDGE_DEG).representative_point()
    assert matches(body.y, body.x) == [host]


def test_an_area_too_small_for_any_cell_still_gets_one_at_its_point(london):
    tiny = next(c for c, s in london.items() if s.area < 1e-7)  # about 14 m x 16 m
    assert h3.geo_to_cells(london[tiny], 10) == []  # no resolution-10 cell centre inside
    stored = list(DeprivationCell.objects.filter(area__code=tiny).values_list("cell", flat=True))
    assert len(stored) == 1 and h3.get_resolution(stored[0]) > 10
    point = london[tiny].representative_point()
    assert matches(point.y, point.x) == [tiny]
    # Its host keeps the rest of the cell around it.
    host = next(c for c, s in london.items() if c != tiny and s.interiors
                and shape({"type": "Polygon", "coordinates": [list(s.interiors[0].coords)]})
                .equals(london[tiny]))
    assert matches(point.y + 0.0005, point.x + 0.0005) == [host]


def test_an_area_in_two_parts_is_found_in_both(london):
    multi = next(c for c, s in london.items() if s.geom_type == "MultiPolygon")
    for part in london[multi].geoms:
        point = part.buffer(-2 * CELL_EDGE_DEG).representative_point()
        assert matches(point.y, point.x) == [multi]


def test_just_inside_the_outer_edge_still_has_an_area_and_far_outside_has_none(london):
    outline = shape({"type": "Polygon", "coordinates": [[
        [-0.195, 51.462], [-0.057, 51.462], [-0.057, 51.546], [-0.195, 51.546], [-0.195, 51.462]]]})
    just_inside = outline.buffer(-0.00002).exterior  # ~2 m inside, all the way round
    for k in range(1000):
        point = just_inside.interpolate(k / 1000, normalized=True)
        assert len(matches(point.y, point.x)) == 1, point.wkt
    assert decile_at(53.4808, -2.2426) is None  # Manchester: no area there
    assert decile_at(51.462 - 0.01, -0.12) is None  # a kilometre south of the sample
    assert decile_at(None, None) is None
    assert area_at(53.4808, -2.2426) is None


def test_a_hole_with_no_area_in_it_has_no_score(tmp_path):
    lake = [[-0.13, 51.49], [-0.13, 51.51], [-0.11, 51.51], [-0.11, 51.49], [-0.13, 51.49]]
    path = write_geojson(tmp_path / "lake.geojson", [
        feature({"code": "A1", "decile": 4}, box(-0.15, 51.47, -0.09, 51.53, holes=[lake]))])
    load("--geojson", path, "--dataset", "lake", "--country", "GB", "--year", "2020",
         "--code-column", "code", "--decile-column", "decile")
    assert decile_at(51.50, -0.12) is None  # the middle of the lake
    assert decile_at(51.48, -0.14) == 4


def test_where_datasets_overlap_the_newest_year_wins(london, tmp_path):
    point = london["E01900001"].representative_point()
    path = write_geojson(tmp_path / "new.geojson", [
        feature({"code": "N1", "decile": 10}, box(-0.3, 51.4, 0.0, 51.6))])
    common = ["--geojson", path, "--country", "GB", "--code-column", "code",
              "--decile-column", "decile"]
    load(*common, "--dataset", "older", "--year", "2015")
    assert decile_at(point.y, point.x) == DeprivationArea.objects.get(code="E01900001").decile
    load(*common, "--dataset", "newer", "--year", "2025")
    assert decile_at(point.y, point.x) == 10
    assert deciles_at([(point.y, point.x), (53.48, -2.24)]) == [10, None]


def test_deciles_at_answers_like_decile_at_for_many_points(london):
    points = [(p.y, p.x) for p in (s.representative_point() for s in london.values())]
    points += [(51.50, -0.12), (53.48, -2.24), (51.4975, -0.1357)]
    with CaptureQueriesContext(connection) as queries:
        many = deciles_at(points)
    assert len(queries) == 1
    assert many == [decile_at(lat, lng) for lat, lng in points]


def test_stored_cells_never_overlap(london):
    stored = set(DeprivationCell.objects.values_list("cell", flat=True))
    for cell in stored:
        resolution = h3.get_resolution(cell)
        assert not any(h3.cell_to_parent(cell, r) in stored for r in range(resolution))
    assert any(h3.get_resolution(c) < 10 for c in stored)  # compacted somewhere


def test_overlapping_polygons_still_give_one_answer():
    a = shape(box(-0.12, 51.50, -0.10, 51.52))
    b = shape(box(-0.11, 51.50, -0.09, 51.52))  # overlaps a by half
    result = partition([a, b], 10)
    assert result.contested > 0
    first = set(result.cells[0])
    assert not first & set(result.cells[1])
    middle = cell_path(51.51, -0.105)
    assert sum(cell in first for cell in middle) == 1  # the first area keeps the overlap
