"""Reads for the team pages, through the privacy policy (members' emails and invitations are
for admins; each showing is in the audit log)."""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts.models import User
from core.privacy.engine import Shown, Viewer, show_many
from tenants.team.models import OPEN, Invitation
from tenants.team.services import hash_token

MEMBER_FIELDS = ("name", "email", "role")
INVITATION_FIELDS = ("email", "role", "expires_at", "sent_count", "last_sent_at")


@dataclass(frozen=True)
class Pending:
    invitation: Shown
    expired: bool


def members(*, viewer: User) -> list[Shown]:
    """The group's active members, admins first."""
    order = {User.Role.ADMIN: 0, User.Role.COORDINATOR: 1, User.Role.VOLUNTEER: 2}
    rows = sorted(User.objects.filter(is_active=True).exclude(role=""),
                  key=lambda u: (order.get(u.role, 3), u.name.lower(), u.pk))
    return show_many(Viewer.of(viewer), rows, why="team page", fields=MEMBER_FIELDS)


def member(*, viewer: User, member_id: int) -> Shown | None:
    """One active member, or None."""
    row = User.objects.filter(pk=member_id, is_active=True).exclude(role="").first()
    return show_many(Viewer.of(viewer), [row], why="team page",
                     fields=MEMBER_FIELDS)[0] if row else None


def pending_invitations(*, viewer: User) -> list[Pending]:
    """Invitations neither accepted nor withdrawn, newest first (expired ones too: they can
    be sent again)."""
    rows = list(Invitation.objects.filter(OPEN).order_by("-last_sent_at", "-pk"))
    shown = show_many(Viewer.of(viewer), rows, why="team page", fields=INVITATION_FIELDS)
    return [Pending(s, row.is_expired) for s, row in zip(shown, rows)]


def invitation_for(token: str) -> Invitation | None:
    """The invitation a link's token names in this group, whatever its state."""
    return Invitation.objects.filter(token_hash=hash_token(token or "")).first()


def team_started() -> bool:
    """For the setup checklist: someone was invited, or the admin is not alone."""
    if Invitation.objects.exists():
        return True
    return User.objects.filter(is_active=True).exclude(role="")[:2].count() > 1
