"""Writes to vetting. Each is one state change in one transaction with an audit row; a
volunteer's effective level (VolunteerProfile.vetting_level, what the hard rules read) is
recomputed whenever one of their checks changes.

not_started -> pending -> clear | needs_review | failed;  needs_review -> clear | failed;
clear -> expired (the daily sweep), or back to review if the provider says so.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.decorators import STAFF_ROLES
from core.audit.services import entry, record, record_many
from core.errors import Refused
from core.vetting import registry
from core.vetting.providers.base import Candidate, ProviderError, StatusUpdate, WebhookEvent
from core.vetting.states import CheckLevel, CheckState
from tenants.documents.models import Document
from tenants.vetting import selectors
from tenants.vetting.emails import remind
from tenants.vetting.models import ProcessedEvent, ProviderAccount, VettingCheck
from tenants.volunteers.models import VolunteerProfile

S = CheckState
MOVES = {
    S.NOT_STARTED: {S.PENDING, S.CLEAR, S.NEEDS_REVIEW, S.FAILED},
    S.PENDING: {S.CLEAR, S.NEEDS_REVIEW, S.FAILED},
    S.NEEDS_REVIEW: {S.PENDING, S.CLEAR, S.FAILED},
    S.CLEAR: {S.EXPIRED, S.NEEDS_REVIEW, S.FAILED},
    S.FAILED: set(),
    S.EXPIRED: set(),
}
OUTCOMES = (S.CLEAR, S.NEEDS_REVIEW, S.FAILED)  # what a coordinator may record


def _staff(actor) -> None:
    if getattr(actor, "role", None) not in STAFF_ROLES:
        raise Refused(_("Only coordinators and admins can do that."))


def _provider(name: str, level: str):
    try:
        adapter = registry.get(name)
    except registry.UnknownProvider:
        raise Refused(_("That vetting provider is not available.")) from None
    if level not in CheckLevel.values or level not in adapter.levels:
        raise Refused(_("That provider does not do this level of check."))
    return adapter


def request_check(*, profile_id: int, level: str, provider: str, actor,
                  date_of_birth: date | None = None, phone: str = "") -> VettingCheck:
    """Start a check for a volunteer. A provider is called first (outside any transaction:
    no row lock is held over the network); then the check is written. The date of birth
    and phone go to the provider only and are never stored here."""
    _staff(actor)
    adapter = _provider(provider, level)
    profile = VolunteerProfile.objects.select_related("user").get(pk=profile_id)
    if selectors.open_check(profile_id, level):
        raise Refused(_("This volunteer already has a check of that level under way."))
    credentials = {} if adapter.manual else selectors.credentials_for(provider)
    if credentials is None:
        raise Refused(_("An admin needs to set up this provider first."))
    try:
        started = adapter.start_check(credentials, _candidate(profile, level, date_of_birth,
                                                              phone))
    except ProviderError as error:
        raise Refused(error.message) from error
    with transaction.atomic():
        VolunteerProfile.objects.select_for_update().get(pk=profile_id)
        if selectors.open_check(profile_id, level):  # another coordinator, a moment ago
            raise Refused(_("This volunteer already has a check of that level under way."))
        check = VettingCheck.objects.create(
            profile=profile, level=level, provider=provider, state=started.state,
            provider_reference=started.reference, action_url=started.action_url,
            requested_by=actor,
        )
        record(actor=actor, action="vetting.request", target=check,
               data={"volunteer": profile_id, "level": level, "provider": provider,
                     "state": check.state})
    return check


def _candidate(profile: VolunteerProfile, level: str, date_of_birth, phone) -> Candidate:
    first, _sep, last = profile.user.name.strip().partition(" ")
    country = getattr(getattr(connection.tenant, "country", None), "code", "") or ""
    return Candidate(
        reference=f"{connection.schema_name}:volunteer:{profile.pk}", first_name=first,
        last_name=last or first, email=profile.user.email, level=level,
        date_of_birth=date_of_birth, phone=phone.strip(), country=country,
    )


@transaction.atomic
def record_verification(*, check_id: int, outcome: str, actor, expires_on: date | None = None,
                        certificate_number: str = "", document_id: int | None = None,
                        note: str = "") -> VettingCheck:
    """A coordinator records what they saw: for a manual check, the ID, references or
    certificate; for a provider's result that needs review, their decision."""
    _staff(actor)
    check = VettingCheck.objects.select_for_update().get(pk=check_id)
    manual = registry.get(check.provider).manual
    if not (manual or check.state == S.NEEDS_REVIEW) or outcome not in OUTCOMES \
            or outcome not in MOVES[check.state]:
        raise Refused(_("This check is %(state)s; it cannot be recorded now.")
                      % {"state": check.get_state_display()})
    today = selectors.group_today()
    certificate_number = certificate_number.strip()
    if outcome == S.CLEAR:
        if expires_on is None or expires_on <= today:
            raise Refused(_("A clear check needs an expiry date after today."))
        if manual and check.level == CheckLevel.ENHANCED and not certificate_number:
            raise Refused(_("An enhanced check needs its certificate number."))
    if document_id is not None and not Document.objects.filter(
            pk=document_id, owner_id=check.profile.user_id).exists():
        raise Refused(_("That document is not this volunteer's."))
    previous = check.state
    check.state = outcome
    check.expires_on = expires_on if outcome == S.CLEAR else check.expires_on
    check.certificate_number = certificate_number or check.certificate_number
    check.document_id = document_id or check.document_id
    check.reviewed_by, check.reviewed_at = actor, timezone.now()
    check.save()
    record(actor=actor, action="vetting.verify", target=check, reason=note,
           data={"from": previous, "to": outcome, "expires_on": _iso(check.expires_on),
                 "certificate": bool(check.certificate_number),
                 "document": check.document_id})
    _sync_level(check.profile_id, today, actor)
    return check


def handle_webhook(*, provider: str, event: WebhookEvent) -> str:
    """Apply a verified provider event once: "applied", "replay" (this event id was seen:
    nothing changes) or "ignored" (nothing to apply, or out of order)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                ProcessedEvent.objects.create(provider=provider, event_id=event.event_id[:100])
        except IntegrityError:
            return "replay"
        if event.update is None:
            return "ignored"
        check = _apply(provider, event.update, via=event.event_type, event_id=event.event_id)
    return "applied" if check else "ignored"


def refresh_check(*, check_id: int, actor) -> VettingCheck:
    """Ask the provider for the check's status now (when a webhook is late or missing)."""
    _staff(actor)
    check = VettingCheck.objects.get(pk=check_id)
    adapter = registry.get(check.provider)
    credentials = selectors.credentials_for(check.provider)
    if adapter.manual or not check.provider_reference or credentials is None:
        raise Refused(_("Only a provider's check can be refreshed."))
    try:
        update = adapter.fetch_status(credentials, check.provider_reference)
    except ProviderError as error:
        raise Refused(error.message) from error
    with transaction.atomic():
        _apply(check.provider, update, via="poll", actor=actor)
    check.refresh_from_db()
    return check


def _apply(provider: str, update: StatusUpdate, *, via: str, event_id: str = "",
           actor=None) -> VettingCheck | None:
    """Move the named check to the provider's state, if that move is allowed (an event that
    arrives late, e.g. "pending" after "clear", changes nothing). In a transaction."""
    check = selectors.check_for_reference(provider, update.reference).select_for_update().first()
    if check is None:
        return None
    if update.state not in MOVES[check.state]:  # the same state, or a move not allowed
        return None
    today = selectors.group_today()
    previous = check.state
    check.state = update.state
    check.provider_status = update.detail[:200]
    check.certificate_number = update.certificate_number or check.certificate_number
    if update.state == S.CLEAR:
        check.expires_on = update.expires_on or (
            (update.completed_on or today) + timedelta(days=settings.VETTING_VALID_DAYS))
    check.save()
    record(actor=actor, action="vetting.result", target=check,
           data={"provider": provider, "via": via, "event": event_id, "from": previous,
                 "to": check.state, "expires_on": _iso(check.expires_on)})
    _sync_level(check.profile_id, today, actor)
    return check


@transaction.atomic
def expire_lapsed(*, today: date) -> int:
    """Clear checks past their expiry day become expired; their volunteers' levels drop."""
    checks = list(selectors.lapsed(today).select_for_update(skip_locked=True)
                  .only("pk", "profile_id", "expires_on"))
    VettingCheck.objects.filter(pk__in=[c.pk for c in checks]).update(
        state=S.EXPIRED, updated_at=timezone.now())
    record_many(entry(actor=None, action="vetting.expire", target=c,
                      data={"expires_on": _iso(c.expires_on)}) for c in checks)
    for profile_id in sorted({c.profile_id for c in checks}):
        _sync_level(profile_id, today, None)
    return len(checks)


@transaction.atomic
def send_expiry_reminders(*, today: date, days: int | None = None) -> int:
    """Mark checks that lapse within `days` (VETTING_REMINDER_DAYS) as reminded; the emails
    go after the commit, once per check."""
    days = settings.VETTING_REMINDER_DAYS if days is None else days
    checks = list(selectors.lapsing(today, days).select_for_update(skip_locked=True)
                  .only("pk", "expires_on"))
    VettingCheck.objects.filter(pk__in=[c.pk for c in checks]).update(reminded_on=today)
    record_many(entry(actor=None, action="vetting.remind", target=c,
                      data={"expires_on": _iso(c.expires_on)}) for c in checks)
    if checks:
        transaction.on_commit(partial(remind, [c.pk for c in checks]), robust=True)
    return len(checks)


# Providers retry a webhook for days, not months: older event ids need not be kept.
KEEP_EVENT_IDS_DAYS = 90


def forget_old_events(*, today: date) -> int:
    """Housekeeping, not a change to anyone's record (so no audit row): drop processed
    webhook ids older than KEEP_EVENT_IDS_DAYS; every group's schema carries this table."""
    cutoff = today - timedelta(days=KEEP_EVENT_IDS_DAYS)
    return ProcessedEvent.objects.filter(received_at__date__lt=cutoff).delete()[0]


@transaction.atomic
def save_provider_account(*, provider: str, values: dict[str, str], actor) -> ProviderAccount:
    """An admin sets this group's credentials for a provider. A secret left blank keeps the
    one stored, so forms never need to show a secret back."""
    if not getattr(actor, "is_group_admin", False):
        raise Refused(_("Only an admin can set up vetting providers."))
    try:
        adapter = registry.get(provider)
    except registry.UnknownProvider:
        raise Refused(_("That vetting provider is not available.")) from None
    if adapter.manual:
        raise Refused(_("Manual checks need no account."))
    account = ProviderAccount.objects.select_for_update().filter(provider=provider).first()
    stored = account.credentials if account else {}
    known = {f.name: f for f in adapter.credential_fields}
    given = {k: str(v).strip() for k, v in values.items() if k in known}
    merged = {name: given.get(name) or (stored.get(name, "") if known[name].secret else "")
              for name in known}
    missing = [str(f.label) for f in adapter.credential_fields if f.required and not merged[f.name]]
    if missing:
        raise Refused(_("Please fill in: %(fields)s.") % {"fields": ", ".join(missing)})
    changed = sorted(name for name in known if merged[name] != stored.get(name, ""))
    if account is None:
        account = ProviderAccount(provider=provider)
    account.credentials, account.updated_by = merged, actor
    account.save()
    record(actor=actor, action="vetting.account", target=account,
           data={"provider": provider, "changed": changed})  # names only, never values
    return account


def _sync_level(profile_id: int, today: date, actor) -> None:
    """Keep the volunteer's level at their best clear, unexpired check."""
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile_id)
    level = selectors.effective_level(profile_id, today)
    if profile.vetting_level == level:
        return
    previous = profile.vetting_level
    VolunteerProfile.objects.filter(pk=profile_id).update(vetting_level=level)
    record(actor=actor, action="vetting.level", target=profile,
           data={"from": previous, "to": level})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None

