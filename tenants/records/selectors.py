"""Reads on the group's records: a person's data, the audit log, exports. Each applies the
privacy policy for the viewer and records what it revealed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q

from core import csv_files
from core.accounts.models import User
from core.privacy.engine import Viewer, show_many
from core.privacy.registry import policy_for
from tenants.forms.selectors import export_columns
from tenants.requests.models import HelpRequest


@dataclass
class PersonRecords:
    """Everything the group holds about one person: requests made for them (matched by email
    or phone) and their member account, if any."""

    query: str
    requests: list[HelpRequest] = field(default_factory=list)
    account: User | None = None

    @property
    def found(self) -> bool:
        return bool(self.requests) or self.account is not None


def find_person(*, email: str = "", phone: str = "") -> PersonRecords:
    email, phone = email.strip().lower(), _digits(phone)
    person = PersonRecords(query=email or phone)
    if not (email or phone):
        return person
    match = Q()
    if email:
        match |= Q(person_email__iexact=email)
    if phone:
        match |= Q(person_phone__regex=_phone_pattern(phone))
    person.requests = list(HelpRequest.objects.filter(match, erased_at__isnull=True)
                           .select_related("type").order_by("pk"))
    if email:
        person.account = User.objects.filter(email__iexact=email, is_active=True).first()
    return person


def _digits(phone: str) -> str:
    return "".join(c for c in phone if c.isdigit())


def _phone_pattern(digits: str) -> str:
    """The same digits, whatever spaces, dashes or brackets were typed between them."""
    return r"^\D*" + r"\D*".join(digits) + r"\D*$"


def person_export(*, person: PersonRecords, viewer: Viewer) -> str:
    """A machine-readable copy (JSON) of what the group holds about the person: every field
    of their records the viewer may see (an admin: all), audited as one reveal per kind."""
    out: dict = {"requests": _rows(viewer, person.requests, why="person's data export")}
    if person.account is not None:
        account = person.account
        out["account"] = _rows(viewer, [account], why="person's data export")[0]
        profile = getattr(account, "volunteer", None)
        if profile is not None:
            out["volunteer_profile"] = _rows(viewer, [profile], why="person's data export")[0]
            out["availability"] = _rows(viewer, list(profile.availability.all()),
                                        why="person's data export")
            from tenants.vetting.models import VettingCheck

            out["vetting_checks"] = _rows(viewer, list(VettingCheck.objects.filter(
                profile=profile)), why="person's data export")
        from tenants.documents.models import Document

        out["documents"] = _rows(viewer, list(Document.objects.filter(owner=account)),
                                 why="person's data export")
    return json.dumps(out, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _rows(viewer: Viewer, records: list, *, why: str) -> list[dict]:
    if not records:
        return []
    policy = policy_for(records[0])
    names = [n for n in policy.levels if n not in ("password",)]
    shown = show_many(viewer, records, why=why, fields=names)
    return [{n: _plain(getattr(s, n)) for n in names if s.can_see(n)} for s in shown]


def _plain(value):
    if hasattr(value, "pk") and hasattr(value, "_meta"):
        return value.pk  # a related record: its id
    if hasattr(value, "all"):  # many-to-many
        return [v.pk for v in value.all()]
    return value


# The requests export: one row per request, the columns a coordinator works with.
EXPORT_FIELDS = ("id", "created_at", "status", "type", "urgency", "channel", "person_name",
                 "person_phone", "person_email", "address", "postcode", "wanted_from",
                 "wanted_until", "recurrence", "language", "volunteer", "description")


def requests_csv(*, viewer: Viewer, policy: bool = True) -> Iterator[str]:
    """The group's requests as CSV lines, newest first, through the policy: a column the
    viewer may not see comes out empty; one audit row names what was revealed.
    (`policy=False`: the same code without the policy, for the benchmark only.)"""
    records = list(HelpRequest.objects.select_related("type", "volunteer").order_by("-pk"))
    if policy:
        rows = (shown.values(EXPORT_FIELDS) for shown in show_many(
            viewer, records, why="requests export", fields=EXPORT_FIELDS))
    else:
        rows = ([getattr(record, name) for name in EXPORT_FIELDS] for record in records)
    # Then one column per question of the group's own ("answer.<key>"), each at its level.
    extra, answers = export_columns(viewer if policy else Viewer.system(), records, "request",
                                    why="requests export")
    yield from csv_files.lines([*EXPORT_FIELDS, *extra],
                               ([*values, *more] for values, more in zip(rows, answers)))
