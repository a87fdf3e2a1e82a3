"""Replay captured steps in group schemas: batches over a few connections, one transaction
per schema, each schema its own unit (a failure is reported, the others go on)."""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, connections, transaction

from core.tenancy import blueprint, recycling
from core.tenancy.fleet_migrations import states
from core.tenancy.fleet_migrations.capture import SEPARATOR
from core.tenancy.fleet_migrations.models import FleetMigrationStep

# A group busy with a long request holds locks its migration needs: fail that one schema
# (a re-run retries it) rather than stall the deploy and queue its traffic behind us.
LOCK_TIMEOUT = "5s"


@dataclass
class Outcome:
    migrated: list[str] = field(default_factory=list)
    up_to_date: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def add(self, other: Outcome) -> None:
        self.migrated += other.migrated
        self.up_to_date += other.up_to_date
        self.failed.update(other.failed)


class Steps:
    """The stored steps, and for each starting state the script that reaches the target."""

    def __init__(self, target: str):
        self.target = target
        self._by_start = {s.from_fingerprint: s for s in FleetMigrationStep.objects.all()}
        self._scripts: dict[str, str | None] = {}

    def script_from(self, fingerprint: str) -> str | None:
        """SQL taking a schema from `fingerprint` to the target; None if no recorded path."""
        if fingerprint not in self._scripts:
            self._scripts[fingerprint] = self._walk(fingerprint)
        return self._scripts[fingerprint]

    def _walk(self, fingerprint: str) -> str | None:
        parts, seen = [], set()
        while fingerprint != self.target:
            step = self._by_start.get(fingerprint)
            if step is None or fingerprint in seen:
                return None
            seen.add(fingerprint)
            parts += [step.sql, _record_sql(step.migrations)]
            fingerprint = step.to_fingerprint
        return SEPARATOR.join(part for part in parts if part)


def _record_sql(migrations: list[list[str]]) -> str:
    if not migrations:
        return ""
    values = ", ".join(["(%s, %s, now())"] * len(migrations))
    return connection.ops.compose_sql(
        f"INSERT INTO django_migrations (app, name, applied) VALUES {values}",
        [part for row in migrations for part in row],
    )


def replay(groups: list[tuple[int, str]], steps: Steps, *, workers: int, batch_size: int,
           progress=None) -> Outcome:
    """Bring each (group id, schema) to steps.target; `progress(done, total)` after batches."""
    batches: queue.Queue = queue.Queue()
    for i in range(0, len(groups), batch_size):
        batches.put(groups[i:i + batch_size])
    outcome, lock, done = Outcome(), threading.Lock(), [0]

    def work() -> None:
        try:
            while True:
                try:
                    batch = batches.get_nowait()
                except queue.Empty:
                    return
                result = _batch(batch, steps)
                with lock:
                    outcome.add(result)
                    done[0] += len(batch)
                    if progress:
                        progress(done[0], len(groups))
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"migrate-fleet-{n}")
               for n in range(max(1, min(workers, batches.qsize())))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


def _batch(batch: list[tuple[int, str]], steps: Steps) -> Outcome:
    outcome = Outcome()
    connection.set_schema_to_public()
    found = states.read([schema for _, schema in batch])
    already = {}
    for group_id, schema in batch:
        state = found[schema]
        recycling.served(schema, connection)
        if isinstance(state, Exception):
            outcome.failed[schema] = _reason(state)
        elif state == steps.target:
            already[group_id] = state
            outcome.up_to_date.append(schema)
        elif (script := steps.script_from(state)) is None:
            states.record({group_id: state})  # what it is, so the console shows it behind
            outcome.failed[schema] = (
                "no recorded SQL from this schema's migration state: run "
                "`manage.py migrate_fleet --slow`")
        else:
            try:
                _migrate(group_id, schema, script, steps.target)
                outcome.migrated.append(schema)
            except DatabaseError as exc:
                outcome.failed[schema] = _reason(exc)
                connection.close_if_unusable_or_obsolete()
    states.record(already)
    recycling.close_if_tired(connection)
    return outcome


def _migrate(group_id: int, schema: str, script: str, target: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SET LOCAL search_path = {blueprint.quote(schema)}, public;\n"
            f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}';\n"
            # Safe to lose on a crash: the schema's state and its record go together, and
            # a re-run migrates whatever was lost. Saves a disk flush per schema.
            "SET LOCAL synchronous_commit = off;\n"
            f"{script}{SEPARATOR}{states.upsert_sql(group_id, target)}"
        )


def _reason(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
