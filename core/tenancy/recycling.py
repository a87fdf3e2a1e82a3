"""Close a database connection after it has served many group schemas.

A PostgreSQL backend caches the catalog entries (relations, attributes, indexes) of every
table it touches and keeps them for its lifetime: one that serves thousands of group
schemas grows by each one's tables, to hundreds of megabytes per connection. So each
connection counts the distinct schemas it has served, and once past
DB_RECYCLE_AFTER_SCHEMAS it is closed after the current request (or group task, or batch);
the next one opens a fresh backend. Reconnecting costs a few milliseconds every few hundred
requests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.signals import connection_created

ATTRIBUTE = "_schemas_served"


def limit() -> int:
    """Distinct schemas a connection may serve before it is recycled; 0: never."""
    return getattr(settings, "DB_RECYCLE_AFTER_SCHEMAS", 500)


def served(schema: str, connection=default_connection) -> None:
    """Note that this connection serves `schema` (cheap: a set insertion)."""
    _seen(connection).add(schema)


def count(connection=default_connection) -> int:
    return len(_seen(connection))


def close_if_tired(connection=default_connection) -> bool:
    """Close the connection if it has served more than limit() schemas. Never inside a
    transaction (an eager task in a request): it is closed at the next chance instead."""
    n = limit()
    if not n or len(_seen(connection)) <= n or connection.in_atomic_block:
        return False
    connection.close()
    _seen(connection).clear()
    return True


def _seen(connection) -> set[str]:
    seen = getattr(connection, ATTRIBUTE, None)
    if seen is None:
        seen = set()
        setattr(connection, ATTRIBUTE, seen)
    return seen


def _fresh_backend(sender, connection, **kwargs) -> None:
    # A new backend has no caches: count from here (the schema it opened for included,
    # as the connection is opened lazily by the first query of a request).
    schema = getattr(connection, "schema_name", None)
    setattr(connection, ATTRIBUTE, {schema} if schema else set())


def _after_request(sender, **kwargs) -> None:
    # After the response is sent: the routing middleware left the request's schema selected.
    if default_connection.connection is not None and default_connection.schema_name:
        served(default_connection.schema_name)
    close_if_tired()


def connect_signals() -> None:
    from django.core.signals import request_finished

    connection_created.connect(_fresh_backend, dispatch_uid="recycling.fresh_backend")
    request_finished.connect(_after_request, dispatch_uid="recycling.after_request")
