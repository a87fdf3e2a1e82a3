"""The demo's requests come from all ten deprivation deciles of the synthetic sample."""

import pytest
from django.core.management import call_command

from core.accounts.models import User
from mutualaid.signup.demo_data import seed_demo_activity
from tenants.requests.models import HelpRequest

pytestmark = pytest.mark.django_db
CENTRE = (51.5072, -0.1276)


def test_demo_requests_carry_every_decile(in_alpha):
    call_command("load_postcodes", country="GB", sample=True, verbosity=0)
    call_command("load_deprivation", sample="gb", verbosity=0)
    HelpRequest.objects.all().delete()
    assert seed_demo_activity(near=CENTRE, coordinator=User.objects.get(role="coordinator"))
    deciles = set(HelpRequest.objects.values_list("deprivation_decile", flat=True))
    assert deciles == set(range(1, 11))  # every request is inside the sample, each decile used
