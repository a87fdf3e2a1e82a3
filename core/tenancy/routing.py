"""Host routing: which group (or the platform itself) a request is for.

The host -> group lookup is cached (the cache key function adds the public schema), so a
request to a group costs no routing query when warm and one when cold. Unknown hosts get a
friendly 404 page; misses are not cached (any Host header would leave a key behind), and a
platform subdomain that cannot be a slug is refused without a query. A suspended group's
hosts show a page saying so; a closing group's show its closing date (signing in and the
records pages still work, for exports). Services that change a group or its domains call
`forget()` after their commit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, ValidationError
from django.db import connection
from django.shortcuts import render
from django.utils import translation
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import get_public_schema_name, schema_context

from core.tenancy.models import Domain, Group
from core.tenancy.slugs import validate_slug

def _cache_key(hostname: str) -> str:
    return f"routing:host:{hostname}"


def platform_hosts() -> set[str]:
    return {settings.PLATFORM_DOMAIN, f"www.{settings.PLATFORM_DOMAIN}"}


def group_for_host(hostname: str) -> Group | None:
    """The group served at `hostname`, or None. Call in the public schema. Hits are cached."""
    suffix = "." + settings.PLATFORM_DOMAIN
    if hostname.endswith(suffix) and not _could_be_slug(hostname[: -len(suffix)]):
        return None
    key = _cache_key(hostname)
    group = cache.get(key)
    if group is None:
        domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
        group = domain.tenant if domain else None
        if group is not None:
            cache.set(key, group, settings.ROUTING_CACHE_SECONDS)
    return group


def _could_be_slug(label: str) -> bool:
    try:
        validate_slug(label)
    except ValidationError:
        return False
    return True


def forget(*hostnames: str) -> None:
    """Drop cached routing for these hosts (after a group or domain changes)."""
    with schema_context(get_public_schema_name()):  # the keys carry the public schema
        cache.delete_many([_cache_key(h) for h in hostnames])


class GroupRoutingMiddleware(TenantMainMiddleware):
    """Select the group's schema and URLconf from the host, or the platform's."""

    def process_request(self, request):
        connection.set_schema_to_public()
        request.group = None
        try:
            hostname = self.hostname_from_request(request).lower()
        except DisallowedHost:
            return unknown_host(request)
        if hostname in platform_hosts():
            request.tenant = connection.tenant
            request.urlconf = settings.PUBLIC_SCHEMA_URLCONF
            return None
        group = group_for_host(hostname)
        if group is None:
            return unknown_host(request)
        group.domain_url = hostname
        request.tenant = request.group = group
        connection.set_tenant(group)
        request.urlconf = settings.ROOT_URLCONF
        if group.status == Group.Status.SUSPENDED:
            return unavailable(request, group, "tenancy/suspended.html", status=403)
        if group.status == Group.Status.CLOSING and not request.path_info.startswith(
                CLOSING_STILL_SERVES):
            status = 200 if request.method in ("GET", "HEAD") else 403
            return unavailable(request, group, "tenancy/closing.html", status=status)
        return None


# A closing group's members can still sign in and take their data away until it closes.
CLOSING_STILL_SERVES = ("/accounts/", "/records/", "/documents/", "/i18n/")


def unavailable(request, group: Group, template: str, *, status: int):
    """A suspended or closing group's page instead of the one asked for. 403, not 503: the
    group is refused on purpose, and 5xx would count as the platform's own errors."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen not in group.enabled_languages:
        chosen = translation.get_language_from_request(request)
    translation.activate(chosen if chosen in group.enabled_languages else group.default_language)
    return render(request, template, {"group": group}, status=status)


def unknown_host(request):
    # Answered before the language middleware runs: pick the visitor's language here.
    translation.activate(translation.get_language_from_request(request))
    return render(
        request,
        "tenancy/unknown_host.html",
        {"platform_url": f"{request.scheme}://{settings.PLATFORM_DOMAIN}{port_suffix(request)}"},
        status=404,
    )


def port_suffix(request) -> str:
    """The port the browser used (':8000' in development), from the Host header: the
    server's own port differs behind a proxy."""
    from django.http.request import split_domain_port

    try:
        _domain, port = split_domain_port(request.get_host())
    except Exception:  # a malformed Host header: fall back to no port
        return ""
    default = "443" if request.is_secure() else "80"
    return "" if port in ("", default) else f":{port}"


def group_url(request, group_or_slug, path: str = "/") -> str:
    """The absolute URL of a path on a group's primary host, as seen from this request."""
    slug = getattr(group_or_slug, "slug", group_or_slug)
    return f"{request.scheme}://{slug}.{settings.PLATFORM_DOMAIN}{port_suffix(request)}{path}"
