"""Concerns: any member raises one; only the named safeguarding leads read it; the leads are
emailed a link, never the details; bad input changes nothing."""

import uuid

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from core.accounts.models import User
from core.accounts.services import create_member
from core.audit.models import AuditEntry
from core.errors import Refused
from core.testing.people import PASSWORD
from tenants.requests.models import RequestType
from tenants.requests.services import advance, submit_request
from tenants.safeguarding import services
from tenants.safeguarding.models import Concern, ConcernNote

pytestmark = pytest.mark.django_db
SECRET = "Dave shouted at Rosa and took her pension card"


def log_in(client, host, email):
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD},
                           HTTP_HOST=host)
    assert response.status_code == 302
    return client


@pytest.fixture
def people(in_alpha):
    """Alpha's admin, coordinator and volunteer (none of them a lead), and two coordinators
    named as leads, one of whom reads Spanish."""
    admin = User.objects.get(role="admin")
    lena = create_member(email="lena@example.org", name="Lena Lead", role="coordinator",
                         password=PASSWORD)
    User.objects.filter(pk=lena.pk).update(preferred_language="es")
    leo = create_member(email="leo@example.org", name="Leo Lead", role="coordinator",
                        password=PASSWORD)
    for lead in (lena, leo):
        services.name_lead(user_id=lead.pk, actor=admin)
    return {"admin": admin, "lena": lena, "leo": leo,
            "coordinator": User.objects.get(email=in_alpha.coordinator_email),
            "volunteer": User.objects.get(email=in_alpha.volunteer_email)}


def form(**overrides):
    data = {"about": "Rosa, the lady on Mill Lane", "what_happened": SECRET,
            "urgency": "today", "request": ""}
    data.update(overrides)
    return data


def raise_as(client, host, email, captured, **overrides):
    log_in(client, host, email)
    with captured(execute=True):
        return client.post("/safeguarding/", form(**overrides), HTTP_HOST=host)


@pytest.mark.parametrize("who", ["volunteer_email", "coordinator_email"])
def test_a_member_raises_a_concern_and_sees_only_its_state(
        client, people, in_alpha, who, django_capture_on_commit_callbacks):
    response = raise_as(client, in_alpha.host, getattr(in_alpha, who),
                        django_capture_on_commit_callbacks)
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/safeguarding/raised/{concern.pk}/"
    assert (concern.raised_by.email, concern.what_happened, concern.urgency, concern.state) == (
        getattr(in_alpha, who), SECRET, "today", "open")
    page = client.get(response["Location"], HTTP_HOST=in_alpha.host)
    body = page.content.decode()
    assert page.status_code == 200 and "Received, waiting for a safeguarding lead" in body
    assert SECRET not in body and "Mill Lane" not in body
    # Their list shows the state, never the contents; the leads' pages stay shut to them.
    again = client.get("/safeguarding/", HTTP_HOST=in_alpha.host).content.decode()
    assert f'data-concern="{concern.pk}"' in again and SECRET not in again
    assert client.get(f"/safeguarding/concerns/{concern.pk}/",
                      HTTP_HOST=in_alpha.host).status_code == 404
    audit = AuditEntry.objects.get(action="safeguarding.raise")
    assert audit.target_id == str(concern.pk) and audit.data == {"urgency": "today"}


def test_leads_are_emailed_a_link_in_their_language_and_nobody_else(
        client, people, in_alpha, django_capture_on_commit_callbacks):
    raise_as(client, in_alpha.host, in_alpha.volunteer_email, django_capture_on_commit_callbacks)
    concern = Concern.objects.get()
    assert sorted(m.to[0] for m in mail.outbox) == ["lena@example.org", "leo@example.org"]
    by_to = {m.to[0]: m for m in mail.outbox}
    for email, language in (("lena@example.org", "es"), ("leo@example.org", "en")):
        with translation.override(language):
            expected = gettext("%(group)s: a safeguarding concern has been raised") % {
                "group": "Alpha Mutual Aid"}
        assert by_to[email].subject == expected
    link = f"https://{in_alpha.host}/safeguarding/concerns/{concern.pk}/"
    for message in mail.outbox:
        assert link in message.body
        for detail in (SECRET, "Mill Lane", "Rosa", "today", in_alpha.volunteer_email):
            assert detail not in message.body and detail not in message.subject


def test_with_no_lead_named_the_admins_are_asked_to_name_one(
        client, in_alpha, django_capture_on_commit_callbacks):
    raise_as(client, in_alpha.host, in_alpha.volunteer_email, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [[in_alpha.admin_email]]
    assert "/safeguarding/leads/" in mail.outbox[0].body and SECRET not in mail.outbox[0].body
    # The admin, not a lead, still cannot read it.
    log_in(client, in_alpha.host, in_alpha.admin_email)
    concern = Concern.objects.get()
    assert client.get(f"/safeguarding/concerns/{concern.pk}/",
                      HTTP_HOST=in_alpha.host).status_code == 404


def test_only_named_leads_read_concerns(client, people, in_alpha):
    concern = services.raise_concern(actor=people["volunteer"], what_happened=SECRET,
                                     urgency="danger", about="Rosa")
    # Not a lead: a coordinator, the admin, the volunteer who raised it: as if it did not exist.
    for email in (in_alpha.coordinator_email, in_alpha.admin_email, in_alpha.volunteer_email):
        client.logout()
        log_in(client, in_alpha.host, email)
        for path in (f"/safeguarding/concerns/{concern.pk}/", "/safeguarding/concerns/",
                     f"/safeguarding/concerns/{concern.pk + 999}/"):
            response = client.get(path, HTTP_HOST=in_alpha.host)
            assert response.status_code == 404 and SECRET not in response.content.decode()
        response = client.post(f"/safeguarding/concerns/{concern.pk}/close/", {"note": "x"},
                               HTTP_HOST=in_alpha.host)
        assert response.status_code == 404
    # A lead reads it, and the reveal is in the audit log.
    client.logout()
    log_in(client, in_alpha.host, "lena@example.org")
    listed = client.get("/safeguarding/concerns/", HTTP_HOST=in_alpha.host)
    assert [c.id for c in listed.context["concerns"]] == [concern.pk]
    page = client.get(f"/safeguarding/concerns/{concern.pk}/", HTTP_HOST=in_alpha.host)
    assert page.status_code == 200 and SECRET in page.content.decode()
    reveal = AuditEntry.objects.filter(action="reveal", target_type="safeguarding.concern",
                                       actor=people["lena"])
    assert "what_happened" in reveal.order_by("pk").last().fields
    # Un-named, the same person is shut out again.
    services.remove_lead(user_id=people["lena"].pk, actor=people["admin"])
    assert client.get(f"/safeguarding/concerns/{concern.pk}/",
                      HTTP_HOST=in_alpha.host).status_code == 404
    assert Concern.objects.get().state == "open"


def test_another_groups_lead_cannot_see_it(client, people, in_alpha, beta):
    from django.db import connection

    from core.tenancy.models import Group

    concern = services.raise_concern(actor=people["volunteer"], what_happened=SECRET,
                                     urgency="today", about="Rosa")
    connection.set_tenant(Group.objects.get(schema_name=beta.slug))
    beta_lead = User.objects.get(role="coordinator")
    services.name_lead(user_id=beta_lead.pk, actor=User.objects.get(role="admin"))
    log_in(client, beta.host, beta.coordinator_email)
    response = client.get(f"/safeguarding/concerns/{concern.pk}/", HTTP_HOST=beta.host)
    assert response.status_code == 404
    listed = client.get("/safeguarding/concerns/", HTTP_HOST=beta.host)
    assert listed.status_code == 200 and listed.context["concerns"] == []
    # Nor with alpha's host and beta's session (sessions live in each group's schema).
    response = client.get(f"/safeguarding/concerns/{concern.pk}/", HTTP_HOST=in_alpha.host)
    assert response.status_code == 302


def test_a_lead_acknowledges_notes_and_closes(client, people, in_alpha):
    concern = services.raise_concern(actor=people["volunteer"], what_happened=SECRET,
                                     urgency="today", about="Rosa")
    log_in(client, in_alpha.host, "leo@example.org")
    base = f"/safeguarding/concerns/{concern.pk}"
    assert client.post(f"{base}/acknowledge/", {"note": "Called Rosa's daughter"},
                       HTTP_HOST=in_alpha.host).status_code == 302
    assert client.post(f"{base}/note/", {"note": "Police informed"},
                       HTTP_HOST=in_alpha.host).status_code == 302
    assert client.post(f"{base}/close/", {"note": ""}, HTTP_HOST=in_alpha.host).status_code == 302
    concern.refresh_from_db()
    assert (concern.state, concern.acknowledged_by, concern.closed_by) == (
        "closed", people["leo"], people["leo"])
    assert list(ConcernNote.objects.values_list("text", flat=True)) == [
        "Called Rosa's daughter", "Police informed"]
    assert list(AuditEntry.objects.filter(action__startswith="safeguarding.", target_id=str(
        concern.pk)).order_by("pk").values_list("action", flat=True)) == [
        "safeguarding.raise", "safeguarding.acknowledge", "safeguarding.note",
        "safeguarding.close"]
    # The person who raised it sees the new state, not the notes.
    client.logout()
    log_in(client, in_alpha.host, in_alpha.volunteer_email)
    body = client.get(f"/safeguarding/raised/{concern.pk}/", HTTP_HOST=in_alpha.host)
    assert "Closed" in body.content.decode() and "Police" not in body.content.decode()
    # Closed is closed: a second close is refused and changes nothing.
    client.logout()
    log_in(client, in_alpha.host, "leo@example.org")
    assert client.post(f"{base}/close/", {"note": "again"},
                       HTTP_HOST=in_alpha.host).status_code == 400
    assert ConcernNote.objects.count() == 2


@pytest.mark.parametrize("bad", [
    {"what_happened": "   "},
    {"what_happened": "x" * 4001},
    {"about": "y" * 201},
    {"urgency": "whenever"},
    {"about": "", "request": ""},
])
def test_bad_input_changes_nothing(client, people, in_alpha, bad,
                                   django_capture_on_commit_callbacks):
    response = raise_as(client, in_alpha.host, in_alpha.volunteer_email,
                        django_capture_on_commit_callbacks, **bad)
    assert response.status_code == 400
    assert not Concern.objects.exists() and mail.outbox == []
    assert not AuditEntry.objects.filter(action="safeguarding.raise").exists()


def test_a_volunteer_names_only_their_own_visits(client, people, in_alpha,
                                                 django_capture_on_commit_callbacks):
    request, _ = submit_request(
        fields={"type": RequestType.objects.get(code="shopping"), "description": "help",
                "person_name": "Rosa"}, submission_key=uuid.uuid4(), channel="phone")
    response = raise_as(client, in_alpha.host, in_alpha.volunteer_email,
                        django_capture_on_commit_callbacks, request=str(request.pk))
    assert response.status_code == 400 and not Concern.objects.exists()
    advance(request_id=request.pk, step="assign", actor=None, volunteer=people["volunteer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/safeguarding/", form(request=str(request.pk)),
                               HTTP_HOST=in_alpha.host)
    assert response.status_code == 302 and Concern.objects.get().request == request
    # Nor may a volunteer name a member (only staff pick from the group's members).
    with pytest.raises(Refused):
        services.raise_concern(actor=people["volunteer"], what_happened="x", urgency="today",
                               member_id=people["coordinator"].pk)


def test_the_page_says_to_call_emergency_services_first(client, people, in_alpha,
                                                         django_capture_on_commit_callbacks):
    log_in(client, in_alpha.host, in_alpha.volunteer_email)
    page = client.get("/safeguarding/", HTTP_HOST=in_alpha.host).content.decode()
    assert "immediate danger, call the emergency services on 999 first" in page
    assert "Lena Lead" in page and "Leo Lead" in page  # whom it goes to
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/safeguarding/", form(urgency="danger"), follow=True,
                               HTTP_HOST=in_alpha.host)
    assert "call the emergency services on 999" in response.content.decode()
