"""Two-factor login for staff (django-allauth's MFA: TOTP and recovery codes).

A group can require its coordinators and admins to sign in with a second factor
(`Group.require_staff_2fa`). A staff member of such a group who has no authenticator app yet
is sent to set one up before any other page; volunteers are never asked.
"""

from __future__ import annotations

from django.shortcuts import redirect

from core.accounts.decorators import STAFF_ROLES

# Pages a staff member may still reach before setting up two-factor login: the setup page,
# what it may need first (confirming the password), leaving, and the language switch.
SETUP_PAGES = frozenset({
    "mfa_activate_totp", "account_reauthenticate", "account_logout", "set_language",
})


def must_set_up(*, user, group) -> bool:
    """Whether `user` must set up an authenticator app before using `group`'s site."""
    if group is None or not group.require_staff_2fa:
        return False
    if not user.is_authenticated or user.role not in STAFF_ROLES:
        return False
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return not is_mfa_enabled(user, [Authenticator.Type.TOTP])


class StaffTwoFactorMiddleware:
    """Send staff who must set up two-factor login to the setup page (after routing and
    authentication). Pages that do not resolve (404s) are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in SETUP_PAGES:
            return None
        if must_set_up(user=request.user, group=getattr(request, "group", None)):
            return redirect("mfa_activate_totp")
        return None
