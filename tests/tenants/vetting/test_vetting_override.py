"""An admin may assign a request to a volunteer without the check it needs, saying why; it
is audited. Anyone else giving a reason is refused, and nothing changes."""

import uuid

import pytest

from core.audit.models import AuditEntry
from core.geo.cells import cell_for
from tenants.matching import dispatch
from tenants.requests.models import HelpRequest, RequestType
from tenants.requests.services import TransitionRefused, advance, submit_request

pytestmark = pytest.mark.django_db
HOME = (51.5010, -0.1416)


def childcare() -> HelpRequest:
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="childcare"), "description": "Pick-up",
                "person_name": "Rosa", "person_phone": "0", "lat": HOME[0], "lng": HOME[1],
                "cell": cell_for(*HOME)},
        submission_key=uuid.uuid4(), channel="phone")
    return advance(request_id=request.pk, step="open", actor=None)


def test_an_admin_overrides_with_a_reason_and_it_is_audited(people, make_volunteer):
    vera, request = make_volunteer(), childcare()
    with pytest.raises(TransitionRefused):  # without a reason, the rule holds for admins too
        dispatch.assign(request_id=request.pk, user_id=vera.user_id, actor=people.admin)
    done = dispatch.assign(request_id=request.pk, user_id=vera.user_id, actor=people.admin,
                           override_reason="Grandmother of the child, known to us")
    assert (done.status, done.volunteer_id) == ("assigned", vera.user_id)
    audited = AuditEntry.objects.get(action="vetting.override")
    assert (audited.actor, audited.target_id, audited.reason) == (
        people.admin, str(request.pk), "Grandmother of the child, known to us")
    assert audited.data == {"volunteer": vera.user_id, "has": 0, "needs": 2}


def test_a_coordinators_override_is_refused_and_changes_nothing(people, make_volunteer):
    vera, request = make_volunteer(), childcare()
    before = AuditEntry.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        dispatch.assign(request_id=request.pk, user_id=vera.user_id, actor=people.coordinator,
                        override_reason="trust me")
    assert "Only an admin" in str(refused.value.message)
    assert HelpRequest.objects.get(pk=request.pk).status == "open"
    assert AuditEntry.objects.count() == before


def test_an_override_waives_only_the_vetting_rule(people, make_volunteer):
    vera, request = make_volunteer(types=("shopping",)), childcare()
    with pytest.raises(TransitionRefused) as refused:
        dispatch.assign(request_id=request.pk, user_id=vera.user_id, actor=people.admin,
                        override_reason="known to us")
    assert "not on your list" in str(refused.value.message)
    assert not AuditEntry.objects.filter(action="vetting.override").exists()
