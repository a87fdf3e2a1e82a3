"""Log records carry the request id and the group; LOG_FORMAT=json writes one JSON object a line.

`ContextFilter` sits on the handlers (not on loggers), so every record that is written gets
`request_id` and `group`, from whichever logger it came. JSON lines go through
python-json-logger; their message and traceback lose e-mail addresses, phone numbers and
postcodes on the way (core.observability.scrub), as DESIGN.md's rule 8 asks of logs.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from core.observability import context
from core.observability.scrub import scrub_text

FORMATS = ("text", "json")
TEXT_FORMAT = "%(levelname)s %(name)s [%(group)s %(request_id)s] %(message)s"


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id() or "-"
        record.group = context.group() or "-"
        return True


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(group)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )

    def process_log_record(self, log_data):
        for key in ("message", "exc_info", "stack_info"):
            if isinstance(log_data.get(key), str):
                log_data[key] = scrub_text(log_data[key])
        return log_data


def logging_config(*, level: str, fmt: str) -> dict:
    """Django's LOGGING: the console handler, in `fmt` ("text" or "json")."""
    if fmt not in FORMATS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {FORMATS}, not {fmt!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.observability.logging.ContextFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": {"()": "core.observability.logging.JsonFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                                 "formatter": fmt}},
        "root": {"handlers": ["console"], "level": level},
    }


def adopt_celery_logger(logger: logging.Logger = None, **_) -> None:
    """Celery replaces the root logger's handlers in a worker: give its handlers our filter
    and, under LOG_FORMAT=json, our formatter (signals after_setup_logger/_task_logger)."""
    from django.conf import settings

    for handler in (logger.handlers if logger else []):
        if not any(isinstance(f, ContextFilter) for f in handler.filters):
            handler.addFilter(ContextFilter())
        if getattr(settings, "LOG_FORMAT", "text") == "json":
            handler.setFormatter(JsonFormatter())
