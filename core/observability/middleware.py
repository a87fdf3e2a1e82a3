"""Request middleware: request id, latency metric, health endpoints, the group in context.

In settings.MIDDLEWARE, in this order:
- `RequestObservationMiddleware` first: it times everything below it, and gives every
  response (the unknown-host 404 page too) its X-Request-ID;
- `HealthEndpointsMiddleware` next, above security, CSP and host routing: probes reach a pod
  by IP address, which no routing knows, and liveness must not depend on the database;
- `GroupContextMiddleware` right after core.tenancy.routing.GroupRoutingMiddleware.
"""

from __future__ import annotations

import ipaddress
import re
import time
import uuid

import sentry_sdk
from django.core.signals import request_finished
from django.http.request import split_domain_port

from core.observability import context, health, metrics

# A forwarded id is kept only if it cannot smuggle anything into a log line.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


class RequestObservationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = rid
        # Not reset on the way out: Django logs a 4xx/5xx after the middleware has returned.
        # The next request rebinds, and request_finished clears.
        context.bind_request(rid)
        sentry_sdk.set_tag("request_id", rid)
        start = time.perf_counter()
        response = self.get_response(request)
        metrics.observe_request(method=request.method, route=_route(request),
                                status=response.status_code,
                                seconds=time.perf_counter() - start)
        response["X-Request-ID"] = rid
        return response


def _route(request) -> str:
    # The URL pattern's name: a fixed set, never the path (ids) nor the host (groups).
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or match.route or "unnamed"
    return getattr(request, "observability_route", "unresolved")


class HealthEndpointsMiddleware:
    """/healthz and /readyz on any host; /metrics on IP-address hosts (a scraper reaching a
    pod directly; on the platform host it is an ordinary URL, mutualaid/urls_public.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            request.observability_route = "healthz"
            return health.liveness(request)
        if path == "/readyz":
            request.observability_route = "readyz"
            return health.readiness(request)
        if path == "/metrics" and _is_ip_host(request):
            request.observability_route = "metrics"
            return metrics.metrics_view(request)
        return self.get_response(request)


def _is_ip_host(request) -> bool:
    host, _port = split_domain_port(request.META.get("HTTP_HOST", ""))
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


class GroupContextMiddleware:
    """After routing: the group's slug into log records and Sentry's tags."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = getattr(request, "group", None)
        context.bind_group(group.slug if group is not None else None)
        return self.get_response(request)


def _clear(**_) -> None:
    context.bind_request(None)


request_finished.connect(_clear, dispatch_uid="observability-clear-context")
