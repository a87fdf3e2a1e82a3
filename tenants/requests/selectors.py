"""Reads on requests for public pages: counts only, never fit to single anyone out."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from core.privacy.anonymity import suppress
from tenants.requests.models import HelpRequest, RequestType


HELPED_SECONDS = 600


def helped_lately(*, days: int = 30) -> list[tuple[RequestType, int | None]]:
    """Requests done in the last `days`, per kind of help; a count under k is None (shown as
    "fewer than k"), so a rare kind of help cannot point at the one person who asked. Cached
    for a few minutes: the public home page should cost no query when warm."""
    return cache.get_or_set(f"helped_lately:{days}", lambda: _helped_lately(days),
                            HELPED_SECONDS)


def _helped_lately(days: int) -> list[tuple[RequestType, int | None]]:
    since = timezone.now() - timedelta(days=days)
    counts = dict(HelpRequest.objects.filter(status=HelpRequest.Status.DONE, updated_at__gte=since)
                  .order_by().values_list("type").annotate(n=Count("pk")))
    return [(kind, suppress(counts[kind.pk])) for kind in RequestType.objects.filter(
        pk__in=counts)]


def types_for_editor() -> list[RequestType]:
    """Every kind of help, active ones first, each with `in_use` (a request or volunteer
    names it: it can be retired but not deleted)."""
    from django.db.models import Exists, OuterRef

    volunteers = RequestType.volunteers.through.objects.filter(requesttype_id=OuterRef("pk"))
    return list(RequestType.objects.annotate(
        in_use=Exists(HelpRequest.objects.filter(type_id=OuterRef("pk"))) | Exists(volunteers),
    ).order_by("-active", "position", "name"))
