"""The daily sweep on a real Celery worker over Redis, fanned out to every group as beat's
dispatcher does. Commits: what it makes in alpha is deleted afterwards."""

from datetime import timedelta

import pytest
from django.db import connection

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.tenancy.models import Group
from core.tenancy.tasks import fan_out
from tenants.vetting import selectors
from tenants.vetting.models import VettingCheck
from tenants.vetting.services import record_verification, request_check
from tenants.vetting.tasks import daily_sweep
from tenants.volunteers.models import VolunteerProfile

pytestmark = pytest.mark.committed


def test_the_sweep_expires_lapsed_checks_in_each_group(celery_worker, make_volunteer, people):
    last_audit = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        vera = make_volunteer("sweep@example.org")
        check = request_check(profile_id=vera.pk, level="basic", provider="manual",
                              actor=people.coordinator)
        record_verification(check_id=check.pk, outcome="clear", actor=people.coordinator,
                            expires_on=selectors.group_today() + timedelta(days=10))
        VettingCheck.objects.filter(pk=check.pk).update(
            expires_on=selectors.group_today() - timedelta(days=1))
        assert VolunteerProfile.objects.get(pk=vera.pk).vetting_level == 1
        connection.set_schema_to_public()
        ids = fan_out(daily_sweep)
        results = {celery_worker.AsyncResult(i).get(timeout=60)["expired"] for i in ids}
        assert len(ids) == Group.objects.filter(status="active").count()
        assert results <= {0, 1} and 1 in results
        connection.set_tenant(Group.objects.get(schema_name="alpha"))
        assert VettingCheck.objects.get(pk=check.pk).state == "expired"
        assert VolunteerProfile.objects.get(pk=vera.pk).vetting_level == 0
        assert AuditEntry.objects.filter(action="vetting.expire", actor=None,
                                         target_id=str(check.pk)).count() == 1
    finally:
        connection.set_tenant(Group.objects.get(schema_name="alpha"))
        User.objects.filter(email="sweep@example.org").delete()
        AuditEntry.objects.filter(pk__gt=last_audit).delete()
