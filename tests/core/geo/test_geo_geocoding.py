"""geocode(): the postcode table first, then Nominatim (through geopy, over real HTTP to a
local stand-in answering like Nominatim's /search), and failures as values, never raised."""

import json
import logging
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from core.geo.cells import cell_for
from core.geo.geocoding import GeocodeFailure, GeocodeResult, Precision, Reason, Source, geocode
from core.geo.services import load_centroids
from core.geo.sources import SAMPLES, read_rows

pytestmark = pytest.mark.django_db

USER_AGENT = "mutual-aid-commons-tests"
PLACES = {
    # what the stand-in knows: query -> (lat, lon, place_rank)
    "EC1A 1BB": ("51.5202077", "-0.0974839", 25),
    "1 Example Street, EC1A 1BB": ("51.5199321", "-0.0979944", 30),
    "Somewhere Town": ("51.7520209", "-1.2577263", 16),
}


@contextmanager
def stand_in(respond):
    """A real HTTP server on 127.0.0.1; `respond(query)` -> (status, body bytes)."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            seen.append({"path": url.path, "query": query, "agent": self.headers["User-Agent"]})
            status, body = respond(query)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1], seen
    finally:
        server.shutdown()
        server.server_close()


def like_nominatim(query):
    place = PLACES.get(query.get("q") or query.get("postalcode"))
    if place is None:
        return 200, b"[]"
    lat, lon, rank = place
    return 200, json.dumps([{
        "place_id": 1, "licence": "Data (c) OpenStreetMap contributors, ODbL 1.0.",
        "lat": lat, "lon": lon, "class": "place", "type": "postcode", "place_rank": rank,
        "display_name": f"{query.get('q') or query.get('postalcode')}, United Kingdom",
    }]).encode()


@pytest.fixture
def use_stand_in(settings):
    def configure(port):
        settings.GEOCODER_NOMINATIM_ENABLED = True
        settings.GEOCODER_NOMINATIM_DOMAIN = f"127.0.0.1:{port}"
        settings.GEOCODER_NOMINATIM_SCHEME = "http"
        settings.GEOCODER_NOMINATIM_TIMEOUT = 0.5
        settings.GEOCODER_USER_AGENT = USER_AGENT
    return configure


@pytest.fixture
def nominatim(use_stand_in):
    with stand_in(like_nominatim) as (port, seen):
        use_stand_in(port)
        yield seen


@pytest.fixture
def gb_sample():
    load_centroids(country="GB", rows=read_rows(SAMPLES["GB"]))


def test_a_postcode_in_the_table(gb_sample):
    result = geocode(country="gb", postcode="b10rn")
    assert result == GeocodeResult(
        lat=52.480583, lng=-1.861701, h3_cell=cell_for(52.480583, -1.861701),
        source=Source.POSTCODE_TABLE, precision=Precision.POSTCODE,
    )
    assert result.ok and result.source == "postcode-table"


def test_the_table_answers_before_nominatim(gb_sample, nominatim):
    assert geocode(country="GB", postcode="B1 0RN", address="1 Example Street").source == (
        Source.POSTCODE_TABLE
    )
    assert nominatim == []


def test_an_unknown_postcode_is_a_failure_with_a_message(gb_sample):
    result = geocode(country="GB", postcode="EC1A 1BB")
    assert isinstance(result, GeocodeFailure)
    assert result.reason == Reason.UNKNOWN_POSTCODE and not result.ok
    assert str(result.message) == (
        "We could not find this postcode. The request is kept and a coordinator can set "
        "the location."
    )


@pytest.mark.parametrize(
    ("kwargs", "reason", "message"),
    [
        ({"postcode": "not a postcode"}, Reason.INVALID_POSTCODE,
         "This does not look like a postcode. The request is kept and a coordinator can set "
         "the location."),
        ({"postcode": "  ", "address": ""}, Reason.NOTHING_GIVEN,
         "No postcode or address was given. The request is kept and a coordinator can set "
         "the location."),
        ({"address": "1 Example Street"}, Reason.UNKNOWN_ADDRESS,
         "We could not find this address. The request is kept and a coordinator can set "
         "the location."),
    ],
)
def test_other_failures_say_why(kwargs, reason, message):
    result = geocode(country="GB", **kwargs)
    assert isinstance(result, GeocodeFailure)
    assert (result.reason, str(result.message)) == (reason, message)


def test_nominatim_is_off_unless_enabled(settings):
    with stand_in(like_nominatim) as (port, seen):
        settings.GEOCODER_NOMINATIM_DOMAIN = f"127.0.0.1:{port}"
        settings.GEOCODER_NOMINATIM_SCHEME = "http"
        assert geocode(country="GB", postcode="EC1A 1BB").reason == Reason.UNKNOWN_POSTCODE
    assert seen == []


def test_a_postcode_through_nominatim_then_from_the_cache(nominatim):
    expected = GeocodeResult(
        lat=51.5202077, lng=-0.0974839, h3_cell=cell_for(51.5202077, -0.0974839),
        source=Source.NOMINATIM, precision=Precision.POSTCODE,
    )
    assert geocode(country="GB", postcode="ec1a1bb") == expected
    assert nominatim == [{
        "path": "/search",
        "query": {
            "postalcode": "EC1A 1BB", "countrycodes": "gb", "format": "json", "limit": "1"
        },
        "agent": USER_AGENT,
    }]
    assert geocode(country="GB", postcode="EC1A 1BB") == expected
    assert len(nominatim) == 1  # the second answer came from the cache


def test_an_address_through_nominatim(nominatim):
    result = geocode(country="GB", postcode="EC1A 1BB", address=" 1 Example Street ")
    assert (result.lat, result.lng, result.source, result.precision) == (
        51.5199321, -0.0979944, Source.NOMINATIM, Precision.ADDRESS
    )
    assert nominatim[0]["query"] == {
        "q": "1 Example Street, EC1A 1BB", "countrycodes": "gb", "format": "json", "limit": "1",
    }
    coarse = geocode(country="GB", address="Somewhere Town")
    assert (coarse.lat, coarse.lng, coarse.precision) == (51.7520209, -1.2577263, Precision.AREA)


def test_nothing_found_by_nominatim_is_a_failure_and_is_cached(nominatim):
    assert geocode(country="GB", postcode="SW1A 1AA").reason == Reason.UNKNOWN_POSTCODE
    assert geocode(country="GB", address="Nowhere Lane").reason == Reason.UNKNOWN_ADDRESS
    assert geocode(country="GB", address="Nowhere Lane").reason == Reason.UNKNOWN_ADDRESS
    assert [seen["query"].get("q") or seen["query"]["postalcode"] for seen in nominatim] == [
        "SW1A 1AA", "Nowhere Lane"
    ]


def test_an_invalid_postcode_is_not_sent_to_nominatim(nominatim):
    assert geocode(country="GB", postcode="not a postcode").reason == Reason.INVALID_POSTCODE
    assert nominatim == []


def test_a_server_error_is_a_failure_not_an_exception(use_stand_in, caplog):
    with stand_in(lambda query: (500, b'{"error": "internal"}')) as (port, seen):
        use_stand_in(port)
        with caplog.at_level(logging.WARNING, logger="core.geo.geocoding"):
            first = geocode(country="GB", postcode="EC1A 1BB", address="1 Example Street")
            second = geocode(country="GB", postcode="EC1A 1BB", address="1 Example Street")
    assert first == second == GeocodeFailure(reason=Reason.UNAVAILABLE, message=first.message)
    assert str(first.message) == (
        "The map service is not answering right now. The request is kept and a coordinator "
        "can set the location."
    )
    assert len(seen) == 2  # errors are not cached
    assert [r.getMessage() for r in caplog.records] == [
        "nominatim lookup failed: GeocoderServiceError"
    ] * 2
    assert "Example" not in caplog.text and "EC1A" not in caplog.text


def test_an_answer_that_is_not_json_is_a_failure(use_stand_in):
    with stand_in(lambda query: (200, b"<html>maintenance</html>")) as (port, seen):
        use_stand_in(port)
        assert geocode(country="GB", postcode="EC1A 1BB").reason == Reason.UNAVAILABLE
    assert len(seen) == 1


def test_a_server_that_never_answers_is_a_failure_after_the_timeout(use_stand_in):
    release = threading.Event()

    def hang(query):
        release.wait(10)
        return 200, b"[]"

    with stand_in(hang) as (port, seen):
        use_stand_in(port)
        started = time.monotonic()
        try:
            result = geocode(country="GB", postcode="EC1A 1BB")
        finally:
            release.set()
        elapsed = time.monotonic() - started
    assert result.reason == Reason.UNAVAILABLE
    assert len(seen) == 1
    assert 0.5 <= elapsed < 2.0


def test_an_invalid_country_is_a_programming_error():
    with pytest.raises(ValueError, match="ISO 3166"):
        geocode(country="Britain", postcode="SW1A 1AA")


def test_every_group_reads_the_shared_table(gb_sample, alpha):
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name=alpha.slug))
    result = geocode(country="GB", postcode="B1 0RN")
    assert (result.source, result.lat, result.lng) == (Source.POSTCODE_TABLE, 52.480583, -1.861701)
