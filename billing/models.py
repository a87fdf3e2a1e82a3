"""Billing's tables, in the public schema: one account per group, every Stripe event
received, and sponsors with their codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.tenancy.models import Group


class BillingAccount(models.Model):
    """A group's billing: its Stripe customer and subscription, and the state they put it in.
    Made on first need (the billing page, a code redeemed), so groups that never look at
    billing have no row and the free plan's snapshot."""

    class State(models.TextChoices):
        FREE = "free", _("Free")
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        SUSPENDED = "suspended", _("Read-only (unpaid)")
        CANCELLED = "cancelled", _("Cancelled")

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="+")
    # Made lazily, once, with the group's id in its metadata.
    stripe_customer_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.FREE)
    # The paid plan the subscription is for (community, network); "free" when none.
    plan = models.CharField(max_length=20, default="free")
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # Set when a payment first fails; past it, the daily sweep makes the group read-only.
    grace_ends_at = models.DateTimeField(null=True, blank=True)
    # Sponsorship: the group pays nothing through this day (inclusive).
    sponsor_code = models.OneToOneField("SponsorCode", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="account")
    sponsored_until = models.DateField(null=True, blank=True)
    # The smallest "days before the end" warning already sent (BILLING_SPONSOR_WARNING_DAYS).
    sponsor_warned_days = models.PositiveSmallIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # The daily sweep's three questions, answered from indexes.
            models.Index(fields=["state", "grace_ends_at"], name="billing_acct_state_grace"),
            models.Index(fields=["sponsored_until"], name="billing_acct_sponsored"),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.plan} ({self.state})"


class StripeEvent(models.Model):
    """A webhook from Stripe, kept before it is acted on: the event id is unique, so a
    replayed event is recognised and ignored, and one that failed can be processed again."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # What processing decided ("" while pending): "applied", "ignored: <why>", or an error.
    outcome = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "received_at"],
                                name="billing_event_pending")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class Sponsor(models.Model):
    """A council or foundation paying for up to `max_groups` groups until `ends_on`."""

    name = models.CharField(_("sponsor's name"), max_length=200)
    max_groups = models.PositiveIntegerField(_("number of groups"))
    ends_on = models.DateField(_("sponsored until"))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=254, blank=True)  # the operator's email

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SponsorCode(models.Model):
    """A code a group admin redeems to put their group on the sponsored plan. One use."""

    sponsor = models.ForeignKey(Sponsor, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(max_length=32, unique=True)
    redeemed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(Group, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.code
