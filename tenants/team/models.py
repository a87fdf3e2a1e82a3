"""Invitations to join a group's team. One table in every group's schema, kept lean: the
members themselves are core.accounts' users (with a role)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.accounts.models import User

# Neither accepted nor withdrawn: the invitation still stands (it may have expired).
OPEN = Q(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An email address invited to a role. Only the token's hash is stored: the token itself
    is in the emailed link, so the table alone lets nobody in. A resend replaces the hash,
    which kills the earlier link."""

    email = models.EmailField()  # lower-cased by the service, as accounts are
    role = models.CharField(max_length=12, choices=User.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_count = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One standing invitation per address: two admins inviting at once can't both win.
            models.UniqueConstraint(fields=["email"], condition=OPEN,
                                    name="team_one_open_invitation_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
