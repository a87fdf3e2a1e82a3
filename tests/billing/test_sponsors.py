"""Sponsorship: an operator creates a sponsor and its codes, a group admin redeems one, the
group is on the sponsored plan until the end date, warned before it, free after."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from billing.models import BillingAccount, Sponsor, SponsorCode
from billing.services import create_sponsor, end_sponsorships, warn_expiring_sponsorships
from core.accounts.models import User
from core.audit.models import AuditEntry
from tests.billing.conftest import PLATFORM, account, in_group, login, snapshot

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_command_makes_a_sponsor_and_prints_its_codes(alpha):
    out = StringIO()
    call_command("create_sponsor", name="Riverside Council", groups=3,
                 ends=str(TODAY + timedelta(days=90)), stdout=out)
    sponsor = Sponsor.objects.get()
    codes = list(sponsor.codes.values_list("code", flat=True))
    assert (sponsor.max_groups, sponsor.ends_on, len(codes)) == (
        3, TODAY + timedelta(days=90), 3)
    assert all(code in out.getvalue() for code in codes)
    assert AuditEntry.objects.filter(action="billing.sponsor_create").count() == 1  # public


def test_operators_create_sponsors_on_the_platform_page(alpha):
    operator = User.objects.create_user("ops@example.org", "an operator's long password",
                                        name="Ops", is_staff=True)
    client = Client()
    assert client.get("/operators/sponsors/", **PLATFORM).status_code == 302  # log in first
    client.force_login(operator)
    assert client.get("/operators/sponsors/", **PLATFORM).status_code == 200
    bad = client.post("/operators/sponsors/", {"name": "", "max_groups": "0",
                                               "ends_on": "yesterday"}, **PLATFORM)
    assert bad.status_code == 400 and not Sponsor.objects.exists()
    past = client.post("/operators/sponsors/", {"name": "Old", "max_groups": "2",
                                                "ends_on": str(TODAY)}, **PLATFORM)
    assert past.status_code == 400 and "must be in the future" in past.content.decode()
    made = client.post("/operators/sponsors/", {"name": "Greenfield Trust", "max_groups": "2",
                                                "ends_on": str(TODAY + timedelta(days=60))},
                       **PLATFORM, follow=True)
    assert made.status_code == 200 and "Greenfield Trust" in made.content.decode()
    assert SponsorCode.objects.filter(sponsor__name="Greenfield Trust").count() == 2
    someone = User.objects.create_user("someone@example.org", "a long password here",
                                       name="S")
    other = Client()
    other.force_login(someone)
    assert other.get("/operators/sponsors/", **PLATFORM).status_code == 403


def test_redeem_then_warnings_then_free_after_the_end_date(
        client, alpha, people, stripe_server, django_capture_on_commit_callbacks):
    ends = TODAY + timedelta(days=40)
    sponsor = create_sponsor(name="Riverside Council", max_groups=1, ends_on=ends, actor=None)
    code = sponsor.codes.get().code
    login(client, alpha, alpha.admin_email)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/billing/redeem/", {"code": code.lower().replace("-", " ")},
                               HTTP_HOST=alpha.host, follow=True)
    assert "a sponsor pays for this group until" in response.content.decode()
    assert "Your plan: Sponsored" in response.content.decode()
    snap = snapshot()
    assert (snap["plan"], snap["sponsored_until"]) == ("sponsored", ends.isoformat())
    assert snap["limits"]["active_volunteers"] == 250
    assert "is sponsored" in mail.outbox[-1].subject
    assert in_group("alpha", lambda: AuditEntry.objects.filter(
        action="billing.sponsored", actor_id=people.admin.pk).count()) == 1
    # Sponsored: nothing to pay.
    assert "Choose Community" not in response.content.decode()
    response = client.post("/billing/checkout/community/", HTTP_HOST=alpha.host, follow=True)
    assert "nothing to pay" in response.content.decode() and not stripe_server.sessions

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert warn_expiring_sponsorships(today=ends - timedelta(days=31)) == 0
        assert warn_expiring_sponsorships(today=ends - timedelta(days=30)) == 1
        assert warn_expiring_sponsorships(today=ends - timedelta(days=29)) == 0  # once
        assert warn_expiring_sponsorships(today=ends - timedelta(days=7)) == 1
        assert warn_expiring_sponsorships(today=ends - timedelta(days=2)) == 0
        assert end_sponsorships(today=ends) == 0  # the end date is still sponsored
    assert [m.subject for m in mail.outbox] == [
        "Alpha Mutual Aid: sponsorship ends in 30 days",
        "Alpha Mutual Aid: sponsorship ends in 7 days"]
    assert snapshot()["plan"] == "sponsored"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert end_sponsorships(today=ends + timedelta(days=1)) == 1
    assert snapshot()["plan"] == "free" and snapshot()["sponsored_until"] is None
    assert account().sponsored_until is None
    assert mail.outbox[0].subject == "Alpha Mutual Aid: sponsorship ended"
    assert "Choose Community" in client.get("/billing/", HTTP_HOST=alpha.host) \
        .content.decode()


@pytest.mark.parametrize("case, message", [
    ("unknown", "This code is not known"),
    ("used", "already been used"),
    ("ended", "This sponsorship has ended"),
    ("full", "already pays for as many groups as it can"),
])
def test_bad_codes_are_refused_clearly_and_change_nothing(client, alpha, stripe_server, case,
                                                          message):
    sponsor = create_sponsor(name="Trust", max_groups=1, ends_on=TODAY + timedelta(days=5),
                             actor=None, codes=2)
    first, second = sponsor.codes.all()
    code = {"unknown": "ZZZZ-ZZZZ-ZZZZ", "used": first.code, "ended": first.code,
            "full": second.code}[case]
    if case in ("used", "full"):
        first.redeemed_at = timezone.now()
        first.save()
    if case == "ended":
        Sponsor.objects.filter(pk=sponsor.pk).update(ends_on=TODAY - timedelta(days=1))
    login(client, alpha, alpha.admin_email)
    response = client.post("/billing/redeem/", {"code": code}, HTTP_HOST=alpha.host)
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot()["plan"] == "free"
    assert not BillingAccount.objects.filter(sponsored_until__isnull=False).exists()


def test_a_paying_group_cannot_redeem_until_it_cancels(client, alpha, subscribed):
    sponsor = create_sponsor(name="Trust", max_groups=1, ends_on=date.today().replace(
        year=date.today().year + 1), actor=None)
    response = client.post("/billing/redeem/", {"code": sponsor.codes.get().code},
                           HTTP_HOST=alpha.host)
    assert response.status_code == 400 and "Cancel it through" in response.content.decode()
    assert snapshot()["plan"] == "community"
