"""django-allauth's MFA adapter: the group's name in authenticator apps, and no switching
off the second factor where the group requires it."""

from __future__ import annotations

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator

from core.accounts.decorators import STAFF_ROLES


def _group():
    return getattr(context.request, "group", None)


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        # What the person sees next to the code in their app: the group, not a host name.
        group = _group()
        return group.name if group is not None else "Mutual Aid Commons"

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        group = _group()
        required = (
            group is not None and group.require_staff_2fa
            and authenticator.user.role in STAFF_ROLES
            and authenticator.type == Authenticator.Type.TOTP
        )
        return not required and super().can_delete_authenticator(authenticator)
