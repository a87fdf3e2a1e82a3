"""The UK DBS adapter (Sanctions Search's DBS API) over real HTTP, against a local stand-in."""

from datetime import date

import pytest

from core.testing.vetting_providers import DBS_KEY, DBS_USER, DBS_WEBHOOK_SECRET
from core.vetting import registry
from core.vetting.providers.base import BadSignature, Candidate, ProviderError

CREDENTIALS = {"api_user_id": DBS_USER, "api_user_key": DBS_KEY,
               "webhook_secret": DBS_WEBHOOK_SECRET, "job_location": "Wales"}
dbs = registry.get("sanctionssearch")


def candidate(**overrides):
    return Candidate(**{"reference": "alpha:volunteer:3", "first_name": "Ada",
                        "last_name": "Byron", "email": "ada@example.org", "level": "enhanced",
                        "date_of_birth": date(1990, 12, 10), "phone": "+447700900123",
                        "country": "GB", **overrides})


def test_starting_a_dbs_check_sends_the_documented_request(vetting_providers):
    started = dbs.start_check(CREDENTIALS, candidate())
    [(method, path, sent)] = vetting_providers.received
    assert (method, path) == ("POST", "/sanctionssearch/v2/dbs")
    assert sent == {"Request": {
        "Name": "Ada Byron", "DateOfBirth": "10/12/1990", "Email": "ada@example.org",
        "MobileInternational": "+447700900123", "JobLocation": "Wales",
        "DisclosureLevel": "Enhanced", "Reference": "alpha:volunteer:3"}}
    assert (started.reference, started.state) == ("700001", "pending")


def test_a_dbs_check_needs_a_date_of_birth_and_a_mobile(vetting_providers):
    with pytest.raises(ProviderError):
        dbs.start_check(CREDENTIALS, candidate(date_of_birth=None))
    with pytest.raises(ProviderError):
        dbs.start_check(CREDENTIALS, candidate(phone=""))
    with pytest.raises(ProviderError):
        dbs.start_check({**CREDENTIALS, "api_user_key": "wrong"}, candidate())
    assert len(vetting_providers.received) == 1  # only the last reached the provider


@pytest.mark.parametrize("disclosure,state", [("Clear", "clear"),
                                              ("Information disclosed", "needs_review")])
def test_status_follows_the_disclosure(vetting_providers, disclosure, state):
    started = dbs.start_check(CREDENTIALS, candidate())
    assert dbs.fetch_status(CREDENTIALS, started.reference).state == "pending"
    vetting_providers.dbs_disclose(int(started.reference), disclosure_status=disclosure)
    update = dbs.fetch_status(CREDENTIALS, started.reference)
    assert (update.state, update.certificate_number) == (state, "001234567890")
    assert update.completed_on is not None


def test_a_signed_webhook_becomes_an_event_and_a_bad_one_is_refused(vetting_providers):
    started = dbs.start_check(CREDENTIALS, candidate())
    summary = vetting_providers.dbs_disclose(int(started.reference))
    headers, body = vetting_providers.dbs_event(summary, event_id="e-1")
    event = dbs.verify_webhook(headers, body, CREDENTIALS)
    assert (event.event_id, event.update.reference, event.update.state) == (
        "e-1", started.reference, "clear")
    with pytest.raises(BadSignature):
        dbs.verify_webhook(headers, body, {**CREDENTIALS, "webhook_secret": "other"})
    with pytest.raises(BadSignature):  # no webhook secret set up: nothing verifies
        dbs.verify_webhook(headers, body, {**CREDENTIALS, "webhook_secret": ""})


def test_the_registry_names_every_provider():
    assert set(registry.PROVIDERS) == {"manual", "checkr", "sanctionssearch"}
    with pytest.raises(registry.UnknownProvider):
        registry.get("nobody")
