from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from core.accounts.models import User

STAFF_ROLES = frozenset({User.Role.ADMIN, User.Role.COORDINATOR})


def coordinators_only(view):
    """The group's coordinators and admins; anyone else logged in gets a 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if request.user.role not in STAFF_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def admins_only(view):
    """The group's admins; anyone else logged in gets a 403."""

    @wraps(view)
    @login_required
    def guarded(request, *args, **kwargs):
        if request.user.role != User.Role.ADMIN:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
