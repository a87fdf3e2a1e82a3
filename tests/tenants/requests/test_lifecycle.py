"""A request's life: intake (once per submission), every step and its refusals, the claim race."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, connections

from core.accounts.models import User
from core.tenancy.models import Group
from tenants.requests.models import HelpRequest, RequestEvent, RequestType
from tenants.requests.services import STEPS, TransitionRefused, advance, submit_request

S = HelpRequest.Status


def fields(**overrides) -> dict:
    return {
        "type": RequestType.objects.get(code="shopping"),
        "description": "Bread, milk and tea, please.",
        "person_name": "Rosa",
        "person_phone": "07700 900123",
        "postcode": "SW1A 1AA",
        **overrides,
    }


def new_request(**overrides) -> HelpRequest:
    request, _ = submit_request(fields=fields(**overrides), submission_key=uuid.uuid4(),
                                channel=HelpRequest.Channel.WEB)
    return request


@pytest.mark.django_db
def test_every_group_starts_with_the_default_request_types(in_alpha):
    types = {t.code: (t.mode, t.vetting_level) for t in RequestType.objects.all()}
    assert types == {
        "shopping": ("in_person", 0), "prescription": ("in_person", 1),
        "befriending": ("remote", 1), "dog_walking": ("in_person", 0),
        "transport": ("in_person", 1), "childcare": ("in_person", 2), "other": ("in_person", 0),
    }


@pytest.mark.django_db
def test_a_submission_is_recorded_once(in_alpha):
    key = uuid.uuid4()
    first, created = submit_request(fields=fields(), submission_key=key, channel="web")
    again, created_again = submit_request(
        fields=fields(description="changed on resend"), submission_key=key, channel="web"
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.description == "Bread, milk and tea, please."
    assert HelpRequest.objects.count() == 1
    assert list(first.events.values_list("from_status", "to_status")) == [("", "new")]


@pytest.mark.django_db
def test_the_happy_path_leaves_a_timeline(in_alpha):
    volunteer = User.objects.get(role="volunteer")
    coordinator = User.objects.get(role="coordinator")
    request = new_request()
    advance(request_id=request.pk, step="open", actor=coordinator)
    advance(request_id=request.pk, step="claim", actor=volunteer, volunteer=volunteer)
    advance(request_id=request.pk, step="start", actor=volunteer)
    done = advance(request_id=request.pk, step="complete", actor=volunteer, note="All delivered")
    assert done.status == S.DONE and done.volunteer == volunteer
    timeline = list(RequestEvent.objects.filter(request=request)
                    .values_list("from_status", "to_status", "actor__role", "note"))
    assert timeline == [
        ("", "new", None, ""),
        ("new", "open", "coordinator", ""),
        ("open", "claimed", "volunteer", ""),
        ("claimed", "in_progress", "volunteer", ""),
        ("in_progress", "done", "volunteer", "All delivered"),
    ]


ALL_STATUSES = [s.value for s in S]


@pytest.mark.django_db
@pytest.mark.parametrize("step", sorted(STEPS))
def test_each_step_is_refused_from_every_state_it_does_not_allow(in_alpha, step):
    actor = User.objects.get(role="coordinator")
    for status in ALL_STATUSES:
        request = new_request()
        HelpRequest.objects.filter(pk=request.pk).update(status=status)
        events_before = request.events.count()
        if status in STEPS[step].allowed_from:
            assert advance(request_id=request.pk, step=step, actor=actor,
                           volunteer=actor).status == STEPS[step].to
        else:
            with pytest.raises(TransitionRefused):
                advance(request_id=request.pk, step=step, actor=actor, volunteer=actor)
            request.refresh_from_db()
            assert request.status == status  # nothing changed
            assert request.events.count() == events_before


@pytest.mark.django_db
def test_a_window_that_ends_before_it_starts_is_refused_by_the_database(in_alpha):
    import datetime

    with pytest.raises(IntegrityError):
        new_request(wanted_from=datetime.date(2026, 12, 2), wanted_until=datetime.date(2026, 12, 1))


def race(target, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def run(i):
        connection.set_tenant(Group.objects.get(schema_name="alpha"))
        try:
            barrier.wait(timeout=10)
            outcomes.append(target(i))
        except TransitionRefused as refused:
            outcomes.append(refused.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.mark.committed
def test_two_volunteers_claiming_at_once_one_gets_it(in_alpha):
    volunteer = User.objects.get(role="volunteer")
    other = User.objects.get(role="coordinator")
    request = new_request()
    advance(request_id=request.pk, step="open", actor=other)
    claimers = [volunteer, other]
    try:
        outcomes = race(lambda i: advance(request_id=request.pk, step="claim",
                                          actor=claimers[i], volunteer=claimers[i]).status)
        assert sorted(map(str, outcomes)) == sorted(
            ["claimed", "Someone else has just taken this request. Thank you for offering!"]
        )
        assert HelpRequest.objects.get(pk=request.pk).events.filter(to_status="claimed").count() == 1
    finally:
        HelpRequest.objects.all().delete()


@pytest.mark.committed
def test_a_double_click_makes_one_request(in_alpha):
    key = uuid.uuid4()
    try:
        outcomes = race(lambda i: submit_request(fields=fields(), submission_key=key,
                                                 channel="web")[1])
        assert sorted(outcomes) == [False, True]
        assert HelpRequest.objects.filter(submission_key=key).count() == 1
    finally:
        HelpRequest.objects.all().delete()
