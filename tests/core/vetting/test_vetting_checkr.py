"""The Checkr adapter over real HTTP, against the local stand-in for Checkr's API."""

import json

import pytest

from core.testing.vetting_providers import CHECKR_KEY
from core.vetting import registry
from core.vetting.providers.base import BadSignature, Candidate, ProviderError

CREDENTIALS = {"api_key": CHECKR_KEY, "package_basic": "driver_pro",
               "package_enhanced": "tasker_standard", "work_state": "CA"}
checkr = registry.get("checkr")


def candidate(**overrides):
    return Candidate(**{"reference": "alpha:volunteer:7", "first_name": "Vera",
                        "last_name": "Lopez", "email": "vera@example.org",
                        "level": "enhanced", "country": "US", **overrides})


def test_starting_a_check_makes_a_candidate_and_an_invitation(vetting_providers):
    started = checkr.start_check(CREDENTIALS, candidate())
    (_, path1, made), (_, path2, invited) = vetting_providers.received
    assert (path1, path2) == ("/checkr/v1/candidates", "/checkr/v1/invitations")
    assert made == {"email": "vera@example.org", "first_name": "Vera", "last_name": "Lopez",
                    "custom_id": "alpha:volunteer:7", "no_middle_name": True}
    assert invited == {"candidate_id": started.reference, "package": "tasker_standard",
                       "work_locations": [{"country": "US", "state": "CA"}]}
    assert started.state == "pending"
    assert started.action_url.startswith("https://apply.checkr.com/invite/")


def test_a_wrong_key_or_a_missing_package_is_a_provider_error(vetting_providers):
    with pytest.raises(ProviderError) as refused:
        checkr.start_check({**CREDENTIALS, "api_key": "nope"}, candidate())
    assert "credentials" in refused.value.message
    with pytest.raises(ProviderError):
        checkr.start_check({**CREDENTIALS, "package_basic": ""}, candidate(level="basic"))
    assert [p for _m, p, _b in vetting_providers.received] == ["/checkr/v1/candidates"]


@pytest.mark.parametrize("status,result,adjudication,state", [
    ("complete", "clear", None, "clear"),
    ("complete", "consider", None, "needs_review"),
    ("complete", "consider", "engaged", "clear"),
    ("complete", "consider", "post_adverse_action", "failed"),
    ("suspended", None, None, "pending"),
    ("dispute", "consider", None, "needs_review"),
    ("canceled", None, None, "failed"),
])
def test_status_follows_the_report(vetting_providers, status, result, adjudication, state):
    started = checkr.start_check(CREDENTIALS, candidate())
    assert checkr.fetch_status(CREDENTIALS, started.reference).state == "pending"
    vetting_providers.checkr_finish(started.reference, status=status, result=result,
                                    adjudication=adjudication)
    update = checkr.fetch_status(CREDENTIALS, started.reference)
    assert (update.reference, update.state) == (started.reference, state)


def test_a_signed_webhook_becomes_an_event(vetting_providers):
    started = checkr.start_check(CREDENTIALS, candidate())
    report = vetting_providers.checkr_finish(started.reference)
    headers, body = vetting_providers.checkr_event("report.completed", report, event_id="ev1")
    event = checkr.verify_webhook(headers, body, CREDENTIALS)
    assert (event.event_id, event.event_type) == ("ev1", "report.completed")
    assert (event.update.reference, event.update.state) == (started.reference, "clear")
    assert event.update.completed_on is not None


def test_other_events_carry_nothing_to_apply(vetting_providers):
    started = checkr.start_check(CREDENTIALS, candidate())
    invitation = {"id": "inv", "object": "invitation", "candidate_id": started.reference}
    headers, body = vetting_providers.checkr_event("invitation.completed", invitation)
    assert checkr.verify_webhook(headers, body, CREDENTIALS).update is None
    headers, body = vetting_providers.checkr_event("invitation.expired", invitation)
    assert checkr.verify_webhook(headers, body, CREDENTIALS).update.state == "failed"


def test_a_bad_signature_is_refused(vetting_providers):
    headers, body = vetting_providers.checkr_event("report.completed", {"candidate_id": "x"})
    with pytest.raises(BadSignature):
        checkr.verify_webhook(headers, body, {**CREDENTIALS, "api_key": "another-key"})
    tampered = body.replace(b"report.completed", b"report.canceled")
    with pytest.raises(BadSignature):
        checkr.verify_webhook(headers, tampered, CREDENTIALS)
    with pytest.raises(BadSignature):
        checkr.verify_webhook({}, body, CREDENTIALS)
    assert json.loads(body)["type"] == "report.completed"
