"""Celery tasks that run inside a group's schema, and fan-out over the fleet.

A group task carries its group's schema in a message header, taken from the schema active
when it is sent (or given as `group=`). The worker switches to that schema before running
it. A group task sent from the public schema has no group, and fails loudly rather than run
against the platform's tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from celery import Task, shared_task
from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

from core.observability.context import group_context
from core.tenancy import recycling
from core.tenancy.models import Group

SCHEMA_HEADER = "group_schema"


class MissingGroupError(RuntimeError):
    """A group task was sent or run without a group."""


class GroupTask(Task):
    def apply_async(self, args=None, kwargs=None, *, group: Group | str | None = None, **options):
        schema = getattr(group, "schema_name", group) or connection.schema_name
        if not schema or schema == get_public_schema_name():
            raise MissingGroupError(f"{self.name} is a group task and was sent without a group")
        options["headers"] = {**(options.get("headers") or {}), SCHEMA_HEADER: schema}
        return super().apply_async(args, kwargs, **options)

    def __call__(self, *args, **kwargs):
        schema = _header(self.request, SCHEMA_HEADER)
        if not schema or schema == get_public_schema_name():
            raise MissingGroupError(f"{self.name} ran without a group schema; refusing")
        group = Group.objects.get(schema_name=schema)
        previous = connection.tenant
        connection.set_tenant(group)
        recycling.served(schema)
        try:
            with group_context(group.slug):  # logs and Sentry events name the group
                return super().__call__(*args, **kwargs)
        finally:
            connection.set_tenant(previous)
            recycling.close_if_tired()  # a worker serves every group: bound its backend


def _header(request, name: str):
    # Depending on broker and eager mode, custom headers land on the request or in .headers.
    value = getattr(request, name, None)
    if value is None and isinstance(getattr(request, "headers", None), dict):
        value = request.headers.get(name)
    return value


def group_task(*args, **kwargs):
    """Decorator for a task that runs in one group's schema."""
    return shared_task(*args, base=GroupTask, **kwargs)


def fan_out(task: GroupTask, *, groups: Iterable[str] | None = None, args=(), kwargs=None,
            batch_size: int | None = None) -> list[str]:
    """Send `task` once per active group; returns the ids of the tasks sent.

    Called from one dispatcher task: it reads schema names in batches (never the whole
    fleet's rows at once) and publishes each batch's messages together.
    """
    if not isinstance(task, GroupTask):
        raise TypeError(f"{task.name} is not a group task: fanning it out would run it in public")
    batch_size = batch_size or settings.FLEET_BATCH_SIZE
    schemas = groups if groups is not None else (
        Group.objects.filter(status=Group.Status.ACTIVE)
        .order_by("pk").values_list("schema_name", flat=True).iterator(chunk_size=batch_size)
    )
    sent: list[str] = []
    for batch in _chunks(schemas, batch_size):
        with task.app.producer_or_acquire() as producer:
            sent += [
                task.apply_async(args=args, kwargs=kwargs or {}, group=schema,
                                 producer=producer).id
                for schema in batch
            ]
    return sent


def _chunks(items: Iterable[str], size: int):
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@shared_task(name="tenancy.fill_schema_pool")
def fill_schema_pool() -> int:
    """Top the warm pool of group schemas up (after signups claim from it)."""
    from core.tenancy import pool

    return pool.fill()


@shared_task(name="tenancy.dispatch_to_groups")
def dispatch_to_groups(task_name: str, args=(), kwargs=None) -> int:
    """The one periodic entry point for fleet-wide work: fans `task_name` out per group."""
    from celery import current_app

    return len(fan_out(current_app.tasks[task_name], args=args, kwargs=kwargs))


@group_task(name="tenancy.ping_group")
def ping_group() -> dict:
    """Health check: a worker reached this group's schema. Returns what it saw there."""
    from core.accounts.models import User

    return {"schema": connection.schema_name, "members": User.objects.count()}
