"""Requests, volunteers and logins for the form builder's tests, made through the services
(imported by the tests of this folder)."""

from __future__ import annotations

import uuid
from datetime import time

from django.db import connection

from core.accounts.models import User
from core.geo.cells import cell_for
from core.testing.people import PASSWORD
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

HOME = (51.5010, -0.1416)
NEAR = (51.5033, -0.1196)


def submit(answers: dict | None = None, *, name="Rosa Secret", where=NEAR, channel="phone"):
    lat, lng = where
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "Milk, bread",
                "person_name": name, "person_phone": "07700 900999", "address": "1 Hidden Road",
                "lat": lat, "lng": lng, "cell": cell_for(lat, lng), "answers": answers or {}},
        submission_key=uuid.uuid4(), channel=channel)
    return request


def open_request(answers: dict | None = None, **kwargs) -> HelpRequest:
    request = submit(answers, **kwargs)
    return advance(request_id=request.pk, step="open", actor=None)


def make_volunteer(email="vera@example.org", *, answers: dict | None = None,
                   active=True) -> VolunteerProfile:
    profile = register_volunteer(registration=Registration(
        name=email.split("@")[0].title(), email=email, password=PASSWORD,
        request_type_codes=["shopping"], radius_km=5, answers=answers or {},
        availability=[(d, time(8), time(20)) for d in range(7)],
        location=(*HOME, cell_for(*HOME))))
    if active:
        profile = move_volunteer(profile_id=profile.pk, move="approve",
                                 actor=User.objects.get(role="coordinator"))
    return VolunteerProfile.objects.select_related("user").get(pk=profile.pk)


def log_in(client, group, email):
    client.cookies.clear()  # whoever was logged in before
    client.post("/accounts/login/", {"login": email, "password": PASSWORD}, HTTP_HOST=group.host)
    connection.set_tenant(Group.objects.get(schema_name=group.slug))
    return client
