"""Plans as data. Each plan's limits and features are what the group's entitlement snapshot
says once billing puts the group on it; product code reads only the snapshot. A limit of
None is no limit. Paid plans are sold through the Stripe price named by their setting; a
plan whose price is not set is not offered."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.tenancy.entitlements import FREE_PLAN


@dataclass(frozen=True)
class Plan:
    code: str
    name: str | Promise
    summary: str | Promise
    limits: dict[str, int | None]
    features: tuple[str, ...] = ()
    price_setting: str = ""  # the setting naming its Stripe price; "" = not sold
    price_label: str | Promise = ""

    @property
    def price_id(self) -> str:
        return getattr(settings, self.price_setting, "") if self.price_setting else ""

    @property
    def paid(self) -> bool:
        return bool(self.price_setting)


# Features a plan may turn on (checked with core.tenancy.entitlements.allows).
SMS = "sms"
CUSTOM_DOMAIN = "custom_domain"

FREE = Plan(
    code="free", name=_("Free"), summary=_("For a street or a small village."),
    limits=dict(FREE_PLAN["limits"]),  # core's default snapshot: one source of truth
)
COMMUNITY = Plan(
    code="community", name=_("Community"), summary=_("For a neighbourhood or a small town."),
    limits={"active_volunteers": 250, "coordinators": 15, "storage_mb": 5 * 1024},
    features=(SMS,), price_setting="STRIPE_PRICE_COMMUNITY", price_label=_("a month"),
)
NETWORK = Plan(
    code="network", name=_("Network"), summary=_("For a city or a network of groups."),
    limits={"active_volunteers": None, "coordinators": None, "storage_mb": 50 * 1024},
    features=(SMS, CUSTOM_DOMAIN), price_setting="STRIPE_PRICE_NETWORK",
    price_label=_("a month"),
)
SPONSORED = Plan(
    code="sponsored", name=_("Sponsored"),
    summary=_("Paid for by a sponsor: the Community plan's limits, at no cost to the group."),
    limits=dict(COMMUNITY.limits), features=COMMUNITY.features,
)

PLANS: dict[str, Plan] = {p.code: p for p in (FREE, COMMUNITY, NETWORK, SPONSORED)}
PAID: tuple[Plan, ...] = (COMMUNITY, NETWORK)


def get(code: str) -> Plan:
    return PLANS.get(code, FREE)


def for_price(price_id: str) -> Plan | None:
    """The paid plan sold at this Stripe price, if any."""
    return next((p for p in PAID if price_id and p.price_id == price_id), None)


def offered() -> list[Plan]:
    """Paid plans with a price configured."""
    return [p for p in PAID if p.price_id]
