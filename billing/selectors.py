"""Reads for the billing pages. The group's usage is measured in its own schema through
core's measures (registered by the product), so billing never imports the product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from billing import plans, stripe_api
from billing.models import BillingAccount, Sponsor
from billing.snapshot import effective_plan, sponsored
from core.tenancy import entitlements
from core.tenancy.models import Group


@dataclass(frozen=True)
class LimitRow:
    name: str
    label: str
    limit: int | None
    used: int | None

    @property
    def full(self) -> bool:
        return self.limit is not None and self.used is not None and self.used >= self.limit


@dataclass(frozen=True)
class BillingSummary:
    configured: bool
    plan: plans.Plan
    state: str
    state_label: str
    rows: list[LimitRow]
    has_customer: bool
    offered: list[plans.Plan]
    can_subscribe: bool
    period_end: datetime | None
    cancel_at_period_end: bool
    grace_ends_at: datetime | None
    sponsored_until: date | None


def summary(group: Group) -> BillingSummary:
    """What the group's admins see on the billing page. Run in the group's schema."""
    account = BillingAccount.objects.filter(group=group).first()
    now = timezone.now()
    plan = effective_plan(account, now=now)
    state = account.state if account else BillingAccount.State.FREE
    is_sponsored = sponsored(account, today=now.date())
    return BillingSummary(
        configured=stripe_api.configured(), plan=plan, state=state,
        state_label=BillingAccount.State(state).label,
        rows=_rows(plan),
        has_customer=bool(account and account.stripe_customer_id),
        offered=plans.offered() if stripe_api.configured() else [],
        can_subscribe=not is_sponsored and state not in (
            BillingAccount.State.TRIALING, BillingAccount.State.ACTIVE,
            BillingAccount.State.PAST_DUE, BillingAccount.State.SUSPENDED),
        period_end=account.current_period_end if account else None,
        cancel_at_period_end=bool(account and account.cancel_at_period_end),
        grace_ends_at=account.grace_ends_at if account else None,
        sponsored_until=account.sponsored_until if is_sponsored else None,
    )


def _rows(plan: plans.Plan) -> list[LimitRow]:
    rows = []
    for name, limit in plan.limits.items():
        used = entitlements.usage(name)
        if used is not None and name == "storage_mb":
            used = -(-used // (1024 * 1024))  # bytes -> MB, rounded up
        rows.append(LimitRow(name=name, label=str(entitlements.LIMIT_LABELS.get(name, name)),
                             limit=limit, used=used))
    return rows


def sponsors():
    """Operators' list: each sponsor with how many of its codes were redeemed."""
    return Sponsor.objects.annotate(
        redeemed=Count("codes", filter=Q(codes__redeemed_at__isnull=False)),
        code_count=Count("codes"),
    ).prefetch_related("codes")
