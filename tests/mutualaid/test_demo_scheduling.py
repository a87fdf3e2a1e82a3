"""The demo group shows scheduling: the demo volunteer's day today is a route of stops, and
the request near him waiting for a volunteer is offered days when someone is going nearby."""

import pytest
from django.core.management import call_command

from core.accounts.models import User
from mutualaid.signup.demo_data import add_demo_volunteer, seed_demo_activity
from tenants.matching.my_day import volunteer_day
from tenants.requests.models import HelpRequest
from tenants.requests.planning import group_today, planned_days_near

pytestmark = pytest.mark.django_db
CENTRE = (51.5072, -0.1276)


def test_the_demo_plans_deliveries_near_its_volunteer(in_alpha):
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    coordinator = User.objects.get(role="coordinator")
    victor = add_demo_volunteer(name="Victor Volunteer", email="volunteer@demo.example.org",
                                password="demo-mutual-aid", near=CENTRE,
                                coordinator=coordinator).user
    HelpRequest.objects.all().delete()
    assert seed_demo_activity(near=CENTRE, coordinator=coordinator)

    day = volunteer_day(user=victor, day=group_today())
    assert len(day.stops) == 3 and day.from_home and day.total_km > 0
    waiting = HelpRequest.objects.select_related("type").get(
        description="Weekly shop for Mrs Okafor (open)")
    suggested = planned_days_near(waiting)
    assert suggested and suggested[0].day == group_today()
    assert victor.pk in suggested[0].volunteers
    assert HelpRequest.objects.filter(scheduled_for__isnull=False,
                                      volunteer__isnull=True).exists()
