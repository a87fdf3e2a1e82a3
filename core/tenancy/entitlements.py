"""The group's entitlement snapshot: plan, limits and billing state, written by billing
(`billing.services`), read here by product code. Product code never asks Stripe.

Snapshot shape (`Group.entitlements`):
    {"plan": "free", "limits": {"active_volunteers": 25, ...}, "features": [...],
     "state": "free", "read_only": false, "past_due": false, ...dates as ISO strings}
A limit of None means no limit. Older snapshots may lack keys: readers fall back to the
free plan's values, never to an error.

Usage is measured by functions the product registers (`measures`), so a check here and
the billing page count the same way without core or billing importing the product.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Refused

FREE_PLAN = {
    "plan": "free",
    "limits": {"active_volunteers": 25, "coordinators": 3, "storage_mb": 200},
}

# Limits counted in a unit other than their measure's: storage is measured in bytes.
_SCALE = {"storage_mb": 1024 * 1024}

LIMIT_LABELS = {
    "active_volunteers": gettext_lazy("Active volunteers"),
    "coordinators": gettext_lazy("Coordinators"),
    "storage_mb": gettext_lazy("Storage (MB)"),
}

_measures: dict[str, Callable[[], int]] = {}


class LimitReached(Refused):
    """The group's plan has no room for this. Views show the message, and to admins a link
    to the billing page (`refusal_html`). Never raised on the public request form."""

    def __init__(self, message, *, limit: str):
        super().__init__(message)
        self.limit = limit


def measures(name: str):
    """Decorator: the function (no arguments, run in the group's schema) that measures
    usage of limit `name` (in bytes for storage)."""
    def register(fn: Callable[[], int]) -> Callable[[], int]:
        _measures[name] = fn
        return fn
    return register


def usage(name: str) -> int | None:
    """Current usage of `name` in the active group's schema, or None if nothing measures it."""
    fn = _measures.get(name)
    return int(fn()) if fn else None


def snapshot(group) -> dict:
    return getattr(group, "entitlements", None) or FREE_PLAN


def plan(group) -> str:
    return snapshot(group).get("plan", "free")


def limit(group, name: str) -> int | None:
    """The plan's limit `name` (None: no limit)."""
    limits = snapshot(group).get("limits") or {}
    return limits[name] if name in limits else FREE_PLAN["limits"].get(name)


def allows(group, feature: str) -> bool:
    return feature in (snapshot(group).get("features") or [])


def is_read_only(group) -> bool:
    """Suspended for non-payment: everything visible and exportable, nothing new."""
    return bool(snapshot(group).get("read_only"))


def is_past_due(group) -> bool:
    return bool(snapshot(group).get("past_due"))


def ensure_room(group, name: str, *, adding: int = 1) -> None:
    """Raise LimitReached when adding `adding` (in the measure's unit) would go past the
    plan's limit `name`. Run in the group's schema."""
    cap = limit(group, name)
    if cap is None:
        return
    if connection.in_atomic_block:  # two admins adding the last place at once: one waits
        list(type(group).objects.select_for_update().filter(pk=group.pk).values_list("pk"))
    used = usage(name) or 0
    if used + adding > cap * _SCALE.get(name, 1):
        raise LimitReached(_limit_message(name, cap), limit=name)


def _limit_message(name: str, cap: int) -> str:
    if name == "active_volunteers":
        return _("Your plan allows %(limit)d active volunteers, and the group has reached "
                 "that. Pause someone who is not volunteering now, or move to a bigger "
                 "plan.") % {"limit": cap}
    if name == "coordinators":
        return _("Your plan allows %(limit)d coordinators, and the group has reached that. "
                 "Move to a bigger plan to add more.") % {"limit": cap}
    if name == "storage_mb":
        return _("Your plan allows %(limit)d MB of files, and this one does not fit. "
                 "Delete files you no longer need, or move to a bigger plan.") % {"limit": cap}
    return _("Your plan's limit is reached.")


def refusal_html(refused: Refused, user) -> str:
    """A refusal's message, with a link to the plans for the group's admins."""
    if not isinstance(refused, LimitReached) or getattr(user, "role", "") != "admin":
        return refused.message
    try:
        url = reverse("billing")
    except NoReverseMatch:  # billing not wired into this site
        return refused.message
    return format_html('{} <a href="{}">{}</a>', refused.message, url, _("See plans"))
