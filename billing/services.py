"""Writes to billing. Every change of a group's billing state is one call here, with an audit
row, and ends by writing the group's entitlement snapshot in core (then routing forgets the
cached group, after the commit).

Audit rows go into the *group's* schema (its admins read them under Records -> Audit log,
and the acting admin is a user of that schema); operators' sponsor rows go into public.

The subscription state machine (BillingAccount.State):
    free -> trialing | active        (checkout completed)
    trialing | active -> past_due    (a payment failed; grace of BILLING_GRACE_DAYS starts)
    past_due -> suspended            (grace over: read-only, never deleted)
    past_due | suspended -> active   (paid)
    any paid -> cancelled            (subscription deleted: paid limits until period end)
    cancelled -> free                (period over), any -> free (customer deleted)
State is derived from the subscription object as Stripe has it now (re-fetched), so events
that arrive twice or out of order converge.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from billing import emails, plans, stripe_api
from billing.models import BillingAccount, Sponsor, SponsorCode, StripeEvent
from billing.snapshot import PAID_STATES, compute, sponsored
from core.audit.services import record
from core.errors import Refused
from core.tenancy import routing
from core.tenancy.models import Group

S = BillingAccount.State
# Stripe's subscription statuses -> ours (past_due needs the grace rule, see _derive).
_FROM_STRIPE = {"active": S.ACTIVE, "trialing": S.TRIALING, "past_due": S.PAST_DUE,
                "unpaid": S.PAST_DUE, "paused": S.PAST_DUE, "canceled": S.CANCELLED,
                "incomplete_expired": S.CANCELLED}
_LIVE_STRIPE = frozenset({"active", "trialing", "past_due", "unpaid", "paused"})
_EMAIL_ON = {S.PAST_DUE: "past_due", S.SUSPENDED: "suspended", S.CANCELLED: "cancelled"}


class BillingRefused(Refused):
    """A billing action is not possible now; the message says why."""


# --- the account and its snapshot -------------------------------------------------------

def account_for(group: Group, *, lock: bool = False) -> BillingAccount:
    account, _created = BillingAccount.objects.get_or_create(group=group)
    if lock:
        account = BillingAccount.objects.select_for_update().get(pk=account.pk)
    return account


def _publish(account: BillingAccount, *, now: datetime) -> None:
    """Write the snapshot product code reads, and drop the cached group after the commit."""
    Group.objects.filter(pk=account.group_id).update(entitlements=compute(account, now=now))
    hosts = list(Group.objects.get(pk=account.group_id).domains.values_list("domain", flat=True))
    transaction.on_commit(lambda: routing.forget(*hosts))


def _audit(account: BillingAccount, *, actor, action: str, reason: str = "",
           data: dict | None = None) -> None:
    with schema_context(account.group.schema_name):
        record(actor=actor, action=action, target=account, reason=reason, data=data)


def _email_after_commit(account: BillingAccount, kind: str, **context) -> None:
    group_id = account.group_id
    transaction.on_commit(lambda: emails.tell_admins(group_id=group_id, kind=kind, **context),
                          robust=True)


def _move(account: BillingAccount, *, to: str, actor, reason: str, now: datetime) -> None:
    """One transition: the state, its audit row, the snapshot, the admins' email."""
    before = account.state
    account.state = to
    if to in (S.ACTIVE, S.TRIALING, S.FREE, S.CANCELLED):
        account.grace_ends_at = None
    if to == S.FREE:
        account.plan, account.current_period_end = "free", None
        account.cancel_at_period_end = False
    account.save()
    _audit(account, actor=actor, action="billing.state", reason=reason,
           data={"from": before, "to": to, "plan": account.plan})
    _publish(account, now=now)
    if to in _EMAIL_ON and not sponsored(account, today=now.date()):
        when = account.grace_ends_at if to == S.PAST_DUE else account.current_period_end
        _email_after_commit(account, _EMAIL_ON[to], date=when)
    elif to == S.ACTIVE and before in (S.PAST_DUE, S.SUSPENDED):
        _email_after_commit(account, "restored")


# --- checkout and portal ------------------------------------------------------------------

def _unavailable() -> BillingRefused:
    return BillingRefused(_("Stripe could not be reached. Please try again in a few minutes."))


def ensure_customer(*, group: Group, actor) -> BillingAccount:
    """The group's Stripe customer, created on first need and only once: the account row is
    locked while Stripe is asked, and the request carries an idempotency key."""
    with transaction.atomic():
        account = account_for(group, lock=True)
        if account.stripe_customer_id:
            return account
        try:
            customer = stripe_api.create_customer(
                group_id=group.pk, name=group.name, email=getattr(actor, "email", "") or "")
        except stripe_api.StripeError:
            raise _unavailable() from None
        account.stripe_customer_id = customer["id"]
        account.save(update_fields=["stripe_customer_id", "updated_at"])
        _audit(account, actor=actor, action="billing.customer",
               data={"customer": customer["id"]})
        return account


def start_checkout(*, group: Group, plan_code: str, actor, success_url: str,
                   cancel_url: str) -> str:
    """The URL of a Stripe Checkout page (subscription mode) for a paid plan."""
    plan = plans.PLANS.get(plan_code)
    if plan is None or not plan.paid or not plan.price_id:
        raise BillingRefused(_("This plan is not available."))
    account = account_for(group)
    now = timezone.now()
    if sponsored(account, today=now.date()):
        raise BillingRefused(_("A sponsor pays for this group until %(date)s: there is "
                               "nothing to pay.") % {"date": account.sponsored_until})
    if account.state in PAID_STATES:
        raise BillingRefused(_("This group already has a subscription. Change or pay it "
                               "through “Manage subscription”."))
    account = ensure_customer(group=group, actor=actor)
    try:
        session = stripe_api.create_checkout_session(
            customer_id=account.stripe_customer_id, price_id=plan.price_id, group_id=group.pk,
            success_url=success_url, cancel_url=cancel_url)
    except stripe_api.StripeError:
        raise _unavailable() from None
    with transaction.atomic():
        _audit(account, actor=actor, action="billing.checkout",
               data={"plan": plan.code, "session": session["id"]})
    return session["url"]


def open_portal(*, group: Group, actor, return_url: str) -> str:
    """The URL of the group's Stripe customer portal (payment details, plan, cancel)."""
    account = account_for(group)
    if not account.stripe_customer_id:
        raise BillingRefused(_("This group has no subscription to manage yet."))
    try:
        session = stripe_api.create_portal_session(customer_id=account.stripe_customer_id,
                                                   return_url=return_url)
    except stripe_api.StripeError:
        raise _unavailable() from None
    with transaction.atomic():
        _audit(account, actor=actor, action="billing.portal")
    return session["url"]


# --- webhooks -------------------------------------------------------------------------------

@transaction.atomic
def receive_event(*, event: dict) -> tuple[StripeEvent, bool]:
    """Keep a verified event (durably, before anything acts on it) and queue its processing
    after the commit. An event id seen before is not queued again: (row, False)."""
    from billing.tasks import process_stripe_event

    row, created = StripeEvent.objects.get_or_create(
        event_id=event["id"], defaults={"type": event.get("type", ""), "payload": event})
    if created:
        transaction.on_commit(lambda: process_stripe_event.delay(row.event_id), robust=True)
    return row, created


def process_event(*, event_id: str, now: datetime | None = None) -> str:
    """Act on a stored event once; returns what was decided. Raises StripeUnavailable (the
    task retries) without marking it processed."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            row = StripeEvent.objects.select_for_update().get(event_id=event_id)
            if row.processed_at:
                return row.outcome
            obj = (row.payload.get("data") or {}).get("object") or {}
            return _done(row, _apply(row.type, obj, now=now), now=now)
    except stripe_api.StripeUnavailable:
        raise
    except stripe_api.StripeError as error:
        # Stripe refused (e.g. the subscription is gone): trying again would not help. Kept
        # with the reason, state untouched.
        with transaction.atomic():
            row = StripeEvent.objects.select_for_update().get(event_id=event_id)
            return _done(row, f"error: {error}", now=now)


def _done(row: StripeEvent, outcome: str, *, now: datetime) -> str:
    row.processed_at, row.outcome = now, outcome[:255]
    row.attempts += 1
    row.save(update_fields=["processed_at", "outcome", "attempts"])
    return row.outcome


def _apply(kind: str, obj: dict, *, now: datetime) -> str:
    reason = f"stripe: {kind}"
    if kind == "checkout.session.completed":
        account = _account_by(customer=obj.get("customer"), metadata=obj.get("metadata"),
                              group_id=obj.get("client_reference_id"))
        if account is None:
            return "ignored: unknown customer"
        if not obj.get("subscription"):
            return "ignored: no subscription"
        return _sync(account, _fetch(obj["subscription"], None), reason=reason, now=now)
    if kind.startswith("customer.subscription."):
        account = _account_by(customer=obj.get("customer"), metadata=obj.get("metadata"))
        if account is None:
            return "ignored: unknown customer"
        return _sync(account, _fetch(obj["id"], obj), reason=reason, now=now)
    if kind in ("invoice.paid", "invoice.payment_failed"):
        subscription_id = _invoice_subscription(obj)
        account = _account_by(customer=obj.get("customer"))
        if account is None or not subscription_id:
            return "ignored: not a subscription of a known customer"
        return _sync(account, _fetch(subscription_id, None), reason=reason, now=now)
    if kind == "customer.deleted":
        account = _account_by(customer=obj.get("id"))
        if account is None:
            return "ignored: unknown customer"
        account.stripe_customer_id, account.stripe_subscription_id = None, ""
        if account.state != S.FREE:
            _move(account, to=S.FREE, actor=None, reason=reason, now=now)
        else:
            account.save()
        return "applied"
    return "ignored: not handled"


def _account_by(*, customer=None, metadata=None, group_id=None) -> BillingAccount | None:
    """The account an object is about: by customer id, else by the group id we put in the
    metadata (adopting that customer). Locked for the rest of the transaction."""
    found = BillingAccount.objects.select_for_update().filter(stripe_customer_id=customer) \
        .first() if customer else None
    group_id = (metadata or {}).get("group_id") or group_id
    if found is None and group_id and str(group_id).isdigit():
        group = Group.objects.filter(pk=int(group_id)).first()
        if group is not None:
            found = account_for(group, lock=True)
            if customer and not found.stripe_customer_id:
                found.stripe_customer_id = customer
                found.save(update_fields=["stripe_customer_id", "updated_at"])
            elif customer and found.stripe_customer_id != customer:
                return None  # another customer's object naming this group: not ours
    return found


def _invoice_subscription(invoice: dict) -> str:
    # Pinned API versions keep it under parent.subscription_details; older ones at the top.
    details = ((invoice.get("parent") or {}).get("subscription_details") or {})
    found = details.get("subscription") or invoice.get("subscription") or ""
    return found if isinstance(found, str) else found.get("id", "")


def _fetch(subscription_id: str, fallback: dict | None) -> dict:
    """The subscription as Stripe has it now: events may be stale or out of order."""
    try:
        return stripe_api.get_subscription(subscription_id)
    except stripe_api.StripeUnavailable:
        raise
    except stripe_api.StripeError:
        if fallback is not None:  # gone at Stripe (e.g. its customer was deleted)
            return fallback
        raise


def _period_end(subscription: dict) -> datetime | None:
    items = ((subscription.get("items") or {}).get("data") or [])
    stamp = max((i.get("current_period_end") or 0 for i in items), default=0) \
        or subscription.get("current_period_end")
    return datetime.fromtimestamp(stamp, tz=dt_timezone.utc) if stamp else None


def _price(subscription: dict) -> str:
    items = ((subscription.get("items") or {}).get("data") or [])
    price = (items[0].get("price") or {}) if items else {}
    return price if isinstance(price, str) else price.get("id", "")


def _derive(account: BillingAccount, status: str, *, now: datetime) -> str | None:
    to = _FROM_STRIPE.get(status)
    if to == S.PAST_DUE:
        if account.state == S.SUSPENDED:
            return S.SUSPENDED  # stays read-only until paid
        if account.grace_ends_at and now >= account.grace_ends_at:
            return S.SUSPENDED  # the sweep ran late, or an old event came last
    return to


def _sync(account: BillingAccount, subscription: dict, *, reason: str, now: datetime) -> str:
    status = subscription.get("status", "")
    if account.stripe_subscription_id and account.stripe_subscription_id != subscription["id"] \
            and status not in _LIVE_STRIPE:
        return "ignored: an earlier subscription"
    to = _derive(account, status, now=now)
    if to is None:  # incomplete: checkout not paid yet
        return "ignored: subscription not started"
    plan = plans.for_price(_price(subscription))
    account.stripe_subscription_id = subscription["id"]
    account.current_period_end = _period_end(subscription)
    account.cancel_at_period_end = bool(subscription.get("cancel_at_period_end"))
    plan_before, account.plan = account.plan, (plan.code if plan else account.plan)
    if to == S.PAST_DUE and not account.grace_ends_at:
        account.grace_ends_at = now + timedelta(days=settings.BILLING_GRACE_DAYS)
    if to == S.CANCELLED and (account.current_period_end or now) <= now:
        to = S.FREE  # nothing left of the paid period
    if to != account.state:
        _move(account, to=to, actor=None, reason=reason, now=now)
    else:
        account.save()
        if plan_before != account.plan:
            _audit(account, actor=None, action="billing.plan", reason=reason,
                   data={"from": plan_before, "to": account.plan})
        _publish(account, now=now)
    return "applied"


# --- the daily sweep's transitions ---------------------------------------------------------

def suspend_overdue(*, now: datetime | None = None) -> int:
    """Past-due groups whose grace is over become read-only, unless Stripe says they paid
    meanwhile (a lost webhook). Returns how many were suspended."""
    now = now or timezone.now()
    count = 0
    for pk in BillingAccount.objects.filter(state=S.PAST_DUE, grace_ends_at__lte=now) \
            .values_list("pk", flat=True):
        with transaction.atomic():
            account = BillingAccount.objects.select_for_update().select_related("group") \
                .get(pk=pk)
            if account.state != S.PAST_DUE:
                continue
            if account.stripe_subscription_id:
                try:
                    _sync(account, stripe_api.get_subscription(account.stripe_subscription_id),
                          reason="grace period over", now=now)
                except stripe_api.StripeError:
                    _move(account, to=S.SUSPENDED, actor=None, reason="grace period over",
                          now=now)
            else:
                _move(account, to=S.SUSPENDED, actor=None, reason="grace period over", now=now)
            count += account.state == S.SUSPENDED
    return count


def end_cancelled_periods(*, now: datetime | None = None) -> int:
    """Cancelled subscriptions whose paid period is over: back to the free plan."""
    now = now or timezone.now()
    count = 0
    for pk in BillingAccount.objects.filter(state=S.CANCELLED, current_period_end__lte=now) \
            .values_list("pk", flat=True):
        with transaction.atomic():
            account = BillingAccount.objects.select_for_update().get(pk=pk)
            if account.state == S.CANCELLED:
                _move(account, to=S.FREE, actor=None, reason="paid period over", now=now)
                count += 1
    return count


def retry_pending_events(*, now: datetime | None = None, older_than_minutes: int = 10) -> int:
    """Process events stored but never processed (a worker lost, Stripe down at the time)."""
    from billing.tasks import process_stripe_event

    now = now or timezone.now()
    pending = StripeEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=now - timedelta(minutes=older_than_minutes)
    ).order_by("received_at").values_list("event_id", flat=True)[:500]
    for event_id in pending:
        process_stripe_event.delay(event_id)
    return len(pending)


# --- sponsorship ---------------------------------------------------------------------------

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


@transaction.atomic
def create_sponsor(*, name: str, max_groups: int, ends_on: date, actor,
                   codes: int | None = None, today: date | None = None) -> Sponsor:
    """A sponsor paying for up to `max_groups` groups through `ends_on`, with `codes`
    one-use codes (as many as groups unless told). Run by an operator (public schema)."""
    today = today or timezone.localdate()
    name = (name or "").strip()
    codes = max_groups if codes is None else codes
    if not name:
        raise BillingRefused(_("Give the sponsor a name."))
    if max_groups < 1 or codes < 1 or codes > 10000:
        raise BillingRefused(_("A sponsor pays for at least one group, with 1 to 10,000 codes."))
    if ends_on <= today:
        raise BillingRefused(_("The end date must be in the future."))
    sponsor = Sponsor.objects.create(name=name, max_groups=max_groups, ends_on=ends_on,
                                     created_by=getattr(actor, "email", "") or "")
    SponsorCode.objects.bulk_create(SponsorCode(sponsor=sponsor, code=_new_code())
                                    for _i in range(codes))
    record(actor=actor, action="billing.sponsor_create", target=sponsor,
           data={"max_groups": max_groups, "ends_on": ends_on.isoformat(), "codes": codes})
    return sponsor


@transaction.atomic
def redeem_code(*, group: Group, code: str, actor, today: date | None = None) -> BillingAccount:
    """Put the group on the sponsored plan until the sponsor's end date."""
    today = today or timezone.localdate()
    now = timezone.now()
    found = SponsorCode.objects.select_for_update().select_related("sponsor") \
        .filter(code=normalise_code(code)).first()
    if found is None:
        raise BillingRefused(_("This code is not known. Check it and try again."))
    if found.redeemed_at is not None:
        raise BillingRefused(_("This code has already been used."))
    sponsor = Sponsor.objects.select_for_update().get(pk=found.sponsor_id)
    if sponsor.ends_on < today:
        raise BillingRefused(_("This sponsorship has ended."))
    if sponsor.codes.filter(redeemed_at__isnull=False).count() >= sponsor.max_groups:
        raise BillingRefused(_("This sponsor already pays for as many groups as it can."))
    account = account_for(group, lock=True)
    if sponsored(account, today=today):
        raise BillingRefused(_("This group is already sponsored until %(date)s.")
                             % {"date": account.sponsored_until})
    if account.state in PAID_STATES:
        raise BillingRefused(_("This group has a paid subscription. Cancel it through "
                               "“Manage subscription” first, then redeem the code."))
    found.redeemed_at, found.redeemed_by = now, group
    found.save(update_fields=["redeemed_at", "redeemed_by"])
    account.sponsor_code, account.sponsored_until = found, sponsor.ends_on
    account.sponsor_warned_days = None
    account.save()
    _audit(account, actor=actor, action="billing.sponsored",
           data={"sponsor": sponsor.name, "until": sponsor.ends_on.isoformat()})
    _publish(account, now=now)
    _email_after_commit(account, "sponsored", date=sponsor.ends_on)
    return account


def warn_expiring_sponsorships(*, today: date | None = None) -> int:
    """Email admins BILLING_SPONSOR_WARNING_DAYS before a sponsorship ends (each warning
    once; a late sweep sends only the nearest). Returns how many groups were warned."""
    today = today or timezone.localdate()
    thresholds = sorted(settings.BILLING_SPONSOR_WARNING_DAYS)
    if not thresholds:
        return 0
    count = 0
    horizon = today + timedelta(days=thresholds[-1])
    for pk in BillingAccount.objects.filter(sponsored_until__gte=today,
                                            sponsored_until__lte=horizon) \
            .values_list("pk", flat=True):
        with transaction.atomic():
            account = BillingAccount.objects.select_for_update().get(pk=pk)
            days_left = (account.sponsored_until - today).days
            due = next((t for t in thresholds if days_left <= t), None)
            if due is None or (account.sponsor_warned_days is not None
                               and account.sponsor_warned_days <= due):
                continue
            account.sponsor_warned_days = due
            account.save(update_fields=["sponsor_warned_days", "updated_at"])
            _audit(account, actor=None, action="billing.sponsor_warning",
                   data={"days_left": days_left})
            _email_after_commit(account, "sponsor_ending", date=account.sponsored_until,
                                days=days_left)
            count += 1
    return count


def end_sponsorships(*, today: date | None = None) -> int:
    """Sponsorships past their end date: the group falls back to the free plan (or to its
    own subscription). Returns how many ended."""
    today = today or timezone.localdate()
    now = timezone.now()
    count = 0
    for pk in BillingAccount.objects.filter(sponsored_until__lt=today) \
            .values_list("pk", flat=True):
        with transaction.atomic():
            account = BillingAccount.objects.select_for_update().get(pk=pk)
            if not account.sponsored_until or account.sponsored_until >= today:
                continue
            ended, account.sponsored_until = account.sponsored_until, None
            account.sponsor_warned_days = None
            account.save()
            _audit(account, actor=None, action="billing.sponsorship_end",
                   data={"ended": ended.isoformat()})
            _publish(account, now=now)
            _email_after_commit(account, "sponsor_ended")
            count += 1
    return count
