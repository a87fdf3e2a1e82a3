"""Account security page of a group's host: one's own two-factor login, and (admins) the
group's rule for staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.accounts.decorators import coordinators_only
from core.accounts.forms import StaffTwoFactorForm
from core.tenancy.services import set_staff_two_factor


@coordinators_only
def security(request):
    group = request.group
    form = None
    if request.user.is_group_admin:
        form = StaffTwoFactorForm(
            request.POST or None, initial={"require_staff_2fa": group.require_staff_2fa}
        )
        if request.method == "POST" and form.is_valid():
            set_staff_two_factor(group=group, required=form.cleaned_data["require_staff_2fa"],
                                 actor=request.user)
            messages.success(request, _("Your group's sign-in rule is saved."))
            return redirect("account_security")
    elif request.method == "POST":
        raise PermissionDenied
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import is_mfa_enabled

    return render(request, "accounts/security.html", {
        "form": form,
        "has_app": is_mfa_enabled(request.user, [Authenticator.Type.TOTP]),
    })
