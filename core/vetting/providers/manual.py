"""The manual provider: a coordinator sees an ID, references or a certificate (or its number)
and records the outcome. Nothing is sent anywhere."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.vetting.providers.base import Candidate, Provider, ProviderRef
from core.vetting.states import CheckState


class ManualProvider(Provider):
    name = "manual"
    label = _("Checked by a coordinator")
    has_webhooks = False
    manual = True

    def start_check(self, credentials, candidate: Candidate) -> ProviderRef:
        return ProviderRef(reference="", state=CheckState.NOT_STARTED)

    def fetch_status(self, credentials, reference: str):
        return None  # only a coordinator knows
