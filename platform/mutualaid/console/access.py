"""Who may use the console: platform operators (public-schema users with is_staff)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def operators_only(view):
    """Anonymous visitors go to the login page; signed-in non-operators get a 403."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff) or getattr(request, "group", None):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded
