from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by services (group signup, invitations, volunteer registration),
    never by allauth's open signup form."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins are counted per email address *and* client IP (allauth counts per
        address alone), so a stranger guessing at someone's address cannot lock them out
        from their own network. The cache key function adds the group's schema, and
        allauth's key starts with the host: a lockout never crosses groups."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"

    def validation_error(self, code, *args) -> ValidationError:
        if code == "too_many_login_attempts":
            minutes = settings.LOGIN_COOLOFF_MINUTES
            message = ngettext(
                "Too many failed attempts to sign in. To keep the account safe, signing in "
                "is paused: please try again in %(minutes)d minute.",
                "Too many failed attempts to sign in. To keep the account safe, signing in "
                "is paused: please try again in %(minutes)d minutes.",
                minutes,
            ) % {"minutes": minutes}
            return ValidationError(message, code=code)
        return super().validation_error(code, *args)
