"""Pick the language of a page: the visitor's explicit choice, their preferred language, the
browser's Accept-Language when the group offers it, else the group's default."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.deprecation import MiddlewareMixin


class GroupLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        group = getattr(request, "group", None)
        offered = group.enabled_languages if group else [code for code, _ in settings.LANGUAGES]
        default = group.default_language if group else settings.LANGUAGE_CODE
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
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
