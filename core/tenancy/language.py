"""Pick the language of a page: the visitor's explicit choice (the switcher's cookie), a
signed-in member's preferred language, the browser's Accept-Language when the group offers
it, else the group's default. The switcher also saves a member's choice as their preferred
language, so it follows them to other devices and into the emails they are sent."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin
from django.views import i18n
from django.views.decorators.http import require_POST


class GroupLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        group = getattr(request, "group", None)
        offered = group.enabled_languages if group else [code for code, _ in settings.LANGUAGES]
        default = group.default_language if group else settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in offered:
            user = getattr(request, "user", None)  # set by AuthenticationMiddleware, above
            chosen = getattr(user, "preferred_language", "") if user is not None \
                and user.is_authenticated else ""
        if chosen not in offered:
            chosen = translation.get_language_from_request(request)
            if chosen not in offered:
                chosen = default
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        response.headers.setdefault("Vary", "Accept-Language, Cookie")
        return response


@require_POST
def set_language(request):
    """Django's set_language (cookie and redirect), and for a signed-in member, their
    preferred language too."""
    from core.accounts.services import set_preferred_language

    language = request.POST.get("language", "")
    group = getattr(request, "group", None)
    offered = group.enabled_languages if group else [code for code, _ in settings.LANGUAGES]
    if language in offered and request.user.is_authenticated:
        set_preferred_language(user=request.user, language=language)
    return i18n.set_language(request)
