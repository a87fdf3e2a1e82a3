"""Erasing personal data: the fields each model declares personal (core/privacy) are blanked,
files are deleted from storage, and the rest of each row stays, so counts and the timeline's
shape survive for reports. Used by retention (on a schedule) and by an admin acting on a
person's request. Callers hold the transaction and write the audit row."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.audit.models import AuditEntry
from core.privacy.registry import policy_for


def blank(record: models.Model, *, keep: frozenset[str] = frozenset()) -> list[str]:
    """Blank `record`'s personal fields in memory; returns the columns to save."""
    changed = []
    for name in policy_for(record).personal - keep:
        field = record._meta.get_field(name)
        setattr(record, field.attname, None if field.null else field.get_default())
        changed.append(field.attname)
    return changed


def erase_request(help_request) -> None:
    """A request's person, contact, place and free text; its type, dates, status and coarse
    area stay. Timeline notes go too (people write names in them)."""
    fields = blank(help_request)
    help_request.erased_at = timezone.now()
    help_request.save(update_fields=[*fields, "erased_at", "updated_at"])
    help_request.events.exclude(note="").update(note="")


def erase_account(user) -> None:
    """A member's account: nobody can sign in as them again, and the log keeps a pseudonym
    where their email was. Their documents leave storage; their volunteer profile, checks and
    availability are blanked or removed."""
    from allauth.account.models import EmailAddress

    from tenants.documents.models import Document
    from tenants.documents.services import delete_document
    from tenants.volunteers.models import VolunteerProfile

    for document in Document.objects.filter(owner=user):
        delete_document(document=document, actor=None)
    profile = VolunteerProfile.objects.filter(user=user).first()
    if profile is not None:
        erase_volunteer_profile(profile)
    pseudonym = f"erased-{user.pk}"
    AuditEntry.objects.filter(actor=user).update(actor_label=pseudonym)
    EmailAddress.objects.filter(user=user).delete()
    fields = blank(user, keep=frozenset({"email", "password"}))
    user.email = f"{pseudonym}@erased.invalid"  # unique, and never delivers
    user.set_unusable_password()
    user.is_active = False
    user.save(update_fields=[*fields, "email", "password", "is_active"])


def erase_volunteer_profile(profile) -> None:
    from tenants.vetting.models import VettingCheck

    for check in VettingCheck.objects.filter(profile=profile):
        fields = blank(check)
        if fields:
            check.save(update_fields=fields)
    profile.availability.all().delete()
    fields = blank(profile)
    profile.erased_at = timezone.now()
    profile.save(update_fields=[*fields, "erased_at"])
