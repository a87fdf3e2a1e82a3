"""Every located request carries its area's deprivation decile: on intake with coordinates,
when the locate task finds it, when a coordinator moves it, and after a dataset reloads."""

import uuid
from io import StringIO

import pytest
from django.core.management import call_command

from core.geo.deprivation.lookup import decile_at
from core.geo.models import DeprivationArea, PostcodeCentroid
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import (
    locate, rescore_deprivation, set_location, submit_request,
)
from tenants.requests.tasks import rescore_deprivation as rescore_task

pytestmark = pytest.mark.django_db

MANCHESTER = (53.4808, -2.2426)  # no sample deprivation area there


@pytest.fixture
def sample_data(db):
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    call_command("load_deprivation", sample="gb", verbosity=0)


def london_postcodes():
    """Sample postcodes inside the deprivation sample, with their deciles, one per decile."""
    by_decile = {}
    for place in PostcodeCentroid.objects.filter(country="GB").order_by("postcode"):
        decile = decile_at(place.lat, place.lng)
        if decile is not None:
            by_decile.setdefault(decile, place)
    return by_decile


def submit(**fields) -> HelpRequest:
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "Tea",
                "person_name": "Rosa", "person_phone": "07700 900123", **fields},
        submission_key=uuid.uuid4(), channel="phone")
    return request


def test_a_request_made_with_coordinates_gets_its_decile(in_alpha, sample_data):
    by_decile = london_postcodes()
    assert sorted(by_decile) == list(range(1, 11))
    for decile, place in by_decile.items():
        request = submit(postcode=place.postcode, lat=place.lat, lng=place.lng)
        request.refresh_from_db()
        assert request.deprivation_decile == decile
    outside = submit(postcode="M1 1AE", lat=MANCHESTER[0], lng=MANCHESTER[1])
    assert outside.deprivation_decile is None
    assert submit(postcode="").deprivation_decile is None  # not located yet


def test_the_locate_task_sets_the_decile(in_alpha, sample_data, django_capture_on_commit_callbacks):
    decile, place = sorted(london_postcodes().items())[2]
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(postcode=place.postcode.lower())  # located after commit, by the task
    request.refresh_from_db()
    assert (request.location_status, request.deprivation_decile) == ("located", decile)

    unplaced = submit(postcode="ZZ9 9ZZ")
    locate(request_id=unplaced.pk, country="GB")
    unplaced.refresh_from_db()
    assert (unplaced.location_status, unplaced.deprivation_decile) == ("unknown", None)


def test_a_coordinator_moving_a_request_changes_its_decile(in_alpha, sample_data):
    from core.accounts.models import User

    places = london_postcodes()
    request = submit(postcode=places[1].postcode, lat=places[1].lat, lng=places[1].lng)
    assert request.deprivation_decile == 1
    set_location(request_id=request.pk, country="GB", postcode=places[9].postcode, address="",
                 actor=User.objects.get(role="coordinator"))
    request.refresh_from_db()
    assert request.deprivation_decile == 9


def test_requests_are_rescored_after_a_dataset_loads_or_goes(in_alpha, sample_data):
    places = london_postcodes()
    first = submit(postcode=places[4].postcode, lat=places[4].lat, lng=places[4].lng)
    second = submit(postcode=places[7].postcode, lat=places[7].lat, lng=places[7].lng)
    unlocated = submit(postcode="")
    call_command("load_deprivation", remove="sample-imd2019", verbosity=0)
    assert rescore_deprivation() == 2
    assert list(HelpRequest.objects.order_by("pk").values_list("deprivation_decile", flat=True)) \
        == [None, None, None]

    call_command("load_deprivation", sample="gb-csv", verbosity=0)
    assert rescore_task.apply_async(group="alpha").get(timeout=30) == 2  # the fleet task
    assert list(HelpRequest.objects.order_by("pk").values_list("pk", "deprivation_decile")) == [
        (first.pk, 4), (second.pk, 7), (unlocated.pk, None)]
    assert rescore_deprivation() == 0  # nothing left to change


def test_the_rescore_command_runs_in_one_group(alpha, sample_data):
    from django.db import connection

    from core.tenancy.models import Group

    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    places = london_postcodes()
    request = submit(postcode=places[3].postcode, lat=places[3].lat, lng=places[3].lng)
    DeprivationArea.objects.update(decile=10)  # as if a new edition had been loaded
    connection.set_schema_to_public()
    out = StringIO()
    call_command("rescore_deprivation", group="alpha", stdout=out)
    assert out.getvalue() == "alpha: 1 requests re-scored.\n"
    connection.set_tenant(Group.objects.get(schema_name="alpha"))
    request.refresh_from_db()
    assert request.deprivation_decile == 10
    connection.set_schema_to_public()
