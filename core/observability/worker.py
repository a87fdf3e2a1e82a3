"""Celery's side of observability, connected once by mutualaid.celery for web and worker
processes alike (eager tasks run in the web process and count too)."""

from __future__ import annotations

from celery import signals

from core.observability import metrics
from core.observability.logging import adopt_celery_logger


def connect() -> None:
    # weak=False: these are module functions, but say so; dispatch_uid: connect only once.
    signals.task_prerun.connect(metrics.task_started, weak=False, dispatch_uid="obs-prerun")
    signals.task_postrun.connect(metrics.task_finished, weak=False, dispatch_uid="obs-postrun")
    signals.task_failure.connect(metrics.task_failed, weak=False, dispatch_uid="obs-failure")
    signals.after_setup_logger.connect(adopt_celery_logger, weak=False, dispatch_uid="obs-log")
    signals.after_setup_task_logger.connect(adopt_celery_logger, weak=False,
                                            dispatch_uid="obs-tasklog")
