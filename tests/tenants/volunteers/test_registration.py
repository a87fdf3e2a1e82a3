"""Volunteer registration and the statuses coordinators move volunteers through."""

from datetime import time

import pytest
from django.db import IntegrityError

from core.accounts.models import User
from core.testing.people import PASSWORD
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import (
    Registration, VolunteerStatusRefused, move_volunteer, register_volunteer,
)

pytestmark = pytest.mark.django_db
V = VolunteerProfile.Status


def registration(**overrides) -> Registration:
    values = dict(
        name="Vera", email="vera@example.org", password=PASSWORD,
        request_type_codes=["shopping", "dog_walking", "no-such-type"], languages=["en", "es"],
        postcode="SW1A 1AA", radius_km=2.5, travel="bike", max_per_week=4,
        availability=[(0, time(9), time(12)), (5, time(14), time(18))],
    )
    values.update(overrides)
    return Registration(**values)


def test_registering_makes_an_applied_volunteer_account(in_alpha):
    profile = register_volunteer(registration=registration())
    assert profile.status == V.APPLIED
    assert profile.user.role == User.Role.VOLUNTEER
    assert profile.user.check_password(PASSWORD)
    assert sorted(profile.request_types.values_list("code", flat=True)) == [
        "dog_walking", "shopping"]  # unknown codes are ignored
    assert [(w.weekday, w.starts, w.ends) for w in profile.availability.all()] == [
        (0, time(9), time(12)), (5, time(14), time(18))]


def test_a_window_that_ends_before_it_starts_is_refused_and_nothing_is_left(in_alpha):
    users_before = User.objects.count()
    with pytest.raises(IntegrityError):
        register_volunteer(registration=registration(availability=[(1, time(12), time(9))]))
    assert User.objects.count() == users_before
    assert not VolunteerProfile.objects.exists()


@pytest.mark.parametrize("moves,final", [
    (["approve"], V.ACTIVE),
    (["approve", "pause"], V.PAUSED),
    (["approve", "pause", "resume"], V.ACTIVE),
    (["leave"], V.LEFT),
    (["approve", "leave"], V.LEFT),
])
def test_status_moves(in_alpha, moves, final):
    coordinator = User.objects.get(role="coordinator")
    profile = register_volunteer(registration=registration())
    for move in moves:
        profile = move_volunteer(profile_id=profile.pk, move=move, actor=coordinator)
    assert profile.status == final


@pytest.mark.parametrize("moves,refused", [
    ([], "pause"), ([], "resume"), (["approve"], "approve"), (["leave"], "approve"),
    (["leave"], "leave"), (["approve"], "resume"),
])
def test_impossible_moves_are_refused_and_change_nothing(in_alpha, moves, refused):
    coordinator = User.objects.get(role="coordinator")
    profile = register_volunteer(registration=registration())
    for move in moves:
        profile = move_volunteer(profile_id=profile.pk, move=move, actor=coordinator)
    with pytest.raises(VolunteerStatusRefused):
        move_volunteer(profile_id=profile.pk, move=refused, actor=coordinator)
    assert VolunteerProfile.objects.get(pk=profile.pk).status == profile.status
