"""Writes to accounts. Each runs in the schema that is active (a group's, or public)."""

from __future__ import annotations

from django.db import transaction

from core.accounts.limits import ensure_room_for
from core.accounts.models import User


@transaction.atomic
def create_member(*, email: str, name: str, role: str, password: str | None) -> User:
    """Add a member with a role to the active group (no invitation: seeding, demo, tests).

    Invitations by email arrive with the team-management work; they will call this too.
    """
    from allauth.account.models import EmailAddress

    if role not in User.Role.values:
        raise ValueError(f"unknown role {role!r}")
    ensure_room_for(role)  # the plan's coordinator limit (LimitReached)
    user = User.objects.create_user(email, password, name=name, role=role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


@transaction.atomic
def set_preferred_language(*, user: User, language: str) -> User:
    """The language a member reads pages and emails in (one of settings.LANGUAGES)."""
    from django.conf import settings

    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user
