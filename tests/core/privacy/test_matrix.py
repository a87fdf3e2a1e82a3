"""Each level against each viewer and each stage of a request: who sees what, when."""

import uuid
from datetime import time

import pytest

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.audit.selectors import entries_for
from core.privacy.engine import Viewer, clearance, show, show_many, visible_fields
from core.privacy.levels import Level
from core.privacy.registry import policy_for
from core.testing.people import PASSWORD
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import advance, submit_request
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

pytestmark = pytest.mark.django_db
L = Level


def active_volunteer(email, *, approve=True):
    profile = register_volunteer(registration=Registration(
        name=email.split("@")[0].title(), email=email, password=PASSWORD,
        request_type_codes=["shopping"], radius_km=50, availability=[(0, time(9), time(17))],
        location=(51.5, -0.12, "")))
    if approve:
        move_volunteer(profile_id=profile.pk, move="approve", actor=None)
    return User.objects.get(pk=profile.user_id)


@pytest.fixture
def people(in_alpha):
    return {
        "public": None,
        "applicant": active_volunteer("applicant@example.org", approve=False),
        "volunteer": active_volunteer("other@example.org"),
        "assignee": active_volunteer("assignee@example.org"),
        "coordinator": User.objects.get(email=in_alpha.coordinator_email),
        "admin": User.objects.get(email=in_alpha.admin_email),
    }


def request_at(stage, people):
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "Milk",
                "person_name": "Rosa", "person_phone": "07700 900111",
                "address": "1 Hidden Road", "keysafe_code": "1234", "lat": 51.5, "lng": -0.12},
        submission_key=uuid.uuid4(), channel="phone")
    steps = {"new": [], "open": ["open"], "assigned": ["open", "assign"],
             "in_progress": ["open", "assign", "start"],
             "done": ["open", "assign", "start", "complete"],
             "reassigned": ["open", "assign", "assign"], "cancelled": ["open", "assign", "cancel"]}
    for i, step in enumerate(steps[stage]):
        who = people["assignee"] if step == "assign" and i == 1 else people["volunteer"]
        advance(request_id=request.pk, step=step, actor=None,
                volunteer=who if step == "assign" else None)
    return HelpRequest.objects.get(pk=request.pk)


# Expected clearance: viewer -> stage -> level.
LIVE = {"assigned", "in_progress"}
STAGES = ["new", "open", "assigned", "in_progress", "done", "reassigned", "cancelled"]


def expected(viewer, stage):
    if viewer == "admin":
        return L.RESTRICTED
    if viewer == "coordinator":
        return L.STAFF
    if viewer == "assignee" and stage in LIVE:
        return L.ASSIGNED
    if viewer == "volunteer" and stage == "reassigned":  # now theirs, no longer assignee's
        return L.ASSIGNED
    if viewer in ("volunteer", "assignee"):
        return L.VOLUNTEER
    return L.PUBLIC  # the public, and volunteers not (yet) active


@pytest.mark.parametrize("stage", STAGES)
def test_each_viewer_sees_each_level_only_when_cleared(people, stage):
    request = request_at(stage, people)
    policy = policy_for(HelpRequest)
    for name, user in people.items():
        viewer = Viewer.of(user)
        level = expected(name, stage)
        assert clearance(viewer, request) == level, (name, stage)
        seen = visible_fields(viewer, request)
        for field, field_level in policy.levels.items():
            assert (field in seen) == (field_level <= level), (name, stage, field)


def test_assigned_fields_disappear_when_done_or_reassigned(people):
    request = request_at("in_progress", people)
    task = show(Viewer.of(people["assignee"]), request, why="test")
    assert (task.address, task.person_phone, task.keysafe_code) == (
        "1 Hidden Road", "07700 900111", "1234")
    advance(request_id=request.pk, step="complete", actor=people["assignee"])
    request.refresh_from_db()
    done = show(Viewer.of(people["assignee"]), request, why="test")
    assert (done.address, done.person_phone, done.keysafe_code, done.lat) == (None,) * 4
    assert done.description == "Milk" and done.get_status_display() == "Done"


def test_a_paused_volunteer_loses_volunteer_level(people):
    request = request_at("open", people)
    profile = people["volunteer"].volunteer
    move_volunteer(profile_id=profile.pk, move="pause", actor=None)
    user = User.objects.get(pk=people["volunteer"].pk)
    assert show(Viewer.of(user), request, why="test").description is None


def test_each_reveal_of_protected_fields_is_audited_once_per_showing(people):
    first, second = request_at("open", people), request_at("open", people)
    before = AuditEntry.objects.count()
    show_many(Viewer.of(people["volunteer"]), [first, second], why="nearby list",
              fields=["description", "type"])
    assert AuditEntry.objects.count() == before  # volunteer-level only: nothing to record
    show_many(Viewer.of(people["coordinator"]), [first, second], why="dispatch queue",
              fields=["person_name", "postcode", "description"])
    row = AuditEntry.objects.latest("pk")
    assert (row.action, row.actor_label, row.fields, row.reason, row.data["ids"]) == (
        "reveal", people["coordinator"].email, ["person_name", "postcode"], "dispatch queue",
        [first.pk, second.pk])
    assert entries_for(first).filter(action="reveal").count() == 1


def test_fields_not_shown_are_not_readable(people):
    shown = show(Viewer.of(None), request_at("open", people), why="public page")
    assert shown.person_name is None and shown.type.code == "shopping"
    with pytest.raises(AttributeError):
        shown.is_live  # not a declared field: nothing leaks through the wrapper
