"""Reads for vetting: a volunteer's checks, the level they earn, what the daily sweep finds.
Checks are staff data: only coordinators' and admins' views call these."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.privacy.engine import Shown, Viewer, show_many
from core.vetting import registry
from core.vetting.providers.base import Provider
from core.vetting.states import CheckState
from tenants.requests.models import VettingLevel
from tenants.vetting.models import LEVEL_NUMBER, ProviderAccount, VettingCheck

OPEN_STATES = (CheckState.NOT_STARTED, CheckState.PENDING, CheckState.NEEDS_REVIEW)


def group_today() -> date:
    """Today where the group is (expiry dates are days on the group's calendar)."""
    try:
        zone = ZoneInfo(getattr(connection.tenant, "timezone", "") or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(settings.TIME_ZONE)
    return timezone.localdate(timezone=zone)


def checks_for(profile_id: int) -> QuerySet[VettingCheck]:
    """A volunteer's checks, newest first."""
    return VettingCheck.objects.filter(profile_id=profile_id).select_related("reviewed_by",
                                                                              "document")


SHOWN_ON_PAGE = ("level", "state", "expires_on", "certificate_number", "document", "provider",
                 "provider_status", "reviewed_by", "action_url")


def checks_shown(viewer: Viewer, profile_id: int) -> list[Shown]:
    """A volunteer's checks as `viewer` may see them; what is shown is audited (privacy)."""
    return show_many(viewer, list(checks_for(profile_id)), why="volunteer's checks",
                     fields=SHOWN_ON_PAGE)


def counting(today: date) -> Q:
    """Checks that vouch for a volunteer today: clear, and valid through their expiry day."""
    return Q(state=CheckState.CLEAR) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def effective_level(profile_id: int, today: date) -> int:
    """The highest level of a clear, unexpired check (none: VettingLevel.NONE)."""
    levels = VettingCheck.objects.filter(counting(today), profile_id=profile_id) \
        .values_list("level", flat=True).distinct()
    return max((LEVEL_NUMBER[level] for level in levels), default=VettingLevel.NONE)


def open_check(profile_id: int, level: str) -> VettingCheck | None:
    return VettingCheck.objects.filter(profile_id=profile_id, level=level,
                                       state__in=OPEN_STATES).first()


def check_for_reference(provider: str, reference: str) -> QuerySet[VettingCheck]:
    """The check a provider's reference names (the newest, should a provider reuse one)."""
    return VettingCheck.objects.filter(provider=provider, provider_reference=reference) \
        .exclude(provider_reference="")


def credentials_for(provider: str) -> dict | None:
    """This group's decrypted credentials for `provider`, or None without an account."""
    account = ProviderAccount.objects.filter(provider=provider).first()
    return account.credentials if account else None


def usable_providers() -> list[Provider]:
    """Providers a coordinator can use here: the manual one, and those with an account."""
    configured = set(ProviderAccount.objects.values_list("provider", flat=True))
    return [p for p in registry.PROVIDERS.values() if p.manual or p.name in configured]


def configured_fields(provider: str) -> set[str]:
    """Which credential fields this group has filled in (names only, never values)."""
    credentials = credentials_for(provider) or {}
    return {name for name, value in credentials.items() if value}


def lapsed(today: date) -> QuerySet[VettingCheck]:
    return VettingCheck.objects.filter(state=CheckState.CLEAR, expires_on__lt=today)


def lapsing(today: date, days: int) -> QuerySet[VettingCheck]:
    """Clear checks that expire within `days`, whose volunteer has not been reminded."""
    return VettingCheck.objects.filter(
        state=CheckState.CLEAR, expires_on__gte=today,
        expires_on__lte=today + timedelta(days=days), reminded_on__isnull=True,
    )
