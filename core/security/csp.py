"""Sources for the Content Security Policy (django-csp) that settings derive from others."""

from __future__ import annotations

from urllib.parse import urlsplit


def tile_source(tile_url: str) -> str:
    """The origin the map's tiles come from, as a CSP source.

    `https://{s}.tile.example.org/{z}/{x}/{y}.png` -> `https://*.tile.example.org`: Leaflet's
    `{s}` subdomain placeholder becomes a wildcard label, the path is dropped.
    """
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}" if parts.scheme else host


def group_hosts_source(platform_domain: str) -> str:
    """Every group's primary host (`<slug>.<platform domain>`) on any port, in the page's
    own scheme: where the platform's signup form hands the new admin over to."""
    return f"*.{platform_domain}:*"
