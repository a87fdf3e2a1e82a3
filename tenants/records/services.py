"""Writes on the group's records: erasing a person on request, applying the retention
policy, and the group's retention settings. Each is atomic and audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from core.audit.services import record
from core.tenancy.models import Group
from tenants.records.erasure import erase_account, erase_request
from tenants.records.selectors import PersonRecords
from tenants.requests.models import HelpRequest
from tenants.volunteers.models import VolunteerProfile

CLOSED = (HelpRequest.Status.DONE, HelpRequest.Status.CANCELLED,
          HelpRequest.Status.COULD_NOT_HELP)
BATCH = 500


@transaction.atomic
def erase_person(*, person: PersonRecords, actor, reason: str) -> int:
    """Erase everything found for one person (their requests, their account); returns how
    many records were erased. The audit row names the records, never the person."""
    for help_request in person.requests:
        erase_request(help_request)
    if person.account is not None:
        erase_account(person.account)
    count = len(person.requests) + (person.account is not None)
    record(actor=actor, action="person.erase", reason=reason,
           data={"requests": [r.pk for r in person.requests],
                 "account": person.account.pk if person.account else None})
    return count


@dataclass(frozen=True)
class RetentionRun:
    requests: int
    volunteers: int


def apply_retention(*, now: datetime | None = None) -> RetentionRun:
    """Erase what the group's policy says is due, in batches, each its own transaction (a
    long backlog never holds one lock for long, and a failure keeps what went before)."""
    group: Group = connection.tenant
    now = now or timezone.now()
    requests = _in_batches(
        HelpRequest.objects.filter(status__in=CLOSED, erased_at__isnull=True,
                                   updated_at__lt=now - timedelta(days=group.keep_request_days)),
        lambda r: erase_request(r), "retention.requests")
    volunteers = _in_batches(
        VolunteerProfile.objects.filter(
            status=VolunteerProfile.Status.LEFT, erased_at__isnull=True,
            status_changed_at__lt=now - timedelta(days=group.keep_volunteer_days),
        ).select_related("user"),
        lambda p: erase_account(p.user), "retention.volunteers")
    return RetentionRun(requests, volunteers)


def _in_batches(due, erase, action: str) -> int:
    done = 0
    while True:
        with transaction.atomic():
            batch = list(due.select_for_update(skip_locked=True).order_by("pk")[:BATCH])
            for item in batch:
                erase(item)
            if batch:
                record(actor=None, action=action, targets=batch,
                       reason="retention policy")
        done += len(batch)
        if len(batch) < BATCH:
            return done


@transaction.atomic
def set_retention(*, keep_request_days: int, keep_volunteer_days: int, actor) -> Group:
    from core.tenancy import routing

    group = Group.objects.select_for_update().get(pk=connection.tenant.pk)
    before = (group.keep_request_days, group.keep_volunteer_days)
    group.keep_request_days, group.keep_volunteer_days = keep_request_days, keep_volunteer_days
    group.save(update_fields=["keep_request_days", "keep_volunteer_days"])
    record(actor=actor, action="group.retention", target=group,
           data={"before": before, "after": [keep_request_days, keep_volunteer_days]})
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))  # routing caches the group row
    return group
