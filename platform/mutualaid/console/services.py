"""Operators' writes on the fleet: suspend, resume, add a custom domain, export, close, and
dropping closed groups after their grace period. Keyword-only, atomic, and each one leaves a
row in the public audit log naming the operator (or the platform, for the daily drop)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from core.audit.services import record
from core.documents.storage import documents_storage
from core.errors import Refused
from core.tenancy import routing
from core.tenancy.fleet import drop_groups
from core.tenancy.models import Domain, Group
from mutualaid.console import export
from mutualaid.console.hostnames import clean_hostname
from mutualaid.console.models import GroupExport, TaskFailure

logger = logging.getLogger(__name__)
Status = Group.Status


@transaction.atomic
def create_operator(*, email: str, name: str, password: str, superuser: bool = False):
    """A platform operator: a public-schema user with is_staff (call in the public schema).
    Raises Refused if the address already has an account."""
    from allauth.account.models import EmailAddress

    from core.accounts.models import User

    if User.objects.filter(email__iexact=email).exists():
        raise Refused(_("%(email)s already has an account.") % {"email": email})
    user = User.objects.create_user(email, password, name=name or email.split("@")[0],
                                    is_staff=True, is_superuser=superuser)
    # Verified: given by whoever runs the platform, so password resets reach them.
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    record(actor=None, action="operator.create", target=user, data={"superuser": superuser})
    return user


def _locked(group: Group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def _forget_after_commit(group: Group) -> None:
    hosts = list(group.domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))  # routing caches the group row


def _set_status(*, group: Group, status: str, closes_at: datetime | None, actor, action: str,
                reason: str) -> Group:
    before = group.status
    group.status, group.closes_at = status, closes_at
    group.save(update_fields=["status", "closes_at"])
    record(actor=actor, action=action, target=group, reason=reason,
           data={"from": before, "to": status,
                 "closes_at": closes_at.isoformat() if closes_at else None})
    _forget_after_commit(group)
    return group


@transaction.atomic
def suspend_group(*, group: Group, actor, reason: str) -> Group:
    """Take an active group offline: its hosts show a page saying it is paused."""
    group = _locked(group)
    if group.status != Status.ACTIVE:
        raise Refused(_("Only an active group can be suspended."))
    return _set_status(group=group, status=Status.SUSPENDED, closes_at=None, actor=actor,
                       action="group.suspend", reason=reason)


@transaction.atomic
def resume_group(*, group: Group, actor, reason: str = "") -> Group:
    """Bring a suspended group back, or call off a closing."""
    group = _locked(group)
    if group.status == Status.ACTIVE:
        raise Refused(_("This group is already active."))
    return _set_status(group=group, status=Status.ACTIVE, closes_at=None, actor=actor,
                       action="group.resume", reason=reason)


@transaction.atomic
def close_group(*, group: Group, actor, reason: str, now: datetime | None = None) -> Group:
    """Start closing a group: its hosts say so (signing in and exports still work) and its
    schema is dropped once GROUP_CLOSING_GRACE_DAYS have passed."""
    group = _locked(group)
    if group.status == Status.CLOSING:
        raise Refused(_("This group is already closing."))
    closes_at = (now or timezone.now()) + timedelta(days=settings.GROUP_CLOSING_GRACE_DAYS)
    return _set_status(group=group, status=Status.CLOSING, closes_at=closes_at, actor=actor,
                       action="group.close", reason=reason)


@transaction.atomic
def add_domain(*, group: Group, hostname: str, actor) -> Domain:
    """Serve the group at a custom domain as well (its DNS is the group's to point here)."""
    host = clean_hostname(hostname)
    group = _locked(group)
    if Domain.objects.filter(domain=host).exists():
        raise Refused(_("%(host)s is already in use.") % {"host": host})
    try:
        with transaction.atomic():  # a racing add of the same host: refused, not a 500
            domain = Domain.objects.create(domain=host, tenant=group, is_primary=False)
    except IntegrityError:
        raise Refused(_("%(host)s is already in use.") % {"host": host}) from None
    record(actor=actor, action="group.domain.add", target=group, data={"domain": host})
    transaction.on_commit(lambda: routing.forget(host))
    return domain


def export_group(*, group: Group, actor, reason: str = "") -> GroupExport:
    """Write the group's data (export.build) to the documents storage under its prefix and
    name it in GroupExport. The file is written first and deleted again if the row cannot
    be saved. Call outside a transaction: the bundle can be large."""
    with schema_context(group.schema_name):
        bundle = export.build(schema_name=group.schema_name, group_name=group.name)
        storage = documents_storage()
        try:
            key = storage.save("export.zip", File(bundle.file, name="export.zip"))
        finally:
            bundle.file.close()
    try:
        return _name_export(group=group, key=key, bundle=bundle, actor=actor, reason=reason)
    except BaseException:
        with schema_context(group.schema_name):
            storage.delete(key)
        raise


@transaction.atomic
def _name_export(*, group: Group, key: str, bundle: export.Bundle, actor,
                 reason: str) -> GroupExport:
    row = GroupExport.objects.create(
        group=group, schema_name=group.schema_name, group_name=group.name, key=key,
        size=bundle.size, tables=bundle.tables, rows=bundle.rows, reason=reason[:200],
        requested_by=actor if getattr(actor, "pk", None) else None)
    record(actor=actor, action="group.export", target=group, reason=reason,
           data={"export": row.pk, "tables": bundle.tables, "rows": bundle.rows,
                 "bytes": bundle.size})
    return row


def record_export_download(*, export_row: GroupExport, actor) -> None:
    record(actor=actor, action="group.export.download", target=export_row,
           data={"schema": export_row.schema_name})


def drop_closed_groups(*, now: datetime | None = None) -> list[str]:
    """Drop each closing group whose grace period is over: a final export first (kept, with
    its row), then the schema, domains and row (core.tenancy.fleet.drop_groups), then the
    group's other files. One group failing does not stop the others."""
    now = now or timezone.now()
    due = list(Group.objects.filter(status=Status.CLOSING, closes_at__lte=now).order_by("pk"))
    dropped = []
    for group in due:
        try:
            _drop_one(group)
        except Exception:
            logger.exception("could not drop closed group %s", group.schema_name)
            continue
        dropped.append(group.schema_name)
    TaskFailure.objects.filter(at__lt=now - timedelta(days=30)).delete()
    return dropped


def _drop_one(group: Group) -> None:
    final = export_group(group=group, actor=None, reason="final export before the drop")
    with schema_context(group.schema_name):
        files = _group_files(group)
    with transaction.atomic():
        group = _locked(group)
        if group.status != Status.CLOSING:  # resumed meanwhile
            return
        record(actor=None, action="group.drop", target=group, reason="closing grace period over",
               data={"schema": group.schema_name, "name": group.name, "export": final.pk,
                     "closes_at": group.closes_at.isoformat() if group.closes_at else None})
        drop_groups(Group.objects.filter(pk=group.pk))
    storage = documents_storage()
    with schema_context(group.schema_name):
        for key in files:
            try:
                storage.delete(key)
            except Exception:
                logger.warning("could not delete a file of dropped group %s", group.schema_name)


def _group_files(group: Group) -> list[str]:
    """The group's own files (documents, logo), gone with it; exports are not among them."""
    from tenants.documents.models import Document

    keys = list(Document.objects.values_list("key", flat=True))
    logo = getattr(group, "brand_logo_key", "")
    return keys + ([logo] if logo else [])
