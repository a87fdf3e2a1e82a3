"""Prometheus metrics (prometheus_client), scraped at /metrics.

prometheus_client directly rather than django-prometheus: that one labels by view and by
model, and adds families we would not read; here every label has a small, fixed set of
values. No metric is labelled with a group: 10,000 groups would be 10,000 series per label
set, and a group's activity is the product's business, not the operator's dashboard's.

Multi-process (gunicorn workers, Celery worker processes): with the PROMETHEUS_MULTIPROC_DIR
environment variable set (before the process starts; prometheus_client reads it at import),
each process writes its samples to files there and a scrape sums them (see README).
"""

from __future__ import annotations

import hmac
import time

from django.conf import settings
from django.http import HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUEST_LATENCY = Histogram(
    "mutualaid_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASK_LATENCY = Histogram(
    "mutualaid_celery_task_duration_seconds", "Time a Celery task ran.", ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
TASK_FAILURES = Counter("mutualaid_celery_task_failures", "Celery tasks that raised.", ["task"])
SIGNUPS = Counter("mutualaid_signups", "Group signups submitted, by outcome.", ["outcome"])
PROVISIONING = Histogram(
    "mutualaid_group_provisioning_seconds", "Time to provision a group at signup.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SIGNUP_OUTCOMES = ("created", "invalid", "taken")


def observe_request(*, method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in METHODS else "other"  # any word can be sent as a method
    REQUEST_LATENCY.labels(method, route, f"{status // 100}xx").observe(seconds)


def observe_signup(outcome: str, seconds: float | None = None) -> None:
    SIGNUPS.labels(outcome).inc()
    if seconds is not None:
        PROVISIONING.observe(seconds)


# --- Celery: connected by mutualaid.celery through core.observability.worker -------------
_started: dict[str, float] = {}


def task_started(task_id=None, **_) -> None:
    _started[task_id] = time.perf_counter()


def task_finished(task_id=None, task=None, **_) -> None:
    start = _started.pop(task_id, None)
    if start is not None and task is not None:
        TASK_LATENCY.labels(task.name).observe(time.perf_counter() - start)


def task_failed(sender=None, **_) -> None:
    TASK_FAILURES.labels(getattr(sender, "name", "unknown")).inc()


# --- queue depth, computed at scrape time ----------------------------------------------
class QueueDepthCollector:
    """LLEN of the Celery queue in Redis when /metrics is scraped (a gauge kept by workers
    would need every process to agree). Kombu keeps priorities 3, 6 and 9 in sibling lists."""

    PRIORITY_SEP = "\x06\x16"

    def collect(self):
        url = settings.REDIS_URL
        if not url:
            return
        from celery import current_app

        queue = current_app.conf.task_default_queue
        up = GaugeMetricFamily("mutualaid_celery_broker_up", "1 if Redis answered the scrape.")
        depth = GaugeMetricFamily("mutualaid_celery_queue_length",
                                  "Messages waiting in the Celery queue.", labels=["queue"])
        try:
            client = _redis(url)
            names = [queue] + [f"{queue}{self.PRIORITY_SEP}{p}" for p in (3, 6, 9)]
            with client.pipeline(transaction=False) as pipe:
                for name in names:
                    pipe.llen(name)
                total = sum(pipe.execute())
        except Exception:  # a scrape must not fail because Redis is away: say so instead
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        depth.add_metric([queue], total)
        yield up
        yield depth


_clients: dict = {}


def _redis(url: str):
    import redis

    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _clients[url]


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    if settings.PROMETHEUS_MULTIPROC_DIR:
        MultiProcessCollector(registry, path=settings.PROMETHEUS_MULTIPROC_DIR)
    else:
        registry.register(REGISTRY)  # this process's own metrics
    registry.register(QueueDepthCollector())
    return registry


def metrics_view(request):
    """Prometheus text format. With METRICS_TOKEN set, only for `Authorization: Bearer <it>`."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse("Use GET.\n", status=405, content_type="text/plain")
        response["Allow"] = "GET, HEAD"
        return response
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not (given.startswith("Bearer ")
                and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
            response = HttpResponse("Metrics need the bearer token (METRICS_TOKEN).\n",
                                    status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
    response = HttpResponse(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
