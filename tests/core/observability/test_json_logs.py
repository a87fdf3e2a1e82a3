"""Log lines carry the request id and the group (requests and group tasks); LOG_FORMAT=json
writes one JSON object a line; every response says its X-Request-ID."""

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from core.observability.logging import ContextFilter, JsonFormatter, logging_config
from core.tenancy.models import Group
from core.tenancy.tasks import group_task

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[3]


@group_task(name="tests.observability.logs")
def logs_something() -> None:
    logging.getLogger("tests.observability").warning("a group task says hello")


@pytest.fixture
def json_lines():
    """A JSON handler on the root logger, as LOG_FORMAT=json configures it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)


def test_a_group_requests_log_lines_carry_its_request_id_and_group(json_lines, alpha):
    response = Client().get("/no-such-page/", HTTP_HOST="alpha.localhost",
                            HTTP_X_REQUEST_ID="edge-7f3a.1")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-7f3a.1"
    (line,) = [r for r in json_lines() if r["logger"] == "django.request"]
    assert line["request_id"] == "edge-7f3a.1"
    assert line["group"] == "alpha"
    assert line["level"] == "WARNING" and "Not Found" in line["message"]
    assert {"time", "level", "logger", "message", "request_id", "group"} <= set(line)


def test_an_unsafe_request_id_is_replaced(json_lines):
    response = Client().get("/no-such-page/", HTTP_HOST="alpha.localhost",
                            HTTP_X_REQUEST_ID='x" \n{"forged": 1}')
    rid = response["X-Request-ID"]
    assert len(rid) == 32 and rid.isalnum()
    (line,) = [r for r in json_lines() if r["logger"] == "django.request"]
    assert line["request_id"] == rid and "forged" not in line


def test_platform_requests_have_no_group(json_lines):
    Client().get("/no-such-page/", HTTP_HOST="localhost")
    (line,) = [r for r in json_lines() if r["logger"] == "django.request"]
    assert line["group"] == "-" and line["request_id"] != "-"


def test_group_tasks_log_their_group(json_lines, alpha):
    logs_something.apply_async(group=Group.objects.get(schema_name="alpha"))
    (line,) = [r for r in json_lines() if r["logger"] == "tests.observability"]
    assert line["group"] == "alpha" and line["message"] == "a group task says hello"


def test_json_lines_lose_email_addresses_and_phone_numbers(json_lines):
    logging.getLogger("tests.observability").warning(
        "could not reach %s on %s", "ada.okafor@example.org", "07700 900123")
    (line,) = json_lines()
    assert line["message"] == "could not reach [Filtered] on [Filtered]"


def test_log_format_is_checked():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be one of"):
        logging_config(level="INFO", fmt="yaml")


def test_log_format_json_is_set_by_the_environment():
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('probe').warning('hello from %s', 'settings')")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{REPO}:{REPO / 'platform'}",
             "DJANGO_SETTINGS_MODULE": "mutualaid.settings", "MUTUALAID_TESTING": "1",
             "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "LOG_FORMAT": "json"},
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello from settings" and line["logger"] == "probe"
    assert line["group"] == "-" and line["request_id"] == "-"


def test_celery_workers_handlers_get_the_group_and_json(settings):
    """What the after_setup_logger signal does to the handlers Celery installs in a worker."""
    from celery import signals

    settings.LOG_FORMAT = "json"
    stream = io.StringIO()
    logger = logging.getLogger("tests.observability.celery")
    logger.propagate = False
    logger.addHandler(logging.StreamHandler(stream))
    try:
        signals.after_setup_logger.send(sender=None, logger=logger, loglevel=logging.WARNING,
                                        logfile=None, format="", colorize=False)
        logger.warning("worker line")
    finally:
        logger.handlers.clear()
        logger.propagate = True
    line = json.loads(stream.getvalue())
    assert line["message"] == "worker line" and line["group"] == "-"
