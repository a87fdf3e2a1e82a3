"""Views every group host has: the one-time login handoff after signup."""

from __future__ import annotations

from django.contrib.auth import login
from django.shortcuts import redirect, render

from core.accounts.models import User
from core.tenancy.provisioning import redeem_handoff


def welcome(request, token: str):
    """Log the new admin in with their one-time token, then show the setup checklist."""
    user_id = redeem_handoff(group=request.group, token=token)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return render(request, "tenancy/handoff_invalid.html", status=400)
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(user=user, primary=True, verified=False).first()
    if address:
        address.send_confirmation(request, signup=True)
    return redirect("setup")
