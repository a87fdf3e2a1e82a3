"""Loading deprivation data: both layouts, the presets, reloads, and bad input changing nothing."""

import pytest
from django.core.management import CommandError

from core.geo.deprivation.lookup import area_at, decile_at
from core.geo.deprivation.sources import decile_from_percentile
from core.geo.models import DeprivationArea, DeprivationCell, DeprivationDataset
from tests.core.geo.deprivation_helpers import box, feature, load, snapshot, write_geojson

pytestmark = pytest.mark.django_db

IMD_CODE = "LSOA code (2011)"
IMD_DECILE = "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)"
IMD_HEADER = ("LSOA code (2011),LSOA name (2011),"
              "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)")
WESTMINSTER = (51.4975, -0.1357)  # inside the London sample


def areas(name="sample-imd2019"):
    return list(DeprivationArea.objects.filter(dataset__name=name).order_by("code")
                .values_list("code", "name", "decile", "score", "rank"))


def cells(name="sample-imd2019"):
    return sorted(DeprivationCell.objects.filter(area__dataset__name=name)
                  .values_list("area__code", "cell"))


def test_the_london_sample_loads_the_same_from_geojson_and_from_csv_with_boundaries():
    out = load("--sample", "gb")
    assert out.startswith("sample-imd2019 (GB 2019): 37 areas loaded from 37 score rows in ")
    assert "1 areas too small for a cell placed by a point" in out
    from_geojson = (areas(), cells())
    assert len(from_geojson[0]) == 37
    assert from_geojson[0][0] == ("E01900001", "Synthetic London 001B", 8, 15.02, 25324)
    assert {decile for _, _, decile, _, _ in from_geojson[0]} == set(range(1, 11))
    dataset = DeprivationDataset.objects.get()
    assert (dataset.country, dataset.year, dataset.resolution, dataset.source) == (
        "GB", 2019, 10, "deprivation_gb_sample.geojson")
    assert "SYNTHETIC" in dataset.title

    out = load("--sample", "gb-csv")
    assert "37 areas loaded (replacing the previous load) from 37 score rows" in out
    assert (areas(), cells()) == from_geojson
    assert DeprivationDataset.objects.get().source == (
        "deprivation_gb_sample_imd2019.csv, deprivation_gb_sample_lsoa2011.geojson")


def test_the_imd_preset_reads_a_csv_with_an_ons_boundary_file(tmp_path):
    scores = tmp_path / "File_7.csv"
    scores.write_text(f"{IMD_HEADER}\nE01000001,City of London 001A,6\n", encoding="utf-8")
    boundaries = write_geojson(tmp_path / "lsoa.geojson", [
        feature({"LSOA11CD": "E01000001", "LSOA11NM": "City of London 001A"},
                box(-0.1, 51.51, -0.09, 51.52)),
        feature({"LSOA11CD": "W01000001", "LSOA11NM": "Isle of Anglesey 001A"},  # no IMD row
                box(-4.4, 53.3, -4.3, 53.4)),
    ])
    out = load("--preset", "imd2019", "--csv", str(scores), "--boundaries", boundaries)
    assert out.startswith("imd2019 (GB 2019): 1 areas loaded from 1 score rows")
    assert "1 boundaries without a score row were skipped." in out
    assert areas("imd2019") == [("E01000001", "City of London 001A", 6, None, None)]
    assert decile_at(51.515, -0.095) == 6
    assert decile_at(53.35, -4.35) is None  # Wales has no English IMD score


def test_the_us_sample_turns_svi_percentiles_into_deciles_and_skips_no_data():
    out = load("--sample", "us")
    assert out.startswith("sample-svi2022 (US 2022): 11 areas loaded from 12 score rows")
    assert "1 rows marked as having no data were skipped." in out
    first = DeprivationArea.objects.get(code="25025980101")
    assert (first.decile, first.score) == (8, 3.7145)  # RPL_THEMES 0.2647: less vulnerable
    assert first.name.startswith("Synthetic Census Tract 9801.01")
    assert not DeprivationArea.objects.filter(code="25025980107").exists()  # -999
    assert area_at(42.3601, -71.0589).dataset.name == "sample-svi2022"


@pytest.mark.parametrize(("value", "scale", "high", "decile"), [
    (0.95, 1, True, 1), (0.9001, 1, True, 1), (0.9, 1, True, 2), (0.05, 1, True, 10),
    (0.0, 1, True, 10), (1.0, 1, True, 1), (100, 100, True, 1), (91, 100, True, 1),
    (90, 100, True, 2), (1, 100, True, 10), (1, 100, False, 1), (95, 100, False, 10),
])
def test_percentiles_become_deciles_with_1_the_most_deprived(value, scale, high, decile):
    assert decile_from_percentile(value, scale=scale, higher_is_more_deprived=high) == decile


def test_us_codes_get_their_leading_zeros_back(tmp_path):
    scores = tmp_path / "svi.csv"
    scores.write_text("FIPS,LOCATION,RPL_THEMES\n1001020100,Autauga,0.41\n", encoding="utf-8")
    boundaries = write_geojson(tmp_path / "tracts.geojson", [
        feature({"GEOID": "01001020100", "NAMELSAD": "Census Tract 201"},
                box(-86.5, 32.47, -86.46, 32.49))])
    load("--preset", "svi", "--dataset", "svi2022-al", "--csv", str(scores),
         "--boundaries", boundaries)
    assert areas("svi2022-al") == [("01001020100", "Autauga", 6, None, None)]


def test_columns_can_be_named_for_any_file(tmp_path):
    path = write_geojson(tmp_path / "index.geojson", [
        feature({"zone": "Z1", "pct": 12.5}, box(2.30, 48.85, 2.32, 48.86)),
        feature({"zone": "Z2", "pct": 97}, box(2.32, 48.85, 2.34, 48.86)),
    ])
    out = load("--geojson", path, "--dataset", "paris-test", "--country", "fr", "--year", "2021",
               "--code-column", "zone", "--percentile-column", "pct", "--lower-is-more-deprived")
    assert out.startswith("paris-test (FR 2021): 2 areas loaded")
    assert [(code, decile) for code, _, decile, _, _ in areas("paris-test")] == [("Z1", 2),
                                                                                   ("Z2", 10)]


def test_reloading_replaces_the_dataset_and_remove_deletes_it(tmp_path):
    load("--sample", "gb")
    load("--sample", "us")
    before_us = (areas("sample-svi2022"), cells("sample-svi2022"))
    was = decile_at(*WESTMINSTER)
    scores = tmp_path / "new.csv"
    scores.write_text(f"{IMD_HEADER}\nE01999999,Only one,{11 - was}\n", encoding="utf-8")
    boundaries = write_geojson(tmp_path / "b.geojson", [
        feature({"LSOA11CD": "E01999999"}, box(-0.2, 51.45, -0.05, 51.55))])
    load("--preset", "imd2019", "--dataset", "sample-imd2019", "--csv", str(scores),
         "--boundaries", boundaries)
    assert [a[0] for a in areas()] == ["E01999999"]
    assert decile_at(*WESTMINSTER) == 11 - was
    assert (areas("sample-svi2022"), cells("sample-svi2022")) == before_us  # untouched

    assert load("--remove", "sample-imd2019") == "sample-imd2019: removed.\n"
    assert decile_at(*WESTMINSTER) is None
    assert not DeprivationCell.objects.filter(dataset__name="sample-imd2019").exists()
    assert load("--remove", "sample-imd2019") == "sample-imd2019: not loaded.\n"


def _csv(tmp_path, text):
    path = tmp_path / "scores.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _boundaries(tmp_path, *features, **extra):
    return write_geojson(tmp_path / "boundaries.geojson", list(features), **extra)


BOWTIE = {"type": "Polygon", "coordinates": [[[-0.1, 51.5], [-0.09, 51.51], [-0.09, 51.5],
                                               [-0.1, 51.51], [-0.1, 51.5]]]}
GOOD = box(-0.1, 51.5, -0.09, 51.51)


@pytest.mark.parametrize(("case", "message"), [
    ("missing column", "no column 'Index of Multiple Deprivation (IMD) Decile"),
    ("decile too high", "line 2 (E01000001): the decile must be a whole number from 1 to 10, "
                        "not '11'"),
    ("decile not a number", "line 2 (E01000001): the decile must be a whole number from 1 to "
                            "10, not 'high'"),
    ("code without boundary", "1 code(s) in the CSV have no boundary in boundaries.geojson "
                              "(property 'LSOA11CD'): E01000002"),
    ("duplicate code", "line 3 (E01000001): the code appears more than once"),
    ("self-intersecting", "boundary feature 1 (E01000001): the geometry is not valid "
                          "(Self-intersection"),
    ("a point", "boundary feature 1 (E01000001): the geometry is Point; an area must be a "
                "Polygon or MultiPolygon"),
    ("projected", "the coordinates are not longitude/latitude degrees"),
    ("declared crs", "its coordinates are in"),
    ("not json", "boundaries.geojson: not JSON"),
    ("no boundaries", "--csv needs --boundaries"),
    ("bad name", "the dataset name 'IMD 2019!' must be lower-case letters"),
    ("bad resolution", "the resolution must be 7 to 12, not 15"),
])
def test_bad_input_is_explained_and_changes_nothing(tmp_path, case, message):
    load("--sample", "gb")
    before = snapshot()
    row = "E01000001,Somewhere 001A,3"
    csv_text = f"{IMD_HEADER}\n{row}\n"
    boundary = feature({"LSOA11CD": "E01000001"}, GOOD)
    extra_args, features, extra = [], [boundary], {}
    if case == "missing column":
        csv_text = "LSOA code (2011),LSOA name (2011),IMD Decile\nE01000001,Somewhere,3\n"
    elif case == "decile too high":
        csv_text = f"{IMD_HEADER}\nE01000001,Somewhere 001A,11\n"
    elif case == "decile not a number":
        csv_text = f"{IMD_HEADER}\nE01000001,Somewhere 001A,high\n"
    elif case == "code without boundary":
        csv_text += "E01000002,Elsewhere 001B,4\n"
    elif case == "duplicate code":
        csv_text += f"{row}\n"
    elif case == "self-intersecting":
        features = [feature({"LSOA11CD": "E01000001"}, BOWTIE)]
    elif case == "a point":
        features = [feature({"LSOA11CD": "E01000001"},
                            {"type": "Point", "coordinates": [-0.1, 51.5]})]
    elif case == "projected":  # British National Grid eastings and northings
        features = [feature({"LSOA11CD": "E01000001"}, box(530000, 180000, 531000, 181000))]
    elif case == "declared crs":
        extra = {"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}}}
    elif case == "bad name":
        extra_args = ["--dataset", "IMD 2019!"]
    elif case == "bad resolution":
        extra_args = ["--resolution", "15"]
    boundaries = _boundaries(tmp_path, *features, **extra)
    if case == "not json":
        (tmp_path / "boundaries.geojson").write_text("{not json", encoding="utf-8")
    args = ["--preset", "imd2019", "--dataset", "sample-imd2019", "--csv",
            _csv(tmp_path, csv_text), *extra_args]
    if case != "no boundaries":
        args += ["--boundaries", boundaries]
    with pytest.raises(CommandError) as refused:
        load(*args)
    assert message in str(refused.value)
    if case not in ("no boundaries",):
        assert "nothing was loaded" in str(refused.value)
    assert snapshot() == before


def test_a_bad_scored_geojson_changes_nothing_either(tmp_path):
    load("--sample", "gb")
    before = snapshot()
    path = write_geojson(tmp_path / "scored.geojson", [
        feature({IMD_CODE: "E01000001", IMD_DECILE: 0}, GOOD),
        feature({IMD_CODE: "E01000002", IMD_DECILE: 5}, None),
    ])
    with pytest.raises(CommandError) as refused:
        load("--preset", "imd2019", "--dataset", "sample-imd2019", "--geojson", path)
    assert str(refused.value) == (
        "2 problem(s), nothing was loaded:\n"
        "  feature 1 (E01000001): the decile must be a whole number from 1 to 10, not '0'\n"
        "  feature 2 (E01000002): the geometry is missing; an area must be a Polygon or "
        "MultiPolygon")
    assert snapshot() == before


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="nope.geojson: No such file or directory"):
        load("--preset", "imd2019", "--geojson", str(tmp_path / "nope.geojson"))


def test_the_shipped_samples_are_what_their_script_makes():
    import importlib.util

    from core.geo.deprivation.sources import DATA_DIR

    spec = importlib.util.spec_from_file_location(
        "make_deprivation_samples", DATA_DIR / "make_deprivation_samples.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    made = script.files()
    assert len(made) == 5
    for name, text in made.items():
        assert (DATA_DIR / name).read_text(encoding="utf-8") == text, name
        assert "ynthetic" in text or "SYNTHETIC" in text
