"""The reverse proxy's question before it gets a certificate for a host (on-demand TLS).

Caddy (deploy/Caddyfile) asks `GET /tls/allowed?domain=<host>` on the platform host the
first time a browser reaches a host it has no certificate for: 200 lets it issue one, any
other status refuses. Without the question anybody could point a domain at the server and
make it request certificates until the CA's rate limits lock the platform out.

Yes for the hosts the router serves: the platform's own, and every host in the Domain table
(groups' `<slug>.<PLATFORM_DOMAIN>` and custom domains), whatever the group's status: a
suspended or closing group's pages (pay again, export your data) need HTTPS as much as an
active one's. The answer is one indexed lookup (routing's, cached when it is a yes), is never
rate limited, and says nothing but yes or no.
"""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.tenancy.routing import group_for_host, platform_hosts

_HOST = re.compile(r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
                   r"(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*")


@require_safe
def certificate_allowed(request):
    host = request.GET.get("domain", "").strip().lower().rstrip(".")
    if not host:
        return _plain(_("Give the host name to check: /tls/allowed?domain=example.org"), 400)
    if not _HOST.fullmatch(host):
        return _plain(_("This is not a valid host name."), 400)
    if host in platform_hosts() or group_for_host(host) is not None:
        return _plain("", 200)
    return _plain("", 404)


def _plain(text: str, status: int) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response
