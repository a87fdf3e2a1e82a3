"""A provider's webhook over real HTTP: the stand-in for Checkr POSTs a signed result to the
live server on alpha's host. Commits: what it makes in alpha is deleted afterwards."""

from urllib.parse import urlsplit

import pytest

from core.accounts.models import User
from core.audit.models import AuditEntry
from tenants.vetting.models import ProcessedEvent, ProviderAccount, VettingCheck
from tenants.vetting.services import request_check
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.committed


def test_checkr_posts_a_signed_result_to_the_live_site(live_server_url, make_volunteer, people,
                                                       accounts):
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    port = urlsplit(live_server_url).port
    url, host = f"http://127.0.0.1:{port}/vetting/webhooks/checkr/", f"alpha.localhost:{port}"
    try:
        vera = make_volunteer("live@example.org")
        check = request_check(profile_id=vera.pk, level="enhanced", provider="checkr",
                              actor=people.coordinator)
        report = accounts.checkr_finish(check.provider_reference)
        forged = accounts.checkr_event("report.completed", report, api_key="guess")
        assert accounts.deliver(url, *forged, host=host)[0] == 400
        assert VettingCheck.objects.get(pk=check.pk).state == "pending"
        headers, body = accounts.checkr_event("report.completed", report)
        assert accounts.deliver(url, headers, body, host=host) == (200, '{"result": "applied"}')
        assert accounts.deliver(url, headers, body, host=host) == (200, '{"result": "replay"}')
        assert VettingCheck.objects.get(pk=check.pk).state == "clear"
        assert VolunteerProfile.objects.get(pk=vera.pk).vetting_level == 2
    finally:
        User.objects.filter(email="live@example.org").delete()
        ProviderAccount.objects.all().delete()
        ProcessedEvent.objects.all().delete()
        AuditEntry.objects.filter(pk__gt=last_audit).delete()
