"""Volunteers' vetting checks and the group's provider accounts. Tables in every group's
schema. The adapters that talk to providers are shared code in core.vetting."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.vetting.fields import EncryptedJSONField
from core.vetting.states import CheckLevel, CheckState
from tenants.requests.models import VettingLevel
from tenants.volunteers.models import VolunteerProfile

# A check's level as the volunteer's VettingLevel number (what the hard rules compare).
LEVEL_NUMBER = {CheckLevel.BASIC: VettingLevel.BASIC, CheckLevel.ENHANCED: VettingLevel.ENHANCED}


class VettingCheck(models.Model):
    State = CheckState
    Level = CheckLevel

    profile = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="checks")
    level = models.CharField(_("level"), max_length=10, choices=CheckLevel.choices)
    provider = models.CharField(_("provider"), max_length=32)  # a core.vetting.registry name
    state = models.CharField(_("state"), max_length=12, choices=CheckState.choices,
                             default=CheckState.NOT_STARTED)
    # The provider's id for this check (Checkr candidate, DBS search id); blank for manual.
    provider_reference = models.CharField(max_length=100, blank=True)
    # Where the volunteer completes the provider's form (an invitation link), if any.
    action_url = models.URLField(max_length=500, blank=True)
    # The provider's own words for the latest status, for coordinators.
    provider_status = models.CharField(max_length=200, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=64, blank=True)
    # The certificate or ID scan a coordinator saw, if they uploaded it (tenants.documents).
    document = models.ForeignKey("documents.Document", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)  # expiry reminder sent that day
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "provider_reference"]),
            # The daily sweep: clear checks by expiry date.
            models.Index(fields=["state", "expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.get_state_display()}"

    @property
    def level_number(self) -> int:
        return LEVEL_NUMBER[self.level]


class ProviderAccount(models.Model):
    """This group's account with one provider; the credentials are encrypted at rest."""

    provider = models.CharField(max_length=32, unique=True)
    credentials = EncryptedJSONField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return self.provider


class ProcessedEvent(models.Model):
    """A provider webhook already applied: the same event id again is ignored."""

    provider = models.CharField(max_length=32)
    event_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"],
                                               name="vetting_event_once")]
