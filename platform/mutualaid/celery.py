"""The Celery app. Group work uses core.tenancy.tasks.GroupTask (see there)."""

import os

from celery import Celery

from core.observability import worker as observability

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")

app = Celery("mutualaid")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
observability.connect()  # task latency and failures, the group in workers' log lines
