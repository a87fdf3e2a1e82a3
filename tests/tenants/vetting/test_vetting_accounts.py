"""Per-group provider credentials: encrypted at rest, set by admins only, never shown back."""

import pytest
from django.db import connection

from core.audit.models import AuditEntry
from core.errors import Refused
from tenants.vetting.models import ProviderAccount
from core.testing.vetting_providers import CHECKR_CREDENTIALS as CHECKR
from tenants.vetting.services import save_provider_account

pytestmark = pytest.mark.django_db


def raw_column(provider: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT credentials FROM vetting_provideraccount WHERE provider = %s",
                       [provider])
        return cursor.fetchone()[0]


def test_credentials_are_encrypted_in_the_database(people):
    save_provider_account(provider="checkr", values=CHECKR, actor=people.admin)
    stored = raw_column("checkr")
    assert CHECKR["api_key"] not in stored and "api_key" not in stored
    assert ProviderAccount.objects.get(provider="checkr").credentials == CHECKR
    audited = AuditEntry.objects.get(action="vetting.account")
    assert CHECKR["api_key"] not in str(audited.data)
    assert audited.data["changed"] == sorted(CHECKR)


def test_a_blank_secret_keeps_the_stored_one(people):
    save_provider_account(provider="checkr", values=CHECKR, actor=people.admin)
    save_provider_account(provider="checkr", actor=people.admin,
                          values={**CHECKR, "api_key": "", "package_basic": "new_pkg"})
    assert ProviderAccount.objects.get().credentials == {**CHECKR, "package_basic": "new_pkg"}


def test_only_admins_set_up_providers_and_a_refusal_changes_nothing(people):
    before = AuditEntry.objects.count()
    for actor, values in [(people.coordinator, CHECKR), (people.volunteer, CHECKR),
                          (people.admin, {**CHECKR, "api_key": ""})]:  # required, none stored
        with pytest.raises(Refused):
            save_provider_account(provider="checkr", values=values, actor=actor)
    with pytest.raises(Refused):
        save_provider_account(provider="manual", values={}, actor=people.admin)
    assert (ProviderAccount.objects.count(), AuditEntry.objects.count()) == (0, before)
