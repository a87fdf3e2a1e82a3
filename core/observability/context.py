"""What a log line or an error report is about: the request id and the group, per context.

Context variables, not thread locals: each request (thread or asyncio task) and each Celery
task sees its own. Requests bind them in core.observability.middleware; group tasks in
core.tenancy.tasks.GroupTask.__call__ through `group_context`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_group: ContextVar[str | None] = ContextVar("group", default=None)


def request_id() -> str | None:
    return _request_id.get()


def group() -> str | None:
    return _group.get()


def bind_request(rid: str | None) -> None:
    """A new request: its id, and no group until routing has found one."""
    _request_id.set(rid)
    _group.set(None)


def bind_group(slug: str | None) -> None:
    _group.set(slug)
    _tag_group(slug)


@contextmanager
def group_context(slug: str) -> Iterator[None]:
    """Run a block (a group task) as `slug`'s: its logs and Sentry events say so. The previous
    group comes back after, which matters for an eager task run inside another group's request."""
    import sentry_sdk

    token = _group.set(slug)
    try:
        with sentry_sdk.new_scope() as scope:  # the tag goes with the scope, nothing to undo
            scope.set_tag("group", slug)
            yield
    finally:
        _group.reset(token)


def _tag_group(slug: str | None) -> None:
    import sentry_sdk

    # The isolation scope is the request's own (Sentry's WSGI wrapper forks one per request).
    if slug:
        sentry_sdk.set_tag("group", slug)
    else:
        sentry_sdk.get_isolation_scope().remove_tag("group")
