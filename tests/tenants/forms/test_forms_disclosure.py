"""Answers are protected like the built-in fields: each question's level decides who sees its
answer, on which page, at which stage of the request; protected reveals are audited."""

import pytest

from core.accounts.models import User
from core.audit.models import AuditEntry
from core.privacy.engine import PUBLIC, Viewer
from core.privacy.levels import Level
from formbuilder_support import log_in, make_volunteer, open_request, submit
from tenants.forms.selectors import answers_for, visible_answers
from tenants.forms.services import retire_field
from tenants.requests.services import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(ask):
    """A question at each level on the request form."""
    return {level: ask(f"Question for {level.name.lower()}", level=level) for level in Level}


def answered_by_level(questions) -> dict:
    return {q.key: f"answer-{level.name.lower()}" for level, q in questions.items()}


def shown(answers) -> list[str]:
    return [a.text for a in answers]


def test_each_viewer_sees_the_answers_up_to_their_level(questions, people):
    request = open_request(answered_by_level(questions))
    volunteer = make_volunteer()
    texts = ["answer-public", "answer-volunteer", "answer-assigned", "answer-staff",
             "answer-restricted"]
    assert shown(visible_answers(PUBLIC, request, "request", why="t")) == texts[:1]
    assert shown(visible_answers(Viewer.of(volunteer.user), request, "request",
                                 why="t")) == texts[:2]
    assert shown(visible_answers(Viewer.of(people.coordinator), request, "request",
                                 why="t")) == texts[:4]
    assert shown(visible_answers(Viewer.of(people.admin), request, "request", why="t")) == texts


def test_assigned_answers_only_for_the_assigned_volunteer_while_live(client, in_alpha, ask):
    keysafe = ask("Where is the spare key?", level=Level.ASSIGNED)
    parking = ask("Where to park", level=Level.VOLUNTEER)
    request = open_request({keysafe.key: "Under the blue pot", parking.key: "Behind the church"})
    vera, sam = make_volunteer("vera@example.org"), make_volunteer("sam@example.org")

    # Open: any active volunteer sees the volunteer-level answer on the nearby list, never
    # the assigned one.
    log_in(client, in_alpha, sam.user.email)
    nearby = client.get("/volunteer/nearby/", HTTP_HOST=in_alpha.host).content.decode()
    assert f'data-request="{request.pk}"' in nearby
    assert "Behind the church" in nearby and "Under the blue pot" not in nearby

    # Vera takes it: hers to see on her tasks page, audited.
    advance(request_id=request.pk, step="claim", actor=vera.user, volunteer=vera.user)
    log_in(client, in_alpha, vera.user.email)
    tasks = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Where is the spare key?" in tasks and "Under the blue pot" in tasks
    reveal = AuditEntry.objects.filter(action="reveal", fields__contains=[
        f"answers.{keysafe.key}"]).get()
    assert (reveal.actor_id, reveal.target_id, reveal.reason) == (
        vera.user.pk, str(request.pk), "volunteer's tasks page")

    # Sam, not assigned, still cannot see it anywhere he looks.
    request.refresh_from_db()
    assert shown(visible_answers(Viewer.of(sam.user), request, "request", why="t")) == [
        "Behind the church"]

    # Done: gone from Vera's screen too.
    advance(request_id=request.pk, step="complete", actor=vera.user)
    tasks = client.get("/volunteer/tasks/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Under the blue pot" not in tasks
    request.refresh_from_db()
    assert "Under the blue pot" not in shown(
        visible_answers(Viewer.of(vera.user), request, "request", why="t"))


def test_coordinators_see_answers_on_the_request_page_with_retired_questions(
        client, in_alpha, ask, people):
    pets = ask("Any pets?", level=Level.STAFF)
    secret = ask("Admins only note", level=Level.RESTRICTED)
    request = submit({pets.key: "Two cats", secret.key: "Known to social services"})
    retire_field(field_id=pets.pk, actor=people.admin)
    log_in(client, in_alpha, in_alpha.coordinator_email)
    page = client.get(f"/dispatch/{request.pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Any pets?" in page and "Two cats" in page and "no longer asked" in page
    assert "Known to social services" not in page
    reveal = AuditEntry.objects.filter(action="reveal", fields__contains=[
        f"answers.{pets.key}"]).get()
    assert reveal.reason == "request page" and reveal.fields == [f"answers.{pets.key}"]
    log_in(client, in_alpha, in_alpha.admin_email)
    page = client.get(f"/dispatch/{request.pk}/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Known to social services" in page


def test_the_roster_shows_volunteer_answers_at_their_level(client, in_alpha, ask):
    car = ask("Do you drive?", kind="yes_no", form="volunteer", level=Level.STAFF)
    dbs = ask("Criminal record details", kind="long_text", form="volunteer",
              level=Level.RESTRICTED)
    make_volunteer(answers={car.key: True, dbs.key: "Spent caution, 1998"})
    log_in(client, in_alpha, in_alpha.coordinator_email)
    page = client.get("/volunteers/", HTTP_HOST=in_alpha.host).content.decode()
    assert "Do you drive?" in page and "Yes" in page
    assert "Spent caution" not in page
    log_in(client, in_alpha, in_alpha.admin_email)
    assert "Spent caution, 1998" in client.get("/volunteers/",
                                               HTTP_HOST=in_alpha.host).content.decode()


def test_a_volunteer_is_not_audited_for_their_own_answers(ask):
    car = ask("Do you drive?", kind="yes_no", form="volunteer", level=Level.ASSIGNED)
    profile = make_volunteer(answers={car.key: False})
    before = AuditEntry.objects.filter(action="reveal").count()
    answers = answers_for(Viewer.of(profile.user), [profile], "volunteer", why="t")
    assert shown(answers[profile.pk]) == ["No"]
    assert AuditEntry.objects.filter(action="reveal").count() == before


def test_erasing_a_request_empties_its_answers(ask):
    from tenants.records.erasure import erase_request

    pets = ask("Any pets?")
    request = submit({pets.key: "Two cats"})
    erase_request(request)
    request.refresh_from_db()
    assert request.answers == {}


def test_the_privacy_engine_never_hands_the_raw_answers_below_admin(ask, people):
    from core.privacy.engine import show

    request = submit({ask("Any pets?", level=Level.PUBLIC).key: "Two cats"})
    assert show(Viewer.of(people.coordinator), request, why="t").answers is None
    assert show(Viewer.of(User.objects.get(role="admin")), request, why="t").answers == {
        "any_pets": "Two cats"}
