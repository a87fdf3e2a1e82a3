"""People and provider accounts for the vetting tests, made through the services."""

from datetime import time
from types import SimpleNamespace

import pytest

from core.accounts.models import User
from core.geo.cells import cell_for
from core.testing.people import PASSWORD
from core.testing.vetting_providers import CHECKR_CREDENTIALS, DBS_CREDENTIALS
from tenants.vetting.services import save_provider_account
from tenants.volunteers.models import VolunteerProfile
from tenants.volunteers.services import Registration, move_volunteer, register_volunteer

HOME = (51.5010, -0.1416)


@pytest.fixture
def people(in_alpha):
    return SimpleNamespace(admin=User.objects.get(role="admin"),
                           coordinator=User.objects.get(role="coordinator"),
                           volunteer=User.objects.get(role="volunteer"))


@pytest.fixture
def make_volunteer(people):
    def make(email="vera@example.org", *, name="Vera Lopez", types=("shopping", "childcare"),
             active=True) -> VolunteerProfile:
        profile = register_volunteer(registration=Registration(
            name=name, email=email, password=PASSWORD, request_type_codes=list(types),
            availability=[(d, time(8), time(20)) for d in range(7)],
            location=(*HOME, cell_for(*HOME))))
        if active:
            move_volunteer(profile_id=profile.pk, move="approve", actor=people.coordinator)
        return VolunteerProfile.objects.select_related("user").get(pk=profile.pk)
    return make


@pytest.fixture
def accounts(people, vetting_providers):
    """Alpha's accounts with the (local) Checkr and DBS providers."""
    save_provider_account(provider="checkr", values=CHECKR_CREDENTIALS, actor=people.admin)
    save_provider_account(provider="sanctionssearch", values=DBS_CREDENTIALS, actor=people.admin)
    return vetting_providers
