"""Loading postcode centroids: the samples, the published layouts, re-runs and bad rows."""

import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.geo.cells import cell_for
from core.geo.models import PostcodeCentroid
from core.geo.services import BAD_COORDINATES, BAD_POSTCODE, load_centroids
from core.geo.sources import DATA_DIR, SAMPLES, read_rows

pytestmark = pytest.mark.django_db


def table(country=None):
    rows = PostcodeCentroid.objects.order_by("country", "postcode")
    if country:
        rows = rows.filter(country=country)
    return list(rows.values_list("id", "country", "postcode", "lat", "lng", "h3_cell"))


def load(*args):
    out, err = StringIO(), StringIO()
    call_command("load_postcodes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_gb_sample_loads_whole_and_a_rerun_changes_nothing():
    out, err = load("--country", "GB", "--sample")
    assert out == "GB: 100 rows read, 100 loaded (100 new), 0 bad rows skipped.\n"
    assert err == ""
    first = table()
    assert len(first) == 100
    assert first[0][1:] == ("GB", "B1 0RN", 52.480583, -1.861701, cell_for(52.480583, -1.861701))
    assert all(h3_cell == cell_for(lat, lng) for _, _, _, lat, lng, h3_cell in first)

    out, _ = load("--country", "gb", "--sample")
    assert out == "GB: 100 rows read, 100 loaded (0 new), 0 bad rows skipped.\n"
    assert table() == first  # same ids, same values


def test_the_us_sample_keeps_leading_zeros():
    out, _ = load("--country", "US", "--file", str(SAMPLES["US"]), "--format", "simple")
    assert out == "US: 100 rows read, 100 loaded (100 new), 0 bad rows skipped.\n"
    postcodes = [row[2] for row in table("US")]
    assert len(postcodes) == 100
    assert postcodes[0] == "02108"
    assert sum(p.startswith("021") for p in postcodes) == 15  # Boston
    assert all(len(p) == 5 and p.isdigit() for p in postcodes)


def test_bad_rows_are_counted_and_skipped_and_the_good_ones_load(tmp_path):
    path = write(tmp_path, "mixed.csv", (
        "postcode,latitude,longitude\n"
        "sw1a1aa,51.501009,-0.141588\n"      # 2: good, normalised
        "NOT A POSTCODE,51.5,-0.1\n"        # 3: bad postcode
        "EC1A 1BB,99.999999,0.000000\n"     # 4: ONSPD's "no grid reference": bad coordinates
        "\n"                                 # 5: blank line, ignored
        "M1 1AE,53.4808,\n"                  # 6: missing longitude
        "M1 2AB,abc,-2.24\n"                 # 7: not a number
        "M1 3AB,nan,-2.24\n"                 # 8: not a number either
        "W1A 0AX,51.518,-0.143\n"            # 9: good
        "B33 8TH\n"                          # 10: short row: bad coordinates
        "SW1A 1AA,51.501,-0.1416\n"          # 11: repeats line 2: the last one wins
    ))
    out, err = load("--country", "GB", "--file", str(path))
    assert out == (
        "GB: 9 rows read, 2 loaded (2 new), 6 bad rows skipped.\n"
        f"  {BAD_COORDINATES}: 5\n"
        f"  {BAD_POSTCODE}: 1\n"
    )
    assert err.splitlines() == [
        f"  line 3: {BAD_POSTCODE} ('NOT A POSTCODE', '51.5', '-0.1')",
        f"  line 4: {BAD_COORDINATES} ('EC1A 1BB', '99.999999', '0.000000')",
        f"  line 6: {BAD_COORDINATES} ('M1 1AE', '53.4808', '')",
        f"  line 7: {BAD_COORDINATES} ('M1 2AB', 'abc', '-2.24')",
        f"  line 8: {BAD_COORDINATES} ('M1 3AB', 'nan', '-2.24')",
    ]
    assert [row[2:5] for row in table()] == [
        ("SW1A 1AA", 51.501, -0.1416),
        ("W1A 0AX", 51.518, -0.143),
    ]


def test_an_ons_postcode_directory_file(tmp_path):
    # ONSPD layout (a few of its ~50 columns): pcd is fixed-width, pcds is the spaced form.
    path = write(tmp_path, "ONSPD_NOV_2026_UK.csv", (
        '\ufeff"pcd","pcd2","pcds","dointr","doterm","oscty","lat","long","ctry"\n'
        '"AB101AA","AB10 1AA","AB10 1AA","198001","199606","S99999999",'
        '57.101474,-2.242851,"S92000003"\n'
        '"M1  1AE","M1   1AE","M1 1AE","198001","","E99999999",53.479252,-2.236245,"E92000001"\n'
        '"BT1 1AA","BT1  1AA","BT1 1AA","198001","","N99999999",99.999999,0.000000,"N92000002"\n'
        # ONSPD's pseudo-postcodes (no fixed abode, ...) are not postcodes
        '"ZZ991ZZ","ZZ99 1ZZ","ZZ99 1ZZ","200001","","L99999999",99.999999,0.000000,"L93000001"\n'
    ))
    out, err = load("--country", "GB", "--file", str(path))  # format detected from the header
    assert out == (
        "GB: 4 rows read, 2 loaded (2 new), 2 bad rows skipped.\n"
        f"  {BAD_COORDINATES}: 1\n"
        f"  {BAD_POSTCODE}: 1\n"
    )
    assert [row[2:5] for row in table()] == [
        ("AB10 1AA", 57.101474, -2.242851),  # terminated postcodes are kept
        ("M1 1AE", 53.479252, -2.236245),
    ]


def test_a_ukpostcodes_style_file_loads_with_the_ons_format(tmp_path):
    path = write(tmp_path, "ukpostcodes.csv", (
        "id,postcode,latitude,longitude\n"
        "1,AB10 1XG,57.144165,-2.114848\n2,AB10 6RN,57.137879,-2.121487\n"
    ))
    out, _ = load("--country", "GB", "--file", str(path), "--format", "ons")
    assert out == "GB: 2 rows read, 2 loaded (2 new), 0 bad rows skipped.\n"
    assert [row[2] for row in table()] == ["AB10 1XG", "AB10 6RN"]


def test_a_census_zcta_gazetteer_file(tmp_path):
    # Tab-separated; the last header and the values are padded with spaces, GEOIDs keep zeros.
    path = write(tmp_path, "2024_Gaz_zcta_national.txt", (
        "GEOID\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI\tINTPTLAT\tINTPTLONG" + " " * 20 + "\n"
        "00601\t166847909\t799292\t64.42\t0.309\t18.180555\t-66.749961" + " " * 16 + "\n"
        "02108\t1004221\t0\t0.388\t0\t42.357604\t-71.064376" + " " * 16 + "\n"
        "9999\t1\t0\t0\t0\t40.0\t-70.0\n"
    ))
    out, _ = load("--country", "US", "--file", str(path))
    assert out == (
        "US: 3 rows read, 2 loaded (2 new), 1 bad rows skipped.\n"
        f"  {BAD_POSTCODE}: 1\n"
    )
    assert [row[1:5] for row in table()] == [
        ("US", "00601", 18.180555, -66.749961),
        ("US", "02108", 42.357604, -71.064376),
    ]


def test_small_batches_and_a_postcode_repeated_across_batches(tmp_path):
    path = write(tmp_path, "batches.csv", (
        "postcode,latitude,longitude\n"
        "10001,40.75,-73.99\n10002,40.71,-73.98\n10003,40.73,-73.98\n10001,40.76,-73.99\n"
    ))
    report = load_centroids(country="US", rows=read_rows(path), batch_size=2)
    assert (report.rows, report.loaded, report.created, report.bad_total) == (4, 4, 3, 0)
    assert [row[2:5] for row in table()] == [
        ("10001", 40.76, -73.99), ("10002", 40.71, -73.98), ("10003", 40.73, -73.98)
    ]


def test_a_file_without_the_needed_columns_is_refused_and_nothing_loads(tmp_path):
    path = write(tmp_path, "wrong.csv", "zip,lat_deg,lon_deg\n10001,40.75,-73.99\n")
    with pytest.raises(CommandError, match="no postcode column in the header"):
        load("--country", "US", "--file", str(path))
    assert table() == []


def test_a_missing_file_or_a_bad_country_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        load("--country", "GB", "--file", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="ISO 3166 alpha-2"):
        load("--country", "Britain", "--sample")
    with pytest.raises(CommandError, match="no sample file for FR"):
        load("--country", "FR", "--sample")
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        load("--country", "GB", "--sample", "--batch-size", "0")
    assert table() == []


def test_the_samples_are_what_the_script_makes():
    spec = importlib.util.spec_from_file_location("make_samples", DATA_DIR / "make_samples.py")
    make_samples = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_samples)
    for name, make in make_samples.SAMPLES.items():
        assert make_samples.render(make()) == Path(DATA_DIR / name).read_text(encoding="utf-8")
