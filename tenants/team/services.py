"""Writes to the team: invitations (invite, resend, revoke, accept) and members (change role,
remove). Each is one change in one transaction with an audit row; emails go after the commit.
Audit rows name ids and roles, never an email address.

The last-admin rule: a group always keeps at least one active admin. Role changes and
removals lock every active admin's row first (in id order), so two admins removing or
demoting each other at the same moment are serialised and the second sees the first's result.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.accounts.models import User
from core.accounts.services import create_member
from core.audit.services import record
from core.errors import Refused
from tenants.team import emails
from tenants.team.models import OPEN, Invitation

NAME_MAX = User._meta.get_field("name").max_length
EMAIL_MAX = Invitation._meta.get_field("email").max_length


class InvitationUnusable(Refused):
    """The link itself is no good (unknown, withdrawn, replaced, used or expired): nothing the
    person can fix on the form."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=settings.TEAM_INVITATION_DAYS)


def _admin(actor) -> None:
    if not (getattr(actor, "is_group_admin", False) and actor.is_active):
        raise Refused(_("Only an admin can do that."))


def _role(role: str) -> str:
    if role not in User.Role.values:
        raise Refused(_("Please choose a role: admin, coordinator or volunteer."))
    return role


def _email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise Refused(_("Please enter a valid email address.")) from None
    if len(email) > EMAIL_MAX:
        raise Refused(_("That email address is too long."))
    return email


# --- invitations -------------------------------------------------------------------------

@transaction.atomic
def invite(*, email: str, role: str, actor: User, site_url: str) -> Invitation:
    """An admin invites an address to a role; the link goes out after the commit.
    `site_url`: the group's address as its people reach it (scheme, host, port)."""
    _admin(actor)
    email, role = _email(email), _role(role)
    if User.objects.filter(email__iexact=email, is_active=True).exists():
        raise Refused(_("%(email)s is already a member of this group.") % {"email": email})
    standing = Invitation.objects.select_for_update().filter(OPEN, email=email).first()
    if standing is not None and not standing.is_expired:
        raise Refused(_("%(email)s has already been invited. You can send the invitation "
                        "again from the list of invitations.") % {"email": email})
    replaced = None
    if standing is not None:  # expired and never used: the new one takes its place
        standing.revoked_at = timezone.now()
        standing.save(update_fields=["revoked_at"])
        replaced = standing.pk
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():  # another admin inviting the same address this instant
            invitation = Invitation.objects.create(
                email=email, role=role, token_hash=hash_token(token), invited_by=actor,
                expires_at=timezone.now() + _lifetime())
    except IntegrityError:
        raise Refused(_("%(email)s has already been invited. You can send the invitation "
                        "again from the list of invitations.") % {"email": email}) from None
    record(actor=actor, action="team.invite", target=invitation,
           data={"role": role, **({"replaces": replaced} if replaced else {})})
    _send_after_commit(invitation, token, actor, site_url)
    return invitation


@transaction.atomic
def resend(*, invitation_id: int, actor: User, site_url: str) -> Invitation:
    """A new link (and a new expiry date); the earlier link stops working."""
    _admin(actor)
    invitation = _open_invitation(invitation_id)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.expires_at = now + _lifetime()
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save(update_fields=["token_hash", "expires_at", "sent_count", "last_sent_at"])
    record(actor=actor, action="team.resend", target=invitation,
           data={"sent_count": invitation.sent_count})
    _send_after_commit(invitation, token, actor, site_url)
    return invitation


@transaction.atomic
def revoke(*, invitation_id: int, actor: User) -> Invitation:
    _admin(actor)
    invitation = _open_invitation(invitation_id)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(actor=actor, action="team.revoke", target=invitation, data={"role": invitation.role})
    return invitation


def _open_invitation(invitation_id: int) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(OPEN, pk=invitation_id).first()
    if invitation is None:
        raise Refused(_("This invitation has already been accepted or withdrawn."))
    return invitation


def _send_after_commit(invitation: Invitation, token: str, actor: User, site_url: str) -> None:
    # Everything the email needs is taken now: after the commit the connection may have moved
    # to another schema, and the token exists nowhere but here and in the email.
    group = connection.tenant
    message = emails.Invitation(
        to=invitation.email, role=invitation.role, url=f"{site_url}/team/join/{token}/",
        group_name=group.name, language=group.default_language, timezone=group.timezone,
        inviter=actor.name or actor.email, expires_at=invitation.expires_at)
    transaction.on_commit(partial(emails.send_invitation, message), robust=True)


# --- accepting ---------------------------------------------------------------------------

@transaction.atomic
def accept(*, token: str, name: str, password: str) -> User:
    """The invitee chooses their name and password: they become a member with the invited
    role, their address counts as verified (they clicked the emailed link). The caller logs
    them in."""
    from allauth.account.adapter import get_adapter
    from allauth.account.models import EmailAddress

    invitation = (Invitation.objects.select_for_update()
                  .filter(token_hash=hash_token(token or "")).first())
    check_usable(invitation)
    name = (name or "").strip()
    if not name:
        raise Refused(_("Please tell us your name."))
    if len(name) > NAME_MAX:
        raise Refused(_("That name is too long. Please shorten it."))
    try:
        get_adapter().clean_password(password or "",
                                     user=User(email=invitation.email, name=name))
    except ValidationError as exc:
        raise Refused(" ".join(str(m) for m in exc.messages)) from None
    user = _member_from(invitation, name=name, password=password)
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    record(actor=user, action="team.accept", target=user,
           data={"invitation": invitation.pk, "role": invitation.role})
    return user


def check_usable(invitation: Invitation | None) -> Invitation:
    """Refuse a link that can't be used, kindly and without saying whose it was."""
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationUnusable(_(
            "This invitation link no longer works: it may have been replaced by a newer "
            "email, or withdrawn. Please ask the person who invited you to send it again."))
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_(
            "This invitation has already been used. If that was you, log in with your email "
            "address and the password you chose."))
    if invitation.is_expired:
        raise InvitationUnusable(_(
            "This invitation has expired. Please ask the person who invited you to send you "
            "a new one."))
    return invitation


def _member_from(invitation: Invitation, *, name: str, password: str) -> User:
    existing = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if existing is not None and existing.is_active:
        raise InvitationUnusable(_(
            "You are already a member of this group. Log in with your email address and "
            "password."))
    if existing is not None:  # a former member invited back: the same account, reopened
        existing.name, existing.role, existing.is_active = name, invitation.role, True
        existing.set_password(password)
        existing.save(update_fields=["name", "role", "is_active", "password"])
        return existing
    try:
        with transaction.atomic():  # someone registered this address a moment ago
            return create_member(email=invitation.email, name=name, role=invitation.role,
                                 password=password)
    except IntegrityError:
        raise InvitationUnusable(_(
            "You are already a member of this group. Log in with your email address and "
            "password.")) from None


# --- members -----------------------------------------------------------------------------

@transaction.atomic
def change_role(*, member_id: int, role: str, actor: User) -> User:
    role = _role(role)
    admins, member = _lock(member_id, actor)
    if member.role == role:
        raise Refused(_("Nothing to change: that is already their role."))
    if member.role == User.Role.ADMIN and len(admins) == 1:
        raise Refused(_("You are this group's only admin, so you cannot stop being one. "
                        "Make someone else an admin first."))
    previous = member.role
    member.role = role
    member.save(update_fields=["role"])
    record(actor=actor, action="team.change_role", target=member,
           data={"from": previous, "to": role})
    return member


@transaction.atomic
def remove_member(*, member_id: int, actor: User) -> User:
    """The account is closed, not deleted (requests, checks and the audit log point at it):
    it can no longer log in, and its sessions end now."""
    admins, member = _lock(member_id, actor)
    if member.role == User.Role.ADMIN and len(admins) == 1:
        raise Refused(_("You are this group's only admin, so you cannot leave it. Make "
                        "someone else an admin first."))
    member.is_active = False
    member.save(update_fields=["is_active"])
    _end_sessions(member)
    record(actor=actor, action="team.remove", target=member, data={"role": member.role})
    return member


def _lock(member_id: int, actor: User) -> tuple[list[User], User]:
    """Lock the active admins (id order: no deadlock between two of these), then the member.
    A row changed by a transaction we waited for is re-read, so what we see is current."""
    admins = list(User.objects.select_for_update()
                  .filter(role=User.Role.ADMIN, is_active=True).order_by("pk"))
    if actor.pk not in {a.pk for a in admins}:
        raise Refused(_("Only an admin can do that."))
    member = (User.objects.select_for_update()
              .filter(pk=member_id, is_active=True).exclude(role="").first())
    if member is None:
        raise Refused(_("That person is not a member of this group any more."))
    return admins, member


def _end_sessions(user: User) -> None:
    """Delete the member's sessions in this group (they live in its schema). No index by
    user exists, so the live ones are read; this is rare and a group's sessions are few."""
    from django.contrib.sessions.models import Session

    mine = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    Session.objects.filter(pk__in=mine).delete()
