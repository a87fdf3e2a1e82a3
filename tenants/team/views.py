"""Team pages: admins invite people, resend or withdraw invitations, change roles and remove
members (/team/); an invitee joins with the emailed link (/team/join/<token>/, public)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.accounts.decorators import admins_only
from core.accounts.models import User
from core.errors import Refused
from core.tenancy.routing import port_suffix
from tenants.team import selectors, services
from tenants.team.forms import InviteForm, JoinForm, RoleForm

# Where a new member lands, by role.
HOME_BY_ROLE = {User.Role.ADMIN: "setup", User.Role.COORDINATOR: "dispatch_queue",
                User.Role.VOLUNTEER: "volunteer_welcome"}


def _site_url(request) -> str:
    """The group's primary address as this request reached the platform: https in
    production, http://<slug>.localhost:8000 in development."""
    domain = request.group.get_primary_domain().domain
    return f"{request.scheme}://{domain}{port_suffix(request)}"


@admins_only
@never_cache
def index(request, invite_form: InviteForm | None = None, problem: str = "",
          status: int = 200):
    return render(request, "team/index.html", {
        "members": selectors.members(viewer=request.user),
        "pending": selectors.pending_invitations(viewer=request.user),
        "invite_form": invite_form or InviteForm(),
        "roles": User.Role.choices,
        "problem": problem,
    }, status=status)


@admins_only
@require_POST
def invite(request):
    form = InviteForm(request.POST)
    if not form.is_valid():
        return index(request, invite_form=form, status=400)
    try:
        invitation = services.invite(email=form.cleaned_data["email"],
                                     role=form.cleaned_data["role"], actor=request.user,
                                     site_url=_site_url(request))
    except Refused as refused:
        form.add_error(None, refused.message)
        return index(request, invite_form=form, status=400)
    messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect("team")


@admins_only
@require_POST
def resend(request, invitation_id: int):
    try:
        invitation = services.resend(invitation_id=invitation_id, actor=request.user,
                                     site_url=_site_url(request))
    except Refused as refused:
        return index(request, problem=refused.message, status=400)
    messages.success(request, _("A new invitation went to %(email)s. The earlier link no "
                                "longer works.") % {"email": invitation.email})
    return redirect("team")


@admins_only
@require_POST
def revoke(request, invitation_id: int):
    try:
        invitation = services.revoke(invitation_id=invitation_id, actor=request.user)
    except Refused as refused:
        return index(request, problem=refused.message, status=400)
    messages.success(request, _("The invitation to %(email)s was withdrawn. Its link no "
                                "longer works.") % {"email": invitation.email})
    return redirect("team")


@admins_only
@require_POST
def change_role(request, member_id: int):
    form = RoleForm(request.POST)
    if not form.is_valid():
        return index(request, problem=_("Please choose a role."), status=400)
    try:
        member = services.change_role(member_id=member_id, role=form.cleaned_data["role"],
                                      actor=request.user)
    except Refused as refused:
        return index(request, problem=refused.message, status=400)
    messages.success(request, _("%(name)s is now: %(role)s.")
                     % {"name": member.name or member.email, "role": member.get_role_display()})
    # An admin who made themselves something else can no longer see this page.
    return redirect("team" if member.pk != request.user.pk else "home")


@admins_only
def remove(request, member_id: int):
    """GET: are you sure? POST: remove."""
    if request.method != "POST":
        member = selectors.member(viewer=request.user, member_id=member_id)
        if member is None:
            raise Http404
        return render(request, "team/remove.html", {"member": member,
                                                    "is_self": member.pk == request.user.pk})
    try:
        member = services.remove_member(member_id=member_id, actor=request.user)
    except Refused as refused:
        return index(request, problem=refused.message, status=400)
    if member.pk == request.user.pk:
        logout(request)  # their session row is gone already: start a fresh, anonymous one
        messages.success(request, _("You have left the group."))
        return redirect("home")
    messages.success(request, _("%(name)s was removed from the team and can no longer log in.")
                     % {"name": member.name or member.email})
    return redirect("team")


@never_cache
def join(request, token: str):
    """Public, gated by the token: choose a name and password, then in you go."""
    invitation = selectors.invitation_for(token)
    try:
        services.check_usable(invitation)
    except services.InvitationUnusable as refused:
        return _unusable(request, refused)
    form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
    if request.method != "POST":
        return _join_page(request, form, invitation)
    if not form.is_valid():
        return _join_page(request, form, invitation, status=400)
    try:
        user = services.accept(token=token, name=form.cleaned_data["name"],
                               password=form.cleaned_data["password"])
    except services.InvitationUnusable as refused:
        return _unusable(request, refused)
    except Refused as refused:
        form.add_error(None, refused.message)
        return _join_page(request, form, invitation, status=400)
    login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    messages.success(request, _("Welcome to %(group)s!") % {"group": request.group.name})
    return redirect(HOME_BY_ROLE.get(user.role, "home"))


def _join_page(request, form, invitation, status: int = 200):
    # The token holder sees the address and role they were invited with: it is theirs.
    return render(request, "team/join.html", {
        "form": form, "email": invitation.email, "role": invitation.get_role_display(),
    }, status=status)


def _unusable(request, refused: Refused):
    return render(request, "team/join_invalid.html", {"problem": refused.message}, status=400)
