"""The entitlement snapshot billing writes into core (`Group.entitlements`), computed from
the group's billing account. Pure: no queries, no Stripe."""

from __future__ import annotations

from datetime import datetime

from billing import plans
from billing.models import BillingAccount

S = BillingAccount.State
# States in which the subscription's plan applies (suspended keeps its limits: read-only
# anyway, and nothing shrinks under a group that pays again).
PAID_STATES = frozenset({S.TRIALING, S.ACTIVE, S.PAST_DUE, S.SUSPENDED})


def sponsored(account: BillingAccount | None, *, today) -> bool:
    return bool(account and account.sponsored_until and today <= account.sponsored_until)


def effective_plan(account: BillingAccount | None, *, now: datetime) -> plans.Plan:
    if account is None:
        return plans.FREE
    if sponsored(account, today=now.date()):
        return plans.SPONSORED
    if account.state in PAID_STATES:
        return plans.get(account.plan)
    if account.state == S.CANCELLED and account.current_period_end and \
            now < account.current_period_end:
        return plans.get(account.plan)  # cancelled: paid limits until the period ends
    return plans.FREE


def compute(account: BillingAccount | None, *, now: datetime) -> dict:
    plan = effective_plan(account, now=now)
    state = account.state if account else S.FREE
    is_sponsored = sponsored(account, today=now.date())
    return {
        "plan": plan.code,
        "limits": dict(plan.limits),
        "features": sorted(plan.features),
        "state": state,
        "read_only": state == S.SUSPENDED and not is_sponsored,
        "past_due": state == S.PAST_DUE and not is_sponsored,
        "grace_ends": _iso(account.grace_ends_at if account else None),
        "period_end": _iso(account.current_period_end if account else None),
        "cancel_at_period_end": bool(account and account.cancel_at_period_end),
        "sponsored_until": _iso(account.sponsored_until if is_sponsored else None),
    }


def _iso(value) -> str | None:
    return value.isoformat() if value else None
